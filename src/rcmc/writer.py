"""The one canonical CSV writer: schema column order, rows sorted by primary key, `;`-lists sorted,
minimal quoting, `\\n` line endings, UTF-8 without BOM, written atomically.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from rcmc.package import LIST_DELIMITER, Resource

Row = Mapping[str, str | None]


def canonical_cell(resource: Resource, column: str, value: str | None) -> str:
    """The canonical text of one cell: lists sorted, integral numbers without `.0`, None as empty."""
    if value is None:
        return ""
    if resource.column(column).is_list and value:
        return LIST_DELIMITER.join(sorted(value.split(LIST_DELIMITER)))
    if resource.field(column).get("type") in ("integer", "number") and value.endswith(".0"):
        head = value[:-2]
        return head if head.lstrip("-").isdigit() else value
    return value


def render_table(resource: Resource, rows: Iterable[Row]) -> str:
    """The canonical CSV text of a table."""
    names = resource.field_names
    key = resource.primary_key
    ordered = sorted(rows, key=lambda row: row.get(key) or "")
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    out.writerow(names)
    for row in ordered:
        out.writerow([canonical_cell(resource, name, row.get(name)) for name in names])
    return buffer.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temp file in the same folder, fsync, then rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp, _mode_for(path))  # mkstemp makes 0600 files; keep the old mode, or the umask default
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
