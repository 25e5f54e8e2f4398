"""rcmc list: membership in list columns, allowed values checked, year ranges, a readable table, typed JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import read_rows, write_rows
from rcmc.cli import cli
from rcmc.export import export_package


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def ids(package: Path, *args: str) -> list[str]:
    result = run("list", "exercises", *args, "--format", "json", "--package", str(package))
    assert result.exit_code == 0, result.output
    return [row["exercise_id"] for row in json.loads(result.output)]


def test_where_on_a_list_column_matches_membership(package: Path) -> None:
    assert ids(package, "--where", "participants=IRN") == ["security-belt-2019"]
    assert ids(package, "--where", "participants=RUS") == ["joint-sea-2019", "security-belt-2019"]
    assert ids(package, "--where", "participants=CHN;IRN;RUS") == []


def test_where_checks_an_enum_value_and_suggests_the_closest(package: Path) -> None:
    result = run("list", "exercises", "--where", "kind=airpatrol", "--package", str(package))
    assert result.exit_code == 2
    assert "airpatrol: did you mean air-patrol?" in result.output
    result = run("list", "exercises", "--where", "kind=zzz", "--package", str(package))
    assert result.exit_code == 2 and "allowed values are exercise, air-patrol" in result.output


def test_where_unknown_column_suggests_one(package: Path) -> None:
    result = run("list", "exercises", "--where", "participant=IND", "--package", str(package))
    assert result.exit_code == 2 and "did you mean participants?" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--since", "2019", "--until", "2024"], ["joint-sea-2019", "security-belt-2019", "vostok-2022"]),
        (["--since", "2020"], ["vostok-2022"]),
        (["--until", "2019"], ["joint-sea-2019", "security-belt-2019"]),
        (["--since", "2023"], []),
    ],
)
def test_year_range(package: Path, args: list[str], expected: list[str]) -> None:
    path = package / "data" / "exercises.csv"  # a third row: the second, with another ID and year
    table = read_rows(path)
    extra = list(table[2])
    extra[0], extra[table[0].index("start_date")] = "vostok-2022", "2022-09"
    write_rows(path, [*table, extra])
    assert ids(package, *args) == expected


def test_year_and_range_together_is_refused(package: Path) -> None:
    result = run("list", "exercises", "--year", "2019", "--since", "2018", "--package", str(package))
    assert result.exit_code == 2 and "--year cannot be used with --since" in result.output


def test_table_format_shows_the_display_columns_readably(package: Path) -> None:
    result = run("list", "exercises", "--package", str(package))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["exercise_id", "name", "start_date", "end_date", "kind", "framework", "participants", "location"]
    assert set(lines[1]) <= {"-", " "}
    assert "Maritime Security Belt 2019" in result.output and "CHN, IRN, RUS" in result.output
    assert "┌" not in result.output and "shape" not in result.output and "str" not in lines[1]
    assert lines[-1] == "2 rows"


def test_json_is_typed_like_the_export(package: Path, tmp_path: Path) -> None:
    listed = json.loads(run("list", "exercises", "--format", "json", "--package", str(package)).output)
    assert listed[0]["personnel"] == 1000 and listed[1]["personnel"] is None
    assert listed[1]["participants"] == ["CHN", "IRN", "RUS"] and listed[0]["name_zh"] is None
    export_package(["json"], tmp_path / "out", package)
    assert listed == json.loads((tmp_path / "out" / "json" / "exercises.json").read_text(encoding="utf-8"))


def test_csv_has_bare_empty_cells_like_the_export(package: Path, tmp_path: Path) -> None:
    text = run("list", "exercises", "--format", "csv", "--package", str(package)).output
    assert '""' not in text.replace('""""', "")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[2][rows[0].index("personnel")] == "" and rows[1][rows[0].index("personnel")] == "1000"
    export_package(["csv"], tmp_path / "out", package)
    assert text == (tmp_path / "out" / "csv" / "data" / "exercises.csv").read_text(encoding="utf-8")


def test_list_rows_is_the_library_behind_the_command(package: Path) -> None:
    from rcmc.lookup import list_rows

    listing = list_rows("exercises", {"participants": "IRN", "framework": "multilateral"}, path=package, since=2019)
    assert [row["exercise_id"] for row in listing.rows] == ["security-belt-2019"]
