"""Find rows by ID and list rows with simple filters, with their sources resolved."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import polars as pl

from rcmc.csvfile import LINE_COLUMN
from rcmc.errors import UnknownRow, UsageError
from rcmc.package import Package, open_package
from rcmc.records import current_rows
from rcmc.summary import YEAR_COLUMNS


@dataclass
class RowView:
    """One row with its table, its cited sources and, for an agreement, its equipment lines."""

    table: str
    row: dict[str, str]
    sources: list[dict[str, str]] = field(default_factory=list)
    equipment: list[dict[str, str]] = field(default_factory=list)


def find_row(row_id: str, path: str | os.PathLike | None = None) -> RowView:
    """The row whose primary key is `row_id`, in whichever table holds it."""
    package = open_package(path)
    for name, resource in package.resources.items():
        for row in current_rows(resource):
            if row[resource.primary_key] == row_id:
                return _view(package, name, row)
    raise UnknownRow(f"no row with ID {row_id!r} in any table")


def _view(package: Package, table: str, row: dict[str, str]) -> RowView:
    sources = {s["source_id"]: s for s in current_rows(package.resource("sources"))}
    cited = [sources[i] for i in (row.get("source_ids") or "").split(";") if i in sources]
    equipment = []
    if table == "agreements":
        equipment = [r for r in current_rows(package.resource("equipment")) if r["agreement_id"] == row["agreement_id"]]
    return RowView(table=table, row=row, sources=cited, equipment=equipment)


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
        frame = frame.filter(_year_matches(table, year))
    return frame.drop(LINE_COLUMN, strict=False)


def _year_matches(table: str, year: int) -> pl.Expr:
    column = YEAR_COLUMNS.get(table)
    if column is None:
        raise UsageError(f"{table} has no year column")
    return pl.col(column).str.slice(0, 4) == str(year)
