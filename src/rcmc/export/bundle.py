"""Zip bundle of every artifact, with a SHA256SUMS file."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from rcmc.package import Package


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_bundle(package: Package, out: Path, files: list[Path]) -> list[Path]:
    """Write `SHA256SUMS` for `files` and a zip holding them and the sums."""
    sums = out / "SHA256SUMS"
    lines = [f"{sha256(f)}  {f.relative_to(out).as_posix()}" for f in sorted(files)]
    sums.write_text("\n".join(lines) + "\n", encoding="utf-8")
    archive = out / f"{package.descriptor.get('name', 'dataset')}.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for file in [*sorted(files), sums]:
            bundle.write(file, file.relative_to(out).as_posix())
    return [sums, archive]
