"""The command line: exit codes, messages, formats, adding and editing rows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import package_hashes, read_rows, set_cell
from rcmc.cli import cli


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        assert command.help and "Example:" in command.help, name
        assert run(name, "-h").exit_code == 0


def test_validate_clean_package(package: Path) -> None:
    result = run("validate", str(package))
    assert (result.exit_code, result.output) == (0, "valid: no problems found\n")


def test_validate_reports_problem_with_location(package: Path) -> None:
    set_cell(package, "equipment", 0, "quantity_delivered", "40")
    result = run("validate", "--package", str(package))
    assert result.exit_code == 1
    assert (
        "data/equipment.csv:2: quantity_delivered='40': quantity_delivered=40 exceeds quantity_ordered=24 "
        "(rule delivered-le-ordered)"
    ) in result.output


def test_validate_json_matches_library(package: Path) -> None:
    from rcmc.validator import validate

    set_cell(package, "exercises", 0, "kind", "parade")
    result = run("validate", str(package), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["problems"] == [p.to_dict() for p in validate(package)]


def test_validate_github_annotations(package: Path) -> None:
    set_cell(package, "exercises", 0, "kind", "parade")
    result = run("validate", str(package), "--format", "github")
    assert result.output.startswith("::error file=data/exercises.csv,line=2,title=rcmc enum (kind)::")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"resources": []}', "'resources' must be a non-empty list"),
    ],
)
def test_broken_descriptor_exits_2(package: Path, content: str, message: str) -> None:
    (package / "datapackage.json").write_text(content)
    result = run("validate", str(package))
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_missing_package_exits_2(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "no datapackage.json at" in result.output


def test_package_found_by_walking_up(package: Path, monkeypatch) -> None:
    monkeypatch.chdir(package / "data")
    monkeypatch.delenv("RCMC_PACKAGE", raising=False)
    set_cell(package, "exercises", 0, "kind", "parade")
    assert run("validate").exit_code == 1


def test_summary(package: Path) -> None:
    result = run("summary", "--package", str(package))
    assert result.exit_code == 0
    assert "exercises       2 rows  2019-2019" in result.output
    assert "confidence: confirmed 1, reported 1" in result.output


SOURCE = [
    "--set",
    "title=New report",
    "--set",
    "publisher=Example Wire",
    "--set",
    "url=https://example.org/new",
    "--set",
    "published_date=2024-05-01",
    "--set",
    "language=en",
    "--set",
    "kind=news",
    "--set",
    "accessed_date=2026-11-26",
]


def test_add_source_prints_its_id_and_writes_canonically(package: Path) -> None:
    result = run("add", "sources", *SOURCE, "--package", str(package))
    sources = (package / "data" / "sources.csv").resolve()
    assert (result.exit_code, result.output) == (0, f"added sources example-wire-2024-new-report\nwrote {sources}\n")
    rows = read_rows(package / "data" / "sources.csv")
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])
    assert "example-wire-2024-new-report" in [r[0] for r in rows]


def test_add_rejected_row_leaves_files_identical(package: Path) -> None:
    before = package_hashes(package)
    result = run("add", "exercises", "--set", "name=Drill", "--set", "kind=parade", "--package", str(package))
    assert result.exit_code == 1
    assert "nothing was written" in result.output and "(rule enum)" in result.output and "(rule required)" in result.output
    assert package_hashes(package) == before


def test_add_dry_run_writes_nothing(package: Path) -> None:
    before = package_hashes(package)
    result = run("add", "sources", *SOURCE, "--dry-run", "--package", str(package))
    assert result.exit_code == 0 and result.output.startswith("would add sources example-wire-2024-new-report")
    assert package_hashes(package) == before


def test_add_bundle_from_json_proposes_ids_with_suffix(package: Path, tmp_path: Path) -> None:
    row = {
        "name": "Joint Sea-2019",
        "series": "Joint Sea",
        "kind": "exercise",
        "domain": "sea",
        "framework": "bilateral",
        "participants": ["RUS", "CHN"],
        "start_date": "2019-05",
        "summary": "Second fixture drill.",
        "confidence": "reported",
        "source_ids": ["example-2019-drill"],
    }
    bundle = tmp_path / "rows.json"
    bundle.write_text(json.dumps({"exercises": [row]}))
    result = run("add", "--json", str(bundle), "--package", str(package), "--allow-duplicate")
    exercises = (package / "data" / "exercises.csv").resolve()
    assert (result.exit_code, result.output) == (0, f"added exercises joint-sea-2019-2\nwrote {exercises}\n")
    written = [r for r in read_rows(package / "data" / "exercises.csv") if r[0] == "joint-sea-2019-2"]
    header = read_rows(package / "data" / "exercises.csv")[0]
    assert written[0][header.index("participants")] == "CHN;RUS"


def test_add_json_and_set_clash(package: Path) -> None:
    result = run("add", "sources", "--json", "-", "--set", "title=x", "--package", str(package), input="{}")
    assert result.exit_code == 2 and "--json cannot be used with --set" in result.output


def test_add_unknown_column(package: Path) -> None:
    result = run("add", "sources", "--set", "colour=red", "--package", str(package))
    assert result.exit_code == 2 and "sources has no column 'colour'" in result.output


def test_edit_row(package: Path) -> None:
    result = run("edit", "joint-sea-2019", "--set", "ships=14", "--package", str(package))
    assert result.exit_code == 0
    rows = read_rows(package / "data" / "exercises.csv")
    assert rows[1][rows[0].index("ships")] == "14"


def test_edit_rejects_invalid_value(package: Path) -> None:
    before = package_hashes(package)
    result = run("edit", "fighter-deal-2015-aircraft", "--set", "quantity_delivered=99", "--package", str(package))
    assert result.exit_code == 1 and "(rule delivered-le-ordered)" in result.output
    assert package_hashes(package) == before


def test_edit_unknown_id(package: Path) -> None:
    result = run("edit", "no-such-row", "--set", "ships=1", "--package", str(package))
    assert result.exit_code == 1 and "no row with ID 'no-such-row'" in result.output


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from rcmc.cli import cli\n"
        "for args in (['--help'], ['add', '--help'], ['list', '--help'], ['validate', '--help'], ['export', '--help']):\n"
        "    try: cli(args)\n"
        "    except SystemExit: pass\n"
        "print(sorted(m for m in ('polars', 'pandera', 'pandas', 'frictionless') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip().splitlines()[-1] == "[]"


def test_add_prompts_for_missing_required_values(package: Path) -> None:
    # title, publisher, author (skipped), url, published_date (skipped), language, kind, accessed_date, ID, write it?
    answers = "\n".join(["Prompted report", "Example Wire", "", "https://example.org/prompted", "", "en", "news", "2026-11-26"])
    answers += "\n\n\n"
    result = run("add", "sources", "--prompt", "--package", str(package), input=answers)
    assert result.exit_code == 0, result.output
    assert "added sources example-wire-prompted-report" in result.output
    assert "Address the page was read at" in result.output
    rows = read_rows(package / "data" / "sources.csv")
    written = next(r for r in rows if r[0] == "example-wire-prompted-report")
    assert (written[4], written[7]) == ("https://example.org/prompted", "news")


def test_add_prompt_rejects_value_outside_enum(package: Path) -> None:
    answers = "\n".join(["T", "P", "", "https://example.org/p", "", "en", "rumour", "news", "2026-11-26", "", ""]) + "\n"
    result = run("add", "sources", "--prompt", "--package", str(package), input=answers)
    assert result.exit_code == 0
    assert "'rumour' is not one of" in result.output


def test_remove_row_and_refusal_while_referenced(package: Path) -> None:
    before = package_hashes(package)
    refused = run("remove", "fighter-deal-2015", "--package", str(package))
    assert refused.exit_code == 1 and "(rule foreign-key)" in refused.output
    assert package_hashes(package) == before
    result = run("remove", "fighter-deal-2015-engines", "--package", str(package))
    equipment = (package / "data" / "equipment.csv").resolve()
    assert (result.exit_code, result.output) == (0, f"removed equipment fighter-deal-2015-engines\nwrote {equipment}\n")
    assert "fighter-deal-2015-engines" not in (package / "data" / "equipment.csv").read_text()
    assert run("remove", "nope", "--package", str(package)).exit_code == 1
