"""The real package: valid by our rules, valid for frictionless, canonical byte for byte."""

from __future__ import annotations

from conftest import ROOT
from rcmc.package import open_package
from rcmc.rows import current_rows
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
    from rcmc.records import format_tables

    changed = format_tables(ROOT, check=True)
    assert changed == {}, "not in canonical form; run `rcmc fmt` to fix:\n" + "\n".join(c.diff for c in changed.values())


def test_descriptor_declares_both_licenses() -> None:
    names = {license["name"] for license in open_package(ROOT).descriptor["licenses"]}
    assert names == {"CC-BY-4.0", "MIT"}


def test_every_table_round_trips_bytes_and_frames(tmp_path) -> None:
    import shutil

    from rcmc.loader import typed_frame

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copy(ROOT / "datapackage.json", tmp_path / "datapackage.json")
    package = open_package(tmp_path)
    for resource in package.resources.values():
        before_bytes, before_frame = resource.path.read_bytes(), typed_frame(resource)
        resource.path.write_text(render_table(resource, current_rows(resource)), encoding="utf-8", newline="")
        assert resource.path.read_bytes() == before_bytes, resource.name
        assert typed_frame(resource).equals(before_frame), resource.name
