"""One reading contract: the fast polars path and the exact csv-module path give identical cells.

Every input of the bad-input corpus that both paths can read, and generated tables
with the awkward cells CSV allows (quoted empty cells, spaces, embedded newlines,
quotes, commas), must come out cell for cell the same, lines included.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import build_package
from rcmc.csvfile import LINE_COLUMN, RawTable, _read_exact, _read_fast, _scan_head, read_raw
from rcmc.errors import DescriptorError
from rcmc.package import open_package
from test_bad_inputs import CASES, apply_case


def both_paths(package: Path, table: str):
    resource = open_package(package).resource(table)
    with resource.path.open("rb") as handle:
        head, _ = _scan_head(handle)
    return _read_fast(resource, head), _read_exact(resource)[0]


def assert_same(resource, fast, exact) -> None:
    """Same cells, and the fast path's record numbers map to the exact path's physical lines."""
    assert fast.drop(LINE_COLUMN).equals(exact.frame.drop(LINE_COLUMN)), "the two paths read different cells"
    fast_raw = RawTable(resource, fast, records_only=True)
    physical = [fast_raw.physical_line(line) for line in fast.get_column(LINE_COLUMN)]
    assert physical == exact.frame.get_column(LINE_COLUMN).to_list()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_reads_the_same_on_both_paths(case: Path, tmp_path: Path) -> None:
    package = build_package(tmp_path / "pkg")
    apply_case(case, package)
    try:
        tables = open_package(package).resources
    except DescriptorError:
        return  # the case breaks the descriptor itself: no table is read on either path
    compared = 0
    for name, resource in tables.items():
        if not resource.path.exists() or read_raw(resource)[0] is None:
            continue
        fast, exact = both_paths(package, name)
        if fast is None:
            continue  # the fast path declined: the exact path alone decides
        assert_same(resource, fast, exact)
        compared += 1
    assert compared >= 1 or not any(r.path.exists() for r in tables.values())


CELL = st.one_of(
    st.just(""),
    st.just('""'),
    st.text(alphabet=st.sampled_from(list('ab ,"\n;é')), min_size=1, max_size=8),
)


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=5))
def test_awkward_cells_read_the_same_on_both_paths(tmp_path_factory, cells) -> None:
    package = build_package(tmp_path_factory.mktemp("contract") / "pkg")
    path = package / "data" / "sources.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(rows[0])
    for index, (title, author) in enumerate(cells):
        row = list(rows[1 + index % (len(rows) - 1)])
        row[0] = f"row-{index}"
        row[1] = title.strip('"') if title == '""' else title
        row[3] = author
        writer.writerow(row)
    text = buffer.getvalue().replace(',"",', ',"",')  # the csv module never writes "" itself: plant it by hand
    if any(title == '""' for title, _ in cells):
        text = text.replace("\nrow-0,,", '\nrow-0,"",', 1)
    path.write_text(text, encoding="utf-8")
    fast, exact = both_paths(package, "sources")
    if fast is not None:
        assert_same(open_package(package).resource("sources"), fast, exact)
