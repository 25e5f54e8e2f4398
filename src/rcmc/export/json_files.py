"""JSON export: one file per table, an array of records with ISO dates and lists as arrays."""

from __future__ import annotations

from pathlib import Path

from rcmc.package import Package
from rcmc.rows import current_rows
from rcmc.serialise import to_json


def write(package: Package, frames: dict, out: Path) -> list[Path]:
    """Write `out/json/<table>.json` for every table (see `rcmc.serialise.to_json`)."""
    folder = out / "json"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, resource in package.resources.items():
        path = folder / f"{name}.json"
        path.write_text(to_json(resource, current_rows(resource)), encoding="utf-8")
        written.append(path)
    return written
