"""A static, self-contained website of the package: works from file:// and any static host."""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from rcmc.claims import CLAIMS
from rcmc.package import Package, Resource, open_package
from rcmc.rows import current_rows

ASSETS = Path(__file__).parent / "site_assets"
YEAR_INPUT = 'type="number" inputmode="numeric" min="1000" max="9999" size="5"'


def esc(value: object) -> str:
    """HTML-escaped text of any value."""
    return html.escape("" if value is None else str(value), quote=True)


def link(url: str, text: str) -> str:
    """An <a> for http(s) URLs only; anything else (javascript:, data:, file:) is shown as plain text."""
    if url.startswith(("https://", "http://")):
        return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text)}</a>'
    return esc(text)


def page(title: str, body: str, depth: int, tables: Sequence[str] = ()) -> str:
    """A whole HTML page; `depth` is how many folders below the site root it lives; `tables` go in the menu."""
    up = "../" * depth
    links = "".join(f'<a href="{up}tables/{esc(name)}.html">{esc(name.capitalize())}</a>' for name in tables)
    nav = f'<nav><a href="{up}index.html">Home</a>{links}<a href="{up}codebook.html">Codebook</a></nav>'

    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{esc(title)}</title><link rel="stylesheet" href="{up}assets/site.css"></head>\n'
        f"<body>{nav}\n<h1>{esc(title)}</h1>\n{body}\n</body></html>\n"
    )


def _row_href(table: str, row_id: str, depth: int) -> str:
    return f"{'../' * depth}rows/{table}/{esc(row_id)}.html"


def table_page(resource: Resource, rows: list[dict[str, str]], tables: Sequence[str] = ()) -> str:
    """A searchable, sortable, filterable table of every row, showing the schema's display columns.

    Search looks at every column of a row (kept in `data-search`), not only those shown; a
    year range filters on the table's year column; the active filters are kept in the
    URL's fragment (`#q=qingdao&kind=exercise&since=2019`), so a filtered view can be shared.
    """
    names = resource.display_columns
    filters = []
    for index, name in enumerate(names):
        allowed = resource.column(name).constraints.get("enum")
        if allowed:
            options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in allowed)
            filters.append(
                f'<label>{esc(name)} <select data-column="{index}" data-name="{esc(name)}">'
                f'<option value="">all</option>{options}</select></label>'
            )
    year = resource.year_column
    if year:
        filters.append(
            f'<label title="by {esc(year)}">year from <input id="since" {YEAR_INPUT}></label>'
            f'<label>to <input id="until" {YEAR_INPUT}></label>'
        )
    head = "".join(f'<th scope="col">{esc(n)}</th>' for n in names)
    body = []
    for row in rows:
        key = row[resource.primary_key]
        cells = [f'<td><a href="{_row_href(resource.name, key, 1)}">{esc(key)}</a></td>']
        cells += [f"<td>{esc(', '.join(resource.column(n).items(row[n])))}</td>" for n in names[1:]]
        searched = " ".join(value for value in row.values() if value).lower()
        year_attr = f' data-year="{esc(row[year][:4])}"' if year else ""
        body.append(f'<tr data-search="{esc(searched)}"{year_attr}>{"".join(cells)}</tr>')
    controls = (
        f'<div class="controls"><label>Search <input id="search" type="search" autocomplete="off"></label>'
        f'{"".join(filters)}<span><span id="count">{len(rows)}</span> of {len(rows)} rows</span></div>'
    )
    table = f'<table id="rows"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    return page(resource.name.capitalize(), controls + table + '\n<script src="../assets/table.js"></script>', 1, tables)


def row_page(
    resource: Resource,
    row: dict[str, str],
    cited: dict[str, list[dict[str, str]]],
    referring: dict,
    tables: Sequence[str] = (),
    contested: dict[str, list[dict[str, str]]] | None = None,
) -> str:
    """Every field of one row with its meaning, links to the rows it refers to, its sources, and the rows citing it."""
    targets = {ref.column: ref.resource for ref in resource.references}
    lines = []
    for column in resource.columns.values():
        value = row[column.name]
        if column.name in targets:
            shown = ", ".join(
                f'<a href="{_row_href(targets[column.name], item, 2)}">{esc(item)}</a>' for item in column.items(value)
            )
        elif value.startswith(("https://", "http://")):
            shown = link(value, value)
        else:
            shown = esc(value)
        lines.append(
            f'<tr><th scope="row">{esc(column.name)}</th><td>{shown}'
            f'<div class="meaning">{esc(column.descriptor.get("description", ""))}</div></td></tr>'
        )
    parts = [f"<table>{''.join(lines)}</table>"]
    if cited.get("sources"):
        items = "".join(
            f"<li>{link(s['url'], s['title'])} ({esc(s['publisher'])}, {esc(s['published_date'] or 'undated')}) "
            f'<a href="{_row_href("sources", s["source_id"], 2)}">record</a></li>'
            for s in cited["sources"]
        )
        parts.append(f"<h2>Sources</h2><ul>{items}</ul>")
    if contested:
        parts.append(_disagreement(contested, {s["source_id"]: s for s in cited.get("sources", [])}))
    for table, (other, rows) in referring.items():
        items = "".join(
            f'<li><a href="{_row_href(table, r[other.primary_key], 2)}">{esc(r[other.primary_key])}</a>: '
            f"{esc(', '.join(r[c] for c in other.display_columns[1:] if r[c]))}</li>"
            for r in rows
        )
        parts.append(f"<h2>Cited by {esc(table)}</h2><ul>{items}</ul>")
    return page(f"{resource.name}: {row[resource.primary_key]}", "\n".join(parts), 2, tables)


def _source_link(sources: dict[str, dict[str, str]], source_id: str) -> str:
    """A link to the page a source was read at, or to its record when the row does not cite it itself."""
    if source_id in sources:
        return link(sources[source_id]["url"], sources[source_id]["title"])
    return f'<a href="{_row_href("sources", source_id, 2)}">{esc(source_id)}</a>'


def _disagreement(contested: dict[str, list[dict[str, str]]], sources: dict[str, dict[str, str]]) -> str:
    """The "sources disagree" section: each contested column, every value and the sources giving it."""
    items = []
    for column, claims in contested.items():
        values = []
        for claim in claims:
            cited = ", ".join(_source_link(sources, i) for i in claim["source_ids"].split(";"))
            mark = " <strong>(in the row)</strong>" if claim["accepted"] == "true" else ""
            note = f" ({esc(claim['note'])})" if claim["note"] else ""
            values.append(f"<li><code>{esc(claim['value'])}</code>{mark}{note}: {cited}</li>")
        items.append(f"<li><strong>{esc(column)}</strong><ul>{''.join(values)}</ul></li>")
    return f"<h2>Sources disagree</h2><ul>{''.join(items)}</ul>"


def home_page(package: Package, counts: dict[str, int], downloads: list[Path], out: Path, charts: list[Path]) -> str:
    """What the dataset is, how to cite it, headline counts, charts, and every download with its size and SHA-256."""
    from rcmc.citation import citation_html
    from rcmc.export.bundle import CONTENTS, sha256

    d = package.descriptor
    count_items = "".join(f'<li><a href="tables/{name}.html">{esc(name)}</a>: {n} rows</li>' for name, n in counts.items())
    chart_items = "".join(
        f'<img src="{esc(c.relative_to(out).as_posix())}" alt="{esc(c.stem.replace("-", " "))}">' for c in charts
    )
    root = out / "downloads"
    groups: dict[str, list[Path]] = {}
    for path in sorted(downloads, key=lambda p: (len(p.relative_to(root).parts) > 1, p.relative_to(root).as_posix())):
        groups.setdefault(path.relative_to(root).parts[0] if len(path.relative_to(root).parts) > 1 else "", []).append(path)
    rows = []
    for group, paths in groups.items():
        if group:
            about = CONTENTS.get(group, "").replace("`", "")
            rows.append(f'<tr><th colspan="3" scope="rowgroup">{esc(group)}/: {esc(about)}</th></tr>')
        for p in paths:
            relative = p.relative_to(out).as_posix()
            rows.append(
                f'<tr><td><a href="{esc(relative)}">{esc(p.relative_to(root).as_posix())}</a></td>'
                f"<td>{p.stat().st_size:,}</td><td><code>{sha256(p)}</code></td></tr>"
            )
    body = (
        f"<p>{esc(d.get('description', ''))}</p><p>Version {esc(package.version)}. Data licensed CC BY 4.0.</p>"
        f'<h2>How to cite</h2><p id="citation">{citation_html(package)}</p>'
        f'<ul>{count_items}</ul><div class="charts">{chart_items}</div>'
        f'<h2>Downloads</h2><table id="downloads"><thead><tr><th>file</th><th>bytes</th><th>SHA-256</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return page(d.get("title", d.get("name", "")), body, 0, list(package.resources))


def build_site(out: str | os.PathLike, path: str | os.PathLike | None = None) -> Path:
    """Write the whole site into `out` and return the home page.

    `out` must be new, empty, or an earlier site: a rebuild replaces only the files
    the previous build wrote (see `rcmc.outdir`); anything else refuses before a write.
    """
    from rcmc.charts import chart_library
    from rcmc.outdir import building

    chart_library()  # the charts extra is needed: say so before any folder is touched
    package = open_package(path)
    target = Path(out)
    with building(target, "site") as staging:
        _write_site(package, staging)
    return target / "index.html"


def _write_site(package: Package, target: Path) -> None:
    """Every page, chart, asset and download of the site, written into the (new) folder `target`."""
    from rcmc.charts import CHARTS, write_chart
    from rcmc.codebook import markdown_body, render_codebook
    from rcmc.export import export_package

    shutil.copytree(ASSETS, target / "assets")
    downloads = export_package(["all"], target / "downloads", package.root)
    charts = [write_chart(name, target / "charts" / f"{name}.svg", package.root) for name in CHARTS]
    rows = {name: current_rows(resource) for name, resource in package.resources.items()}
    links = _Links(package, rows)
    menu = list(package.resources)
    claims: dict[tuple[str, str], dict[str, list[dict[str, str]]]] = {}
    for claim in rows.get(CLAIMS, []):
        claims.setdefault((claim["table"], claim["row_id"]), {}).setdefault(claim["column"], []).append(claim)
    for name, resource in package.resources.items():
        _write(target / "tables" / f"{name}.html", table_page(resource, rows[name], menu))
        for row in rows[name]:
            key = row[resource.primary_key]
            page_html = row_page(
                resource, row, links.cited(resource, row), links.referring(name, row), menu, claims.get((name, key), {})
            )
            _write(target / "rows" / name / f"{row[resource.primary_key]}.html", page_html)
    _write(target / "codebook.html", page("Codebook", markdown_body(render_codebook(package)), 0, menu))
    _write(target / "index.html", home_page(package, {n: len(r) for n, r in rows.items()}, downloads, target, charts))


class _Links:
    """References between rows, indexed once for the whole site (a page per row would otherwise re-read tables)."""

    def __init__(self, package: Package, rows: dict[str, list[dict[str, str]]]) -> None:
        self.package = package
        self.by_key = {
            name: {r[resource.primary_key]: r for r in rows[name]} for name, resource in package.resources.items()
        }
        self.citing: dict[tuple[str, str], dict[str, list[dict[str, str]]]] = {}
        for name, resource in package.resources.items():
            for ref in resource.references:
                if ref.resource == name:
                    continue
                for row in rows[name]:
                    for item in resource.column(ref.column).items(row[ref.column]):
                        self.citing.setdefault((ref.resource, item), {}).setdefault(name, []).append(row)

    def cited(self, resource: Resource, row: dict[str, str]) -> dict[str, list[dict[str, str]]]:
        """The rows `row` refers to, by table."""
        found: dict[str, list[dict[str, str]]] = {}
        for ref in resource.references:
            targets = self.by_key.get(ref.resource, {})
            items = resource.column(ref.column).items(row[ref.column])
            found.setdefault(ref.resource, []).extend(targets[i] for i in items if i in targets)
        return found

    def referring(self, table: str, row: dict[str, str]) -> dict[str, tuple[Resource, list[dict[str, str]]]]:
        """The rows of other tables citing `row`, by table, with their resource."""
        key = row[self.package.resource(table).primary_key]
        found = self.citing.get((table, key), {})
        return {name: (self.package.resource(name), rows) for name, rows in found.items()}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
