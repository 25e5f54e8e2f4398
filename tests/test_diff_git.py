"""rcmc diff against releases and git revisions: versions without tags, broken revisions, shallow clones, release tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, commit_all, git, set_cell
from rcmc.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def set_version(package: Path, version: str) -> None:
    path = package / "datapackage.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "version": version}, indent=2) + "\n")


@pytest.fixture
def history(package: Path, git_env, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with two commits: version 0.1.0, then 0.2.0 with one value corrected. No tags."""
    git(package, "init", "-q")
    set_version(package, "0.1.0")
    commit_all(package, "0.1.0")
    set_version(package, "0.2.0")
    set_cell(package, "exercises", 0, "ships", "14")
    commit_all(package, "0.2.0")
    monkeypatch.chdir(package)
    return package


def assert_clean_exit_2(result, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output


def test_diff_by_version_without_tags_equals_diff_by_tag(history: Path) -> None:
    first = git(history, "rev-parse", "--short=7", "HEAD~1").strip()
    plain, prefixed = run("diff", "0.1.0"), run("diff", "v0.1.0")
    assert plain.exit_code == 0, plain.output
    assert f"Changes from v0.1.0 ({first}) to working tree" in plain.output
    assert "ships: '13' -> '14'" in plain.output and prefixed.output == plain.output
    git(history, "tag", "-a", "v0.1.0", "-m", "Release 0.1.0", "HEAD~1")
    assert run("diff", "v0.1.0").output == plain.output == run("diff", "0.1.0").output
    between = run("diff", "0.1.0", "0.2.0")
    assert between.exit_code == 0 and "ships: '13' -> '14'" in between.output


def test_diff_by_version_prefers_the_commit_that_recorded_the_release(history: Path) -> None:
    set_cell(history, "exercises", 0, "ships", "15")
    commit_all(history, "after 0.2.0 was set, before its release")
    set_version(history, "0.1.0")
    released = run("release", "--no-tag", "--out", str(history.parent / "dist"))
    assert released.exit_code == 0, released.output
    commit_all(history, "release 0.1.0")
    set_cell(history, "exercises", 0, "ships", "16")
    shown = run("diff", "0.1.0")
    release_commit = git(history, "rev-parse", "--short=7", "HEAD").strip()
    assert f"v0.1.0 ({release_commit})" in shown.output and "ships: '15' -> '16'" in shown.output, shown.output


def test_diff_unknown_version_lists_versions_in_history(history: Path) -> None:
    assert_clean_exit_2(run("diff", "0.3.0"), "no release 0.3.0", "versions in its history: 0.1.0, 0.2.0")


@pytest.mark.parametrize("broken", ["datapackage.json", "schemas/sources.json"])
def test_diff_names_revision_and_file_of_a_malformed_json(history: Path, broken: str) -> None:
    good = (history / broken).read_text()
    (history / broken).write_text('{"resources": [')
    commit_all(history, "broken")
    (history / broken).write_text(good)
    commit_all(history, "fixed")
    assert_clean_exit_2(run("diff", "HEAD~1"), f"HEAD~1: {broken}: ", "is not valid JSON")


def test_diff_refuses_a_revision_missing_a_schema(history: Path) -> None:
    git(history, "rm", "-q", "schemas/sources.json")
    git(history, "commit", "-qm", "schema lost")
    git(history, "checkout", "-q", "HEAD~1", "--", "schemas/sources.json")
    commit_all(history, "schema back")
    result = run("diff", "HEAD~1")
    assert_clean_exit_2(result, "HEAD~1: schemas/sources.json: the schema of sources does not exist")
    assert "removed" not in result.output


def test_diff_refuses_a_revision_whose_paths_leave_the_package(history: Path) -> None:
    descriptor = json.loads((history / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = "../escaped.csv"
    (history / "datapackage.json").write_text(json.dumps(descriptor))
    commit_all(history, "path outside")
    result = run("diff", "HEAD")
    assert_clean_exit_2(result, "HEAD: datapackage.json: '../escaped.csv' points outside the package folder")


def test_diff_package_option_finds_the_repository(history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run("diff", "0.1.0", "HEAD", "--package", str(history))
    assert result.exit_code == 0 and "ships: '13' -> '14'" in result.output, result.output


def test_shallow_clone_hint_only_in_a_shallow_clone(history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full, shallow = tmp_path / "full", tmp_path / "shallow"
    git(tmp_path, "clone", "-q", f"file://{history}", str(full))
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{history}", str(shallow))
    monkeypatch.chdir(full)
    missing = run("diff", "no-such-branch")
    assert_clean_exit_2(missing, "git revision 'no-such-branch' not found")
    assert "shallow" not in missing.output
    assert run("diff", "0.1.0").exit_code == 0
    monkeypatch.chdir(shallow)
    assert_clean_exit_2(run("diff", "HEAD~1"), "git revision 'HEAD~1' not found", "shallow clone", "--unshallow")
    assert_clean_exit_2(run("diff", "0.1.0"), "no release 0.1.0", "shallow clone")


def test_release_commits_and_creates_an_annotated_tag(history: Path) -> None:
    dist = str(history.parent / "dist")
    assert run("release", "--dry-run").exit_code == 0 and git(history, "tag") == ""
    released = run("release", "--out", dist)
    assert released.exit_code == 0 and "committed and tagged v0.2.0" in released.output, released.output
    assert git(history, "cat-file", "-t", "v0.2.0").strip() == "tag"
    assert git(history, "rev-parse", "v0.2.0^{commit}") == git(history, "rev-parse", "HEAD")
    assert git(history, "log", "-1", "--format=%s").strip() == "Release 0.2.0"
    assert git(history, "status", "--porcelain", "--untracked-files=no") == ""

    set_cell(history, "exercises", 0, "ships", "15")
    untagged = run("release", "--out", dist)
    assert untagged.exit_code == 0 and "not tagged (the package has uncommitted changes)" in untagged.output
    assert git(history, "tag") == "v0.2.0\n"


def test_release_refuses_an_existing_tag(history: Path) -> None:
    git(history, "tag", "-a", "v0.2.0", "-m", "elsewhere", "HEAD~1")
    before = (history / "datapackage.json").read_text()
    result = run("release", "--out", str(history.parent / "dist"))
    assert_clean_exit_2(result, "tag v0.2.0 already exists")
    assert (history / "datapackage.json").read_text() == before and not (history / "released-ids.json").exists()


def test_readme_example_works_without_tags(tmp_path: Path, git_env, monkeypatch: pytest.MonkeyPatch) -> None:
    """`rcmc diff v0.1.0` on this repository's own history, in a clone that has no tags."""
    if not (ROOT / ".git").exists() or git(ROOT, "rev-parse", "--is-shallow-repository").strip() == "true":
        pytest.skip("needs a full git checkout of the project")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-tags", f"file://{ROOT}", str(clone))
    monkeypatch.chdir(clone)
    result = run("diff", "v0.1.0", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["old"].startswith("v0.1.0 (") and shown["tables"]["exercises"]["added"]


def test_release_redraws_the_documents_that_show_the_version(package: Path, git_env, monkeypatch: pytest.MonkeyPatch) -> None:
    git(package, "init", "-q")
    set_version(package, "0.1.0")
    monkeypatch.chdir(package)
    chart = package / "docs" / "charts" / "exercises-per-year.svg"
    assert run("docs").exit_code == 0
    assert run("chart", "exercises-per-year", "--out", str(chart)).exit_code == 0
    commit_all(package, "0.1.0")
    assert run("release", "--out", str(package.parent / "dist-0.1.0")).exit_code == 0
    set_cell(package, "exercises", 0, "ships", "14")
    commit_all(package, "a correction")
    drawn_before = chart.read_bytes()

    released = run("release", "--out", str(package.parent / "dist"))
    assert released.exit_code == 0 and "committed and tagged v0.1.1" in released.output, released.output
    assert "Version 0.1.1." in (package / "docs" / "codebook.md").read_text()
    assert "0.1.1" in (package / "docs" / "coverage.md").read_text()
    assert chart.read_bytes() != drawn_before and b"0.1.1" in chart.read_bytes()
    assert git(package, "status", "--porcelain", "--untracked-files=no") == ""
    committed = git(package, "show", "--name-only", "--format=", "HEAD").split()
    assert {"docs/codebook.md", "docs/codebook.html", "docs/coverage.md", "docs/charts/exercises-per-year.svg"} <= set(committed)
