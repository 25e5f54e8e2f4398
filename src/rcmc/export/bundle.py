"""The release bundle: README, LICENSE, CITATION.cff, CHANGELOG and codebook beside the data, SHA256SUMS, and a zip.

The zip is named after the dataset and its version (`<name>-<version>.zip`) and unpacks
into one folder of the same name.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

from rcmc.package import Package

DOCUMENTS = ("README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md", "codebook.md")
CONTENTS = {
    "csv": "the data package: `datapackage.json`, `data/*.csv` and `schemas/*.json` (open with any Frictionless tool)",
    "safe-csv": "CSV copies for spreadsheets, text cells guarded against formulas (not for analysis)",
    "json": "one JSON array of records per table (numbers typed, empty cells null, lists as arrays)",
    "parquet": "one typed Parquet file per table",
    ".sqlite": "every table in SQLite, with `citations` and a bridge table per list column",
    ".xlsx": "a sheet per table, with a README sheet",
    "codebook.md": "every column, its allowed values and their meaning",
    "CITATION.cff": "how to cite this version, machine-readable",
    "CHANGELOG.md": "what changed in each version",
    "LICENSE": "the licences of the data and the code",
    "SHA256SUMS": "the SHA-256 of every file",
}


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def bundle_stem(package: Package) -> str:
    """`<name>-<version>`: the zip's name without `.zip`, and its one top-level folder."""
    return f"{package.descriptor.get('name', 'dataset')}-{package.version}"


def is_bundle_file(package: Package, top: str) -> bool:
    """Whether a top-level file of an export folder belongs to the bundle (any version's zip included)."""
    name = str(package.descriptor.get("name", "dataset"))
    return top in (*DOCUMENTS, "SHA256SUMS") or (top.startswith(name) and top.endswith(".zip"))


def write_bundle(package: Package, out: Path, files: list[Path]) -> list[Path]:
    """Write the documents, `SHA256SUMS` for them and `files`, and the zip holding all of them under one folder."""
    documents = _write_documents(package, out, files)
    sums = out / "SHA256SUMS"
    lines = [f"{sha256(f)}  {f.relative_to(out).as_posix()}" for f in sorted([*files, *documents])]
    sums.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stem = bundle_stem(package)
    archive = out / f"{stem}.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for file in [*documents, *sorted(files), sums]:
            bundle.write(file, f"{stem}/{file.relative_to(out).as_posix()}")
    return [*documents, sums, archive]


def _write_documents(package: Package, out: Path, files: list[Path]) -> list[Path]:
    from rcmc.citation import citation_cff
    from rcmc.codebook import render_codebook

    texts = {
        "README.md": bundle_readme(package, files, out),
        "CITATION.cff": citation_cff(package),
        "codebook.md": render_codebook(package),
        "LICENSE": _licence_text(package),
    }
    written = []
    for name in DOCUMENTS:
        target = out / name
        if name in texts:
            target.write_text(texts[name], encoding="utf-8")
        elif (package.root / name).is_file():
            shutil.copyfile(package.root / name, target)
        else:
            continue
        written.append(target)
    return written


def _licence_text(package: Package) -> str:
    """The package's LICENSE file when it has one, else the descriptor's licences."""
    if (package.root / "LICENSE").is_file():
        return (package.root / "LICENSE").read_text(encoding="utf-8")
    licences = package.descriptor.get("licenses", [])
    lines = [f"- {lic.get('title', lic.get('name', ''))}: {lic.get('path', '')}" for lic in licences]
    return "Licences\n\n" + "\n".join(lines) + "\n"


def bundle_readme(package: Package, files: list[Path], out: Path) -> str:
    """README.md of the download: what the dataset is, how to cite it, what each file or folder holds."""
    from rcmc.citation import citation_text

    d = package.descriptor
    tops = sorted({f.relative_to(out).parts[0] for f in files} | {*DOCUMENTS, "SHA256SUMS"} - {"README.md"})
    contents = []
    for top in tops:
        key = top if top in CONTENTS else Path(top).suffix
        if top in (*DOCUMENTS, "SHA256SUMS") and top not in CONTENTS:
            continue
        shown = f"`{top}/`" if (out / top).is_dir() else f"`{top}`"
        contents.append(f"- {shown}: {CONTENTS.get(key, '')}".rstrip(": "))
    return (
        f"# {d.get('title', d.get('name', ''))}, version {package.version}\n\n"
        f"{d.get('description', '')}\n\n"
        f"## How to cite\n\n{citation_text(package, markdown=True)}\n\n"
        f"## Contents\n\n" + "\n".join(contents) + "\n\n"
        f"Empty cells mean unknown, never zero. More: {d.get('homepage', '')}\n"
    )
