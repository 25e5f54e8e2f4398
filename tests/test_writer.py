"""The canonical writer: byte-stable round trips, atomic writes, and parallel adds that lose nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rcmc.package import open_package
from rcmc.rows import current_rows
from rcmc.writer import render_table, write_atomic

FREE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=40)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(summaries=st.lists(FREE_TEXT.filter(lambda s: s.strip() == s and s != ""), min_size=1, max_size=5), notes=FREE_TEXT)
def test_read_then_write_changes_no_byte(package: Path, summaries: list[str], notes: str) -> None:
    resource = open_package(package).resource("agreements")
    base = current_rows(resource)[0]
    rows = [{**base, "agreement_id": f"deal-{i}", "summary": text, "notes": notes} for i, text in enumerate(summaries)]
    first = render_table(resource, rows)
    write_atomic(resource.path, first)
    assert render_table(resource, current_rows(resource)) == first
    assert resource.path.read_bytes() == first.encode("utf-8")


def test_writer_sorts_rows_and_lists_and_drops_trailing_zero(package: Path) -> None:
    resource = open_package(package).resource("exercises")
    rows = current_rows(resource)
    rows[0] = {**rows[0], "participants": "RUS;CHN", "ships": "13.0"}
    text = render_table(resource, list(reversed(rows)))
    lines = text.splitlines()
    assert lines[1].startswith("joint-sea-2019,") and ",CHN;RUS," in lines[1] and ",13," in lines[1]
    assert text.endswith("\n") and "\r" not in text


def test_failed_write_leaves_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "table.csv"
    target.write_text("old\n")

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", explode)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_atomic_write_keeps_file_mode(tmp_path: Path) -> None:
    import os
    import stat

    target = tmp_path / "table.csv"
    target.write_text("old\n")
    os.chmod(target, 0o644)
    write_atomic(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    fresh = tmp_path / "fresh.csv"
    write_atomic(fresh, "x\n")
    assert stat.S_IMODE(fresh.stat().st_mode) & 0o044 == 0o044
