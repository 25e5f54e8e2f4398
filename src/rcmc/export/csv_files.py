"""CSV export: canonical copies of the tables plus the descriptor and schemas (a valid data package)."""

from __future__ import annotations

import shutil
from pathlib import Path

from rcmc.package import Package


def write(package: Package, frames: dict, out: Path) -> list[Path]:
    """Copy data/, schemas/ and datapackage.json under `out/csv/`."""
    folder = out / "csv"
    if folder.exists():
        shutil.rmtree(folder)
    written = []
    schema_files = [r["schema"] for r in package.descriptor["resources"] if isinstance(r.get("schema"), str)]
    for relative in ["datapackage.json", *(r.relpath for r in package.resources.values()), *schema_files]:
        source, target = package.root / relative, folder / relative
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            written.append(target)
    return written


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet will never read as a formula: a leading = + - @ tab or CR gets a quote mark."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_safe(package: Package, frames: dict, out: Path) -> list[Path]:
    """CSV copies for spreadsheets, under `out/safe-csv/`: text cells neutralised against formula injection.

    Not a valid data package (values are altered); use `csv` for analysis.
    """
    from rcmc.rows import current_rows
    from rcmc.serialise import to_csv

    folder = out / "safe-csv"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for resource in package.resources.values():
        text_columns = {f["name"] for f in resource.fields if f.get("type", "string") == "string"}
        rows = [{k: neutralise(v) if k in text_columns and v else v for k, v in row.items()} for row in current_rows(resource)]
        path = folder / f"{resource.name}.csv"
        path.write_text(to_csv(resource, rows), encoding="utf-8")
        written.append(path)
    return written
