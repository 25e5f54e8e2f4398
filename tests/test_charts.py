"""rcmc chart: every chart renders with its title and source line; the README's charts are current."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, set_cell
from rcmc.charts import CHARTS, write_chart
from rcmc.cli import cli
from rcmc.package import open_package

README_CHARTS = ["exercises-per-year", "equipment-delivered"]


@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_renders_svg_with_title_and_source(package: Path, tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(cli, ["chart", name, "--out", str(tmp_path / f"{name}.svg"), "--package", str(package)])
    assert result.exit_code == 0, result.output
    svg = (tmp_path / f"{name}.svg").read_text()
    version = open_package(package).version
    assert svg.startswith("<svg") and f"Data: russia-china-military-cooperation v{version}" in svg


def test_chart_html_is_standalone(package: Path, tmp_path: Path) -> None:
    write_chart("exercises-per-year", tmp_path / "chart.html", package)
    html = (tmp_path / "chart.html").read_text()
    assert "<html" in html and "cdn.jsdelivr" not in html


def test_chart_rejects_unknown_suffix(package: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["chart", "exercises-per-year", "--out", str(tmp_path / "x.gif"), "--package", str(package)])
    assert result.exit_code == 2 and "--out must end in .svg, .png, .html" in result.output


@pytest.mark.parametrize("name", README_CHARTS)
def test_readme_charts_are_current(tmp_path: Path, name: str) -> None:
    fresh = write_chart(name, tmp_path / f"{name}.svg", ROOT)
    committed = ROOT / "docs" / "charts" / f"{name}.svg"
    assert fresh.read_bytes() == committed.read_bytes(), f"{committed} is stale: run `make charts`"


@pytest.mark.parametrize("missing", ["altair", "vl_convert"])
@pytest.mark.parametrize("command", [["chart", "exercises-per-year", "--out", "x.svg"], ["site", "--out", "site"]])
def test_charts_without_the_extra_name_it(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str, command: list[str]
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*command, "--package", str(package)])
    assert result.exit_code == 2, result.output
    assert "pip install 'russia-china-military-cooperation[charts]'" in result.output
    assert not (tmp_path / "x.svg").exists() and not (tmp_path / "site").exists()


def _spec(name: str, path: Path) -> dict:
    from rcmc.charts import build_chart

    return build_chart(name, path).to_dict()


@pytest.mark.parametrize("name", ["exercises-per-year", "equipment-delivered", "agreements-timeline", "contacts-per-year"])
def test_year_axis_has_every_year_empty_ones_included(name: str) -> None:
    spec = _spec(name, ROOT)
    domain = spec["encoding"]["x"]["scale"]["domain"]
    assert domain == list(range(domain[0], domain[-1] + 1))
    drawn = {record["year"] for record in spec["data"]["values"]}
    assert drawn <= set(domain)


def test_exercise_years_without_events_are_on_the_axis() -> None:
    assert {2004, 2006, 2008, 2011} <= set(_spec("exercises-per-year", ROOT)["encoding"]["x"]["scale"]["domain"])


def test_item_with_unknown_last_delivery_year_is_left_out_and_said(package: Path) -> None:
    set_cell(package, "equipment", 0, "delivery_last_year", "")  # the 24 Su-35: delivered from 2016, end unknown
    spec = _spec("equipment-delivered", package)
    values = spec["data"]["values"]
    assert [(v["year"], v["category"]) for v in values] == [(2016, "engine"), (2017, "engine")]
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Left out: 1 item(s) whose last delivery year is unknown (24 units: Su-35)" in subtitle
    assert "known first and last delivery years" in subtitle


def test_size_legend_has_no_zero(package: Path) -> None:
    spec = _spec("agreements-timeline", package)
    size = spec["encoding"]["size"]
    assert size["scale"]["domain"][0] == 1 and 0 not in size["legend"]["values"]
