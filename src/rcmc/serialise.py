"""Rows as typed JSON records and canonical CSV text: the one serialiser behind `rcmc export` and `rcmc list`.

JSON: integers and numbers as numbers, booleans as booleans, empty cells as null,
`;`-lists as arrays. CSV: the canonical text of the package's own files (empty
cells bare, lists `;`-joined), so a listing reads back like a table of the package.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from rcmc.package import Resource
from rcmc.schema import cell_value
from rcmc.writer import render_table

Row = dict[str, str]


def typed_record(resource: Resource, row: Row) -> dict:
    """One row as a JSON-ready dict of typed values, in schema column order."""
    return {
        name: column.items(row[name]) if column.is_list else cell_value(column.descriptor, row[name])
        for name, column in resource.columns.items()
    }


def to_json(resource: Resource, rows: Iterable[Row]) -> str:
    """An array of typed records, one per row, as UTF-8 JSON text ending in a newline."""
    return json.dumps([typed_record(resource, row) for row in rows], ensure_ascii=False, indent=1) + "\n"


def to_csv(resource: Resource, rows: Iterable[Row]) -> str:
    """The rows as canonical CSV text, header first, sorted by primary key (as the package stores them)."""
    return render_table(resource, rows)
