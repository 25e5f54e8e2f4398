"""The contacts table: added through the CLI, validated, exported, and read back by polars, pandas, duckdb and sqlite3."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import polars as pl
from click.testing import CliRunner

import rcmc
from rcmc.cli import cli

ROW = [
    "--set", "title=Fictional chiefs of staff talks",
    "--set", "kind=staff-consultation",
    "--set", "start_date=2020-10-05",
    "--set", "location=Moscow",
    "--set", "host=RUS",
    "--set", "people=Z. General;A. General",
    "--set", "level=chief-of-staff",
    "--set", "exercise_id=joint-sea-2019",
    "--set", "summary=A fictional round of staff talks used as a test fixture.",
    "--set", "confidence=reported",
    "--set", "source_ids=example-2019-drill",
]  # fmt: skip


def test_contact_added_through_the_cli_reaches_every_reader(package: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["add", "contacts", *ROW, "--package", str(package)])
    assert result.exit_code == 0, result.output
    assert "added contacts fictional-chiefs-of-staff-talks-2020" in result.output
    assert rcmc.validate(package) == []

    frame = rcmc.load("contacts", path=package).filter(pl.col("contact_id") == "fictional-chiefs-of-staff-talks-2020")
    assert frame["people"].to_list() == [["A. General", "Z. General"]]
    assert frame["start_date_precision"].cast(pl.Utf8).to_list() == ["day"]
    pandas_frame = rcmc.load("contacts", backend="pandas", path=package)
    assert "fictional-chiefs-of-staff-talks-2020" in set(pandas_frame["contact_id"])

    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["export", "--format", "all", "--out", str(out), "--package", str(package)]).exit_code == 0
    parquet = next((out / "parquet").glob("contacts*.parquet"))
    assert duckdb.sql(f"select level from '{parquet}' where host = 'RUS' and kind = 'staff-consultation'").fetchall() == [
        ("chief-of-staff",)
    ]
    with sqlite3.connect(next(out.glob("**/*.sqlite"))) as connection:
        joined = connection.execute(
            "select e.name from contacts c join exercises e on e.exercise_id = c.exercise_id where c.start_year = 2020"
        ).fetchall()
    assert joined == [("Joint Sea-2019",)]
    records = json.loads((out / "json" / "contacts.json").read_text())
    assert next(r for r in records if r["host"] == "RUS" and r["kind"] == "staff-consultation")["people"] == [
        "A. General",
        "Z. General",
    ]


def test_show_an_exercise_lists_the_contacts_held_at_it(package: Path) -> None:
    CliRunner().invoke(cli, ["add", "contacts", *ROW, "--package", str(package)])
    result = CliRunner().invoke(cli, ["show", "joint-sea-2019", "--package", str(package)])
    assert "cited by contacts fictional-chiefs-of-staff-talks-2020: Fictional chiefs of staff talks" in result.output


def test_contact_ending_before_it_starts_is_rejected_and_nothing_written(package: Path) -> None:
    before = (package / "data" / "contacts.csv").read_bytes()
    rows = [*ROW, "--set", "end_date=2020-10-01"]
    result = CliRunner().invoke(cli, ["add", "contacts", *rows, "--package", str(package)])
    assert result.exit_code == 1 and "(rule end-after-start)" in result.output
    assert (package / "data" / "contacts.csv").read_bytes() == before
