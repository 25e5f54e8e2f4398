"""CITATION.cff is a valid Citation File Format 1.2.0 file that cites this release."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT
from rcmc.package import open_package

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))


def load_cff(text: str) -> dict:
    """The CFF document as JSON would hold it: YAML dates become ISO strings."""
    document = yaml.safe_load(text)
    return json.loads(json.dumps(document, default=lambda v: v.isoformat() if isinstance(v, datetime.date) else str(v)))


def cff_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [error.message for error in validator.iter_errors(document)]


def test_citation_file_is_valid_cff() -> None:
    assert cff_errors(load_cff((ROOT / "CITATION.cff").read_text(encoding="utf-8"))) == []


def test_citation_file_names_the_release() -> None:
    document = load_cff((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert document["version"] == open_package(ROOT).version
    assert document["license"] == open_package(ROOT).descriptor["licenses"][0]["name"]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d.pop("authors"), "'authors' is a required property"),
        (lambda d: d.update({"date-released": "26 November 2026"}), "does not match"),
        (lambda d: d.update({"license": "CC-BY-4"}), "is not valid under any of the given schemas"),
    ],
)
def test_broken_citation_is_caught(change, fragment: str) -> None:
    document = load_cff((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    change(document)
    assert any(fragment in message for message in cff_errors(document))


def test_readme_and_citation_file_carry_the_one_citation_of_this_version() -> None:
    from rcmc.citation import citation_cff, readme_block

    package = open_package(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_block(package) in readme, "README citation is stale: it is written by `rcmc release`"
    assert f"version {package.version} [data set]" in readme
    assert (ROOT / "CITATION.cff").read_text(encoding="utf-8") == citation_cff(package)
    assert readme.count("## How to cite") == 1 and "## Licence and citation" not in readme


def test_release_writes_the_citation_into_readme_and_citation_file(package) -> None:
    from rcmc.citation import README_END, README_START, citation_text
    from rcmc.release import release

    (package / "README.md").write_text(f"# Data\n\n{README_START}\n> old, version 0.0.1\n{README_END}\n", encoding="utf-8")
    (package / "CITATION.cff").write_text("cff-version: 1.2.0\nversion: 0.0.1\n", encoding="utf-8")
    result = release(path=package, today="2027-03-04", tag=False)
    assert package / "README.md" in result.files
    opened = open_package(package)
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert "old, version 0.0.1" not in readme and citation_text(opened, markdown=True) in readme
    assert "(2027)" in citation_text(opened) and f"version {opened.version}" in citation_text(opened)
    document = load_cff((package / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff_errors(document) == []
    assert document["date-released"] == "2027-03-04" and document["version"] == opened.version
    assert citation_text(opened) in document["message"]
