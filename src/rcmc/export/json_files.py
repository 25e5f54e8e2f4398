"""JSON export: one file per table, an array of records with ISO dates and lists as arrays."""

from __future__ import annotations

import json
from pathlib import Path

from rcmc.package import Package
from rcmc.records import current_rows
from rcmc.rules import LIST_COLUMNS
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


def _record(resource, row: dict[str, str]) -> dict:
    lists = LIST_COLUMNS.get(resource.name, [])
    return {
        field["name"]: (row[field["name"]].split(";") if row[field["name"]] else [])
        if field["name"] in lists
        else cell_value(field, row[field["name"]])
        for field in resource.fields
    }
