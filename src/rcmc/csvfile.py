"""Read a table's CSV file as raw text cells, with the physical line number of each row.

Structural defects (encoding, BOM, line endings, quoting, header, ragged rows)
are reported here; cell values are checked later against the schema.
"""

from __future__ import annotations

import csv
import io
import mmap
import os
from dataclasses import dataclass, replace
from functools import cached_property
from typing import BinaryIO

import polars as pl

from rcmc.catalogue import hint as catalogue_hint
from rcmc.package import Resource
from rcmc.problems import Problem

LINE_COLUMN = "_line"
MAX_CELL_BYTES = 2**31 - 1
COMPRESSED_MAGIC = (b"\x1f\x8b", b"x\x01", b"x\x5e", b"x\x9c", b"x\xda", b"\x28\xb5\x2f\xfd", b"BZh")


@dataclass(frozen=True)
class RawTable:
    """A table's cells as strings (null for empty) plus a `_line` column of line numbers.

    When `records_only` is set, `_line` is the record number plus one, exact as long as no
    cell holds a newline; `physical_line` adds the newlines of earlier cells. That count
    is needed only to report a problem, so a clean table never pays for it.
    """

    resource: Resource
    frame: pl.DataFrame
    records_only: bool = False

    @cached_property
    def _newlines_before(self) -> pl.Series:
        """For each record, how many newlines the cells of the records before it hold (counted on first use)."""
        cells = [name for name in self.frame.columns if name != LINE_COLUMN]
        counts = pl.sum_horizontal(pl.col(name).str.count_matches("\n", literal=True).fill_null(0) for name in cells)
        return self.frame.select(counts.cum_sum().shift(1, fill_value=0)).to_series()

    def physical_line(self, line: int) -> int:
        """The file line where the record at `line` (as held in `_line`) starts."""
        if not self.records_only or line < 2 or line - 2 >= self.frame.height:
            return line
        return line + int(self._newlines_before[line - 2])

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """`problems` with the lines of this table's file made physical (see `physical_line`)."""
        if not self.records_only:
            return problems
        return [
            replace(p, line=self.physical_line(p.line)) if p.file == self.resource.relpath and p.line is not None else p
            for p in problems
        ]


def read_raw(resource: Resource) -> tuple[RawTable | None, list[Problem]]:
    """Read `resource`'s CSV; return the raw table, or None with the structural problems found."""
    file = resource.relpath
    try:
        with resource.path.open("rb") as handle:
            head, has_cr = _scan_head(handle)
    except FileNotFoundError:
        return None, [
            _problem(
                file,
                None,
                "missing-file",
                "the data file referenced by datapackage.json does not exist",
            )
        ]
    if _head_problems(head, has_cr):
        problems = _byte_problems(file, resource.path.read_bytes())
        if problems:
            return None, problems
    fast = _read_fast(resource, head)
    if fast is not None:
        return RawTable(resource, fast, records_only=True), []
    return _read_exact(resource)


def _read_exact(resource: Resource) -> tuple[RawTable | None, list[Problem]]:
    """Parse with the csv module, which locates every structural defect (slow, used only when in doubt)."""
    file = resource.relpath
    text, problems = _decode(file, resource.path.read_bytes())
    if problems:
        return None, problems
    rows, lines, problems = _parse(file, text)
    if problems:
        return None, problems
    problems = _check_header(resource, rows[0]) or _check_row_shapes(file, rows, lines)
    if problems:
        return None, problems
    return RawTable(resource, _to_frame(resource.field_names, rows[1:], lines[1:])), []


def _problem(
    file: str, line: int | None, rule: str, message: str, hint: str | None = None, column: str | None = None
) -> Problem:
    """A structural problem; its hint is the rule catalogue's unless a more specific one is given."""
    hint = hint or catalogue_hint(rule)
    return Problem(file=file, line=line, column=column, value=None, rule=rule, message=message, hint=hint)


HEAD_BYTES = 1 << 16


def _scan_head(handle: BinaryIO) -> tuple[bytes, bool]:
    """The file's first bytes (at least its header line, when it has one) and whether it holds a CR anywhere."""
    size = os.fstat(handle.fileno()).st_size
    if size == 0:
        return b"", False
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        first_newline = mapped.find(b"\n")
        head = mapped[: max(HEAD_BYTES, first_newline + 1)]
        return head, mapped.find(b"\r") != -1


def _head_problems(head: bytes, has_cr: bool) -> bool:
    """Whether the byte-level checks (empty, BOM, CR) must look at the whole file."""
    return has_cr or not head.strip() or head.startswith(b"\xef\xbb\xbf")


def _read_fast(resource: Resource, head: bytes) -> pl.DataFrame | None:
    """Parse with polars when the file is structurally sound; None sends it to the exact, slower path.

    polars raises on long rows and unclosed quotes but pads short rows and blank
    lines with nulls, and every such row has a null last cell: when the last
    column has nulls, the separators are counted to rule them out. Any doubt
    falls back to the csv module, which locates the defect.
    """
    names = resource.field_names
    if head.startswith(COMPRESSED_MAGIC):
        return None  # polars would silently decompress it; the exact path reports the bytes as they are
    newline = head.find(b"\n")
    try:
        header_text = (head if newline == -1 else head[:newline]).decode("utf-8")
        header = next(csv.reader(io.StringIO(header_text, newline="")), [])
        frame = pl.read_csv(resource.path, infer_schema=False, has_header=True, raise_if_empty=False)
    except (UnicodeDecodeError, OSError, pl.exceptions.PolarsError):
        return None  # e.g. invalid UTF-8 or an unclosed quote: the exact path locates it
    if newline == -1 or header != names or frame.columns != names:
        return None
    if frame.get_column(names[-1]).null_count() and not _separators_match(resource, frame):
        return None
    lines = (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(LINE_COLUMN)
    return _empty_as_null(frame).with_columns(lines).rechunk()  # one chunk per column: later passes need not realign them


def _separators_match(resource: Resource, frame: pl.DataFrame) -> bool:
    """Whether every record has one comma per column boundary: no short rows and no blank lines."""
    in_cells = frame.select(pl.sum_horizontal(pl.all().str.count_matches(",", literal=True).sum())).item()
    expected = (frame.height + 1) * (frame.width - 1) + (in_cells or 0)
    return resource.path.read_bytes().count(b",") == expected


def _byte_problems(file: str, data: bytes) -> list[Problem]:
    """File-level defects, all at once: an empty file, else a byte-order mark, invalid UTF-8 and CR line endings."""
    if not data or data.isspace():
        return [
            _problem(
                file,
                1,
                "empty-file",
                "the file is empty; it needs at least the header row",
            )
        ]
    problems = []
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(
            _problem(
                file,
                1,
                "encoding",
                "the file starts with a UTF-8 byte-order mark",
                "run `rcmc fmt` to remove it, or save the file as UTF-8 without BOM",
            )
        )
    _, undecodable = _decode(file, data)
    problems += undecodable  # binary junk is an encoding problem, whatever bytes it happens to hold
    if b"\r" in data and not undecodable:
        line = data[: data.index(b"\r")].count(b"\n") + 1
        problems.append(_problem(file, line, "line-endings", "the file has CR or CRLF line endings"))
    return problems


def _decode(file: str, data: bytes) -> tuple[str, list[Problem]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bad = data[error.start : error.start + 1]
        return "", [_problem(file, line, "encoding", f"invalid UTF-8 byte {bad!r}")]


def _parse(file: str, text: str) -> tuple[list[list[str]], list[int], list[Problem]]:
    csv.field_size_limit(MAX_CELL_BYTES)  # the default 128 KiB would turn a long cell into a parse error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        return (
            [],
            [],
            [
                _problem(
                    file,
                    start,
                    "csv-syntax",
                    f"the CSV cannot be parsed from this line: {error}",
                )
            ],
        )
    return rows, lines, []


def _check_header(resource: Resource, header: list[str]) -> list[Problem]:
    file, expected = resource.relpath, resource.field_names
    if header == expected:
        return []
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(
                _problem(
                    file, 1, "header", f"column {name!r} appears twice in the header", "remove the duplicate column", column=name
                )
            )
        seen.add(name)
    for name in expected:
        if name not in seen:
            problems.append(
                _problem(
                    file,
                    1,
                    "header",
                    f"column {name!r} from the schema is missing from the header",
                    f"the header must be exactly: {','.join(expected)}",
                    column=name,
                )
            )
    for name in header:
        if name not in expected:
            problems.append(
                _problem(
                    file,
                    1,
                    "header",
                    f"column {name!r} is not in the schema",
                    "remove it, or add it to the schema first",
                    column=name,
                )
            )
    if not problems:
        problems.append(
            _problem(
                file, 1, "header", "the columns are not in schema order", f"the header must be exactly: {','.join(expected)}"
            )
        )
    return problems


def _check_row_shapes(file: str, rows: list[list[str]], lines: list[int]) -> list[Problem]:
    width = len(rows[0])
    problems = []
    for row, line in zip(rows[1:], lines[1:], strict=True):
        if not row:
            problems.append(
                _problem(file, line, "blank-line", "blank line inside the table")
            )
        elif len(row) != width:
            problems.append(
                _problem(
                    file,
                    line,
                    "ragged-row",
                    f"the row has {len(row)} cells but the header has {width}",
                )
            )
    return problems


def _to_frame(names: list[str], rows: list[list[str]], lines: list[int]) -> pl.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    data = {name: pl.Series(name, list(values), dtype=pl.Utf8) for name, values in zip(names, columns, strict=True)}
    frame = pl.DataFrame(data, schema={name: pl.Utf8 for name in names})
    return _empty_as_null(frame).with_columns(pl.Series(LINE_COLUMN, lines, dtype=pl.Int64))


def _empty_as_null(frame: pl.DataFrame) -> pl.DataFrame:
    """Both reading paths: an empty cell, quoted (`""`) or not, is null (unknown). Every column is text here."""
    return frame.with_columns(pl.when(pl.all() == "").then(None).otherwise(pl.all()).name.keep())


def frame_of_rows(resource: Resource, rows: list[dict[str, str]]) -> pl.DataFrame:
    """Rows of text cells as a raw table frame, numbered as a canonical file would number them (header on line 1)."""
    names = resource.field_names
    return _to_frame(names, [[row.get(name) or "" for name in names] for row in rows], list(range(2, len(rows) + 2)))
