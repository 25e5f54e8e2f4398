"""Read rows as canonical text cells and follow references between them (no writing, no lock).

Read-only modules (lookup, site, codebook, exports, release) use this; `records`
adds the writer and the lock on top for `add`, `edit`, `remove` and `fmt`.
"""

from __future__ import annotations

import difflib
import re

from rcmc.csvfile import LINE_COLUMN, read_raw
from rcmc.errors import TableUnreadable, UnknownRow
from rcmc.package import Package, Resource

Row = dict[str, str]


def current_rows(resource: Resource) -> list[Row]:
    """The table's rows as canonical text cells ("" for empty); TableUnreadable if it cannot be parsed."""
    raw, problems = read_raw(resource)
    if raw is None:
        raise TableUnreadable(f"{resource.relpath} cannot be read; run `rcmc validate`", problems)
    names = resource.field_names
    return [{name: row.get(name) or "" for name in names} for row in raw.frame.drop(LINE_COLUMN).iter_rows(named=True)]


def rows_with_lines(resource: Resource) -> list[tuple[int, Row]]:
    """The table's rows (as `current_rows`) with the file line each starts on."""
    raw, problems = read_raw(resource)
    if raw is None:
        raise TableUnreadable(f"{resource.relpath} cannot be read; run `rcmc validate`", problems)
    names = resource.field_names
    return [
        (raw.physical_line(row[LINE_COLUMN]), {name: row.get(name) or "" for name in names})
        for row in raw.frame.iter_rows(named=True)
    ]


def find_row(package: Package, row_id: str) -> tuple[str, Row]:
    """The table holding `row_id` as its primary key, and the row; UnknownRow (with close IDs) if none does."""
    known: list[str] = []
    for name, resource in package.resources.items():
        for row in current_rows(resource):
            if row[resource.primary_key] == row_id:
                return name, row
            known.append(row[resource.primary_key])
    close = difflib.get_close_matches(row_id, known, n=3, cutoff=0.75)
    typed_as_slug = re.sub(r"[^a-z0-9]+", "-", row_id.casefold()).strip("-")  # `Joint_Sea 2019` -> `joint-sea-2019`
    if typed_as_slug != row_id and typed_as_slug in known:
        close = [typed_as_slug, *(c for c in close if c != typed_as_slug)][:3]
    suggestion = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownRow(f"no row with ID {row_id!r} in any table{suggestion}")


def cited_rows(package: Package, resource: Resource, row: Row) -> dict[str, list[Row]]:
    """The rows `row` refers to, by referenced table (for example the sources it cites), in citing order."""
    cited: dict[str, list[Row]] = {}
    for reference in resource.references:
        wanted = resource.column(reference.column).items(row.get(reference.column))
        if not wanted:
            continue
        target = {r[reference.field]: r for r in current_rows(package.resource(reference.resource))}
        cited.setdefault(reference.resource, []).extend(target[key] for key in wanted if key in target)
    return cited


def referring_rows(package: Package, table: str, row: Row, same_table: bool = False) -> dict[str, list[Row]]:
    """Rows of other tables that refer to `row` of `table` (an agreement's equipment line items, say).

    With `same_table`, rows of `table` itself referring to it count too (an equipment item another is part of).
    """
    found: dict[str, list[Row]] = {}
    for name, resource in package.resources.items():
        for reference in resource.references:
            if reference.resource != table or (name == table and not same_table):
                continue
            key = row[reference.field]
            matches = [r for r in current_rows(resource) if key in resource.column(reference.column).items(r[reference.column])]
            if matches:
                found.setdefault(name, []).extend(matches)
    return found
