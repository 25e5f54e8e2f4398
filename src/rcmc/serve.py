"""Browse the package in datasette: the SQLite export plus metadata generated from the schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rcmc.errors import MissingDependency
from rcmc.export.sqlite_db import year_column
from rcmc.package import Package, open_package


def datasette_metadata(package: Package, database: str) -> dict:
    """datasette metadata: title, licence, source, table and column descriptions, facets."""
    d = package.descriptor
    data_licence = next((lic for lic in d.get("licenses", []) if lic["name"].startswith("CC")), {})
    tables = {}
    for resource in package.resources.values():
        year = resource.year_column
        facets = [*resource.facets, *([year_column(year) if year in resource.date_columns else year] if year else [])]
        tables[resource.name] = {
            "description": next((r.get("description", "") for r in d["resources"] if r["name"] == resource.name), ""),
            "columns": {f["name"]: f.get("description", "") for f in resource.fields},
            "facets": facets,
        }
    return {
        "title": d.get("title", d.get("name")),
        "description": d.get("description", ""),
        "license": data_licence.get("name", ""),
        "license_url": data_licence.get("path", ""),
        "source": f"{d.get('name')} v{package.version}",
        "source_url": d.get("homepage", ""),
        "databases": {database: {"tables": tables}},
    }


def prepare(path: str | os.PathLike | None = None, folder: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Write the SQLite export and metadata.json into `folder` (a new temporary folder by default)."""
    from rcmc.export import export_package

    package = open_package(path)
    target = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="rcmc-serve-"))
    database = next(p for p in export_package(["sqlite"], target, package.root) if p.suffix == ".sqlite")
    metadata = target / "metadata.json"
    metadata.write_text(json.dumps(datasette_metadata(package, database.stem), indent=2, ensure_ascii=False), encoding="utf-8")
    return database, metadata


def serve_command(database: Path, metadata: Path, host: str, port: int) -> list[str]:
    """The datasette command line that serves the export read-only."""
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise MissingDependency("datasette is not installed: pip install 'russia-china-military-cooperation[serve]'") from None
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "--immutable",
        str(database),
        "--metadata",
        str(metadata),
        "--host",
        host,
        "--port",
        str(port),
    ]


def serve(path: str | os.PathLike | None = None, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run datasette on the package until interrupted; returns its exit code."""
    database, metadata = prepare(path)
    return subprocess.call(serve_command(database, metadata, host, port))
