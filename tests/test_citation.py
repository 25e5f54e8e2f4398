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
