"""Long fuzzing run: random bytes and random CSV mutations must give Problems, never an unhandled exception.

Usage: python scripts/fuzz.py [--examples 100000] [--table exercises]

Uses one small package in a temporary folder and rewrites one table (default:
exercises) per example, so it runs far more examples than the test suite can afford.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "minipkg" / "data"
INSERTS = ['"', ",", "\n", "", ";", " ", "é", "\x00", "\\", "2023-02-30", "-1", "=1+1", "\r", "\ufeff"]


def run(examples: int, table: str = "exercises") -> int:
    """Run `examples` fuzz cases (half random bytes, half mutations) on `table`; return how many ran."""
    from rcmc.errors import RcmcError
    from rcmc.loader import load
    from rcmc.validator import validate

    folder = Path(tempfile.mkdtemp(prefix="rcmc-fuzz-"))
    shutil.copy(ROOT / "datapackage.json", folder)
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    shutil.copytree(FIXTURE, folder / "data")
    target = folder / "data" / f"{table}.csv"
    original = target.read_text(encoding="utf-8")
    count = 0

    def check(data: bytes) -> None:
        nonlocal count
        target.write_bytes(data)
        for problem in validate(folder):
            assert problem.rule and problem.message and problem.file
        with contextlib.suppress(RcmcError):
            load(table, path=folder)
        count += 1

    fast = settings(max_examples=examples // 2, deadline=None, database=None, suppress_health_check=list(HealthCheck))

    @fast
    @given(st.binary(max_size=600))
    def random_bytes(data: bytes) -> None:
        check(data)

    @fast
    @given(st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 6), st.sampled_from(INSERTS)), min_size=1, max_size=5))
    def mutations(edits) -> None:
        text = original
        for position, length, insert in edits:
            position %= len(text) + 1
            text = text[:position] + insert + text[position + length :]
        check(text.encode("utf-8", "surrogatepass"))

    random_bytes()
    mutations()
    shutil.rmtree(folder)
    return count


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--table", default="exercises", choices=["agreements", "equipment", "exercises", "sources"])
    args = parser.parse_args()
    print(f"{run(args.examples, args.table)} examples on {args.table}, no unhandled exception")


if __name__ == "__main__":
    main()
