"""Row-level differences between two versions of the package (folders or git revisions)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rcmc.errors import DescriptorError, RevisionNotFound, UsageError
from rcmc.gitrepo import Repo
from rcmc.package import DESCRIPTOR, Package, locate, open_package


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


def read_version(spec: str | None, package: str | os.PathLike | None = None) -> Version:
    """A version of the package: a folder or descriptor path, a release (`0.1.0`, `v0.1.0`) or a git revision.

    `spec` None is the working tree of `package` (default: located as every command does);
    releases and revisions are read from the git repository holding that package.
    """
    if spec is None:
        return _from_folder(locate(package).parent, "working tree")
    path = Path(spec)
    if path.exists():
        return _from_folder(path if path.is_dir() else path.parent, spec)
    root = locate(package).parent
    repo = Repo.containing(root)
    if repo is None:
        return _from_released_ids(root, spec)
    revision, label = resolve_revision(repo, spec)
    return _from_git(repo, revision, label)


def _from_folder(root: Path, label: str) -> Version:
    return _build(label, open_package(root))


def _from_released_ids(root: Path, spec: str) -> Version:
    """Outside a git repository only a release can be read: the rows released-ids.json kept for it."""
    from rcmc.release import previous_version

    match = VERSION.fullmatch(spec)
    kept = previous_version(root)
    if match and kept.version == match.group(1):
        return kept
    raise UsageError(f"{spec!r} is not a folder, and {root} is not in a git repository to find it in")


VERSION = re.compile(r"v?(\d+\.\d+\.\d+)")
RELEASED_IDS = "released-ids.json"


def resolve_revision(repo: Repo, spec: str) -> tuple[str, str]:
    """The commit `spec` names, and a label for it.

    A version (`0.1.0` or `v0.1.0`) is its tag when one exists, else the first commit whose
    released-ids.json recorded it (the release commit), else the first whose datapackage.json carried it.
    """
    match = VERSION.fullmatch(spec)
    if match is None:
        commit = repo.commit(spec)
        if commit is None:
            raise RevisionNotFound(f"git revision {spec!r} not found{repo.shallow_hint()}")
        return commit, spec
    number = match.group(1)
    commit = repo.commit(f"refs/tags/v{number}") or repo.commit(f"refs/tags/{number}") or _first_commit_with(repo, number)
    return commit, f"v{number} ({commit[:7]})"


def _first_commit_with(repo: Repo, number: str) -> str:
    """The oldest commit recording version `number`, in released-ids.json first, then in datapackage.json."""
    seen: set[str] = set()
    for relative in (RELEASED_IDS, DESCRIPTOR):
        commits = repo.commits_touching(relative)
        for commit, text in zip(commits, repo.read_blobs([(commit, relative) for commit in commits]), strict=True):
            version = _version_in(text)
            if version == number:
                return commit
            if version and relative == DESCRIPTOR:
                seen.add(version)
    known = ", ".join(sorted(seen, key=lambda v: tuple(int(p) for p in v.split(".")))) or "none"
    raise RevisionNotFound(
        f"no release {number}: no tag v{number}, and no commit's {DESCRIPTOR} carries that version "
        f"(versions in its history: {known}){repo.shallow_hint()}"
    )


def _version_in(text: bytes | None) -> str | None:
    """The `version` of a JSON object, or None when the text is missing, malformed or has none."""
    try:
        value = json.loads(text) if text is not None else None
    except ValueError:
        return None
    version = value.get("version") if isinstance(value, dict) else None
    return version if isinstance(version, str) and VERSION.fullmatch(version) else None


def _from_git(repo: Repo, revision: str, label: str) -> Version:
    """Write the revision's descriptor, schemas and data to a temporary folder and open it like any package."""
    with tempfile.TemporaryDirectory(prefix="rcmc-diff-") as folder:
        target = Path(folder).resolve()
        try:
            _materialise(repo, revision, target)
            return _build(label, open_package(target))
        except DescriptorError as error:
            raise DescriptorError(_relabel(str(error), target, f"{label}: ", repo.prefix)) from None


def _relabel(message: str, target: Path, label: str, prefix: PurePosixPath) -> str:
    """`message` with the temporary folder's paths shown as `label` and the package's path in the repository."""
    inside = "" if prefix.as_posix() == "." else f"{prefix.as_posix()}/"
    return message.replace(f"{target}{os.sep}", label + inside).replace(str(target), label + prefix.as_posix())


def _materialise(repo: Repo, revision: str, target: Path) -> None:
    """Copy datapackage.json and the files its resources name, as they were at `revision`, into `target`."""
    (descriptor_text,) = repo.read_files(revision, [DESCRIPTOR])
    if descriptor_text is None:
        raise DescriptorError(f"{target / DESCRIPTOR}: the package descriptor does not exist")
    (target / DESCRIPTOR).write_bytes(descriptor_text)
    wanted = _referenced_files(descriptor_text)
    for relative in wanted:
        if PurePosixPath(relative).is_absolute() or ".." in PurePosixPath(relative).parts:
            raise DescriptorError(f"{target / DESCRIPTOR}: {relative!r} points outside the package folder")
    for relative, content in zip(wanted, repo.read_files(revision, wanted), strict=True):
        if content is not None:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_bytes(content)


def _referenced_files(descriptor_text: bytes) -> list[str]:
    """The schema and data paths a descriptor's resources name (none if it is malformed: open_package says why)."""
    try:
        descriptor = json.loads(descriptor_text)
    except ValueError:
        return []
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        return []
    named = {raw.get(key) for raw in resources if isinstance(raw, dict) for key in ("schema", "path")}
    return sorted(value for value in named if isinstance(value, str))


def _build(label: str, package: Package) -> Version:
    version = Version(label=label, version=package.version)
    for name, resource in package.resources.items():
        try:
            text = resource.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DescriptorError(f"{resource.path}: the data of {name} does not exist") from None
        except OSError as error:
            raise DescriptorError(f"{resource.path}: the data of {name} cannot be read: {error.strerror}") from None
        except UnicodeDecodeError as error:
            raise DescriptorError(f"{resource.path}: the data of {name} is not UTF-8: {error}") from None
        records = csv.DictReader(io.StringIO(text, newline=""))
        version.columns[name] = resource.field_names
        version.rows[name] = {r.get(resource.primary_key, ""): r for r in records}
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


def diff(old: str, new: str | None = None, package: str | os.PathLike | None = None) -> PackageDiff:
    """Diff two versions given as folders, releases or git revisions (`new` defaults to the working tree).

    Revisions and releases are read from the git repository holding `package`.
    """
    return diff_versions(read_version(old, package), read_version(new, package))


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
