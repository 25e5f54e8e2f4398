"""Find rows by ID and list rows with simple filters, with the rows they cite and the rows citing them."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from rcmc.claims import CLAIMS, row_claims
from rcmc.errors import UsageError
from rcmc.package import Resource, open_package
from rcmc.rows import cited_rows, current_rows, find_row, referring_rows
from rcmc.serialise import to_csv, to_json


@dataclass
class RowView:
    """One row with its table, the rows it cites (its sources, an equipment item's agreement) and the rows citing it."""

    table: str
    row: dict[str, str]
    cited: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    referring: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    labels: dict[str, str] = field(default_factory=dict)
    contested: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def sources(self) -> list[dict[str, str]]:
        """The sources the row cites."""
        return self.cited.get("sources", [])

    def to_dict(self) -> dict:
        """The view as plain data, for JSON."""
        names = ("table", "row", "cited", "referring", "contested")
        return {name: getattr(self, name) for name in names}

    def to_text(self) -> str:
        """The row column by column, then the rows it cites and the rows citing it, one line each."""
        width = max(len(column) for column in self.row)
        lines = [f"{self.table} {next(iter(self.row.values()))}"]
        lines += [f"  {column:<{width}}  {value}" for column, value in self.row.items()]
        for column, claims in self.contested.items():
            lines.append(f"  contested {column}: " + "; ".join(_claim_text(claim) for claim in claims))
        for heading, groups in (("cites", self.cited), ("cited by", self.referring)):
            for table, rows in groups.items():
                lines += [f"  {heading} {table} {self.labels[f'{table}/{_key(row)}']}" for row in rows]
        return "\n".join(lines)


def _claim_text(claim: dict[str, str]) -> str:
    """`value (accepted: sources: note)`: one source's value for a contested cell."""
    accepted = "accepted: " if claim["accepted"] == "true" else ""
    note = f": {claim['note']}" if claim["note"] else ""
    return f"{claim['value']} ({accepted}{claim['source_ids']}{note})"


def _key(row: dict[str, str]) -> str:
    return next(iter(row.values()))


def _label(resource: Resource, row: dict[str, str]) -> str:
    """`ID: the row's other display columns` (with a source's URL), for one line of `rcmc show`."""
    shown = [row[c] for c in resource.display_columns if c != resource.primary_key and row.get(c)]
    links = [row[c] for c in resource.field_names if row[c].startswith(("https://", "http://"))]
    return f"{row[resource.primary_key]}: {', '.join(shown + links)}"


def show_row(row_id: str, path: str | os.PathLike | None = None) -> RowView:
    """The row whose primary key is `row_id`, in whichever table holds it, with its references resolved."""
    package = open_package(path)
    table, row = find_row(package, row_id)
    view = RowView(table, row, cited_rows(package, package.resource(table), row), referring_rows(package, table, row))
    view.contested = row_claims(package, table, row_id)
    view.referring.pop(CLAIMS, None)  # claims are shown per contested column instead
    for group in (view.cited, view.referring):
        for name, rows in group.items():
            view.labels.update({f"{name}/{_key(r)}": _label(package.resource(name), r) for r in rows})
    return view


TEXT_CELL_WIDTH = 40


@dataclass
class Listing:
    """Rows of one table (as canonical text cells) after the filters of `rcmc list`."""

    resource: Resource
    rows: list[dict[str, str]]

    def to_json(self) -> str:
        """Typed records, as `rcmc export --format json` writes them."""
        return to_json(self.resource, self.rows)

    def to_csv(self) -> str:
        """Canonical CSV, as the package and `rcmc export --format csv` store it."""
        return to_csv(self.resource, self.rows)

    def to_text(self, width: int = TEXT_CELL_WIDTH) -> str:
        """The table's display columns (schema `displayFields`) aligned in plain text, long cells shortened."""
        names = self.resource.display_columns
        columns = [self.resource.column(n) for n in names]
        cells = [[_shorten(", ".join(c.items(row[c.name])), width) for c in columns] for row in self.rows]
        widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(names)]
        lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
        lines.append(f"{len(self.rows)} row{'' if len(self.rows) == 1 else 's'}")
        return "\n".join(lines)



def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def list_rows(
    table: str,
    where: dict[str, str] | None = None,
    year: int | None = None,
    path: str | os.PathLike | None = None,
    since: int | None = None,
    until: int | None = None,
) -> Listing:
    """Rows of `table` matching every `column=value` of `where` and the year range.

    A list column matches when the value is one of its items (`participants=IND`);
    a value of a column with allowed values must be one of them (UsageError, with
    the closest allowed value, if not); other columns match exactly. `year` keeps
    rows of that year; `since` and `until` keep rows from/to a year, inclusive,
    by the table's year column (schema `yearField`). A row of unknown year is kept
    only when no year is asked for.
    """
    package = open_package(path)
    resource = package.resource(table)
    tests = [_where_test(resource, column, value) for column, value in (where or {}).items()]
    low, high = _year_range(year, since, until)
    if (low, high) != (None, None) and resource.year_column is None:
        raise UsageError(f"{table} has no year column")
    rows = []
    for row in current_rows(resource):
        if not all(test(row) for test in tests):
            continue
        if (low, high) != (None, None) and not _in_range(row[resource.year_column][:4], low, high):
            continue
        rows.append(row)
    return Listing(resource, rows)


def _year_range(year: int | None, since: int | None, until: int | None) -> tuple[int | None, int | None]:
    if year is not None and (since is not None or until is not None):
        raise UsageError("--year cannot be used with --since or --until")
    if year is not None:
        return year, year
    if since is not None and until is not None and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    return since, until


def _in_range(text: str, low: int | None, high: int | None) -> bool:
    if not text.isdigit():
        return False
    return (low is None or int(text) >= low) and (high is None or int(text) <= high)


def _where_test(resource: Resource, name: str, value: str) -> Callable[[dict[str, str]], bool]:
    """A test of one `--where column=value` on a row of text cells; UsageError for an unknown column or value."""
    if name not in resource.columns:
        close = difflib.get_close_matches(name, resource.field_names, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise UsageError(f"{resource.name} has no column {name!r}{hint}")
    column = resource.column(name)
    allowed = column.constraints.get("enum")
    if allowed is not None and value not in allowed:
        close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else f"allowed values are {', '.join(allowed)}"
        raise UsageError(f"unknown {resource.name}.{name} value {value}: {hint}")
    if column.is_list:
        return lambda row: value in column.items(row[name])
    return lambda row: row[name] == value
