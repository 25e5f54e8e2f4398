"""Release artifacts: one module per format, all written from the validated package.

`export_package(formats, out)` refuses to write outside `out` and refuses to
overwrite files it did not create itself (anything not named like an export).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from rcmc.errors import RcmcError, UsageError
from rcmc.loader import package_frames
from rcmc.package import Package, open_package
from rcmc.validator import validate_package

FORMATS = ("csv", "safe-csv", "json", "parquet", "sqlite", "xlsx")
Writer = Callable[[Package, dict, Path], list[Path]]


class ExportRefused(RcmcError):
    """The export would overwrite files that are not export artifacts, or the package is invalid."""


def _writers() -> dict[str, Writer]:
    from rcmc.export import csv_files, json_files, parquet_files, sqlite_db, xlsx_book

    return {
        "csv": csv_files.write,
        "safe-csv": csv_files.write_safe,
        "json": json_files.write,
        "parquet": parquet_files.write,
        "sqlite": sqlite_db.write,
        "xlsx": xlsx_book.write,
    }


def export_package(formats: Iterable[str], out: str | os.PathLike, path: str | os.PathLike | None = None) -> list[Path]:
    """Write the requested formats (or `all`, which adds a zip bundle with SHA-256 sums) into `out`."""
    formats = list(formats)
    wanted = list(FORMATS) if "all" in formats else formats
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r}; choose from {', '.join((*FORMATS, 'all'))}")
    package = open_package(path)
    problems = validate_package(package)
    if problems:
        raise ExportRefused(f"the package has {len(problems)} problem(s); run `rcmc validate` and fix them first")
    target = Path(out)
    _check_target(target, package)
    target.mkdir(parents=True, exist_ok=True)
    frames = package_frames(package)
    written = [file for name in wanted for file in _writers()[name](package, frames, target)]
    if "all" in formats:
        from rcmc.export.bundle import write_bundle

        written += write_bundle(package, target, written)
    return written


def artifact_names(package: Package) -> set[str]:
    """Every top-level name an export may create in the output folder."""
    base = package.descriptor.get("name", "dataset")
    return {"csv", "safe-csv", "json", "parquet", f"{base}.sqlite", f"{base}.xlsx", f"{base}.zip", "SHA256SUMS"}


def _check_target(target: Path, package: Package) -> None:
    if target.exists() and not target.is_dir():
        raise ExportRefused(f"{target} exists and is not a folder")
    if target.resolve() == package.root.resolve():
        raise ExportRefused("--out must not be the package folder itself")
    if target.is_symlink() or any((target / name).is_symlink() for name in artifact_names(package)):
        raise ExportRefused(f"{target} or an artifact in it is a symbolic link; exports never write through links")
    if target.is_dir():
        foreign = sorted(p.name for p in target.iterdir() if p.name not in artifact_names(package))
        if foreign:
            raise ExportRefused(
                f"{target} holds files that are not export artifacts ({', '.join(foreign[:3])}); "
                "choose an empty or export-only folder"
            )
