"""Row-level differences between two versions of the package (folders or git revisions)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from rcmc.errors import RcmcError, UsageError
from rcmc.package import DESCRIPTOR, locate


class RevisionNotFound(RcmcError):
    """A git revision or file is not in this repository (a shallow clone may lack it)."""


@dataclass
class Version:
    """One version of the package: per table, its columns and rows keyed by primary key."""

    label: str
    version: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)


@dataclass
class TableDiff:
    """What changed in one table."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    added_columns: list[str] = field(default_factory=list)
    removed_columns: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        """True when nothing changed."""
        return not (self.added or self.removed or self.changed or self.added_columns or self.removed_columns)


@dataclass
class PackageDiff:
    """What changed between two versions, table by table."""

    old: str
    new: str
    tables: dict[str, TableDiff]

    @property
    def breaking(self) -> list[str]:
        """Reasons this change needs a major version: removed columns or IDs, removed tables."""
        reasons = []
        for name, table in self.tables.items():
            reasons += [f"{name}: column {c!r} removed or renamed" for c in table.removed_columns]
            reasons += [f"{name}: ID {i!r} removed" for i in table.removed]
            reasons += [f"{name}: ID {i!r} re-used for a different row (most of its values changed)" for i in table.reused]
        return reasons

    def suggested_bump(self) -> str:
        """`major` when breaking, `minor` for new rows or columns, else `patch`."""
        if self.breaking:
            return "major"
        if any(t.added or t.added_columns for t in self.tables.values()):
            return "minor"
        return "patch"

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return {
            "old": self.old,
            "new": self.new,
            "breaking": self.breaking,
            "suggested_bump": self.suggested_bump(),
            "tables": {
                name: {
                    "added": t.added,
                    "removed": t.removed,
                    "added_columns": t.added_columns,
                    "removed_columns": t.removed_columns,
                    "reused": t.reused,
                    "changed": {i: {c: {"old": o, "new": n} for c, (o, n) in cols.items()} for i, cols in t.changed.items()},
                }
                for name, t in self.tables.items()
            },
        }


def read_version(spec: str | None) -> Version:
    """A version from a package folder or descriptor path, or a git revision; None = the working tree."""
    if spec is None:
        return _from_folder(locate(None).parent, "working tree")
    path = Path(spec)
    if path.exists():
        return _from_folder(path if path.is_dir() else path.parent, spec)
    return _from_git(spec)


def _from_folder(root: Path, label: str) -> Version:
    return _build(label, lambda relative: (root / relative).read_text(encoding="utf-8") if (root / relative).exists() else None)


def _from_git(revision: str) -> Version:
    top = _git(["rev-parse", "--show-toplevel"], None).strip()
    prefix = locate(None).parent.resolve().relative_to(Path(top).resolve())
    if subprocess.run(["git", "-C", top, "cat-file", "-e", f"{revision}^{{commit}}"], capture_output=True).returncode:
        raise RevisionNotFound(f"git revision {revision!r} not found (a shallow clone needs `git fetch --unshallow --tags`)")

    def reader(relative: str) -> str | None:
        target = (prefix / relative).as_posix()
        result = subprocess.run(["git", "-C", top, "show", f"{revision}:{target}"], capture_output=True)
        return result.stdout.decode("utf-8") if result.returncode == 0 else None

    return _build(revision, reader)


def _git(args: list[str], cwd: str | None) -> str:
    result = subprocess.run(["git", *args], capture_output=True, text=True, cwd=cwd)
    if result.returncode:
        raise UsageError(f"not a folder or a git revision here: {result.stderr.strip()}")
    return result.stdout


def _build(label: str, read) -> Version:
    text = read(DESCRIPTOR)
    if text is None:
        raise RevisionNotFound(f"{label}: no {DESCRIPTOR}")
    descriptor = json.loads(text)
    version = Version(label=label, version=str(descriptor.get("version", "0.0.0")))
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema")
        schema = json.loads(read(schema) or "{}") if isinstance(schema, str) else schema or {}
        key = schema.get("primaryKey")
        key = key[0] if isinstance(key, list) else key
        records = list(csv.DictReader(io.StringIO(read(resource["path"]) or "", newline="")))
        columns = [f["name"] for f in schema.get("fields", [])]
        version.columns[resource["name"]] = columns
        version.rows[resource["name"]] = {r.get(key, ""): r for r in records}
    return version


def diff_versions(old: Version, new: Version) -> PackageDiff:
    """Compare two versions row by row, matching rows by primary key."""
    tables = {}
    for name in sorted(set(old.columns) | set(new.columns)):
        old_rows, new_rows = old.rows.get(name, {}), new.rows.get(name, {})
        old_cols, new_cols = old.columns.get(name, []), new.columns.get(name, [])
        table = TableDiff(
            added=sorted(set(new_rows) - set(old_rows)),
            removed=sorted(set(old_rows) - set(new_rows)),
            added_columns=[c for c in new_cols if c not in old_cols],
            removed_columns=[c for c in old_cols if c not in new_cols],
        )
        shared = [c for c in new_cols if c in old_cols]
        for key in sorted(set(old_rows) & set(new_rows)):
            changes = {
                c: (old_rows[key].get(c, ""), new_rows[key].get(c, ""))
                for c in shared
                if old_rows[key].get(c, "") != new_rows[key].get(c, "")
            }
            if changes:
                table.changed[key] = changes
                if _looks_reused(old_rows[key], changes):
                    table.reused.append(key)
        tables[name] = table
    return PackageDiff(old=old.label, new=new.label, tables=tables)


REUSE_SHARE = 0.5
REUSE_MIN_COLUMNS = 3


def _looks_reused(old_row: dict[str, str], changes: dict[str, tuple[str, str]]) -> bool:
    """An ID counts as re-used when most of the old row's filled cells changed: a different thing, not a correction."""
    filled = [c for c, v in old_row.items() if v]
    changed = [c for c in changes if old_row.get(c)]
    return len(changed) >= REUSE_MIN_COLUMNS and len(changed) > REUSE_SHARE * len(filled)


def diff(old: str, new: str | None = None) -> PackageDiff:
    """Diff two versions given as folders or git revisions (`new` defaults to the working tree)."""
    return diff_versions(read_version(old), read_version(new))


def render_diff(result: PackageDiff, fmt: str = "text") -> str:
    """The diff as `text`, `json` or `markdown`."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    markdown = fmt == "markdown"
    lines = [f"{'## ' if markdown else ''}Changes from {result.old} to {result.new}"]
    for reason in result.breaking:
        lines.append(f"{'- **BREAKING** ' if markdown else 'BREAKING: '}{reason}")
    for name, table in result.tables.items():
        if table.is_empty():
            continue
        lines.append(f"\n{'### ' if markdown else ''}{name}: +{len(table.added)} -{len(table.removed)} ~{len(table.changed)}")
        lines += [f"{'- ' if markdown else '  '}added column `{c}`" for c in table.added_columns]
        lines += [f"- added `{i}`" if markdown else f"  + {i}" for i in table.added]
        lines += [f"- removed `{i}`" if markdown else f"  - {i}" for i in table.removed]
        for key, columns in table.changed.items():
            lines.append(f"- changed `{key}`: " + ", ".join(f"`{c}`" for c in columns) if markdown else f"  ~ {key}")
            if not markdown:
                lines += [f"      {c}: {o!r} -> {n!r}" for c, (o, n) in columns.items()]
    if len(lines) == 1 + len(result.breaking):
        lines.append("no changes")
    return "\n".join(lines)
