"""Benchmark validation against the polars read floor and frictionless, and time the CLI start-up.

Usage: python scripts/bench.py [--sizes 10000,100000,1000000] [--all] [--repeat 3] [--profile]

For each size (equipment and exercise rows), in one process, best of --repeat:
the polars read floor (all four tables, explicit dtypes), rcmc validation
in-process, and `frictionless validate` (skipped above 100 k rows unless --all;
nothing is extrapolated). Also: whole-process times of `rcmc --help`, `rcmc
validate` on the real package, `python -c "import click"` and `python -c
"import pandera.polars"`, peak RSS of validating the largest package, and whether
every planted error of a planted-error package is reported at its exact line.
With --profile, also the time of each validation step on the largest package.
Writes bench/results.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FRICTIONLESS_LIMIT = 100_000


def _synth():
    spec = importlib.util.spec_from_file_location("synth", ROOT / "scripts" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best_of(repeat: int, function: Callable[[], object]) -> float:
    """Best wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def read_floor(folder: Path) -> None:
    """Read every table with polars and explicit dtypes from the schemas: the least any validator must do."""
    import polars as pl

    from rcmc.package import open_package
    from rcmc.schema import field_dtype

    for resource in open_package(folder).resources.values():
        pl.read_csv(resource.path, schema={f["name"]: field_dtype(f) for f in resource.fields})


def rcmc_validate(folder: Path) -> list:
    """rcmc's whole validation, in-process."""
    from rcmc.validator import validate

    return validate(folder)


def frictionless_validate(folder: Path) -> None:
    """The reference tool, as a user runs it."""
    subprocess.run(
        [str(BIN / "frictionless"), "validate", "--json", str(folder / "datapackage.json")], capture_output=True, check=False
    )


def process_time(command: list[str], repeat: int = 5) -> float:
    """Best wall time of a whole process, run as an installed user runs it: with bytecode caches.

    pip compiles an installed package's bytecode (polars, click), but an editable rcmc writes its own
    only on a first run, and not at all under PYTHONDONTWRITEBYTECODE; so that setting is dropped and
    one untimed run comes first, or rcmc alone would pay for compiling its source on every run.
    """
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, capture_output=True, check=False, env=env)
    return best_of(repeat, lambda: subprocess.run(command, capture_output=True, check=False, env=env))


def peak_rss_mb(folder: Path) -> float:
    """Peak resident memory of a fresh process validating `folder`, in MB.

    Read from /proc VmHWM, which starts afresh at exec; getrusage's ru_maxrss would
    inherit the (large) high-water mark of this benchmarking parent.
    """
    code = (
        "import sys; from rcmc.validator import validate; validate(sys.argv[1]);"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    output = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True).stdout
    return int(output.strip()) / 1024


def profile_steps(folder: Path) -> dict[str, float]:
    """Seconds spent in each step of validation (read, types, constraints per table; each rule), one cold run."""
    from rcmc.csvfile import read_raw
    from rcmc.package import open_package
    from rcmc.rules import RULES, Table
    from rcmc.schema import check_constraints, parse_types

    steps: dict[str, float] = {}
    tables = {}
    for resource in open_package(folder).resources.values():
        start = time.perf_counter()
        raw, _ = read_raw(resource)
        steps[f"read {resource.name}"] = time.perf_counter() - start
        start = time.perf_counter()
        typed, _, bad = parse_types(raw)
        steps[f"types {resource.name}"] = time.perf_counter() - start
        start = time.perf_counter()
        check_constraints(resource, typed, raw, skip=bad)
        steps[f"constraints {resource.name}"] = time.perf_counter() - start
        tables[resource.name] = Table(resource, typed, raw)
    for name, check in RULES.items():
        start = time.perf_counter()
        check(tables)
        steps[f"rule {name}"] = time.perf_counter() - start
    return {step: round(seconds, 3) for step, seconds in steps.items()}


def planted_check(folder: Path, synth, rows: int) -> dict:
    """Plant 3 errors of each kind and check every one is reported at its exact file, line, column and rule."""
    planted = synth.synthesize(folder, rows, seed=2, plant=3)
    reported = {(p.file, p.line, p.column, p.rule) for p in rcmc_validate(folder)}
    missing = [p for p in planted if (p["file"], p["line"], p["column"], p["rule"]) not in reported]
    return {"rows": rows, "planted": len(planted), "missing": len(missing), "examples_missing": missing[:5]}


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--all", action="store_true", help="run frictionless at every size")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="time each validation step on the largest package")
    args = parser.parse_args()
    synth = _synth()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "sizes": [],
    }
    print(f"{'rows':>9} {'read floor s':>13} {'rcmc s':>8} {'frictionless s':>15} {'rcmc/floor':>11} {'frictionless/rcmc':>18}")
    with tempfile.TemporaryDirectory(prefix="rcmc-bench-") as work:
        for size in sizes:
            folder = Path(work) / f"pkg-{size}"
            synth.synthesize(folder, size)
            problems = rcmc_validate(folder)
            assert problems == [], f"synthetic package of {size} rows is not valid: {problems[:3]}"
            floor = best_of(args.repeat, lambda f=folder: read_floor(f))
            ours = best_of(args.repeat, lambda f=folder: rcmc_validate(f))
            theirs = None
            if args.all or size <= FRICTIONLESS_LIMIT:
                theirs = best_of(1 if size > FRICTIONLESS_LIMIT else args.repeat, lambda f=folder: frictionless_validate(f))
            row = {
                "rows": size,
                "read_floor_s": round(floor, 3),
                "rcmc_s": round(ours, 3),
                "frictionless_s": None if theirs is None else round(theirs, 3),
                "rcmc_over_floor": round(ours / floor, 2),
                "frictionless_over_rcmc": None if theirs is None else round(theirs / ours, 1),
            }
            results["sizes"].append(row)
            print(
                f"{size:>9} {floor:>13.3f} {ours:>8.3f} {'skipped' if theirs is None else f'{theirs:.3f}':>15} "
                f"{ours / floor:>11.2f} {'-' if theirs is None else f'{theirs / ours:.1f}':>18}"
            )
        largest = Path(work) / f"pkg-{sizes[-1]}"
        if args.profile:
            results["profile_s"] = {"rows": sizes[-1], "steps": profile_steps(largest)}
            print(f"\nvalidation steps, {sizes[-1]} rows (one run; shared work is charged to the first rule that needs it):")
            for step, seconds in results["profile_s"]["steps"].items():
                print(f"  {step:<40} {seconds:.3f} s")
        results["peak_rss_mb"] = {"rows": sizes[-1], "mb": round(peak_rss_mb(largest), 1)}
        results["planted"] = planted_check(Path(work) / "planted", synth, sizes[-1])
    rcmc = str(BIN / "rcmc")
    processes = {
        "rcmc --help": [rcmc, "--help"],
        "rcmc validate (real package)": [rcmc, "validate", str(ROOT)],
        "python -c 'import click'": [sys.executable, "-c", "import click"],
        "python -c 'import polars'": [sys.executable, "-c", "import polars"],
        "python -c 'import pandera.polars'": [sys.executable, "-c", "import pandera.polars"],
    }
    results["processes_s"] = {name: round(process_time(command), 3) for name, command in processes.items()}
    help_ratio = results["processes_s"]["rcmc --help"] / results["processes_s"]["python -c 'import click'"]
    results["help_over_click"] = round(help_ratio, 2)
    over_import = results["processes_s"]["rcmc validate (real package)"] - results["processes_s"]["python -c 'import polars'"]
    results["real_validate_minus_polars_import_s"] = round(over_import, 3)
    print(f"\npeak RSS validating {sizes[-1]} rows: {results['peak_rss_mb']['mb']} MB")
    print(f"planted errors ({sizes[-1]} rows): {results['planted']['planted']} planted, {results['planted']['missing']} missing")
    for name, seconds in results["processes_s"].items():
        print(f"{name:<36} {seconds:.3f} s")
    print(f"rcmc --help / import click: {help_ratio:.2f}   (machine: {os.cpu_count()} cores)")
    print(f"rcmc validate (real package) - import polars: {over_import:.3f} s (a clean package never imports pandera)")
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
