"""Each dataset rule reports its defect at the right file, line and column, and only there."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from conftest import read_rows, set_cell, write_rows
from rcmc.rules import RULES, iso3_codes
from rcmc.validator import validate

# (rule, table, data row, column, bad value, expected line, expected column)
CASES = [
    ("whitespace", "exercises", 0, "location", " Yellow Sea", 2, "location"),
    ("partial-date", "exercises", 0, "start_date", "2021-13", 2, "start_date"),
    ("partial-date", "exercises", 0, "end_date", "2023-02-30", 2, "end_date"),
    ("end-after-start", "exercises", 0, "end_date", "2019-04-01", 2, "end_date"),
    ("delivered-le-ordered", "equipment", 0, "quantity_delivered", "40", 2, "quantity_delivered"),
    ("delivery-years-ordered", "equipment", 0, "delivery_first_year", "2014", 2, "delivery_first_year"),
    ("delivery-years-ordered", "equipment", 0, "delivery_last_year", "2015", 2, "delivery_last_year"),
    ("list-sorted-unique", "exercises", 0, "participants", "RUS;CHN", 2, "participants"),
    ("list-sorted-unique", "agreements", 0, "parties", "CHN;CHN;RUS", 2, "parties"),
    ("iso3", "exercises", 0, "participants", "CHN;RUS;XYZ", 2, "participants"),
    ("iso3", "equipment", 0, "supplier", "USR", 2, "supplier"),
    ("must-include", "exercises", 1, "participants", "CHN;IRN", 3, "participants"),
    ("foreign-key", "equipment", 0, "agreement_id", "no-such-deal", 2, "agreement_id"),
    ("foreign-key", "contacts", 1, "exercise_id", "no-such-drill", 3, "exercise_id"),
    ("end-after-start", "contacts", 1, "end_date", "2019-11-30", 3, "end_date"),
    ("foreign-key", "equipment", 1, "source_ids", "example-2016-fighters;ghost-source", 3, "source_ids"),
    ("supplier-not-recipient", "equipment", 0, "recipient", "RUS", 2, "recipient"),
    ("part-of", "equipment", 1, "part_of", "fighter-deal-2015-engines", 3, "part_of"),
    ("published-before-accessed", "sources", 0, "accessed_date", "2000-01-01", 2, "accessed_date"),
    ("duplicate-url", "sources", 2, "url", "https://www.example.org/news/fighters/", 4, "url"),
    ("id-unique-across-tables", "exercises", 1, "exercise_id", "fighter-deal-2015", 3, "exercise_id"),
    ("future-date", "exercises", 0, "start_date", "2099-11-30", 2, "start_date"),
    ("future-date", "sources", 1, "published_date", "2099", 3, "published_date"),
]


def test_every_rule_has_a_case() -> None:
    claim_rules = {"claim-target", "claim-value", "claim-consistency"}  # each has its cases in test_claims.py
    assert {case[0] for case in CASES} | {"orphan-row"} | claim_rules == set(RULES)


@pytest.mark.parametrize(
    ("rule", "table", "row", "column", "value", "line", "where"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES]
)
def test_rule_reports_defect(
    package: Path, rule: str, table: str, row: int, column: str, value: str, line: int, where: str
) -> None:
    set_cell(package, table, row, column, value)
    found = [(p.file, p.line, p.column) for p in validate(package) if p.rule == rule]
    assert found == [(f"data/{table}.csv", line, where)]


def test_orphan_source_is_reported(package: Path) -> None:
    set_cell(package, "equipment", 0, "source_ids", "example-2019-drill")
    set_cell(package, "equipment", 1, "source_ids", "example-2019-drill")
    set_cell(package, "agreements", 0, "source_ids", "example-2019-drill")
    set_cell(package, "contacts", 0, "source_ids", "example-2019-drill")
    set_cell(package, "claims", 1, "source_ids", "example-2019-drill")
    problems = [(p.line, p.value) for p in validate(package) if p.rule == "orphan-row"]
    assert problems == [(3, "example-2016-fighters")]


def test_iso3_codes_are_pycountry_countries() -> None:
    import pycountry

    assert iso3_codes() == frozenset(country.alpha_3 for country in pycountry.countries)


def test_clean_fixture_has_no_problems(package: Path) -> None:
    assert validate(package) == []


def test_partial_dates_at_coarser_precision_are_compatible(package: Path) -> None:
    set_cell(package, "exercises", 0, "start_date", "2019-04-29")
    set_cell(package, "exercises", 0, "end_date", "2019-04")
    assert validate(package) == []


def test_leap_day_is_a_real_date(package: Path) -> None:
    set_cell(package, "exercises", 0, "start_date", "2020-02-29")
    set_cell(package, "exercises", 0, "end_date", "2020-03")
    assert validate(package) == []


@pytest.mark.parametrize(
    ("content", "rule", "line"),
    [
        (b"", "empty-file", 1),
        (b"\xef\xbb\xbfsource_id\n", "encoding", 1),
        (b"source_id,title\r\nx,y\r\n", "line-endings", 1),
        (b"source_id,title,publisher,author,url,published_date,language,kind,accessed_date\nbad,\xff\xfe,x\n", "encoding", 2),
    ],
)
def test_structural_defects(package: Path, content: bytes, rule: str, line: int) -> None:
    (package / "data" / "sources.csv").write_bytes(content)
    found = [(p.file, p.line, p.rule) for p in validate(package) if p.file == "data/sources.csv"]
    assert found == [("data/sources.csv", line, rule)]


# mtime=0 keeps the gzip header free of the clock (a timestamp byte could otherwise be a CR)
GZIPPED = gzip.compress(b"source_id,title\n", mtime=0)


@pytest.mark.parametrize("content", [b"x\x01\x06\x00", GZIPPED])
def test_compressed_bytes_are_not_unpacked(package: Path, content: bytes) -> None:
    """Found by fuzzing: polars sniffs compression and raised on a zlib-looking header."""
    (package / "data" / "sources.csv").write_bytes(content)
    problems = [p for p in validate(package) if p.file == "data/sources.csv"]
    assert problems and problems[0].rule in ("encoding", "header", "csv-syntax", "ragged-row")


@pytest.mark.parametrize("timestamp", [b"\r", b"\r\n", b"\x00\r\x0dk"])
def test_binary_junk_with_a_cr_is_an_encoding_problem(package: Path, timestamp: bytes) -> None:
    """A gzip header whose timestamp holds a CR: invalid UTF-8 is reported before line endings."""
    content = GZIPPED[:4] + timestamp + GZIPPED[4 + len(timestamp) :]
    (package / "data" / "sources.csv").write_bytes(content)
    found = [(p.line, p.rule) for p in validate(package) if p.file == "data/sources.csv"]
    assert found == [(1, "encoding")]


def test_unclosed_quote_is_located(package: Path) -> None:
    path = package / "data" / "sources.csv"
    path.write_text(path.read_text().replace("Treaty text", '"Treaty text'), encoding="utf-8")
    problems = [p for p in validate(package) if p.file == "data/sources.csv"]
    assert [(p.line, p.rule) for p in problems] == [(2, "csv-syntax")]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda rows: [rows[0][:-1], *rows[1:]], "column 'accessed_date' from the schema is missing"),
        (lambda rows: [[*rows[0], "extra"], *rows[1:]], "column 'extra' is not in the schema"),
        (lambda rows: [[rows[0][1], rows[0][0], *rows[0][2:]], *rows[1:]], "the columns are not in schema order"),
        (lambda rows: [[*rows[0][:-1], "title"], *rows[1:]], "column 'title' appears twice"),
    ],
)
def test_header_defects(package: Path, mutate, message: str) -> None:
    path = package / "data" / "sources.csv"
    write_rows(path, mutate(read_rows(path)))
    problems = [p for p in validate(package) if p.file == "data/sources.csv"]
    assert problems and all(p.line == 1 and p.rule == "header" for p in problems)
    assert any(message in p.message for p in problems)


def test_ragged_row_and_blank_line(package: Path) -> None:
    path = package / "data" / "sources.csv"
    text = path.read_text()
    lines = text.splitlines()
    lines[2] = lines[2] + ",surplus"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    problems = [(p.line, p.rule) for p in validate(package) if p.file == "data/sources.csv"]
    assert problems == [(3, "ragged-row"), (5, "blank-line")]


def test_missing_data_file(package: Path) -> None:
    (package / "data" / "equipment.csv").unlink()
    problems = [(p.file, p.rule) for p in validate(package) if p.file == "data/equipment.csv"]
    assert problems == [("data/equipment.csv", "missing-file")]


def test_id_shared_by_two_tables_is_reported_naming_both_places(package: Path) -> None:
    set_cell(package, "exercises", 1, "exercise_id", "fighter-deal-2015")
    found = [(p.file, p.line, p.column, p.rule, p.message) for p in validate(package)]
    assert found == [
        (
            "data/exercises.csv",
            3,
            "exercise_id",
            "id-unique-across-tables",
            "'fighter-deal-2015' is also the ID of data/agreements.csv:2",
        )
    ]


def test_proposed_id_avoids_ids_of_other_tables(package: Path) -> None:
    from rcmc.records import add_rows

    row = {
        "name": "Fighter Deal",
        "kind": "exercise",
        "domain": "air",
        "framework": "bilateral",
        "participants": "CHN;RUS",
        "start_date": "2015-06",
        "summary": "A fixture drill whose name matches an agreement's ID.",
        "confidence": "reported",
        "source_ids": "example-2019-drill",
    }
    change = add_rows({"exercises": [row]}, package)
    assert change.rows["exercises"][0]["exercise_id"] == "fighter-deal-2015-2"
    assert validate(package) == []


@pytest.mark.parametrize("url", ["http://english.chinamil.com.cn/news/2009-09/18/content_4056060.htm", "https://tass.com/defense/1"])
def test_http_and_https_urls_with_a_real_host_are_citable(package: Path, url: str) -> None:
    set_cell(package, "sources", 0, "url", url)
    assert validate(package) == []


def test_released_id_that_vanished_is_reported_until_a_major_version(package: Path) -> None:
    import json

    snapshot = {"version": "1.2.0", "columns": {}, "rows": {"exercises": {"joint-sea-2019": {}, "gone-drill-2018": {}}}}
    (package / "released-ids.json").write_text(json.dumps(snapshot))
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["version"] = "1.3.0"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    found = [(p.file, p.line, p.column, p.value, p.rule) for p in validate(package)]
    assert found == [("data/exercises.csv", None, "exercise_id", "gone-drill-2018", "released-id-vanished")]
    descriptor["version"] = "2.0.0"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    assert validate(package) == []


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("part_of", "fighter-deal-2015-aircraft", "'fighter-deal-2015-aircraft' has another supplier or recipient"),
        ("quantity_ordered", "25", "quantity_ordered=25 exceeds the 24 of 'fighter-deal-2015-aircraft'"),
    ],
)
def test_part_of_names_a_matching_parent_with_no_smaller_quantity(package: Path, column: str, value: str, message: str) -> None:
    set_cell(package, "equipment", 1, "part_of", "fighter-deal-2015-aircraft")
    set_cell(package, "equipment", 1, "quantity_ordered", "10")
    set_cell(package, "equipment", 1, "supplier" if column == "part_of" else "recipient", "BLR" if column == "part_of" else "CHN")
    if column == "quantity_ordered":
        set_cell(package, "equipment", 1, column, value)
    found = [(p.line, p.rule, p.message) for p in validate(package) if p.rule == "part-of"]
    assert found == [(3, "part-of", message)]


def test_part_of_a_matching_parent_is_valid_and_not_counted_twice(package: Path) -> None:
    from rcmc.coverage import _counted
    from rcmc.package import open_package
    from rcmc.rows import current_rows

    set_cell(package, "equipment", 1, "part_of", "fighter-deal-2015-aircraft")
    set_cell(package, "equipment", 1, "quantity_ordered", "10")
    set_cell(package, "equipment", 1, "designation", "Su-35")
    assert validate(package) == []
    resource = open_package(package).resource("equipment")
    assert [r["item_id"] for r in _counted(resource, current_rows(resource))] == ["fighter-deal-2015-aircraft"]
