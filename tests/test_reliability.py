"""Reliability: crashes mid-write, many writers at once, and random hostile input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import rcmc
from conftest import build_package
from rcmc.errors import RcmcError
from rcmc.package import open_package
from rcmc.records import add_rows, current_rows
from rcmc.validator import validate

ROW = {
    "title": "Crash report",
    "publisher": "Example Wire",
    "url": "https://example.org/crash",
    "language": "en",
    "kind": "news",
    "accessed_date": "2026-11-26",
}
# Each point kills the process with SIGKILL at one moment of the atomic write.
KILL_POINTS = {
    "before-fsync": "import os, signal; os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)",
    "before-rename": "import os, signal; os.replace = lambda a, b: os.kill(os.getpid(), signal.SIGKILL)",
    "after-rename": "import os, signal, rcmc.writer as w; w._fsync_folder = lambda f: os.kill(os.getpid(), signal.SIGKILL)",
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_during_write_leaves_old_or_new_file(package: Path, tmp_path: Path, point: str) -> None:
    target = package / "data" / "sources.csv"
    old = target.read_bytes()
    row_file = tmp_path / "row.json"
    row_file.write_text(json.dumps(ROW))
    arguments = ["add", "sources", "--json", str(row_file), "--package", str(package)]
    code = f"{KILL_POINTS[point]}\nfrom rcmc.cli import cli\ncli({arguments!r})"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == -9, result.stderr
    new = target.read_bytes()
    if point == "after-rename":
        assert new != old and b"https://example.org/crash" in new
    else:
        assert new == old
    problems = [p for p in validate(package) if p.rule != "orphan-row"]
    assert problems == []


def test_twenty_parallel_adds_all_land(package: Path, tmp_path: Path) -> None:
    processes = []
    for number in range(20):
        path = tmp_path / f"row{number}.json"
        path.write_text(json.dumps({**ROW, "title": f"Parallel {number}", "url": f"https://example.org/p/{number}"}))
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "rcmc", "add", "sources", "--json", str(path), "--package", str(package)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    for process in processes:
        process.communicate(timeout=300)
    assert [p.returncode for p in processes] == [0] * 20
    urls = {row["url"] for row in current_rows(open_package(package).resource("sources"))}
    assert {f"https://example.org/p/{n}" for n in range(20)} <= urls


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400))
def test_random_bytes_never_crash_the_validator(tmp_path_factory, content: bytes) -> None:
    package = build_package(tmp_path_factory.mktemp("fuzz") / "pkg")
    (package / "data" / "exercises.csv").write_bytes(content)
    problems = validate(package)
    assert problems and all(p.file and p.rule and p.message for p in problems)
    try:
        frame = rcmc.load("exercises", path=package)
    except RcmcError:
        return  # a typed, explained refusal is the right outcome
    assert frame.width > 0


MUTATION = st.tuples(
    st.integers(min_value=0, max_value=2000),
    st.integers(min_value=0, max_value=5),
    st.sampled_from(['"', ",", "\n", "", ";", " ", "é", "\x00", "\\", "2023-02-30", "-1", "=1+1"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_random_csv_mutations_give_problems_not_exceptions(tmp_path_factory, mutations) -> None:
    package = build_package(tmp_path_factory.mktemp("mut") / "pkg")
    path = package / "data" / "exercises.csv"
    original = text = path.read_text(encoding="utf-8")
    for position, length, insert in mutations:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + length :]
    assume(text != original)
    path.write_text(text, encoding="utf-8")
    problems = validate(package)
    assert all(p.file and p.rule and p.message for p in problems)
    if not problems:  # a clean verdict must mean the table loads, holding the changed text
        frame = rcmc.load("exercises", path=package)
        assert frame.height >= 1


SAFE_TEXT = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=SAFE_TEXT, location=SAFE_TEXT, summary=SAFE_TEXT, ships=st.integers(min_value=0, max_value=500))
def test_added_row_survives_load_export_load(tmp_path_factory, name: str, location: str, summary: str, ships: int) -> None:
    package = build_package(tmp_path_factory.mktemp("rt") / "pkg")
    row = {
        "exercise_id": "fuzz-drill-2020",
        "name": name,
        "kind": "exercise",
        "domain": "sea",
        "framework": "bilateral",
        "participants": ["RUS", "CHN"],
        "start_date": "2020-05",
        "location": location,
        "ships": ships,
        "summary": summary,
        "confidence": "reported",
        "source_ids": ["example-2019-drill"],
    }
    add_rows({"exercises": [row]}, package)
    loaded = rcmc.load("exercises", path=package).filter(rcmc.load("exercises", path=package)["exercise_id"] == "fuzz-drill-2020")
    record = loaded.row(0, named=True)
    assert (record["name"], record["location"], record["summary"], record["ships"]) == (name, location, summary, ships)
    assert record["participants"] == ["CHN", "RUS"]
    from rcmc.export import export_package

    out = package.parent / "out"
    export_package(["json", "csv"], out, package)
    exported = next(r for r in json.loads((out / "json" / "exercises.json").read_text()) if r["exercise_id"] == "fuzz-drill-2020")
    assert (exported["name"], exported["location"], exported["summary"], exported["ships"]) == (name, location, summary, ships)
    again = rcmc.load("exercises", path=out / "csv")
    assert again.equals(rcmc.load("exercises", path=package))
