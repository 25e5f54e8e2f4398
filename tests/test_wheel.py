"""The built wheel alone, in a fresh virtual environment, outside any checkout.

Installs the wheel with its declared dependencies (nothing from the development
environment), then works from a folder under someone else's data package: both
backends load every table, pandas keeps integers as `Int64`, test and chart
libraries are absent, and write commands refuse the bundled copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, read_rows

TABLES = ("agreements", "equipment", "exercises", "contacts", "sources", "claims")
NOT_IN_CORE = ("frictionless", "altair", "vl_convert", "pyarrow")
LOAD_EVERYTHING = """
import importlib.util, json, rcmc
from rcmc.package import locate
report = {"descriptor": str(locate()), "tables": {}, "absent": []}
for name in rcmc.load_all():
    frame, pandas_frame = rcmc.load(name), rcmc.load(name, backend="pandas")
    integers = [column for column, dtype in frame.schema.items() if dtype.is_integer()]
    report["tables"][name] = {
        "rows": [frame.height, len(pandas_frame)],
        "columns": list(pandas_frame.columns) == frame.columns,
        "integers": {column: str(pandas_frame[column].dtype) for column in integers},
    }
report["problems"] = [problem.to_text() for problem in rcmc.validate()]
report["absent"] = [module for module in {modules} if importlib.util.find_spec(module) is None]
print(json.dumps(report))
""".replace("{modules}", repr(NOT_IN_CORE))


def clean_env(venv: Path) -> dict[str, str]:
    """The environment with the fresh venv first on PATH and nothing pointing at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RCMC_PACKAGE", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(venv, working folder): the wheel installed alone; the folder sits under an unrelated datapackage.json."""
    base = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", str(ROOT), "-w", str(base / "dist")], check=True)
    wheel = next((base / "dist").glob("*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = clean_env(venv)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", str(wheel)], check=True, env=env, cwd=base)
    project = base / "my-project"
    (project / "analysis").mkdir(parents=True)
    (project / "things.csv").write_text("id\n1\n", encoding="utf-8")
    descriptor = {"name": "my-project", "resources": [{"name": "things", "path": "things.csv", "schema": {"fields": []}}]}
    (project / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return venv, project / "analysis"


def run_in(installed: tuple[Path, Path], *args: str | Path) -> subprocess.CompletedProcess:
    venv, work = installed
    return subprocess.run([str(a) for a in args], cwd=work, env=clean_env(venv), capture_output=True, text=True, check=False)


def bundle_of(venv: Path) -> Path:
    return next(venv.glob("lib/python*/site-packages/rcmc/_bundle"))


def test_wheel_alone_loads_every_table_with_both_backends(installed: tuple[Path, Path]) -> None:
    venv, _ = installed
    result = run_in(installed, venv / "bin" / "python", "-c", LOAD_EVERYTHING)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert Path(report["descriptor"]) == bundle_of(venv) / "datapackage.json"
    assert sorted(report["tables"]) == sorted(TABLES)
    for name, table in report["tables"].items():
        expected = len(read_rows(ROOT / "data" / f"{name}.csv")) - 1
        assert table["rows"] == [expected, expected] and table["columns"], name
        assert set(table["integers"].values()) <= {"Int64"}, name
    assert report["tables"]["equipment"]["integers"]["order_year"] == "Int64"
    assert report["problems"] == []
    assert report["absent"] == list(NOT_IN_CORE)


def test_wheel_alone_refuses_to_write_the_bundled_copy(installed: tuple[Path, Path]) -> None:
    venv, _ = installed
    bundle = bundle_of(venv)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(bundle.rglob("*")) if p.is_file()}
    source = ["--set", "title=T", "--set", "publisher=P", "--set", "url=https://example.org/t", "--set", "language=en"]
    for args in (["add", "sources", *source, "--set", "kind=news", "--set", "accessed_date=2026-11-26"], ["docs"], ["fmt"]):
        result = run_in(installed, venv / "bin" / "rcmc", *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "clone the repository" in result.stderr and "Traceback" not in result.stderr
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(bundle.rglob("*")) if p.is_file()}
    assert after == before


def test_wheel_alone_reads_and_names_the_charts_extra(installed: tuple[Path, Path]) -> None:
    venv, work = installed
    summary = run_in(installed, venv / "bin" / "rcmc", "summary")
    assert summary.returncode == 0 and "exercises" in summary.stdout, summary.stderr
    chart = run_in(installed, venv / "bin" / "rcmc", "chart", "exercises-per-year", "--out", "chart.svg")
    assert chart.returncode == 2 and "pip install 'russia-china-military-cooperation[charts]'" in chart.stderr
    assert not (work / "chart.svg").exists()
