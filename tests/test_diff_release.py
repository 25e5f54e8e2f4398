"""rcmc diff, rcmc release, the released-ID guard and the codebook."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, build_package, package_hashes, read_rows, set_cell, write_rows
from rcmc.cli import cli
from rcmc.codebook import render_codebook
from rcmc.diff import diff
from rcmc.package import open_package
from rcmc.release import vanished_released_ids


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def remove_row(package: Path, table: str, row_id: str) -> None:
    path = package / "data" / f"{table}.csv"
    write_rows(path, [r for r in read_rows(path) if r[0] != row_id])


def test_diff_folders_lists_added_removed_changed(package: Path, tmp_path: Path) -> None:
    new = build_package(tmp_path / "new")
    set_cell(new, "exercises", 0, "ships", "14")
    remove_row(new, "equipment", "fighter-deal-2015-engines")
    result = diff(str(package), str(new))
    assert result.tables["exercises"].changed == {"joint-sea-2019": {"ships": ("13", "14")}}
    assert result.tables["equipment"].removed == ["fighter-deal-2015-engines"]
    assert result.breaking == ["equipment: ID 'fighter-deal-2015-engines' removed"]
    assert result.suggested_bump() == "major"


def test_diff_flags_a_reused_id(package: Path, tmp_path: Path) -> None:
    new = build_package(tmp_path / "new")
    for column, value in [
        ("name", "Peace Mission 2021"),
        ("series", "Peace Mission"),
        ("domain", "land"),
        ("start_date", "2021-09-20"),
        ("end_date", "2021-09-24"),
        ("location", "Orenburg"),
        ("summary", "Another drill."),
        ("ships", "1"),
        ("personnel", "5000"),
    ]:
        set_cell(new, "exercises", 0, column, value)
    result = diff(str(package), str(new))
    assert result.breaking == ["exercises: ID 'joint-sea-2019' re-used for a different row (most of its values changed)"]
    corrected = build_package(tmp_path / "corrected")
    set_cell(corrected, "exercises", 0, "ships", "14")
    assert diff(str(package), str(corrected)).breaking == []


def test_diff_detects_removed_column(package: Path, tmp_path: Path) -> None:
    new = build_package(tmp_path / "new")
    schema = json.loads((new / "schemas" / "sources.json").read_text())
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "author"]
    (new / "schemas" / "sources.json").write_text(json.dumps(schema))
    assert diff(str(package), str(new)).breaking == ["sources: column 'author' removed or renamed"]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("text", "  ~ joint-sea-2019\n      ships: '13' -> '14'"),
        ("markdown", "- changed `joint-sea-2019`: `ships`"),
        ("json", '"ships": {\n'),
    ],
)
def test_diff_formats(package: Path, tmp_path: Path, fmt: str, expected: str) -> None:
    new = build_package(tmp_path / "new")
    set_cell(new, "exercises", 0, "ships", "14")
    result = run("diff", str(package), str(new), "--format", fmt)
    assert result.exit_code == 0 and expected in result.output


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def test_diff_against_git_revision(package: Path, monkeypatch) -> None:
    git(package, "init", "-q")
    git(package, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", "-A")
    git(package, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "base")
    set_cell(package, "exercises", 0, "ships", "14")
    monkeypatch.chdir(package)
    result = run("diff", "HEAD")
    assert result.exit_code == 0 and "ships: '13' -> '14'" in result.output
    missing = run("diff", "no-such-branch")
    assert missing.exit_code == 2 and "git revision 'no-such-branch' not found" in missing.output


def add_source_row(package: Path, number: int) -> None:
    path = package / "data" / "sources.csv"
    rows = read_rows(path)
    rows.append([f"extra-{number}", "T", "P", "", f"https://example.org/x{number}", "", "en", "news", "2026-11-26"])
    write_rows(path, rows)
    set_cell(
        package,
        "exercises",
        1,
        "source_ids",
        ";".join(sorted(["example-2019-drill", *[f"extra-{n}" for n in range(number + 1)]])),
    )


def set_version(package: Path, version: str) -> None:
    """Give the package under test a known version, whatever the real dataset's version is."""
    path = package / "datapackage.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "version": version}, indent=2) + "\n")


def test_release_cycle(package: Path) -> None:
    set_version(package, "0.1.0")
    first = run("release", "--package", str(package), "--out", str(package.parent / "dist"))
    assert first.exit_code == 0, first.output
    assert "## [0.1.0] - " in (package / "CHANGELOG.md").read_text()
    assert json.loads((package / "released-ids.json").read_text())["version"] == "0.1.0"
    assert (package.parent / "dist" / "SHA256SUMS").exists()

    add_source_row(package, 0)
    dry = run("release", "--dry-run", "--package", str(package))
    assert dry.exit_code == 0 and "## [0.2.0]" in dry.output and "`sources`: 1 rows: `extra-0`" in dry.output
    assert "`exercises` `security-belt-2019`: `source_ids`" in dry.output

    remove_row(package, "equipment", "fighter-deal-2015-engines")
    assert vanished_released_ids(package) == ["equipment: fighter-deal-2015-engines"]
    before = package_hashes(package)
    refused = run("release", "--bump", "minor", "--package", str(package), "--out", str(package.parent / "dist"))
    assert refused.exit_code == 2 and "it needs --bump major" in refused.output
    assert package_hashes(package) == before

    major = run("release", "--bump", "major", "--package", str(package), "--out", str(package.parent / "dist"))
    assert major.exit_code == 0, major.output
    assert open_package(package).version == "1.0.0"
    assert "- **BREAKING** `equipment` `fighter-deal-2015-engines`" in (package / "CHANGELOG.md").read_text()
    assert vanished_released_ids(package) == []


def test_release_refuses_invalid_package(package: Path) -> None:
    set_cell(package, "exercises", 0, "kind", "parade")
    result = run("release", "--package", str(package))
    assert result.exit_code == 1 and "cannot release" in result.output


def test_no_released_id_has_vanished() -> None:
    assert vanished_released_ids(ROOT) == []


def test_committed_codebook_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert committed == render_codebook(open_package(ROOT)), "docs/codebook.md is stale: run `rcmc docs`"


def test_docs_command_writes_markdown_and_html(package: Path, tmp_path: Path) -> None:
    result = run("docs", "--package", str(package), "--out", str(tmp_path / "docs"))
    assert result.exit_code == 0
    html = (tmp_path / "docs" / "codebook.html").read_text()
    assert "<table>" in html and "joint-sea-2019" in html
    assert "| `kind` | string | yes | one of `exercise`" in (tmp_path / "docs" / "codebook.md").read_text()


def test_versions_agree() -> None:
    import re

    import rcmc

    citation = re.search(r"^version: (.+)$", (ROOT / "CITATION.cff").read_text(), flags=re.M).group(1)
    assert open_package(ROOT).version == citation == rcmc.__version__


def commit_all(folder: Path, message: str) -> None:
    git(folder, "add", "-A")
    git(folder, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", message)


def git_out(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout.strip()


def test_three_commits_get_minor_patch_and_major(package: Path, monkeypatch, git_env) -> None:
    git(package, "init", "-q")
    set_version(package, "0.1.0")
    (package / "CITATION.cff").write_text("cff-version: 1.2.0\nversion: 0.1.0\ndate-released: 2026-01-01\n")
    first = run("release", "--package", str(package), "--out", str(package.parent / "dist"))
    assert first.exit_code == 0 and "not tagged (the repository has no commit yet)" in first.output
    commit_all(package, "release 0.1.0")
    monkeypatch.chdir(package)
    steps = [
        ("add rows", lambda: add_source_row(package, 0), "+ extra-0", "0.2.0"),
        ("correct a value", lambda: set_cell(package, "exercises", 0, "ships", "14"), "ships: '13' -> '14'", "0.2.1"),
        (
            "delete a row",
            lambda: remove_row(package, "equipment", "fighter-deal-2015-engines"),
            "- fighter-deal-2015-engines",
            "1.0.0",
        ),
    ]
    for message, change, expected_diff, expected_version in steps:
        change()
        commit_all(package, message)
        shown = run("diff", "HEAD~1", "HEAD")
        assert shown.exit_code == 0 and expected_diff in shown.output, shown.output
        released = run("release", "--package", str(package), "--out", str(package.parent / "dist"))
        assert released.exit_code == 0, released.output
        assert f"committed and tagged v{expected_version}" in released.output
        assert open_package(package).version == expected_version
        citation = (package / "CITATION.cff").read_text()
        assert f"version: {expected_version}" in citation and "date-released: 2026-01-01" not in citation
        assert git_out(package, "rev-parse", f"v{expected_version}^{{commit}}") == git_out(package, "rev-parse", "HEAD")
        assert git_out(package, "status", "--porcelain", "--untracked-files=no") == ""


def test_release_moves_unreleased_notes_into_the_entry() -> None:
    from rcmc.release import insert_entry

    changelog = "# Changelog\n\n## [Unreleased]\n\n### Added\n- `rcmc fmt`\n\n## [0.1.0] - 2026-01-01\n\n- first\n"
    entry = "## [0.2.0] - 2026-02-01\n\n### Added\n- `sources`: 1 rows: `x`\n"
    assert insert_entry(changelog, entry) == (
        "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-02-01\n\n### Added\n- `rcmc fmt`\n"
        "- `sources`: 1 rows: `x`\n\n## [0.1.0] - 2026-01-01\n\n- first\n"
    )


def test_release_keeps_note_sections_and_adds_new_ones() -> None:
    from rcmc.release import insert_entry

    changelog = "## [Unreleased]\n\n### Fixed\n- a typo\n  spanning two lines\n\n## [0.1.0] - 2026-01-01\n"
    entry = "## [0.1.1] - 2026-02-01\n\n### Changed\n- `sources` `x`: `title`\n"
    assert insert_entry(changelog, entry) == (
        "## [Unreleased]\n\n## [0.1.1] - 2026-02-01\n\n### Fixed\n- a typo\n  spanning two lines\n\n"
        "### Changed\n- `sources` `x`: `title`\n\n## [0.1.0] - 2026-01-01\n"
    )


def test_committed_coverage_page_is_up_to_date() -> None:
    from rcmc.coverage import render_coverage

    committed = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert committed == render_coverage(open_package(ROOT)), "docs/coverage.md is stale: run `rcmc docs`"


COUNTS_HEADER = "publisher,what,table,where,period_start,period_end,count,url,note\n"


def coverage_with_counts(package: Path, counts: str) -> str:
    """The coverage page of `package` with these `docs/outside-counts.csv` lines (after the header)."""
    from rcmc.coverage import render_coverage

    (package / "docs").mkdir(exist_ok=True)
    (package / "docs" / "outside-counts.csv").write_text(COUNTS_HEADER + counts)
    return render_coverage(open_package(package))


def test_coverage_page_counts_rows_and_compares_outside_counts(package: Path) -> None:
    (package / "docs").mkdir()
    (package / "docs" / "leads.csv").write_text(
        "table,lead,status,row_ids,searched,note\nexercises,A drill,looked-for,,drill 2019,no page found\n"
    )
    page = coverage_with_counts(
        package,
        "Example Institute,bilateral drills,exercises,framework=bilateral,2019,2019-12-31,3,"
        "https://example.org/count,their rule\n",
    )
    assert "| 2019 | 2 | 1 | 1 |" in page  # exercises by framework: bilateral 1, multilateral 1
    link = "[Example Institute](https://example.org/count)"
    assert f"| {link} | bilateral drills | 2019 to 2019-12-31 | 3 | 1 | their rule |" in page
    assert "| exercises | A drill | looked-for |  | drill 2019 | no page found |" in page


def test_coverage_counts_partial_dates_in_the_period_and_sets_apart_counts_not_located(package: Path) -> None:
    page = coverage_with_counts(
        package,
        "Example Institute,drills in December,exercises,,2019-12-01,2019-12-31,4,https://example.org/c,month only\n"
        "A review,drills before December,exercises,,2019-01-01,2019-11-30,9,,origin not found\n",
    )
    located, _, quoted = page.partition("### Counts quoted elsewhere, not found on a page read here")
    # security-belt-2019 is dated 2019-12: inside December, outside January-November
    assert "| [Example Institute](https://example.org/c) | drills in December | 2019-12-01 to 2019-12-31 | 4 | 1 |" in located
    assert "| A review | drills before December | 2019-01-01 to 2019-11-30 | 9 | 1 | origin not found |" in quoted
    assert "A review" not in located


def test_coverage_shows_one_year_counts_beside_the_per_year_rows(package: Path) -> None:
    page = coverage_with_counts(
        package,
        "Example Institute,drills,exercises,,2019-01-01,2019-12-31,6,https://example.org/c,\n"
        "A review,bilateral drills,exercises,framework=bilateral,2019,2019,14,,\n"
        "Example Institute,drills since 2018,exercises,,2018-01-01,2019-12-31,9,https://example.org/c,\n",
    )
    by_framework = page.split("## `exercises` per year, by `framework`")[1].split("## ")[0]
    assert "| year | all | bilateral | multilateral | published elsewhere |" in by_framework
    assert "| 2019 | 2 | 1 | 1 | 6 (Example Institute); 14 bilateral (A review) |" in by_framework
    assert "since 2018" not in by_framework  # a count over two years is not a year's count
    by_forces = page.split("## `exercises` per year, by `forces`")[1].split("## ")[0]
    assert "published elsewhere" not in by_forces
