"""Release artifacts: one module per format, all written from the validated package.

`export_package(formats, out)` writes only inside `out`, and only into a new or
empty folder or one an earlier export made: see `rcmc.outdir`. A rebuild
replaces exactly the files the previous export wrote.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from rcmc.errors import OutputRefused, RcmcError, UsageError
from rcmc.loader import package_frames
from rcmc.outdir import building
from rcmc.package import Package, open_package
from rcmc.validator import validate_package

FORMATS = ("csv", "safe-csv", "json", "parquet", "sqlite", "xlsx")
Writer = Callable[[Package, dict, Path], list[Path]]


class ExportRefused(RcmcError):
    """The package is invalid, so no artifact is written."""


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
    if target.resolve() == package.root.resolve():
        raise OutputRefused("--out must not be the package folder itself; choose an empty or new folder")
    with building(target, "export", keep=_other_formats(package)) as staging:
        frames = package_frames(package)
        written = [file for name in wanted for file in _writers()[name](package, frames, staging)]
        if "all" in formats:
            from rcmc.export.bundle import write_bundle

            written += write_bundle(package, staging, written)
    return [target / file.relative_to(staging) for file in written]


def _other_formats(package: Package) -> Callable[[str, list[str]], bool]:
    """Which files of an earlier export survive this one: other formats' folders and files, never a stale bundle."""
    from rcmc.export.bundle import is_bundle_file

    def keep(relative: str, new_files: list[str]) -> bool:
        top = relative.split("/", 1)[0]
        return not is_bundle_file(package, top) and top not in {f.split("/", 1)[0] for f in new_files}

    return keep
