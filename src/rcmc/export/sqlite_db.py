"""SQLite export: typed columns, primary and foreign keys, FK indexes, a citations join table, and a bridge table per list column.

A list column that is not a reference (`exercises.participants`, `agreements.parties`) gets a
table `<table>_<column>` with the row's key and one `value` per item, so SQL can join on an item:
`SELECT name FROM exercises JOIN exercises_participants USING (exercise_id) WHERE value = 'IND'`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rcmc.package import Package, Resource
from rcmc.rows import current_rows
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
        order = sorted(package.resources.values(), key=lambda r: any(not ref.many for ref in r.references))
        for resource in order:
            connection.execute(create_table_sql(resource))
            for column in _foreign_key_columns(resource):
                connection.execute(f'CREATE INDEX "idx_{resource.name}_{column}" ON "{resource.name}" ("{column}")')
        connection.execute(CITATIONS_DDL)
        connection.execute("CREATE INDEX idx_citations_source_id ON citations (source_id)")
        for resource in order:
            for column in bridged_columns(resource):
                connection.execute(bridge_table_sql(resource, column))
                name = bridge_table(resource, column)
                connection.execute(f'CREATE INDEX "idx_{name}_value" ON "{name}" ("value")')
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
    for column in resource.date_columns:  # a year column per partial date, for faceting and grouping
        lines.append(f'  "{year_column(column)}" INTEGER GENERATED ALWAYS AS (CAST(substr("{column}", 1, 4) AS INTEGER)) VIRTUAL')
    lines.append(f'  PRIMARY KEY ("{resource.primary_key}")')
    for ref in (r for r in resource.references if not r.many):
        lines.append(f'  FOREIGN KEY ("{ref.column}") REFERENCES "{ref.resource}" ("{ref.field}")')
    return f'CREATE TABLE "{resource.name}" (\n' + ",\n".join(lines) + "\n)"


def bridged_columns(resource: Resource) -> list[str]:
    """List columns that get a bridge table: every list column except list-valued references (those are citations)."""
    references = {ref.column for ref in resource.references if ref.many}
    return [name for name in resource.list_columns if name not in references]


def bridge_table(resource: Resource, column: str) -> str:
    """The name of the bridge table of a list column: `exercises_participants`."""
    return f"{resource.name}_{column}"


def bridge_table_sql(resource: Resource, column: str) -> str:
    """CREATE TABLE statement of a list column's bridge table: the row's key and one item per row."""
    key = resource.primary_key
    return (
        f'CREATE TABLE "{bridge_table(resource, column)}" (\n'
        f'  "{key}" TEXT NOT NULL REFERENCES "{resource.name}" ("{key}"),\n'
        f'  "value" TEXT NOT NULL,\n'
        f'  PRIMARY KEY ("{key}", "value")\n)'
    )


def year_column(date_column: str) -> str:
    """The name of the generated year column of a partial-date column: `start_date` -> `start_year`."""
    return date_column.removesuffix("_date") + "_year"


def _foreign_key_columns(resource: Resource) -> list[str]:
    return [ref.column for ref in resource.references if not ref.many]


def _insert(connection: sqlite3.Connection, resource: Resource) -> None:
    names = resource.field_names
    placeholders = ", ".join("?" for _ in names)
    columns = ", ".join(f'"{n}"' for n in names)
    rows = current_rows(resource)
    connection.executemany(
        f'INSERT INTO "{resource.name}" ({columns}) VALUES ({placeholders})',
        [[cell_value(resource.field(n), row[n]) for n in names] for row in rows],
    )
    for column in bridged_columns(resource):
        connection.executemany(
            f'INSERT INTO "{bridge_table(resource, column)}" VALUES (?, ?)',
            [(row[resource.primary_key], item) for row in rows for item in resource.column(column).items(row[column])],
        )
    for ref in (r for r in resource.references if r.many):  # list-valued references become join rows
        connection.executemany(
            "INSERT INTO citations VALUES (?, ?, ?)",
            [
                (resource.name, row[resource.primary_key], item)
                for row in rows
                for item in resource.column(ref.column).items(row[ref.column])
            ],
        )
