"""The claims table: rules reported at their lines, and claims shown with their rows."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from conftest import read_rows, write_rows
from rcmc.cli import cli
from rcmc.validator import validate

HEADER = ["claim_id", "table", "row_id", "column", "value", "accepted", "source_ids", "note"]


def write_claims(package: Path, claims: list[list[str]]) -> None:
    write_rows(package / "data" / "claims.csv", [HEADER, *claims])


def found(package: Path) -> list[tuple[int | None, str | None, str]]:
    return [(p.line, p.column, p.rule) for p in validate(package) if p.file == "data/claims.csv"]


def test_fixture_claims_are_valid(package: Path) -> None:
    assert read_rows(package / "data" / "claims.csv")[1][4] == "10"  # joint-sea-2019 aircraft, as the row holds
    assert validate(package) == []


def test_planted_claim_defects_are_reported_at_their_lines(package: Path) -> None:
    good = read_rows(package / "data" / "claims.csv")[1:]
    write_claims(
        package,
        [
            *good,
            ["ghost-drill-2020-ships-1", "exercises", "ghost-drill-2020", "ships", "3", "false", "example-2019-drill", ""],
            ["joint-sea-2019-ships-1", "exercises", "joint-sea-2019", "ships", "13", "true", "example-2019-drill", ""],
            ["joint-sea-2019-ships-2", "exercises", "joint-sea-2019", "ships", "about 12", "false", "example-2019-drill", ""],
            ["joint-sea-2019-personnel-1", "exercises", "joint-sea-2019", "personnel", "900", "true", "example-2019-drill", ""],
            ["joint-sea-2019-personnel-2", "exercises", "joint-sea-2019", "personnel", "1100", "false", "example-2019-drill", ""],
        ],
    )
    assert found(package) == [
        (4, "row_id", "claim-target"),
        (6, "value", "claim-value"),
        (7, "value", "claim-consistency"),
    ]


def test_claims_need_a_rival_value_and_an_empty_cell_accepts_none(package: Path) -> None:
    write_claims(
        package,
        [
            ["joint-sea-2019-ships-1", "exercises", "joint-sea-2019", "ships", "13", "true", "example-2019-drill", ""],
            ["security-belt-2019-end-date-1", "exercises", "security-belt-2019", "end_date", "2019-12-30", "true",
             "example-2019-drill", ""],
            ["security-belt-2019-end-date-2", "exercises", "security-belt-2019", "end_date", "2019-12-31", "false",
             "example-2019-drill", ""],
        ],
    )  # fmt: skip
    messages = [p.message for p in validate(package) if p.rule == "claim-consistency"]
    assert len(messages) == 2
    assert "only contested cells have claims" in messages[0]
    assert "the cell is empty (unresolved)" in messages[1]


def test_summary_notes_and_ids_carry_no_claims(package: Path) -> None:
    write_claims(
        package,
        [
            ["joint-sea-2019-summary-1", "exercises", "joint-sea-2019", "summary", "x", "false", "example-2019-drill", ""],
            ["joint-sea-2019-x-1", "sources", "example-2019-drill", "title", "y", "false", "example-2019-drill", ""],
        ],
    )
    assert found(package) == [(2, "column", "claim-target"), (3, "table", "claim-target")]


def test_show_lists_each_contested_column_with_its_values(package: Path) -> None:
    result = CliRunner().invoke(cli, ["show", "joint-sea-2019", "--package", str(package)])
    assert result.exit_code == 0
    expected = "10 (accepted: example-2019-drill); 12 (example-2001-treaty: a fictional rival figure)"
    assert f"contested aircraft: {expected}" in result.output


def test_summary_counts_contested_cells(package: Path) -> None:
    result = CliRunner().invoke(cli, ["summary", "--package", str(package)])
    assert "contested cells: exercises 1" in result.output


def test_site_row_page_says_sources_disagree(package: Path, tmp_path: Path) -> None:
    from rcmc.site import build_site

    build_site(tmp_path / "site", package)
    page = (tmp_path / "site" / "rows" / "exercises" / "joint-sea-2019.html").read_text()
    assert "<h2>Sources disagree</h2>" in page
    assert "<code>10</code> <strong>(in the row)</strong>" in page and "<code>12</code> (a fictional rival figure)" in page
