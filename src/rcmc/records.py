"""Add and edit rows: normalise values, propose IDs, validate the whole package, write atomically."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock
from slugify import slugify

from rcmc.catalogue import hint as catalogue_hint
from rcmc.csvfile import LINE_COLUMN, read_raw
from rcmc.entry import Entry, find_duplicate, normalise_entry, with_raw_values
from rcmc.entry import normalise_row as entry_row
from rcmc.errors import InvalidRow
from rcmc.package import Package, Resource, open_package, open_writable
from rcmc.problems import Problem
from rcmc.rows import current_rows, find_row, referring_rows, rows_with_lines
from rcmc.validator import validate_package
from rcmc.writer import render_table, write_atomic

LOCK_NAME = ".rcmc.lock"
LOCK_TIMEOUT_SECONDS = 60
# A source is added before the rows that cite it, possibly by another process at the
# same time, so an uncited source is a normal state between two adds. `rcmc validate`
# (and CI) still reports uncited sources. A released row's removal is judged by `rcmc release`.
TOLERATED_WHILE_EDITING = frozenset({"orphan-row", "released-id-vanished"})


@dataclass(frozen=True)
class Change:
    """The outcome of an add, edit or removal: the rows written (or that would be), by table, and the files changed.

    `notes` say how typed values were normalised; `changes` (edit) maps each changed column to (old, new).
    """

    rows: dict[str, list[dict[str, str]]]
    written: bool
    files: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


def normalise_value(resource: Resource, column: str, value: Any) -> str:
    """Turn a JSON or command-line value into its canonical CSV text (see `rcmc.entry.normalise_entry`)."""
    return normalise_entry(resource, column, value).value


def normalise_row(resource: Resource, values: Mapping[str, Any]) -> dict[str, str]:
    """A full row of canonical cells from a partial mapping of values."""
    return entry_row(resource, values)[0]


def propose_id(resource: Resource, row: Mapping[str, str], taken: set[str]) -> str:
    """A readable slug ID for `row`, with `-2`, `-3` ... when it is already taken."""
    base = slugify(
        " ".join(part for part in _id_parts(resource, row) if part), max_length=70, word_boundary=True
    ) or resource.name.rstrip("s")
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _id_parts(resource: Resource, row: Mapping[str, str]) -> list[str]:
    """The parts an ID is proposed from (schema property `idFrom`): a date gives its year, and is left
    out when an earlier part already holds a year (`Joint Sea-2019` needs no second 2019)."""
    parts: list[str] = []
    for name in resource.id_columns:
        value = row.get(name) or ""
        if resource.column(name).partial_date:
            value = value[:4]
            if any(re.search(r"\d{4}", part) for part in parts):
                continue
        elif resource.column(name).type == "string" and name != resource.id_columns[0]:
            value = " ".join(value.split()[:5])
        parts.append(value)
    return parts or [resource.name]


@contextmanager
def locked(package: Package) -> Iterator[None]:
    """Hold the package's write lock, so parallel writers never lose each other's rows."""
    with FileLock(str(package.root / LOCK_NAME), timeout=LOCK_TIMEOUT_SECONDS):
        yield


def add_rows(
    new_rows: Mapping[str, list[Mapping[str, Any]]],
    path: str | os.PathLike | None = None,
    dry_run: bool = False,
    allow_duplicate: bool = False,
) -> Change:
    """Add rows to one or more tables in one validated, atomic transaction.

    Values are normalised as `rcmc.entry.normalise_entry` says (the notes tell how).
    IDs are proposed for rows without one. A row recording the same thing as an
    existing one (`rcmc.entry.find_duplicate`) is refused unless `allow_duplicate`.
    The package with the new rows must validate (an uncited source is tolerated: it
    is cited by the next add); otherwise InvalidRow carries every problem, quoting
    the values as given, and no file is touched.
    """
    package = open_writable(path)
    with locked(package):
        tables = {name: current_rows(package.resource(name)) for name in new_rows}
        added: dict[str, list[dict[str, str]]] = {}
        entries: dict[tuple[str, str], list[Entry]] = {}
        duplicates: list[Problem] = []
        taken = ids_in_package(package)
        for name, rows in new_rows.items():
            resource = package.resource(name)
            held = [] if allow_duplicate else rows_with_lines(resource)
            for values in rows:
                row, given = entry_row(resource, values)
                if not row[resource.primary_key]:
                    row[resource.primary_key] = propose_id(resource, row, taken)
                taken.add(row[resource.primary_key])
                if not allow_duplicate:
                    duplicate = find_duplicate(resource, row, held)
                    duplicates += [duplicate] if duplicate else []
                    held.append((None, row))
                entries[(name, row[resource.primary_key])] = given
                added.setdefault(name, []).append(row)
                tables[name].append(row)
        notes = tuple(entry.note for given in entries.values() for entry in given if entry.note)
        if duplicates:
            raise InvalidRow(
                f"refused: {len(duplicates)} row(s) already recorded (named below); edit those rows instead, or add "
                "with --allow-duplicate if this is a different event; nothing was written",
                duplicates,
                notes,
            )
        _check_candidate(package, tables, entries, notes)
        files = () if dry_run else _write(package, tables)
    return Change(rows=added, written=not dry_run, files=files, notes=notes)


def ids_in_package(package: Package) -> set[str]:
    """Every primary-key value of every table: IDs are unique across the package."""
    return {row[r.primary_key] for r in package.resources.values() for row in current_rows(r)}


def edit_row(row_id: str, changes: Mapping[str, Any], path: str | os.PathLike | None = None, dry_run: bool = False) -> Change:
    """Change columns of the row whose primary key is `row_id`, in whichever table holds it.

    The ID itself is never changed (rule `id-rename`): released IDs are cited by users.
    """
    package = open_writable(path)
    with locked(package):
        name, _ = find_row(package, row_id)
        resource = package.resource(name)
        rows = current_rows(resource)
        row = next(r for r in rows if r[resource.primary_key] == row_id)
        given = [normalise_entry(resource, column, value) for column, value in changes.items()]
        notes = tuple(entry.note for entry in given if entry.note)
        renamed = next((e for e in given if e.column == resource.primary_key and e.value != row_id), None)
        if renamed is not None:
            line = next(line for line, r in rows_with_lines(resource) if r[resource.primary_key] == row_id)
            problem = Problem(
                resource.relpath, line, resource.primary_key, renamed.raw, "id-rename",
                f"{row_id!r} cannot be renamed to {renamed.value!r}", catalogue_hint("id-rename"),
            )
            raise InvalidRow(f"refused: {name} {row_id} keeps its ID; nothing was written", [problem], notes)
        changed = {e.column: (row[e.column], e.value) for e in given if row[e.column] != e.value}
        for entry in given:
            row[entry.column] = entry.value
        _check_candidate(package, {name: rows}, {(name, row_id): given}, notes)
        files = () if dry_run or not changed else _write(package, {name: rows})
    return Change(rows={name: [row]}, written=not dry_run and bool(changed), files=files, notes=notes, changes=changed)


def remove_row(row_id: str, path: str | os.PathLike | None = None, dry_run: bool = False) -> Change:
    """Delete the row whose primary key is `row_id`; refused, naming them, while other rows refer to it.

    Removing a released ID is a breaking change: `rcmc release` will then need a major bump.
    """
    package = open_writable(path)
    with locked(package):
        name, found = find_row(package, row_id)
        resource = package.resource(name)
        rows = current_rows(resource)
        kept = [row for row in rows if row[resource.primary_key] != row_id]
        removed = [row for row in rows if row[resource.primary_key] == row_id]
        citing = [
            f"{table} {row[package.resource(table).primary_key]}"
            for table, found_rows in referring_rows(package, name, found, same_table=True).items()
            for row in found_rows
            if (table, row[package.resource(table).primary_key]) != (name, row_id)
        ]
        try:
            _check_candidate(package, {name: kept})
        except InvalidRow as error:
            if not citing:
                raise
            raise InvalidRow(
                f"refused: {name} {row_id} is still cited by {', '.join(citing)}; remove those citations first "
                "(`rcmc edit ID --set ...`); nothing was written",
                error.problems,
            ) from None
        files = () if dry_run else _write(package, {name: kept})
    return Change(rows={name: removed}, written=not dry_run, files=files)


@dataclass(frozen=True)
class Reformatted:
    """A table `rcmc fmt` rewrote (or would): what it repaired in the bytes, and the unified diff of the text."""

    repairs: tuple[str, ...]
    diff: str


BOM = b"\xef\xbb\xbf"


def repaired_bytes(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """`data` without the byte-order mark and with `\\n` line endings, as Excel and Windows editors do not write them."""
    repairs = []
    if data.startswith(BOM):
        data, repairs = data[len(BOM) :], ["removed the byte-order mark"]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        repairs.append("converted CRLF line endings to LF")
    return data, tuple(repairs)


def format_tables(path: str | os.PathLike | None = None, check: bool = False) -> dict[str, Reformatted]:
    """Rewrite every table in canonical form, removing a BOM and CRLF line endings on the way.

    Returns {file: Reformatted} for what changed (or would, with `check`); a table that
    cannot be read even after those repairs raises TableUnreadable and nothing is written.
    """
    import dataclasses
    import difflib

    package = open_writable(path)
    changed = {}
    pending = []
    with locked(package), tempfile.TemporaryDirectory(prefix="rcmc-fmt-") as folder:
        for resource in package.resources.values():
            if not resource.path.exists():
                continue
            data = resource.path.read_bytes()
            fixed, repairs = repaired_bytes(data)
            readable = resource
            if repairs:
                readable = dataclasses.replace(resource, path=Path(folder) / f"{resource.name}.csv")
                readable.path.write_bytes(fixed)
            after = render_table(resource, current_rows(readable))
            if after.encode("utf-8") != data:
                before = data.decode("utf-8", errors="replace")
                diff = difflib.unified_diff(before.splitlines(True), after.splitlines(True), resource.relpath, resource.relpath)
                changed[resource.relpath] = Reformatted(repairs, "".join(diff))
                pending.append((resource.path, after))
        if not check:
            for target, text in pending:
                write_atomic(target, text)
    return changed


def _check_candidate(
    package: Package,
    tables: Mapping[str, list[dict[str, str]]],
    entries: Mapping[tuple[str, str], list[Entry]] | None = None,
    notes: tuple[str, ...] = (),
) -> None:
    """Validate the package with `tables` in place of its own; InvalidRow if it has problems.

    Problems on the cells given in `entries` ({(table, ID): entries}) quote the values as given.
    """
    with tempfile.TemporaryDirectory(prefix="rcmc-candidate-") as folder:
        candidate = _copy_package(package, Path(folder))
        for name, rows in tables.items():
            resource = candidate.resource(name)
            resource.path.write_text(render_table(resource, rows), encoding="utf-8", newline="")
        problems = [p for p in validate_package(candidate) if p.rule not in TOLERATED_WHILE_EDITING]
        for (name, key), given in (entries or {}).items() if problems else ():
            resource = candidate.resource(name)
            problems = with_raw_values(problems, resource.relpath, _lines_of(resource, key), given)
    if problems:
        raise InvalidRow(f"rejected: the package would have {len(problems)} problem(s); nothing was written", problems, notes)


def _lines_of(resource: Resource, key: str) -> set[int]:
    """The line(s) of the row(s) whose primary key is `key`."""
    raw, _ = read_raw(resource)
    if raw is None:
        return set()
    found = raw.frame.filter(raw.frame.get_column(resource.primary_key) == key).get_column(LINE_COLUMN)
    return {raw.physical_line(line) for line in found}


def _copy_package(package: Package, folder: Path) -> Package:
    shutil.copy2(package.descriptor_path, folder / package.descriptor_path.name)
    for resource in package.resources.values():
        target = folder / resource.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if resource.path.exists():
            shutil.copy2(resource.path, target)
        schema_ref = next((r.get("schema") for r in package.descriptor["resources"] if r.get("name") == resource.name), None)
        if isinstance(schema_ref, str):
            (folder / schema_ref).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(package.root / schema_ref, folder / schema_ref)
    return open_package(folder)


def _write(package: Package, tables: Mapping[str, list[dict[str, str]]]) -> tuple[Path, ...]:
    written = []
    for name, rows in tables.items():
        resource = package.resource(name)
        write_atomic(resource.path, render_table(resource, rows))
        written.append(resource.path)
    return tuple(written)
