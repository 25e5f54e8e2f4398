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
    for relative in [
        "datapackage.json",
        *(r.relpath for r in package.resources.values()),
        *(f"schemas/{r.name}.json" for r in package.resources.values()),
    ]:
        source, target = package.root / relative, folder / relative
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            written.append(target)
    return written
