"""JSON export: one file per table, an array of records with ISO dates and lists as arrays."""

from __future__ import annotations

import json
from pathlib import Path

from rcmc.package import Package, Resource
from rcmc.rows import current_rows
from rcmc.schema import cell_value


def write(package: Package, frames: dict, out: Path) -> list[Path]:
    """Write `out/json/<table>.json` for every table."""
    folder = out / "json"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, resource in package.resources.items():
        records = [_record(resource, row) for row in current_rows(resource)]
        path = folder / f"{name}.json"
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _record(resource: Resource, row: dict[str, str]) -> dict:
    return {
        name: column.items(row[name]) if column.is_list else cell_value(column.descriptor, row[name])
        for name, column in resource.columns.items()
    }
