"""Print data coverage: exercises per year and series, and equipment rows missing key figures.

Usage: python scripts/coverage.py [--package PATH]
"""

from __future__ import annotations

import argparse

import polars as pl

import rcmc


def coverage_tables(path: str | None = None) -> dict[str, pl.DataFrame]:
    """Coverage tables of the package at `path`: per year, per series, and gaps in equipment."""
    exercises = rcmc.load("exercises", path=path)
    equipment = rcmc.load("equipment", path=path)
    per_year = (
        exercises.group_by(pl.col("start_date").dt.year().alias("year"), "kind")
        .len()
        .pivot(on="kind", index="year", values="len")
        .fill_null(0)
        .sort("year")
    )
    per_series = exercises.group_by("series").len().sort(["len", "series"], descending=[True, False])
    gaps = equipment.filter(pl.col("quantity_ordered").is_null() | pl.col("order_year").is_null()).select(
        "item_id", "quantity_ordered", "order_year"
    )
    day_share = exercises.select((pl.col("start_date_precision") == "day").mean().alias("day_precision_share"))
    return {
        "exercises per year": per_year,
        "exercises per series": per_series,
        "equipment missing quantity or order year": gaps,
        "start dates with day precision": day_share,
    }


def main() -> None:
    """Print every coverage table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", default=None)
    args = parser.parse_args()
    with pl.Config(tbl_rows=100):
        for title, table in coverage_tables(args.package).items():
            print(f"\n{title}\n{table}")


if __name__ == "__main__":
    main()
