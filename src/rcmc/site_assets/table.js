// Search, filter and sort the table on this page. Plain JavaScript, no network access.
(function () {
  "use strict";
  var table = document.getElementById("rows");
  var search = document.getElementById("search");
  var count = document.getElementById("count");
  var filters = Array.prototype.slice.call(document.querySelectorAll("select[data-column]"));
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);

  function apply() {
    var query = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var visible = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
      filters.forEach(function (select) {
        if (select.value && row.cells[Number(select.dataset.column)].textContent !== select.value) { visible = false; }
      });
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    count.textContent = String(shown);
  }

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

  search.addEventListener("input", apply);
  filters.forEach(function (select) { select.addEventListener("change", apply); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
    header.addEventListener("click", function () { sortBy(header, index); });
  });
  apply();
}());
