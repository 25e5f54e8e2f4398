"""Which package a command works on: this dataset found walking up, else the bundled copy, which is never written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import rcmc
from conftest import build_package, package_hashes, read_rows
from rcmc import package as package_module
from rcmc.cli import cli
from rcmc.errors import ReadOnlyPackage
from rcmc.records import add_rows

SOURCE = {
    "title": "New report",
    "publisher": "Example Wire",
    "url": "https://example.org/new",
    "published_date": "2024-05-01",
    "language": "en",
    "kind": "news",
    "accessed_date": "2026-11-26",
}
SOURCE_ARGS = [arg for column, value in SOURCE.items() for arg in ("--set", f"{column}={value}")]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def foreign_package(folder: Path) -> Path:
    """Someone else's Frictionless package: another name, another table."""
    folder.mkdir(parents=True)
    (folder / "things.csv").write_text("id\n1\n", encoding="utf-8")
    descriptor = {
        "name": "my-own-project",
        "resources": [{"name": "things", "path": "things.csv", "schema": {"fields": [{"name": "id", "type": "string"}]}}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the copy bundled in the wheel, and a working folder with no package above it."""
    root = build_package(tmp_path / "site-packages" / "rcmc" / "_bundle")
    monkeypatch.setattr(package_module, "BUNDLE", root)
    monkeypatch.delenv("RCMC_PACKAGE", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return root


def test_walking_up_ignores_a_foreign_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = foreign_package(tmp_path / "project") / "analysis"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("RCMC_PACKAGE", raising=False)
    bundled = package_module.bundled_root()
    assert package_module.locate() == bundled / "datapackage.json"
    assert rcmc.load("exercises").height == len(read_rows(bundled / "data" / "exercises.csv")) - 1
    assert run("summary").exit_code == 0


def test_walking_up_finds_a_copy_of_this_dataset(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nested = package / "notes" / "deeper"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    monkeypatch.delenv("RCMC_PACKAGE", raising=False)
    assert package_module.locate() == (package / "datapackage.json").resolve()
    assert rcmc.load("sources").height == 3


def test_explicit_package_wins_over_walking_up(package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = foreign_package(tmp_path / "project") / "analysis"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("RCMC_PACKAGE", str(package))
    assert rcmc.load("sources").height == 3


def test_library_default_is_the_bundled_copy_when_nothing_is_above(bundle: Path) -> None:
    assert package_module.locate() == bundle / "datapackage.json"
    assert rcmc.load("sources").height == 3


@pytest.mark.parametrize(
    "args",
    [
        ["add", "sources", *SOURCE_ARGS],
        ["add", "sources", *SOURCE_ARGS, "--dry-run"],
        ["edit", "example-2019-drill", "--set", "title=Changed"],
        ["remove", "example-2019-drill"],
        ["fmt"],
        ["docs"],
        ["release", "--dry-run"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_write_commands_refuse_the_bundled_copy(bundle: Path, args: list[str]) -> None:
    before = package_hashes(bundle.parent)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "clone the repository" in result.output and "Traceback" not in result.output
    assert package_hashes(bundle.parent) == before


def test_write_commands_refuse_the_bundled_copy_even_when_named(bundle: Path) -> None:
    result = run("edit", "example-2019-drill", "--set", "title=Changed", "--package", str(bundle))
    assert result.exit_code == 2 and "clone the repository" in result.output
    with pytest.raises(ReadOnlyPackage, match="clone the repository"):
        add_rows({"sources": [SOURCE]}, bundle)


def test_codebook_of_the_bundled_copy_can_go_elsewhere(bundle: Path, tmp_path: Path) -> None:
    result = run("docs", "--out", str(tmp_path / "codebook"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "codebook" / "codebook.md").is_file()


def test_add_edit_remove_print_the_files_they_changed(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(package)
    monkeypatch.delenv("RCMC_PACKAGE", raising=False)
    added = run("add", "sources", *SOURCE_ARGS)
    assert added.exit_code == 0, added.output
    assert added.output.splitlines() == ["added sources example-wire-2024-new-report", "wrote data/sources.csv"]
    edited = run("edit", "fighter-deal-2015-engines", "--set", "notes=Checked.")
    assert edited.output.splitlines() == [
        "changed equipment fighter-deal-2015-engines",
        """    notes: 'Quantity is "about 10" in the only report.' -> 'Checked.'""",
        "wrote data/equipment.csv",
    ]
    removed = run("remove", "example-wire-2024-new-report")
    assert removed.output.splitlines() == ["removed sources example-wire-2024-new-report", "wrote data/sources.csv"]
    dry = run("add", "sources", *SOURCE_ARGS, "--dry-run")
    assert "wrote" not in dry.output


def test_docs_and_fmt_print_the_files_they_changed(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(package)
    monkeypatch.delenv("RCMC_PACKAGE", raising=False)
    assert run("docs").output.splitlines() == ["wrote docs/codebook.md", "wrote docs/codebook.html", "wrote docs/coverage.md"]
    sources = package / "data" / "sources.csv"
    header, *rows = sources.read_text(encoding="utf-8").splitlines()
    sources.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    assert run("fmt").output.splitlines() == ["reformatted data/sources.csv"]
