"""Shared fixtures: small temporary packages built from the real descriptor and schemas."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run and machine (no unseeded randomness)
# and are never timed (no deadline), so the suite cannot pass or fail by luck or load.
settings.register_profile("deterministic", derandomize=True, deadline=None, database=None)
settings.load_profile("deterministic")

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DATA = Path(__file__).parent / "fixtures" / "minipkg" / "data"


def build_package(folder: Path, data: Path = FIXTURE_DATA) -> Path:
    """A package in `folder`: the real datapackage.json and schemas, with `data` as its tables."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "datapackage.json", folder / "datapackage.json")
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    shutil.copytree(data, folder / "data")
    return folder


# "Today" for the future-date rule: a fixed day, later than any date in the data or the fixtures,
# so no test depends on the clock (commands run in subprocesses inherit it). Tests of that rule set their own.
TODAY = "2030-01-01"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RCMC_TODAY", TODAY)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A small valid package in a temporary folder."""
    return build_package(tmp_path / "pkg")


def read_rows(path: Path) -> list[list[str]]:
    """A CSV file's records, header first."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write records in order (not canonically: tests need to place defects exactly)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def set_cell(package: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell of data row `row` (0-based, header excluded) of `table`."""
    path = package / "data" / f"{table}.csv"
    rows = read_rows(path)
    rows[row + 1][rows[0].index(column)] = value
    write_rows(path, rows)


def package_hashes(folder: Path) -> dict[str, bytes]:
    """Every file of a package and its bytes, to prove nothing changed (the empty write lock aside)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".rcmc.lock"
    }


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """git with a fixed identity and fixed dates, ignoring the user's and the system's configuration."""
    for key, value in {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
        "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)


def git(folder: Path, *args: str) -> str:
    """Run git in `folder`; its standard output."""
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout


def commit_all(folder: Path, message: str) -> None:
    """Commit everything in `folder` (a repository created by `git init`)."""
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", message)
