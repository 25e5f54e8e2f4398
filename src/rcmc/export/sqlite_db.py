"""SQLite export: typed columns, primary and foreign keys, FK indexes, and a citations join table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rcmc.package import Package, Resource
from rcmc.records import current_rows
from rcmc.schema import cell_value

SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "string": "TEXT"}
CITATIONS_DDL = """CREATE TABLE citations (
  table_name TEXT NOT NULL,
  row_id TEXT NOT NULL,
  source_id TEXT NOT NULL REFERENCES sources(source_id),
  PRIMARY KEY (table_name, row_id, source_id)
)"""


def write(package: Package, frames: dict, out: Path) -> list[Path]:
    """Write `out/<name>.sqlite` from scratch."""
    path = out / f"{package.descriptor.get('name', 'dataset')}.sqlite"
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        order = sorted(package.resources.values(), key=lambda r: bool(r.schema.get("foreignKeys")))
        for resource in order:
            connection.execute(create_table_sql(resource))
            for column in _foreign_key_columns(resource):
                connection.execute(f'CREATE INDEX "idx_{resource.name}_{column}" ON "{resource.name}" ("{column}")')
        connection.execute(CITATIONS_DDL)
        connection.execute("CREATE INDEX idx_citations_source_id ON citations (source_id)")
        for resource in [package.resource("sources"), *(r for r in order if r.name != "sources")]:
            _insert(connection, resource)
        connection.commit()
    finally:
        connection.close()
    return [path]


def create_table_sql(resource: Resource) -> str:
    """CREATE TABLE statement for a resource, from its Table Schema."""
    lines = []
    for field in resource.fields:
        sql_type = SQL_TYPES.get(field.get("type", "string"), "TEXT")
        required = " NOT NULL" if field.get("constraints", {}).get("required") else ""
        check = f' CHECK ("{field["name"]}" IN (0, 1))' if field.get("type") == "boolean" else ""
        lines.append(f'  "{field["name"]}" {sql_type}{required}{check}')
    for field in resource.fields:  # a year column per partial date, for faceting and grouping
        if field["name"].endswith("_date"):
            name = field["name"][: -len("_date")] + "_year"
            lines.append(f'  "{name}" INTEGER GENERATED ALWAYS AS (CAST(substr("{field["name"]}", 1, 4) AS INTEGER)) VIRTUAL')
    lines.append(f'  PRIMARY KEY ("{resource.primary_key}")')
    for key in resource.schema.get("foreignKeys", []):
        fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
        ref = key["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        lines.append(f'  FOREIGN KEY ("{fields[0]}") REFERENCES "{ref["resource"]}" ("{ref_fields[0]}")')
    return f'CREATE TABLE "{resource.name}" (\n' + ",\n".join(lines) + "\n)"


def _foreign_key_columns(resource: Resource) -> list[str]:
    return [(k["fields"] if isinstance(k["fields"], list) else [k["fields"]])[0] for k in resource.schema.get("foreignKeys", [])]


def _insert(connection: sqlite3.Connection, resource: Resource) -> None:
    names = resource.field_names
    placeholders = ", ".join("?" for _ in names)
    columns = ", ".join(f'"{n}"' for n in names)
    rows = current_rows(resource)
    connection.executemany(
        f'INSERT INTO "{resource.name}" ({columns}) VALUES ({placeholders})',
        [[cell_value(resource.field(n), row[n]) for n in names] for row in rows],
    )
    if "source_ids" in names:
        connection.executemany(
            "INSERT INTO citations VALUES (?, ?, ?)",
            [
                (resource.name, row[resource.primary_key], source)
                for row in rows
                for source in row["source_ids"].split(";")
                if source
            ],
        )
