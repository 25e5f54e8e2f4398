"""Every constraint in every schema JSON is enforced: one generated case per constraint.

Cases are generated from `schemas/*.json`, so a constraint added there gets its test here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, read_rows, set_cell, write_rows
from rcmc.validator import validate


def violating_value(field: dict, constraint: str, package: Path, table: str) -> str | None:
    """A value that breaks exactly `constraint` of `field`, or None when there is no such value."""
    limits = field.get("constraints", {})
    if constraint == "required":
        return ""
    if constraint == "unique":
        rows = read_rows(package / "data" / f"{table}.csv")
        return rows[2][rows[0].index(field["name"])]
    if constraint == "enum":
        return "not-an-allowed-value"
    if constraint == "minimum":
        return str(limits["minimum"] - 1)
    if constraint == "maximum":
        return str(limits["maximum"] + 1)
    if constraint == "pattern":
        return "Not A Valid Value!"
    if constraint == "maxLength":
        return "x" * (limits["maxLength"] + 1)
    if constraint == "itemPattern":
        return "Not A Valid Item!"
    if constraint == "type":
        return "not-a-number" if field["type"] in ("integer", "number") else "yes"
    return None


def constraint_cases() -> list[tuple[str, dict, str]]:
    cases = []
    for schema_path in sorted((ROOT / "schemas").glob("*.json")):
        schema = json.loads(schema_path.read_text())
        for field in schema["fields"]:
            constraints = [c for c, v in field.get("constraints", {}).items() if v is not False]
            if field.get("itemPattern"):
                constraints.append("itemPattern")
            if field.get("type", "string") not in ("string", "list"):
                constraints.append("type")
            cases += [(schema_path.stem, field, constraint) for constraint in constraints]
    return cases


CASES = constraint_cases()


def test_every_kind_of_constraint_is_covered() -> None:
    kinds = {constraint for _, _, constraint in CASES}
    assert kinds >= {"required", "unique", "enum", "minimum", "maximum", "pattern", "maxLength", "itemPattern", "type"}


def test_every_constraint_used_has_both_checks_in_the_one_table() -> None:
    """The pre-check (a polars flag) and pandera (a check or a column option) both handle every constraint used."""
    from rcmc.constraints import CONSTRAINTS

    used = {c for _, _, c in CASES} - {"type"}
    assert used <= set(CONSTRAINTS), used - set(CONSTRAINTS)
    for name in used:
        entry = CONSTRAINTS[name]
        assert entry.flag is not None or name == "unique", f"{name}: no pre-check flag"
        assert entry.check is not None or name in ("required", "unique"), f"{name}: no pandera check"


@pytest.mark.parametrize(("table", "field", "constraint"), CASES, ids=[f"{t}.{f['name']}.{c}" for t, f, c in CASES])
def test_breaking_a_constraint_is_reported(package: Path, table: str, field: dict, constraint: str) -> None:
    value = violating_value(field, constraint, package, table)
    assert value is not None, f"no generator for constraint {constraint}"
    set_cell(package, table, 0, field["name"], value)

    problems = validate(package)
    if constraint != "type":  # type errors are found while parsing, before the constraint checks
        assert _pre_check_flags(package, table), "the one-pass pre-check must send this table to pandera"

    expected = [p for p in problems if (p.file, p.line, p.column, p.rule) == (f"data/{table}.csv", 2, field["name"], constraint)]
    assert expected, f"no {constraint} problem at data/{table}.csv:2 {field['name']}; got {problems}"
    if constraint not in ("required", "unique"):
        assert expected[0].value == value


def _pre_check_flags(package: Path, table: str) -> bool:
    from rcmc.csvfile import read_raw
    from rcmc.package import open_package
    from rcmc.schema import may_violate, parse_types

    resource = open_package(package).resource(table)
    raw, problems = read_raw(resource)
    return bool(problems) or may_violate(resource, parse_types(raw)[0])


def test_pre_check_passes_clean_tables(package: Path) -> None:
    assert not any(_pre_check_flags(package, table) for table in ("agreements", "equipment", "exercises", "sources"))


def test_constraint_comes_from_the_json(package: Path) -> None:
    """Removing a constraint from the schema JSON removes its check: pandera is built from the JSON."""
    set_cell(package, "exercises", 0, "kind", "parade")
    assert any(p.rule == "enum" and p.column == "kind" for p in validate(package))

    schema_path = package / "schemas" / "exercises.json"
    schema = json.loads(schema_path.read_text())
    next(f for f in schema["fields"] if f["name"] == "kind")["constraints"].pop("enum")
    schema_path.write_text(json.dumps(schema))

    assert not any(p.column == "kind" for p in validate(package))


@pytest.mark.parametrize("value", ["1e3", "12.0", " 12", "+5", "1,000"])
def test_integers_must_be_plain_digits(package: Path, value: str) -> None:
    set_cell(package, "exercises", 0, "personnel", value)
    problems = validate(package)
    assert [(p.line, p.column, p.rule, p.value) for p in problems if p.column == "personnel"] == [(2, "personnel", "type", value)]


def test_negative_integer_breaks_minimum_not_type(package: Path) -> None:
    set_cell(package, "exercises", 0, "ships", "-1")
    assert [(p.rule, p.value) for p in validate(package) if p.column == "ships"] == [("minimum", "-1")]


def test_line_numbers_count_multiline_cells(package: Path) -> None:
    """The second exercise row has a two-line summary, so a third row starts on line 5."""
    path = package / "data" / "exercises.csv"
    rows = read_rows(path)
    extra = list(rows[1])
    extra[0] = "zz-drill-2020"
    extra[rows[0].index("kind")] = "parade"
    write_rows(path, [*rows, extra])
    problems = [p for p in validate(package) if p.rule == "enum"]
    assert [(p.line, p.column) for p in problems] == [(5, "kind")]


def test_repeated_key_far_apart_is_found(package: Path) -> None:
    """A sorted key column skips hashing; an unsorted one with a repeat must still be caught."""
    rows = read_rows(package / "data" / "sources.csv")
    rows[-1][0] = rows[1][0]  # the last row re-uses the first row's ID: the column is no longer increasing
    write_rows(package / "data" / "sources.csv", rows)
    found = [p for p in validate(package) if p.rule == "unique"]
    assert {(p.column, p.value) for p in found} == {("source_id", rows[1][0])}


def _modules_after_validate(package: Path) -> tuple[int, bool]:
    code = (
        "import sys; from rcmc.validator import validate\n"
        f"problems = validate({str(package)!r})\n"
        "print(len(problems), 'pandera' in sys.modules)"
    )
    count, imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(count), imported == "True"


def test_pandera_is_imported_only_when_a_constraint_may_fail(package: Path) -> None:
    assert _modules_after_validate(package) == (0, False)
    set_cell(package, "exercises", 0, "kind", "parade")
    assert _modules_after_validate(package) == (1, True)


def _row_after_multiline_cell(package: Path, **cells: str) -> None:
    """Append a copy of the second exercise (after its two-line summary) with `cells` changed: it starts on line 5."""
    path = package / "data" / "exercises.csv"
    rows = read_rows(path)
    extra = list(rows[1])
    extra[0] = "zz-drill-2020"
    for column, value in cells.items():
        extra[rows[0].index(column)] = value
    write_rows(path, [*rows, extra])


@pytest.mark.parametrize(
    ("cells", "rule", "column"),
    [
        ({"personnel": "many"}, "type", "personnel"),
        ({"start_date": "2020-05-02", "end_date": "2020-05-01"}, "end-after-start", "end_date"),
        ({"participants": "CHN;RUS;XXX"}, "iso3", "participants"),
        ({"source_ids": "no-such-source"}, "foreign-key", "source_ids"),
    ],
)
def test_every_check_reports_physical_lines_after_a_multiline_cell(
    package: Path, cells: dict[str, str], rule: str, column: str
) -> None:
    _row_after_multiline_cell(package, **cells)
    assert [(p.line, p.column) for p in validate(package) if p.rule == rule] == [(5, column)]


def test_loader_names_the_physical_line_after_a_multiline_cell(package: Path) -> None:
    from rcmc.loader import TableUnreadable, load

    _row_after_multiline_cell(package, kind="parade")
    with pytest.raises(TableUnreadable, match=r"data/exercises.csv:5: kind='parade'"):
        load("exercises", path=package)
