"""Parquet export: one typed file per table (dates, enums, lists, integers, booleans)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from rcmc.package import Package


def write(package: Package, frames: dict[str, pl.DataFrame], out: Path) -> list[Path]:
    """Write `out/parquet/<table>.parquet`; enums are stored as strings for portability."""
    folder = out / "parquet"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        portable = frame.with_columns(pl.col(pl.Enum).cast(pl.Utf8))
        path = folder / f"{name}.parquet"
        portable.write_parquet(path)
        written.append(path)
    return written
