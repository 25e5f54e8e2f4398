// Search, filter and sort the table on this page. Plain JavaScript, no network access.
// The active filters live in the URL fragment (#q=...&kind=...&since=...&until=...), so a view can be shared.
(function () {
  "use strict";
  var table = document.getElementById("rows");
  var search = document.getElementById("search");
  var since = document.getElementById("since");
  var until = document.getElementById("until");
  var count = document.getElementById("count");
  var filters = Array.prototype.slice.call(document.querySelectorAll("select[data-column]"));
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);

  function year(input) {
    var value = input ? input.value.trim() : "";
    return /^\d{4}$/.test(value) ? Number(value) : null;
  }

  function fragment() {
    var parts = [];
    function add(name, value) { if (value) { parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value)); } }
    add("q", search.value.trim());
    filters.forEach(function (select) { add(select.dataset.name, select.value); });
    if (since) { add("since", since.value.trim()); }
    if (until) { add("until", until.value.trim()); }
    return parts.join("&");
  }

  function remember() {
    var hash = fragment();
    var url = location.href.split("#")[0] + (hash ? "#" + hash : "");
    try { history.replaceState(null, "", url); } catch (error) { location.hash = hash; }
  }

  function restore() {
    var values = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var pair = part.split("=");
      if (pair[0]) { values[decodeURIComponent(pair[0])] = decodeURIComponent((pair[1] || "").replace(/\+/g, " ")); }
    });
    search.value = values.q || "";
    filters.forEach(function (select) { select.value = values[select.dataset.name] || ""; });
    if (since) { since.value = values.since || ""; }
    if (until) { until.value = values.until || ""; }
  }

  function apply() {
    var query = search.value.trim().toLowerCase();
    var low = year(since), high = year(until);
    var shown = 0;
    rows.forEach(function (row) {
      var text = (row.dataset.search || row.textContent).toLowerCase();
      var visible = !query || text.indexOf(query) !== -1;
      filters.forEach(function (select) {
        if (select.value && row.cells[Number(select.dataset.column)].textContent !== select.value) { visible = false; }
      });
      if (low !== null || high !== null) {
        var rowYear = /^\d{4}$/.test(row.dataset.year || "") ? Number(row.dataset.year) : null;
        if (rowYear === null || (low !== null && rowYear < low) || (high !== null && rowYear > high)) { visible = false; }
      }
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    count.textContent = String(shown);
  }

  function changed() { apply(); remember(); }

  function sortBy(header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = a.cells[index].textContent, y = b.cells[index].textContent;
      var nx = Number(x), ny = Number(y);
      var order = (x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  search.addEventListener("input", changed);
  filters.forEach(function (select) { select.addEventListener("change", changed); });
  [since, until].forEach(function (input) { if (input) { input.addEventListener("input", changed); } });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
    header.addEventListener("click", function () { sortBy(header, index); });
  });
  window.addEventListener("hashchange", function () { restore(); apply(); });
  restore();
  apply();
}());
