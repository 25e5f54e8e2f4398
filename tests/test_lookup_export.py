"""rcmc show, rcmc list and rcmc export: success and failure paths, and what the artifacts contain."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from conftest import package_hashes, set_cell
from rcmc.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_show_agreement_lists_equipment_and_sources(package: Path) -> None:
    result = run("show", "fighter-deal-2015", "--package", str(package))
    assert result.exit_code == 0
    assert "cited by equipment fighter-deal-2015-aircraft: Su-35, aircraft, 24, 24, 2015, 2016, 2018" in result.output
    assert (
        "cites sources example-2016-fighters: Fighters delivered, Example News, 2016-12, https://example.org/news/fighters"
        in result.output
    )


def test_show_an_equipment_item_links_its_agreement(package: Path) -> None:
    result = run("show", "fighter-deal-2015-aircraft", "--package", str(package))
    assert "cites agreements fighter-deal-2015: Contract for fighter aircraft, contract, 2015-11, completed" in result.output


def test_show_json(package: Path) -> None:
    data = json.loads(run("show", "joint-sea-2019", "--format", "json", "--package", str(package)).output)
    assert data["table"] == "exercises"
    assert [s["source_id"] for s in data["cited"]["sources"]] == ["example-2001-treaty", "example-2019-drill"]
    assert data["referring"] == {}


def test_show_unknown_id(package: Path) -> None:
    result = run("show", "nope", "--package", str(package))
    assert result.exit_code == 1 and "no row with ID 'nope'" in result.output


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--where", "framework=multilateral"], ["security-belt-2019"]),
        (["--year", "2019"], ["joint-sea-2019", "security-belt-2019"]),
        (["--where", "kind=air-patrol"], []),
    ],
)
def test_list_filters(package: Path, args: list[str], ids: list[str]) -> None:
    result = run("list", "exercises", *args, "--format", "json", "--package", str(package))
    assert result.exit_code == 0
    assert [row["exercise_id"] for row in json.loads(result.output)] == ids


def test_list_unknown_column_and_table(package: Path) -> None:
    assert (
        "exercises has no column 'colour'" in run("list", "exercises", "--where", "colour=red", "--package", str(package)).output
    )
    result = run("list", "parades", "--package", str(package))
    assert result.exit_code == 2 and "no table 'parades'" in result.output


def test_export_all(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    before = package_hashes(package)
    result = run("export", "--format", "all", "--out", str(out), "--package", str(package))
    assert result.exit_code == 0, result.output
    assert package_hashes(package) == before
    db = sqlite3.connect(out / "russia-china-military-cooperation.sqlite")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    joined = db.execute(
        "SELECT e.item_id, a.title, s.url FROM equipment e JOIN agreements a USING (agreement_id) "
        "JOIN citations c ON c.table_name = 'equipment' AND c.row_id = e.item_id JOIN sources s USING (source_id) "
        "ORDER BY e.item_id"
    ).fetchall()
    assert joined[0] == ("fighter-deal-2015-aircraft", "Contract for fighter aircraft", "https://example.org/news/fighters")
    parquet = pl.read_parquet(out / "parquet" / "exercises.parquet")
    assert parquet.schema["start_date"] == pl.Date and parquet.schema["participants"] == pl.List(pl.Utf8)
    records = json.loads((out / "json" / "exercises.json").read_text())
    assert records[1]["participants"] == ["CHN", "IRN", "RUS"] and records[1]["personnel"] is None
    sums = (out / "SHA256SUMS").read_text().splitlines()
    assert any(line.endswith("  parquet/exercises.parquet") for line in sums)


def test_export_xlsx_keeps_formula_text_as_text(package: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    set_cell(package, "exercises", 0, "location", "=1+1")
    result = run("export", "--format", "xlsx", "--out", str(tmp_path / "x"), "--package", str(package))
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "x" / "russia-china-military-cooperation.xlsx")
    sheet = book["exercises"]
    cell = sheet.cell(row=2, column=sheet[1].index(next(c for c in sheet[1] if c.value == "location")) + 1)
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert sheet.freeze_panes == "A2" and "README" in book.sheetnames


def test_export_refuses_foreign_files(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    result = run("export", "--format", "json", "--out", str(out), "--package", str(package))
    assert result.exit_code == 2 and "is not empty (thesis.docx) and was not made by rcmc export" in result.output
    assert [p.name for p in out.iterdir()] == ["thesis.docx"] and (out / "thesis.docx").read_text() == "precious"


def test_export_refuses_invalid_package(package: Path, tmp_path: Path) -> None:
    set_cell(package, "exercises", 0, "kind", "parade")
    result = run("export", "--format", "csv", "--out", str(tmp_path / "o"), "--package", str(package))
    assert result.exit_code == 1 and "run `rcmc validate`" in result.output
    assert not (tmp_path / "o").exists()


def test_parquet_reads_the_same_in_polars_pandas_and_duckdb(package: Path, tmp_path: Path) -> None:
    import duckdb
    import pandas as pd

    out = tmp_path / "p"
    assert run("export", "--format", "parquet", "--out", str(out), "--package", str(package)).exit_code == 0
    for table, rows in {"agreements": 2, "equipment": 2, "exercises": 2, "sources": 3}.items():
        path = out / "parquet" / f"{table}.parquet"
        assert pl.read_parquet(path).height == pd.read_parquet(path).shape[0] == rows
        assert duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall()[0][0] == rows
    described = duckdb.sql(f"DESCRIBE SELECT * FROM '{out / 'parquet' / 'exercises.parquet'}'").fetchall()
    types = {row[0]: row[1] for row in described}
    assert (types["start_date"], types["personnel"], types["participants"]) == ("DATE", "BIGINT", "VARCHAR[]")
    import pyarrow.parquet as pq

    assert str(pq.read_schema(out / "parquet" / "agreements.parquet").field("includes_training").type) == "bool"


def test_safe_csv_neutralises_formulas(package: Path, tmp_path: Path) -> None:
    for value in ("=1+1", "+SUM(A1)", "-2+3", "@cmd"):  # a leading tab or CR is already invalid data
        set_cell(package, "exercises", 0, "location", value)
        out = tmp_path / f"s{len(value)}{ord(value[0])}"
        assert run("export", "--format", "safe-csv", "--out", str(out), "--package", str(package)).exit_code == 0
        text = (out / "safe-csv" / "exercises.csv").read_text()
        assert f",'{value}," in text or f',"\'{value}",' in text


def test_export_refuses_symlinked_artifact(package: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    out = tmp_path / "dist"
    assert run("export", "--format", "csv", "--out", str(out), "--package", str(package)).exit_code == 0
    shutil.rmtree(out / "csv")
    (out / "csv").symlink_to(elsewhere)
    result = run("export", "--format", "csv", "--out", str(out), "--package", str(package))
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert [p.name for p in elsewhere.iterdir()] == ["keep.txt"] and (elsewhere / "keep.txt").read_text() == "mine"


def test_zip_bundle_has_only_relative_paths(package: Path, tmp_path: Path) -> None:
    import zipfile

    from rcmc.package import open_package

    out = tmp_path / "all"
    assert run("export", "--format", "all", "--out", str(out), "--package", str(package)).exit_code == 0
    stem = f"russia-china-military-cooperation-{open_package(package).version}"
    names = zipfile.ZipFile(out / f"{stem}.zip").namelist()
    assert names and all(not n.startswith("/") and ".." not in n.split("/") for n in names)
    assert f"{stem}/safe-csv/exercises.csv" in names


def test_codebook_escapes_html(package: Path, tmp_path: Path) -> None:
    set_cell(package, "exercises", 0, "location", "<script>alert(1)</script>")
    assert run("docs", "--package", str(package), "--out", str(tmp_path / "d")).exit_code == 0
    assert "<script>" not in (tmp_path / "d" / "codebook.html").read_text()


def test_fmt_check_and_fix(package: Path) -> None:
    path = package / "data" / "sources.csv"
    lines = path.read_text().splitlines(True)
    path.write_text(lines[0] + "".join(reversed(lines[1:])))
    check = run("fmt", "--check", "--package", str(package))
    assert check.exit_code == 1 and "run `rcmc fmt` to fix" in check.output and "+++ data/sources.csv" in check.output
    assert run("fmt", "--package", str(package)).output == "reformatted data/sources.csv\n"
    assert run("fmt", "--check", "--package", str(package)).exit_code == 0


def test_sqlite_has_a_bridge_table_per_list_column(package: Path, tmp_path: Path) -> None:
    result = run("export", "--format", "sqlite", "--out", str(tmp_path / "db"), "--package", str(package))
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(tmp_path / "db" / "russia-china-military-cooperation.sqlite")
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"exercises_participants", "agreements_parties"} <= tables
    assert "exercises_source_ids" not in tables  # list references stay in citations
    joined = db.execute(
        "SELECT exercise_id FROM exercises JOIN exercises_participants USING (exercise_id) WHERE value = 'IRN'"
    ).fetchall()
    assert joined == [("security-belt-2019",)]
    assert db.execute("SELECT count(*) FROM agreements_parties WHERE value = 'CHN'").fetchone() == (2,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_zip_is_versioned_unpacks_into_one_folder_and_carries_the_documents(package: Path, tmp_path: Path) -> None:
    import zipfile

    from conftest import ROOT
    from rcmc.citation import citation_text
    from rcmc.package import open_package

    for name in ("LICENSE", "CHANGELOG.md"):
        shutil.copy(ROOT / name, package / name)
    out = tmp_path / "all"
    assert run("export", "--format", "all", "--out", str(out), "--package", str(package)).exit_code == 0
    assert not (out / "russia-china-military-cooperation.zip").exists()
    stem = f"russia-china-military-cooperation-{open_package(package).version}"
    archive = zipfile.ZipFile(out / f"{stem}.zip")
    names = archive.namelist()
    assert {name.split("/", 1)[0] for name in names} == {stem}
    top = {name.split("/", 1)[1] for name in names}
    assert {"README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md", "codebook.md", "SHA256SUMS"} <= top
    assert {"csv/data/exercises.csv", "json/exercises.json", "russia-china-military-cooperation.sqlite"} <= top
    readme = archive.read(f"{stem}/README.md").decode()
    assert citation_text(open_package(package), markdown=True) in readme and "`parquet/`" in readme
    version = open_package(package).version
    assert f"version: {version}".encode() in archive.read(f"{stem}/CITATION.cff")
    assert archive.read(f"{stem}/LICENSE") == (ROOT / "LICENSE").read_bytes()
    sums = (out / "SHA256SUMS").read_text()
    assert "  codebook.md\n" in sums and "  CITATION.cff\n" in sums


def test_xlsx_has_autofilters_and_a_citation(package: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from rcmc.citation import citation_text
    from rcmc.package import open_package

    assert run("export", "--format", "xlsx", "--out", str(tmp_path / "x"), "--package", str(package)).exit_code == 0
    book = load_workbook(tmp_path / "x" / "russia-china-military-cooperation.xlsx")
    assert book["exercises"].auto_filter.ref == book["exercises"].dimensions
    assert book["exercises"].auto_filter.ref.startswith("A1:")
    cells = [cell.value for row in book["README"].iter_rows(max_row=5) for cell in row]
    assert citation_text(open_package(package)) in cells
