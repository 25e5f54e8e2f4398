"""Scripts stay importable and runnable, so they cannot rot."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from conftest import ROOT

SCRIPTS = sorted((ROOT / "scripts").glob("*.py"))


def load_script(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_imports_and_has_main(path: Path) -> None:
    assert callable(load_script(path).main)


def test_coverage_tables_on_fixture(package: Path) -> None:
    tables = load_script(ROOT / "scripts" / "coverage.py").coverage_tables(str(package))
    assert tables["exercises per series"].rows() == [("Joint Sea", 1), ("Maritime Security Belt", 1)]
    assert tables["start dates with day precision"].item() == 0.5
    assert tables["equipment missing quantity or order year"].height == 0


@pytest.fixture(scope="module")
def synth() -> ModuleType:
    return load_script(ROOT / "scripts" / "synth.py")


def _hashes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "data").glob("*.csv"))}


def test_synthetic_package_is_valid_and_deterministic(synth: ModuleType, tmp_path: Path) -> None:
    from rcmc.validator import validate

    synth.synthesize(tmp_path / "a", 300, seed=7)
    synth.synthesize(tmp_path / "b", 300, seed=7)
    synth.synthesize(tmp_path / "c", 300, seed=8)
    assert validate(tmp_path / "a") == []
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    assert _hashes(tmp_path / "a") != _hashes(tmp_path / "c")


def test_every_planted_error_is_reported_at_its_line(synth: ModuleType, tmp_path: Path) -> None:
    from rcmc.validator import validate

    planted = synth.synthesize(tmp_path / "p", 400, seed=3, plant=2)
    reported = {(p.file, p.line, p.column, p.rule) for p in validate(tmp_path / "p")}
    assert len(planted) >= 20
    assert [p for p in planted if (p["file"], p["line"], p["column"], p["rule"]) not in reported] == []
    text = (tmp_path / "p" / "data" / "exercises.csv").read_text(encoding="utf-8")
    assert text.count("\n") > text.count("\ndrill-")  # multi-line cells: lines and records differ


class TickingClock:
    """A fake perf_counter that advances one second per reading: timings become exact and clock-free."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        self.now += 1.0
        return self.now


def test_bench_profile_names_and_times_every_step(synth: ModuleType, tmp_path: Path, monkeypatch) -> None:
    from rcmc.rules import RULES

    synth.synthesize(tmp_path / "s", 200, seed=1)
    bench = load_script(ROOT / "scripts" / "bench.py")
    monkeypatch.setattr(bench, "time", TickingClock())
    steps = bench.profile_steps(tmp_path / "s")
    assert {f"rule {name}" for name in RULES} <= set(steps)
    assert {"read exercises", "types equipment", "constraints sources"} <= set(steps)
    assert set(steps.values()) == {1.0}  # each step is one start/stop pair, timed as a difference
