"""Cut a dataset release: bump the version, write the CHANGELOG entry from the data diff, build artifacts."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from rcmc.citation import write_citations
from rcmc.diff import PackageDiff, Version, diff_versions, read_version
from rcmc.errors import InvalidRow, MissingDependency, UsageError
from rcmc.gitrepo import Repo
from rcmc.package import DESCRIPTOR, Package, open_package, open_writable
from rcmc.released import RELEASED_IDS
from rcmc.validator import validate_package
from rcmc.writer import write_atomic

BUMPS = ("major", "minor", "patch")


@dataclass
class Release:
    """A prepared release: the new version, its CHANGELOG entry and the diff it was written from."""

    version: str
    entry: str
    diff: PackageDiff
    written: bool
    tag: str | None = None
    untagged_reason: str = ""
    files: tuple[Path, ...] = ()


def bump_version(version: str, bump: str) -> str:
    """`1.2.3` bumped by `major|minor|patch`."""
    major, minor, patch = (int(part) for part in version.split("."))
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[bump]


def previous_version(root: Path) -> Version:
    """The last release: the IDs and rows recorded at release time in released-ids.json, else empty."""
    path = root / RELEASED_IDS
    if not path.exists():
        return Version(label="nothing (first release)", version="0.0.0")
    recorded = json.loads(path.read_text(encoding="utf-8"))
    version = Version(label=f"v{recorded['version']}", version=recorded["version"])
    version.columns = recorded["columns"]
    version.rows = recorded["rows"]
    return version


def changelog_entry(version: str, date: str, result: PackageDiff, first: bool = False) -> str:
    """A Keep a Changelog entry listing added, changed and removed rows by ID (counts for a first release)."""
    sections = {"Added": [], "Changed": [], "Removed": []}
    for name, table in result.tables.items():
        if first:
            sections["Added"].append(f"- `{name}`: {len(table.added)} rows (first release)")
            continue
        sections["Added"] += [f"- `{name}.{c}` column" for c in table.added_columns]
        if table.added:
            sections["Added"].append(f"- `{name}`: {len(table.added)} rows: " + ", ".join(f"`{i}`" for i in table.added))
        sections["Changed"] += [f"- `{name}` `{i}`: " + ", ".join(f"`{c}`" for c in cols) for i, cols in table.changed.items()]
        sections["Removed"] += [f"- **BREAKING** `{name}.{c}` column" for c in table.removed_columns]
        sections["Removed"] += [f"- **BREAKING** `{name}` `{i}`" for i in table.removed]
        sections["Changed"] += [f"- **BREAKING** `{name}` `{i}` now names a different row" for i in table.reused]
    lines = [f"## [{version}] - {date}"]
    for title, items in sections.items():
        if items:
            lines += ["", f"### {title}", *items]
    return "\n".join(lines) + "\n"


def insert_entry(changelog: str, entry: str) -> str:
    """Put `entry` above the previous releases; notes written under [Unreleased] move into it.

    Notes and generated lines under the same `### ` heading end up in one section.
    """
    unreleased = re.search(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## \[|\Z)", changelog, flags=re.M | re.S)
    if unreleased:
        heading, generated = entry.split("\n", 1)
        merged = f"{heading}\n\n{_merge_sections(unreleased.group(1), generated)}"
        return changelog[: unreleased.start()] + "## [Unreleased]\n\n" + merged + "\n" + changelog[unreleased.end() :]
    marker = re.search(r"^## \[", changelog, flags=re.M)
    if marker:
        return changelog[: marker.start()] + entry + "\n" + changelog[marker.start() :]
    return changelog.rstrip("\n") + "\n\n" + entry


def _sections(text: str) -> dict[str, list[str]]:
    """Non-blank lines of a changelog body, grouped under their `### ` headings ("" for lines before the first)."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("### "):
            current = line[4:].strip()
            sections.setdefault(current, [])
        elif line.strip():
            sections.setdefault(current, []).append(line)
    return sections


def _merge_sections(notes: str, generated: str) -> str:
    sections = _sections(notes)
    for title, lines in _sections(generated).items():
        sections.setdefault(title, []).extend(lines)
    blocks = ["\n".join(lines) if not title else "\n".join([f"### {title}", *lines]) for title, lines in sections.items()]
    return "\n\n".join(block for block in blocks if block) + "\n"


def release(
    bump: str | None = None,
    path: str | os.PathLike | None = None,
    dry_run: bool = False,
    today: str | None = None,
    tag: bool = True,
) -> Release:
    """Prepare (and unless `dry_run`, write) the next release of the package at `path`.

    The first release keeps the descriptor's version; later ones bump the last released
    version, automatically by the diff unless `bump` is given (a breaking diff needs major).
    With `tag`, in a git repository whose package files are all committed, the files the
    release writes are committed and that commit gets the annotated tag `vX.Y.Z`.
    """
    package = open_writable(path)
    # A vanished released ID is what a major release is for; the diff below demands --bump major for it.
    problems = [p for p in validate_package(package) if p.rule != "released-id-vanished"]
    if problems:
        raise InvalidRow(f"cannot release: the package has {len(problems)} problem(s)", problems)
    root = package.root
    previous = previous_version(root)
    result = diff_versions(previous, read_version(str(root)))
    suggested = result.suggested_bump()
    if bump is None:
        bump = suggested
    if bump not in BUMPS:
        raise UsageError(f"--bump must be one of {', '.join(BUMPS)}")
    if result.breaking and bump != "major":
        raise UsageError("this release removes IDs or columns (" + "; ".join(result.breaking[:3]) + "): it needs --bump major")
    first = previous.version == "0.0.0"
    version = package.version if first else bump_version(previous.version, bump)
    date = today or dt.date.today().isoformat()
    entry = changelog_entry(version, date, result, first=first)
    outcome = Release(version=version, entry=entry, diff=result, written=not dry_run)
    if dry_run:
        return outcome
    repo, outcome.untagged_reason = _tagging_repo(package, f"v{version}") if tag else (None, "--no-tag")
    outcome.files = _write_release(root, package.descriptor, version, entry, date)
    if repo is not None:
        repo.commit_and_tag(_release_files(root), f"v{version}", f"Release {version}")
        outcome.tag = f"v{version}"
    return outcome


RELEASE_FILES = ("datapackage.json", "CHANGELOG.md", RELEASED_IDS, "src/rcmc/__init__.py", "CITATION.cff", "README.md")


def _release_files(root: Path) -> list[str]:
    """The files `_write_release` writes, relative to the package folder."""
    documents = [path.relative_to(root).as_posix() for path in _generated_documents(root)]
    return [relative for relative in [*RELEASE_FILES, *documents] if (root / relative).exists()]


def _generated_documents(root: Path) -> list[Path]:
    """The codebook and coverage page, and the charts under docs/charts/ named after a chart rcmc draws."""
    from rcmc.charts import CHARTS

    docs = root / "docs"
    pages = [docs / name for name in ("codebook.md", "codebook.html", "coverage.md") if (docs / name).exists()]
    charts = [path for path in sorted((docs / "charts").glob("*.svg")) if path.stem in CHARTS]
    return [*pages, *charts]


def _regenerate_documents(root: Path) -> list[Path]:
    """Redraw the generated documents the package holds, which show the version: the codebook, the
    coverage page and the README's charts (the charts only when the `charts` extra is installed)."""
    from rcmc.charts import write_chart
    from rcmc.codebook import write_codebook

    written = write_codebook(root) if (root / "docs" / "codebook.md").exists() else []
    charts = [path for path in _generated_documents(root) if path.suffix == ".svg"]
    with contextlib.suppress(MissingDependency):  # without the charts extra, `make charts` redraws them
        written += [write_chart(path.stem, path, root) for path in charts]
    return written


def _tagging_repo(package: Package, tag: str) -> tuple[Repo | None, str]:
    """The repository to commit and tag the release in, or None and why not.

    Tagging needs a commit to build on and the descriptor, schemas and data committed, so
    the tag points at exactly the data released (uncommitted notes in CHANGELOG.md go into
    the release commit); an existing tag of that name is an error.
    """
    repo = Repo.containing(package.root)
    if repo is None:
        return None, "not in a git repository"
    if repo.commit(f"refs/tags/{tag}"):
        raise UsageError(f"tag {tag} already exists: release a different version, or pass --no-tag")
    if repo.commit("HEAD") is None:
        return None, "the repository has no commit yet"
    schemas = [raw["schema"] for raw in package.descriptor["resources"] if isinstance(raw.get("schema"), str)]
    data = [resource.relpath for resource in package.resources.values()]
    if repo.changed([DESCRIPTOR, *schemas, *data]):
        return None, "the package has uncommitted changes"
    return repo, ""


def _write_release(root: Path, descriptor: dict, version: str, entry: str, date: str) -> tuple[Path, ...]:
    descriptor = {**descriptor, "version": version, "created": f"{date}T00:00:00Z"}
    write_atomic(root / "datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
    write_atomic(changelog, insert_entry(text, entry))
    written = [root / "datapackage.json", changelog]
    for relative, pattern, replacement in (
        ("src/rcmc/__init__.py", r'__version__ = "[^"]+"', f'__version__ = "{version}"'),
    ):
        target = root / relative
        if target.exists():
            write_atomic(target, re.sub(pattern, replacement, target.read_text(encoding="utf-8"), count=1, flags=re.M))
            written.append(target)
    written += write_citations(open_package(root))  # CITATION.cff and the README's citation, from the new descriptor
    written += _regenerate_documents(root)
    current = read_version(str(root))
    write_atomic(
        root / RELEASED_IDS,
        json.dumps(
            {"version": version, "columns": current.columns, "rows": current.rows}, indent=1, ensure_ascii=False, sort_keys=True
        )
        + "\n",
    )
    return tuple(dict.fromkeys([*written, root / RELEASED_IDS]))


def vanished_released_ids(path: str | os.PathLike | None = None) -> list[str]:
    """Released IDs missing from the data, unless the package's major version was bumped since."""
    package = open_package(path)
    previous = previous_version(package.root)
    if previous.version == "0.0.0" or int(package.version.split(".")[0]) > int(previous.version.split(".")[0]):
        return []
    current = read_version(str(package.root))
    return [f"{name}: {key}" for name, rows in previous.rows.items() for key in rows if key not in current.rows.get(name, {})]
