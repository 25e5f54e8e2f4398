"""Headline counts of a package: rows per table, years covered, rows by confidence and kind."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import polars as pl

from rcmc.claims import CLAIMS
from rcmc.loader import package_frames
from rcmc.package import Resource, open_package


@dataclass
class TableSummary:
    """Counts for one table."""

    rows: int
    first_year: int | None
    last_year: int | None
    by_confidence: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    kind_column: str | None = None


@dataclass
class Summary:
    """Counts for the whole package."""

    name: str
    version: str
    tables: dict[str, TableSummary]
    contested: dict[str, int] = field(default_factory=dict)

    def to_text(self) -> str:
        """A few human lines."""
        lines = [f"{self.name} {self.version}"]
        for name, table in self.tables.items():
            years = f"{table.first_year}-{table.last_year}" if table.first_year else "no dates"
            lines.append(f"  {name:<11} {table.rows:>5} rows  {years}")
            if table.by_confidence:
                lines.append("      confidence: " + ", ".join(f"{k} {v}" for k, v in table.by_confidence.items()))
            if table.by_kind:
                lines.append(f"      {table.kind_column}: " + ", ".join(f"{k} {v}" for k, v in table.by_kind.items()))
        if self.contested:
            lines.append("  contested cells: " + ", ".join(f"{k} {v}" for k, v in self.contested.items()))
        return "\n".join(lines)


def summarize(path: str | os.PathLike | None = None) -> Summary:
    """Summarise the package at `path`."""
    package = open_package(path)
    frames = package_frames(package)
    tables = {name: _table_summary(package.resource(name), frame) for name, frame in frames.items()}
    return Summary(
        name=str(package.descriptor.get("name", "")), version=package.version, tables=tables, contested=_contested(frames)
    )


def _contested(frames: dict[str, pl.DataFrame]) -> dict[str, int]:
    """Contested cells (distinct row and column with claims) per table."""
    claims = frames.get(CLAIMS)
    if claims is None or claims.is_empty():
        return {}
    counts = claims.group_by("table").agg(pl.struct("row_id", "column").n_unique().alias("cells")).sort("table")
    return dict(counts.iter_rows())


def _table_summary(resource: Resource, frame: pl.DataFrame) -> TableSummary:
    years = _years(frame, resource.year_column)
    facets = [f for f in resource.facets if f != "confidence"]
    return TableSummary(
        rows=frame.height,
        first_year=years[0],
        last_year=years[1],
        by_confidence=_counts(frame, "confidence"),
        by_kind=_counts(frame, facets[0]) if facets else {},
        kind_column=facets[0] if facets else None,
    )


def _years(frame: pl.DataFrame, column: str | None) -> tuple[int | None, int | None]:
    if column is None or column not in frame.columns or frame.height == 0:
        return None, None
    col = pl.col(column)
    year = col if frame.schema[column].is_integer() else col.dt.year()
    low, high = frame.select(year.min().alias("low"), year.max().alias("high")).row(0)
    return low, high


def _counts(frame: pl.DataFrame, column: str) -> dict[str, int]:
    if column not in frame.columns:
        return {}
    counts = frame.group_by(pl.col(column).cast(pl.Utf8)).len().sort(column)
    return {str(k): v for k, v in counts.iter_rows()}
