"""JSON export: one file per table, an array of records with ISO dates and lists as arrays."""

from __future__ import annotations

import json
from pathlib import Path

from rcmc.package import Package
from rcmc.records import current_rows
from rcmc.rules import LIST_COLUMNS


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
    record = {}
    for field in resource.fields:
        name, value = field["name"], row[field["name"]]
        kind = field.get("type", "string")
        if value == "":
            record[name] = [] if name in LIST_COLUMNS.get(resource.name, []) else None
        elif name in LIST_COLUMNS.get(resource.name, []):
            record[name] = value.split(";")
        elif kind == "integer":
            record[name] = int(value)
        elif kind == "boolean":
            record[name] = value == "true"
        else:
            record[name] = value
    return record
