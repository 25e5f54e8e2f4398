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
