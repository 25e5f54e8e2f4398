"""Add and edit rows: normalise values, propose IDs, validate the whole package, write atomically."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock
from slugify import slugify

from rcmc.errors import InvalidRow, UsageError
from rcmc.package import Package, Resource, open_package, open_writable
from rcmc.rows import current_rows, find_row
from rcmc.validator import validate_package
from rcmc.writer import canonical_cell, render_table, write_atomic

LOCK_NAME = ".rcmc.lock"
LOCK_TIMEOUT_SECONDS = 60
# A source is added before the rows that cite it, possibly by another process at the
# same time, so an uncited source is a normal state between two adds. `rcmc validate`
# (and CI) still reports uncited sources. A released row's removal is judged by `rcmc release`.
TOLERATED_WHILE_EDITING = frozenset({"orphan-row", "released-id-vanished"})


@dataclass(frozen=True)
class Change:
    """The outcome of an add, edit or removal: the rows written (or that would be), by table, and the files changed."""

    rows: dict[str, list[dict[str, str]]]
    written: bool
    files: tuple[Path, ...] = ()


def normalise_value(resource: Resource, column: str, value: Any) -> str:
    """Turn a JSON or command-line value into its canonical CSV text."""
    if column not in resource.field_names:
        raise UsageError(f"{resource.name} has no column {column!r} (columns: {', '.join(resource.field_names)})")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(sorted(str(item) for item in value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return canonical_cell(resource, column, str(value))


def normalise_row(resource: Resource, values: Mapping[str, Any]) -> dict[str, str]:
    """A full row of canonical cells from a partial mapping of values."""
    if not isinstance(values, Mapping):
        raise UsageError(f"a {resource.name} row must be a JSON object, not {type(values).__name__}")
    cells = {name: "" for name in resource.field_names}
    for column, value in values.items():
        cells[column] = normalise_value(resource, column, value)
    return cells


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
    new_rows: Mapping[str, list[Mapping[str, Any]]], path: str | os.PathLike | None = None, dry_run: bool = False
) -> Change:
    """Add rows to one or more tables in one validated, atomic transaction.

    IDs are proposed for rows without one. The package with the new rows must
    validate (an uncited source is tolerated: it is cited by the next add);
    otherwise InvalidRow carries every problem and no file is touched.
    """
    package = open_writable(path)
    with locked(package):
        tables = {name: current_rows(package.resource(name)) for name in new_rows}
        added: dict[str, list[dict[str, str]]] = {}
        taken = _ids_in_package(package)
        for name, rows in new_rows.items():
            resource = package.resource(name)
            for values in rows:
                row = normalise_row(resource, values)
                if not row[resource.primary_key]:
                    row[resource.primary_key] = propose_id(resource, row, taken)
                taken.add(row[resource.primary_key])
                added.setdefault(name, []).append(row)
                tables[name].append(row)
        _check_candidate(package, tables)
        files = () if dry_run else _write(package, tables)
    return Change(rows=added, written=not dry_run, files=files)


def _ids_in_package(package: Package) -> set[str]:
    """Every primary-key value of every table: IDs are unique across the package."""
    return {row[r.primary_key] for r in package.resources.values() for row in current_rows(r)}


def edit_row(row_id: str, changes: Mapping[str, Any], path: str | os.PathLike | None = None, dry_run: bool = False) -> Change:
    """Change columns of the row whose primary key is `row_id`, in whichever table holds it."""
    package = open_writable(path)
    with locked(package):
        name, _ = find_row(package, row_id)
        resource = package.resource(name)
        rows = current_rows(resource)
        row = next(r for r in rows if r[resource.primary_key] == row_id)
        for column, value in changes.items():
            row[column] = normalise_value(resource, column, value)
        _check_candidate(package, {name: rows})
        files = () if dry_run else _write(package, {name: rows})
    return Change(rows={name: [row]}, written=not dry_run, files=files)


def remove_row(row_id: str, path: str | os.PathLike | None = None, dry_run: bool = False) -> Change:
    """Delete the row whose primary key is `row_id`; refused if other rows still refer to it.

    Removing a released ID is a breaking change: `rcmc release` will then need a major bump.
    """
    package = open_writable(path)
    with locked(package):
        name, _ = find_row(package, row_id)
        resource = package.resource(name)
        rows = current_rows(resource)
        kept = [row for row in rows if row[resource.primary_key] != row_id]
        removed = [row for row in rows if row[resource.primary_key] == row_id]
        _check_candidate(package, {name: kept})
        files = () if dry_run else _write(package, {name: kept})
    return Change(rows={name: removed}, written=not dry_run, files=files)


def format_tables(path: str | os.PathLike | None = None, check: bool = False) -> dict[str, str]:
    """Rewrite every table in canonical form; return {file: unified diff} of what changed (or would, with `check`)."""
    import difflib

    package = open_writable(path)
    changed = {}
    with locked(package):
        for resource in package.resources.values():
            if not resource.path.exists():
                continue
            before = resource.path.read_text(encoding="utf-8")
            after = render_table(resource, current_rows(resource))
            if after != before:
                diff = difflib.unified_diff(before.splitlines(True), after.splitlines(True), resource.relpath, resource.relpath)
                changed[resource.relpath] = "".join(diff)
                if not check:
                    write_atomic(resource.path, after)
    return changed


def _check_candidate(package: Package, tables: Mapping[str, list[dict[str, str]]]) -> None:
    with tempfile.TemporaryDirectory(prefix="rcmc-candidate-") as folder:
        candidate = _copy_package(package, Path(folder))
        for name, rows in tables.items():
            resource = candidate.resource(name)
            resource.path.write_text(render_table(resource, rows), encoding="utf-8", newline="")
        problems = [p for p in validate_package(candidate) if p.rule not in TOLERATED_WHILE_EDITING]
    if problems:
        raise InvalidRow(f"rejected: the package would have {len(problems)} problem(s); nothing was written", problems)


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
