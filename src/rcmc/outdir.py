"""Safe output folders: rcmc deletes or overwrites only files it wrote itself.

A folder that rcmc builds (`rcmc site --out`, `rcmc export --out`) holds a
marker, `.rcmc-output.json`, listing every file the last build wrote. A build:

1. refuses a non-empty folder without the marker, a folder marked by another
   kind of build, a symbolic link, or a marker that names paths outside the
   folder; nothing is touched then;
2. writes everything into a staging folder inside the output folder;
3. refuses if a new file would land on a file or link the last build did not
   write (again touching nothing outside the staging folder, which it removes);
4. removes the files the last build wrote (then the folders left empty), moves
   the new files into place, and writes the new marker.

While files move, the marker lists both builds, so an interrupted build can be
cleaned up by the next one; a staging folder (`.rcmc-staging-*`) left by an
interrupted build is removed by the next build into the same folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from rcmc.errors import OutputRefused

MARKER = ".rcmc-output.json"
STAGING_PREFIX = ".rcmc-staging-"
FIX = "choose an empty or new folder"
Keep = Callable[[str, list[str]], bool]


def read_manifest(out: Path, kind: str) -> list[str]:
    """Files the last `kind` build wrote into `out` (relative POSIX paths); [] for a new or empty folder.

    Raises OutputRefused when `out` may hold files rcmc did not write.
    """
    if out.is_symlink():
        raise OutputRefused(f"{out} is a symbolic link; rcmc never writes through links: give the folder it points to")
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"{out} exists and is not a folder; {FIX}")
    marker = out / MARKER
    if not marker.is_file() or marker.is_symlink():
        foreign = sorted(p.name for p in out.iterdir() if not p.name.startswith(STAGING_PREFIX)) if out.is_dir() else []
        if foreign:
            raise OutputRefused(
                f"{out} is not empty ({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}) "
                f"and was not made by rcmc {kind}; {FIX}"
            )
        return []
    return _parse_manifest(out, marker, kind)


def _parse_manifest(out: Path, marker: Path, kind: str) -> list[str]:
    try:
        manifest = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise OutputRefused(f"{marker} is unreadable, so rcmc cannot tell which files it wrote; {FIX}") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise OutputRefused(f"{marker} does not list the files rcmc wrote; {FIX}")
    if manifest.get("kind") != kind:
        raise OutputRefused(f"{out} holds the output of rcmc {manifest.get('kind')}, not rcmc {kind}; {FIX}")
    for relative in files:
        _check_relative(out, relative, marker)
    return files


def _check_relative(out: Path, relative: str, marker: Path) -> None:
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or relative == MARKER:
        raise OutputRefused(f"{marker} lists {relative!r}, which is not a file inside {out}; {FIX}")


def _blocked(out: Path, relative: str, ours: set[str]) -> str | None:
    """Why `out/relative` cannot be written or removed safely, or None.

    A symbolic link on the way (or at the end) would send the write elsewhere; a
    file where a folder is needed would have to be deleted.
    """
    parts = PurePosixPath(relative).parts
    current = out
    for index, part in enumerate(parts):
        current = current / part
        if current.is_symlink():
            return "symbolic link"
        here = "/".join(parts[: index + 1])
        if index < len(parts) - 1 and current.exists() and not current.is_dir() and here not in ours:
            return "a file where a folder goes"
    return None


def _files_under(folder: Path) -> list[str]:
    """Every file and link under `folder`, as sorted relative POSIX paths."""
    found = []
    for directory, names, files in os.walk(folder):
        base = Path(directory)
        found += [(base / name).relative_to(folder).as_posix() for name in files]
        found += [(base / name).relative_to(folder).as_posix() for name in names if (base / name).is_symlink()]
    return sorted(found)


def _conflicts(out: Path, new: Iterable[str], previous: Iterable[str]) -> list[str]:
    """New files that would land on, or write through, something the last build did not write."""
    ours = set(previous)
    problems = []
    for relative in new:
        reason = _blocked(out, relative, ours)
        if reason:
            problems.append(f"{relative} ({reason})")
        elif relative not in ours and (out / relative).exists():
            problems.append(relative)
    for relative in ours:
        reason = _blocked(out, relative, ours) or ("a folder" if (out / relative).is_dir() else None)
        if reason:
            problems.append(f"{relative} ({reason}, changed since the last build)")
    return sorted(set(problems))


def _write_manifest(out: Path, kind: str, files: Iterable[str]) -> None:
    from rcmc.writer import write_atomic

    manifest = {"tool": "rcmc", "kind": kind, "files": sorted(set(files))}
    write_atomic(out / MARKER, json.dumps(manifest, indent=1) + "\n")


def _remove_previous(out: Path, previous: Iterable[str]) -> None:
    """Delete the files the last build wrote, then the folders they leave empty (never `out` itself)."""
    folders: set[Path] = set()
    for relative in previous:
        target = out / relative
        if target.is_file() and not target.is_symlink():
            target.unlink()
        folders.update(p for p in (out / relative).parents if p != out and out in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        with suppress(OSError):  # not empty (someone else's files) or already gone
            folder.rmdir()


def _move_into_place(staging: Path, out: Path, files: Iterable[str]) -> None:
    for relative in files:
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)


def publish(staging: Path, out: Path, kind: str, previous: list[str], keep: Keep | None = None) -> list[str]:
    """Replace the last build's files in `out` with the files in `staging`; return the files written.

    `keep(file, new_files)` may spare files of the last build (they stay listed in the marker).
    """
    files = [f for f in _files_under(staging) if f != MARKER]
    new = set(files)
    conflicts = _conflicts(out, files, previous)
    if conflicts:
        shown = ", ".join(conflicts[:3]) + (", ..." if len(conflicts) > 3 else "")
        raise OutputRefused(f"{out} holds files rcmc {kind} did not write where it would write: {shown}; {FIX}")
    kept = {f for f in previous if keep and f not in new and keep(f, files)}
    _write_manifest(out, kind, [*previous, *files])
    _remove_previous(out, [f for f in previous if f not in kept])
    _move_into_place(staging, out, files)
    _write_manifest(out, kind, [*kept, *files])
    return files


@contextmanager
def building(out: str | os.PathLike, kind: str, keep: Keep | None = None) -> Iterator[Path]:
    """Yield a fresh staging folder to write a `kind` build into; on success, publish it to `out`.

    Every check runs before anything in `out` changes; on any error (a refusal
    included) the staging folder is removed and `out` is left as it was (a
    folder this call created is removed again).
    """
    target = Path(out)
    previous = read_manifest(target, kind)
    created = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputRefused(f"cannot create {target}: {error.strerror}; {FIX}") from None
    for stale in target.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target))
    try:
        yield staging
        publish(staging, target, kind, previous, keep)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            with suppress(OSError):
                target.rmdir()
        raise
    shutil.rmtree(staging, ignore_errors=True)
