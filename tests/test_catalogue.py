"""One rule catalogue: every rule the validator can emit is described there, and every command is documented."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, build_package
from rcmc.catalogue import CATALOGUE
from rcmc.cli import cli
from rcmc.constraints import CONSTRAINTS
from rcmc.errors import RcmcError
from rcmc.rules import RULES
from rcmc.validator import validate
from test_bad_inputs import CASES, apply_case

SOURCE = ROOT / "src" / "rcmc"


def test_every_registered_rule_and_constraint_is_catalogued() -> None:
    assert set(RULES) <= set(CATALOGUE)
    assert set(CONSTRAINTS) <= set(CATALOGUE)


def test_every_rule_name_written_in_the_code_is_catalogued() -> None:
    """Rule names passed as literals to a Problem anywhere in src/ (structural checks, types, rules)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.py"))
    named = set(re.findall(r'rule="([a-zA-Z-]+)"', text))
    named |= set(re.findall(r'\b_problem\(\s*\w+,\s*\w+,\s*"([a-zA-Z-]+)"', text))
    assert {"csv-syntax", "ragged-row", "header", "type"} <= named, "the scan misses rule names: fix the test"
    assert named <= set(CATALOGUE), named - set(CATALOGUE)


def test_every_rule_emitted_on_the_bad_input_corpus_is_catalogued(tmp_path: Path) -> None:
    emitted = set()
    for case in CASES:
        package = build_package(tmp_path / case.name)
        apply_case(case, package)
        with contextlib.suppress(RcmcError):  # a package that cannot be opened at all gets an error, not problems
            emitted |= {p.rule for p in validate(package)}
        shutil.rmtree(package)
    assert len(emitted) >= 20
    assert emitted <= set(CATALOGUE), emitted - set(CATALOGUE)


def test_codebook_lists_every_rule() -> None:
    codebook = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    assert [name for name in CATALOGUE if f"| `{name}` |" not in codebook] == []


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme_and_has_a_help_example(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^rcmc {re.escape(name)}\b", readme, re.M), f"README shows no `rcmc {name}` example"
    assert "Example:" in (cli.commands[name].help or ""), f"`rcmc {name} --help` has no example"
