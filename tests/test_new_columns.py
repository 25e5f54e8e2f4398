"""Meaning lives in the schemas: columns no code knows, declared only in a schema and its CSV, work everywhere.

A copy of the package gains, in `exercises`, a `;`-list column (`observers`), a partial-date
column whose name does not end in `_date` (`first_reported`) and a country-code column
(`lead_state`). Validation, the loader, every export, the codebook and the site must
treat them as list, date and country columns.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import polars as pl
import pytest

import rcmc
from conftest import read_rows, write_rows
from rcmc.validator import validate

ISO3 = "^[A-Z]{3}$"
DATE = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
NEW_FIELDS = [
    {"name": "observers", "type": "list", "delimiter": ";", "itemType": "string", "countryCode": True, "itemPattern": ISO3},
    {"name": "first_reported", "type": "string", "partialDate": True, "constraints": {"pattern": DATE}},
    {"name": "lead_state", "type": "string", "countryCode": True, "constraints": {"pattern": ISO3}},
]
VALUES = [("IND;MNG", "2019-04", "CHN"), ("", "2019", "RUS")]


@pytest.fixture
def extended(package: Path) -> Path:
    schema_path = package / "schemas" / "exercises.json"
    schema = json.loads(schema_path.read_text())
    schema["fields"] += NEW_FIELDS
    schema_path.write_text(json.dumps(schema, indent=2))
    path = package / "data" / "exercises.csv"
    rows = read_rows(path)
    rows[0] += [f["name"] for f in NEW_FIELDS]
    for index, row in enumerate(rows[1:]):
        row += list(VALUES[index % len(VALUES)])
    write_rows(path, rows)
    return package


def test_new_columns_validate_and_their_defects_are_found_at_their_lines(extended: Path) -> None:
    assert validate(extended) == []
    path = extended / "data" / "exercises.csv"
    rows = read_rows(path)
    header = rows[0]
    rows[1][header.index("observers")] = "MNG;IND"
    rows[2][header.index("first_reported")] = "2019-02-30"
    rows[2][header.index("lead_state")] = "XYZ"
    write_rows(path, rows)
    found = {(p.line, p.column, p.rule) for p in validate(extended)}
    assert {(2, "observers", "list-sorted-unique"), (3, "first_reported", "partial-date"), (3, "lead_state", "iso3")} <= found


def test_loader_types_the_new_columns(extended: Path) -> None:
    frame = rcmc.load("exercises", path=extended)
    assert frame.schema["observers"] == pl.List(pl.Utf8)
    assert frame.schema["first_reported"] == pl.Date
    assert frame["first_reported_precision"].cast(pl.Utf8).to_list()[:2] == ["month", "year"]
    assert frame["observers"].to_list()[0] == ["IND", "MNG"]


def test_every_export_codebook_and_site_carry_the_new_columns(extended: Path, tmp_path: Path) -> None:
    from rcmc.codebook import render_codebook
    from rcmc.export import export_package
    from rcmc.package import open_package
    from rcmc.site import build_site

    out = tmp_path / "out"
    export_package(["csv", "json", "parquet", "sqlite", "xlsx"], out, extended)
    record = json.loads((out / "json" / "exercises.json").read_text())[0]
    assert (record["observers"], record["first_reported"], record["lead_state"]) == (["IND", "MNG"], "2019-04", "CHN")
    parquet = pl.read_parquet(next((out / "parquet").glob("exercises*.parquet")))
    assert parquet.schema["observers"] == pl.List(pl.Utf8) and parquet.schema["first_reported"] == pl.Date
    database = next(out.glob("**/*.sqlite"))
    with sqlite3.connect(database) as connection:
        year = connection.execute("select first_reported_year from exercises order by exercise_id limit 1").fetchone()
    assert year == (2019,)
    codebook = render_codebook(open_package(extended))
    assert "| `first_reported` | partial date |" in codebook and "| `observers` | list of string" in codebook
    assert "ISO 3166-1 alpha-3 code;" in codebook.split("| `lead_state` |")[1].split("\n")[0]
    from openpyxl import load_workbook

    sheet = load_workbook(next(out.glob("**/*.xlsx")), read_only=True)["exercises"]
    assert {"observers", "first_reported", "lead_state"} <= {cell.value for cell in next(sheet.iter_rows(max_row=1))}
    site = build_site(tmp_path / "site", extended).parent
    page = next((site / "rows" / "exercises").glob("*.html")).read_text()
    assert "observers" in page and "first_reported" in page
