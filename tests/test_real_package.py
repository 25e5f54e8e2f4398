"""The real package: valid by our rules, valid for frictionless, canonical byte for byte."""

from __future__ import annotations

from conftest import ROOT
from rcmc.package import open_package
from rcmc.records import current_rows
from rcmc.validator import validate
from rcmc.writer import render_table


def test_real_data_is_valid() -> None:
    problems = validate(ROOT)
    assert problems == [], "\n".join(p.to_text() for p in problems)


def test_frictionless_says_valid() -> None:
    from frictionless import validate as frictionless_validate

    report = frictionless_validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_data_files_are_canonical() -> None:
    package = open_package(ROOT)
    for resource in package.resources.values():
        assert render_table(resource, current_rows(resource)) == resource.path.read_text(encoding="utf-8"), resource.name


def test_descriptor_declares_both_licenses() -> None:
    names = {license["name"] for license in open_package(ROOT).descriptor["licenses"]}
    assert names == {"CC-BY-4.0", "MIT"}
