"""Every command shown in the README and in `--help` epilogues runs as written against the current data.

Read-only examples run as they are; writing examples that have `--dry-run` run with it;
the rest (export, docs, chart, site, serve, fmt) write outside the data and are only parsed.
Nothing here may change a byte of the real package.
"""

from __future__ import annotations

import re
import shlex
import subprocess

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT, package_hashes
from rcmc.cli import cli

DRY_RUNNABLE = {"add", "edit", "remove", "release"}
WRITE_ONLY = {"export", "docs", "chart", "site", "serve"}


def readme_examples() -> list[str]:
    """`rcmc ...` lines of the README's sh blocks, continuations joined, comments dropped."""
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip().startswith("rcmc ")]


def help_examples() -> list[str]:
    """The example lines of every command's `--help` epilogue."""
    found = []
    for command in cli.commands.values():
        doc = (command.help or "").split("Example:", 1)[-1].replace("\\\n", " ")
        found += [line.strip() for line in doc.splitlines() if line.strip().startswith("rcmc ")]
    return found


def runnable(example: str) -> list[str] | None:
    """The arguments to run for `example`, or None when it only writes files elsewhere."""
    args = shlex.split(example, comments=True)[1:]
    if args[0] in WRITE_ONLY or (args[0] == "fmt" and "--check" not in args):
        return None
    if args[0] in DRY_RUNNABLE and "--dry-run" not in args:
        args.append("--dry-run")
    return args


def is_shallow() -> bool:
    result = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() == "true"


EXAMPLES = sorted(set(readme_examples() + help_examples()))


def test_examples_were_found() -> None:
    commands = {shlex.split(e)[1] for e in EXAMPLES}
    assert {"validate", "summary", "add", "edit", "remove", "show", "list", "diff"} <= commands
    assert len(readme_examples()) >= 15


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_runs(example: str, monkeypatch) -> None:
    args = runnable(example)
    if args is None:
        command = cli.commands[shlex.split(example)[1]]
        with click.Context(command) as context:
            command.parse_args(context, shlex.split(example, comments=True)[2:])  # options exist and parse
        return
    if args[0] == "diff" and is_shallow():
        pytest.skip("shallow clone: rcmc diff needs the history of datapackage.json")
    monkeypatch.chdir(ROOT)
    before = package_hashes(ROOT / "data")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, f"{example}\n{result.output}"
    assert package_hashes(ROOT / "data") == before
