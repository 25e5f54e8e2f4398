"""Values typed the way people type them: IDs kept, lists normalised, duplicates and future dates refused, fmt repairs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import package_hashes, read_rows
from rcmc.cli import cli

EXERCISE = [
    "--set", "name=Northern Drill", "--set", "kind=exercise", "--set", "domain=land", "--set", "framework=bilateral",
    "--set", "start_date=2020-08", "--set", "summary=A fixture drill.", "--set", "confidence=reported",
    "--set", "source_ids=example-2019-drill",
]  # fmt: skip


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def cell(package: Path, table: str, row_id: str, column: str) -> str:
    rows = read_rows(package / "data" / f"{table}.csv")
    return next(r for r in rows[1:] if r[0] == row_id)[rows[0].index(column)]


# IDs are not renamed; edits say old -> new; removals name the rows citing; typos get a suggestion


def test_edit_refuses_to_rename_an_id(package: Path) -> None:
    before = package_hashes(package)
    result = run("edit", "joint-sea-2019", "--set", "exercise_id=joint-sea-19", "--package", str(package))
    assert result.exit_code == 1
    assert "data/exercises.csv:2: exercise_id='joint-sea-19': 'joint-sea-2019' cannot be renamed" in result.output
    assert "(rule id-rename)" in result.output and "hint: IDs are never renamed" in result.output
    assert package_hashes(package) == before


def test_edit_prints_old_and_new_values(package: Path) -> None:
    for extra in (["--dry-run"], []):
        sets = ["--set", "ships=15", "--set", "location=Yellow Sea"]
        result = run("edit", "joint-sea-2019", *sets, "--package", str(package), *extra)
        assert result.exit_code == 0, result.output
        assert "    ships: '13' -> '15'" in result.output.splitlines()
        assert "location" not in result.output  # unchanged columns are not listed
    assert cell(package, "exercises", "joint-sea-2019", "ships") == "15"
    again = run("edit", "joint-sea-2019", "--set", "ships=15", "--package", str(package))
    assert again.output == "no change to exercises joint-sea-2019\n"


def test_remove_names_the_rows_still_citing(package: Path) -> None:
    before = package_hashes(package)
    result = run("remove", "example-2019-drill", "--package", str(package))
    assert result.exit_code == 1
    assert "still cited by exercises joint-sea-2019, exercises security-belt-2019, contacts example-talks-at-drill-2019" in (
        result.output
    )
    assert package_hashes(package) == before


@pytest.mark.parametrize("typed", ["joint-sea-2O19", "Joint_Sea_2019", "JOINT SEA 2019"])
@pytest.mark.parametrize("command", [["edit", "--set", "ships=1"], ["remove"], ["show"]])
def test_mistyped_id_gets_a_suggestion(package: Path, typed: str, command: list[str]) -> None:
    result = run(command[0], typed, *command[1:], "--package", str(package))
    assert result.exit_code == 1 and "did you mean 'joint-sea-2019'?" in result.output


# lists typed the way people type them


@pytest.mark.parametrize("typed", ["CHN; RUS", "CHN, RUS", "chn;rus", " rus , chn ", "RUS;CHN;RUS"])
def test_obvious_lists_are_normalised(package: Path, typed: str) -> None:
    result = run("add", "exercises", *EXERCISE, "--set", f"participants={typed}", "--package", str(package))
    assert result.exit_code == 0, result.output
    assert cell(package, "exercises", "northern-drill-2020", "participants") == "CHN;RUS"
    if typed != "RUS;CHN":
        assert f"normalised participants: read {typed!r} as 'CHN;RUS'" in result.output


def test_edit_normalises_lists_too(package: Path) -> None:
    result = run("edit", "security-belt-2019", "--set", "participants=rus, irn ,chn", "--package", str(package))
    assert result.exit_code == 0, result.output
    assert "normalised participants: read 'rus, irn ,chn' as 'CHN;IRN;RUS'" in result.output


def test_comma_is_kept_where_items_may_hold_one(package: Path) -> None:
    """Contacts' `people` has no item pattern: a comma may be part of a name, so it is not a delimiter."""
    from rcmc.entry import normalise_entry
    from rcmc.package import open_package

    resource = open_package(package).resource("contacts")
    assert normalise_entry(resource, "people", "Shoigu, Sergei; Wei Fenghe").value == "Shoigu, Sergei;Wei Fenghe"


def test_bad_list_quotes_the_raw_input_and_no_false_missing(package: Path) -> None:
    before = package_hashes(package)
    result = run("add", "exercises", *EXERCISE, "--set", "participants=CHN RUS", "--package", str(package))
    assert result.exit_code == 1
    assert "participants='CHN RUS': an item is not of the form" in result.output
    assert "is missing" not in result.output
    assert package_hashes(package) == before


def test_unknown_code_error_quotes_what_was_typed(package: Path) -> None:
    result = run("add", "exercises", *EXERCISE, "--set", "participants=rus; xyz ;chn", "--package", str(package))
    assert result.exit_code == 1
    assert "participants='rus; xyz ;chn': 'XYZ' is not an ISO 3166-1 alpha-3 code (rule iso3)" in result.output


# a duplicate is not a second edition


def test_duplicate_is_refused_naming_the_existing_row(package: Path) -> None:
    before = package_hashes(package)
    args = [
        "--set", "name=joint sea-2019", "--set", "kind=exercise", "--set", "domain=sea", "--set", "framework=bilateral",
        "--set", "participants=CHN;RUS", "--set", "start_date=2019-05", "--set", "summary=Again.",
        "--set", "confidence=reported", "--set", "source_ids=example-2019-drill",
    ]  # fmt: skip
    result = run("add", "exercises", *args, "--package", str(package))
    assert result.exit_code == 1
    assert "data/exercises.csv:2: name='joint sea-2019': 'joint-sea-2019' already records this" in result.output
    assert "(rule duplicate-row)" in result.output and "--allow-duplicate" in result.output
    assert package_hashes(package) == before
    allowed = run("add", "exercises", *args, "--allow-duplicate", "--package", str(package))
    assert allowed.exit_code == 0 and "added exercises joint-sea-2019-2" in allowed.output


def test_duplicate_within_one_bundle_is_refused(package: Path, tmp_path: Path) -> None:
    import json

    row = {"title": "Same", "publisher": "Wire", "url": "https://example.org/a", "published_date": "2020-01-02",
           "language": "en", "kind": "news", "accessed_date": "2026-11-26"}  # fmt: skip
    bundle = tmp_path / "rows.json"
    bundle.write_text(json.dumps({"sources": [row, {**row, "url": "https://example.org/b", "published_date": "2020"}]}))
    result = run("add", "--json", str(bundle), "--package", str(package))
    assert result.exit_code == 1 and "'wire-2020-same' already records this" in result.output


def test_another_value_for_a_contested_cell_is_not_a_duplicate(package: Path) -> None:
    claim = ["--set", "table=exercises", "--set", "row_id=joint-sea-2019", "--set", "column=aircraft",
             "--set", "accepted=false", "--set", "source_ids=example-2019-drill"]  # fmt: skip
    third = run("add", "claims", *claim, "--set", "value=14", "--package", str(package))
    assert third.exit_code == 0, third.output
    assert "added claims joint-sea-2019-aircraft\n" in third.output
    before = package_hashes(package)
    again = run("add", "claims", *claim, "--set", "value=12", "--package", str(package))
    assert again.exit_code == 1
    assert "'joint-sea-2019-aircraft-2' already records this: same table and row_id and column and value" in again.output
    assert package_hashes(package) == before


# dates in the future


def test_future_date_is_refused_with_a_hint(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RCMC_TODAY", "2026-11-30")
    before = package_hashes(package)
    args = [*EXERCISE, "--set", "participants=CHN;RUS"]
    result = run("add", "exercises", *args, "--set", "start_date=2099-11-30", "--package", str(package))
    assert result.exit_code == 1
    assert "start_date='2099-11-30': 2099-11-30 is in the future (after 2027-02-28, 90 days from today)" in result.output
    assert "(rule future-date)" in result.output and "hint: check the year" in result.output
    assert package_hashes(package) == before
    announced = run("add", "exercises", *args, "--set", "start_date=2027-02", "--package", str(package))
    assert announced.exit_code == 0, announced.output


def test_today_must_be_a_date(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RCMC_TODAY", "tomorrow")
    result = run("validate", str(package))
    assert result.exit_code == 2 and "RCMC_TODAY must be a date written YYYY-MM-DD" in result.output


# what Excel and Windows do to a file


def test_fmt_repairs_bom_and_crlf_in_one_run(package: Path) -> None:
    sources = package / "data" / "sources.csv"
    clean = sources.read_bytes()
    sources.write_bytes(b"\xef\xbb\xbf" + clean.replace(b"\n", b"\r\n"))
    check = run("fmt", "--check", "--package", str(package))
    assert check.exit_code == 1
    assert "data/sources.csv: would be reformatted (removed the byte-order mark, converted CRLF line endings to LF)" in (
        check.output
    )
    result = run("fmt", "--package", str(package))
    assert result.exit_code == 0, result.output
    assert sources.read_bytes() == clean
    assert run("validate", str(package)).exit_code == 0


def test_fmt_check_says_canonical(package: Path) -> None:
    result = run("fmt", "--check", "--package", str(package))
    assert (result.exit_code, result.output) == (0, "canonical: every table is in canonical form\n")


def test_validate_reports_every_file_level_problem_at_once(package: Path) -> None:
    sources = package / "data" / "sources.csv"
    sources.write_bytes(b"\xef\xbb\xbf" + sources.read_bytes().replace(b"\n", b"\r\n"))
    rules = [line for line in run("validate", str(package)).output.splitlines() if "(rule " in line]
    assert [r.split("(rule ")[1] for r in rules] == ["encoding)", "line-endings)"]
