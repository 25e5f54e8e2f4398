"""Find rows by ID and list rows with simple filters, with the rows they cite and the rows citing them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import polars as pl

from rcmc.claims import CLAIMS, row_claims
from rcmc.errors import UsageError
from rcmc.package import Resource, open_package
from rcmc.rows import cited_rows, current_rows, find_row, referring_rows


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


def list_rows(
    table: str, where: dict[str, str] | None = None, year: int | None = None, path: str | os.PathLike | None = None
) -> pl.DataFrame:
    """Rows of `table` as text cells, filtered by exact `column=value` matches and by year."""
    package = open_package(path)
    resource = package.resource(table)
    frame = pl.DataFrame(current_rows(resource), schema={name: pl.Utf8 for name in resource.field_names})
    for column, value in (where or {}).items():
        if column not in resource.field_names:
            raise UsageError(f"{table} has no column {column!r}")
        frame = frame.filter(pl.col(column) == value)
    if year is not None:
        if resource.year_column is None:
            raise UsageError(f"{table} has no year column")
        frame = frame.filter(pl.col(resource.year_column).str.slice(0, 4) == str(year))
    return frame
