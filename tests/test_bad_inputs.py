"""The bad-input corpus: each case in tests/bad_inputs/ holds one defect and the exact report it must get.

A case folder has `files/` (files laid over the small fixture package), optionally
`deleted/` (paths removed from it), and `expected.txt`: the exit code on the first
line, then the exact output of `rcmc validate`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import build_package, package_hashes, set_cell
from rcmc.cli import cli

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def apply_case(case: Path, package: Path) -> None:
    """Lay the case's files over the package and delete what it deletes."""
    for source in (case / "files").rglob("*") if (case / "files").exists() else []:
        if source.is_file():
            target = package / source.relative_to(case / "files")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    for gone in (case / "deleted").rglob("*") if (case / "deleted").exists() else []:
        if gone.is_file():
            (package / gone.relative_to(case / "deleted")).unlink()


def validate_output(package: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(package)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_its_exact_report(case: Path, tmp_path: Path) -> None:
    package = build_package(tmp_path / "pkg")
    apply_case(case, package)
    before = package_hashes(package)
    code, output = validate_output(package)
    output = output.replace(str(package), "PACKAGE")
    expected_code, expected_output = (case / "expected.txt").read_text(encoding="utf-8").split("\n", 1)
    assert (code, output) == (int(expected_code), expected_output)
    assert code in (1, 2) and "Traceback" not in output
    assert package_hashes(package) == before


def test_ten_megabyte_cell_is_reported_not_crashed(package: Path) -> None:
    set_cell(package, "exercises", 0, "summary", "x" * 10_000_000)
    code, output = validate_output(package)
    assert code == 1
    assert output.splitlines()[0].startswith("data/exercises.csv:2: summary='xxxxxxxx")
    assert "text is 10000000 characters, more than the 2000 allowed (rule maxLength)" in output
