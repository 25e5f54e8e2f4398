"""Values as people type them, checked one at a time: shared by `rcmc add` (interactive or not) and `rcmc edit`.

- `normalise_entry` turns typed text into a canonical cell and says what it changed:
  list items trimmed around the delimiter, a comma read as the delimiter where the
  column's items cannot hold one, country codes upper-cased, repeats dropped.
- `find_duplicate` finds an existing row recording the same thing as a new one: the
  same values in the columns that identify a record (schema property `sameRecord`, else
  `idFrom`, the columns its ID is made from), text
  compared ignoring case and repeated spaces, dates by year (`2019-05` and
  `2019-04-29` are one year's event: a second edition in one year needs --allow-duplicate).
- `EntrySession` checks one answer of a new row against the whole package with the
  validator's own checks (types, constraints, dataset rules), for interactive `add`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rcmc.catalogue import hint as catalogue_hint
from rcmc.errors import UsageError
from rcmc.package import LIST_DELIMITER, Column, Package, Resource
from rcmc.problems import Problem
from rcmc.rows import Row, current_rows, rows_with_lines
from rcmc.writer import canonical_cell

ANY_CHARACTER = (".", "\\S", "\\W", "\\D", "[^")


def items_may_hold_comma(column: Column) -> bool:
    """Whether an item of the list column could contain a comma: unless its item pattern rules commas out."""
    pattern = column.item_pattern
    return pattern is None or "," in pattern or any(token in pattern for token in ANY_CHARACTER)


@dataclass(frozen=True)
class Entry:
    """One typed value: the text as given, its canonical cell, and a note when normalising changed more than order."""

    column: str
    raw: str
    value: str
    note: str | None = None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise_entry(resource: Resource, column: str, value: Any) -> Entry:
    """The canonical cell for `value` (text, or a JSON value) of `column`; UsageError for an unknown column."""
    if column not in resource.field_names:
        raise UsageError(f"{resource.name} has no column {column!r} (columns: {', '.join(resource.field_names)})")
    spec = resource.column(column)
    items = value if isinstance(value, (list, tuple)) else [value]
    raw = LIST_DELIMITER.join(_as_text(item) for item in items)
    cleaned = raw
    if spec.is_list and raw:
        cleaned = LIST_DELIMITER.join(_list_items(spec, raw))
    elif spec.country_code:
        cleaned = raw.strip().upper()
    cell = canonical_cell(resource, column, cleaned)
    note = f"{column}: read {raw!r} as {cell!r}" if cleaned != raw else None
    return Entry(column, raw, cell, note)


def _list_items(spec: Column, text: str) -> list[str]:
    delimiters = "[;,]" if not items_may_hold_comma(spec) else re.escape(LIST_DELIMITER)
    items = [item.strip() for item in re.split(delimiters, text)]
    items = [item.upper() if spec.country_code else item for item in items if item]
    return list(dict.fromkeys(items))


def normalise_row(resource: Resource, values: Mapping[str, Any]) -> tuple[dict[str, str], list[Entry]]:
    """A full row of canonical cells from a partial mapping of values, and the entry of each value given."""
    if not isinstance(values, Mapping):
        raise UsageError(f"a {resource.name} row must be a JSON object, not {type(values).__name__}")
    cells = {name: "" for name in resource.field_names}
    entries = []
    for column, value in values.items():
        entry = normalise_entry(resource, column, value)
        cells[column] = entry.value
        entries.append(entry)
    return cells, entries


def duplicate_key(resource: Resource, row: Mapping[str, str]) -> tuple[str, ...] | None:
    """What makes two rows record the same thing (see the module docstring); None when the row gives none of it."""
    parts = []
    for name in resource.duplicate_columns:
        value = row.get(name) or ""
        parts.append(value[:4] if resource.column(name).partial_date else " ".join(value.casefold().split()))
    return tuple(parts) if any(parts) else None


def find_duplicate(resource: Resource, row: Mapping[str, str], existing: list[tuple[int | None, Row]]) -> Problem | None:
    """A `duplicate-row` problem naming the row of `existing` ((line, row) pairs) that `row` repeats, or None."""
    key = duplicate_key(resource, row)
    if key is None:
        return None
    for line, other in existing:
        if other[resource.primary_key] != row.get(resource.primary_key) and duplicate_key(resource, other) == key:
            columns = resource.duplicate_columns
            names = [f"{n} year" if resource.column(n).partial_date else n for n in columns]
            first = columns[0]
            return Problem(
                file=resource.relpath,
                line=line,
                column=first,
                value=row.get(first) or "",
                rule="duplicate-row",
                message=f"{other[resource.primary_key]!r} already records this: same {' and '.join(names)} "
                f"({', '.join(other[n] for n in columns)})",
                hint=catalogue_hint("duplicate-row"),
            )
    return None


def with_raw_values(problems: list[Problem], file: str, lines: set[int], entries: list[Entry]) -> list[Problem]:
    """`problems` quoting the value as typed instead of the canonical cell, on the given lines of `file`."""
    import dataclasses

    raw = {entry.column: entry.raw for entry in entries}
    return [
        dataclasses.replace(p, value=raw[p.column])
        if p.file == file and p.line in lines and p.column in raw and p.value is not None
        else p
        for p in problems
    ]


@dataclass
class EntrySession:
    """Checks the answers for one new row of `table`, each against the whole package (read once)."""

    package: Package
    table: str
    _tables: Any = field(default=None, repr=False)
    _existing: list[Row] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        from rcmc.validator import check_tables

        self.resource = self.package.resource(self.table)
        _, self._tables = check_tables(self.package)
        self._existing = current_rows(self.resource)

    @property
    def new_line(self) -> int:
        """The line the new row has in the candidate table checked (after every existing row)."""
        return len(self._existing) + 2

    def questions(self) -> list[Column]:
        """The columns to ask for, in schema order (the ID is proposed at the end)."""
        return [c for c in self.resource.columns.values() if c.name != self.resource.primary_key]

    def check(self, row: Mapping[str, str], column: str, entries: list[Entry] = ()) -> list[Problem]:
        """The problems of `column` in the new `row` (other cells as answered so far), quoting the text as typed."""
        from rcmc.csvfile import RawTable, frame_of_rows
        from rcmc.records import TOLERATED_WHILE_EDITING
        from rcmc.rules import Table, Tables, run_rules
        from rcmc.schema import check_constraints, parse_types
        from rcmc.validator import without_consequences

        cells = {name: row.get(name) or "" for name in self.resource.field_names}
        raw = RawTable(self.resource, frame_of_rows(self.resource, [*self._existing, cells]))
        typed, problems, bad_cells = parse_types(raw)
        problems += check_constraints(self.resource, typed, raw, skip=bad_cells)
        # fresh Table objects: rules cache what they compute about a referring table in the referenced one
        tables = Tables({n: Table(t.resource, t.frame, t.raw) for n, t in self._tables.items()}, resources=self.package.resources)
        tables[self.table] = Table(self.resource, typed, raw)
        problems += run_rules(tables)
        cell = (self.resource.relpath, self.new_line, column)
        mine = [p for p in problems if (p.file, p.line, p.column) == cell and p.rule not in TOLERATED_WHILE_EDITING]
        return with_raw_values(without_consequences(mine), self.resource.relpath, {self.new_line}, list(entries))

    def answer(self, row: Mapping[str, str], column: str, text: str) -> tuple[Entry, list[Problem]]:
        """Normalise and check the text typed for `column`; the entry and its problems ([] when it can be kept)."""
        entry = normalise_entry(self.resource, column, text)
        return entry, self.check({**row, column: entry.value}, column, [entry])

    def duplicate(self, row: Mapping[str, str]) -> Problem | None:
        """The existing row the new `row` repeats, if any (see `find_duplicate`)."""
        return find_duplicate(self.resource, row, rows_with_lines(self.resource))

    def propose_id(self, row: Mapping[str, str]) -> str:
        """An ID for the new row that no table uses."""
        from rcmc.records import ids_in_package, propose_id

        return propose_id(self.resource, row, ids_in_package(self.package))
