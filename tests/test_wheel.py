"""The built wheel carries the data: `rcmc.load` works outside any checkout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_wheel_bundles_the_package(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            str(ROOT),
            "-w",
            str(tmp_path / "wheel"),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "wheel").glob("*.whl"))
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import sys, pathlib, rcmc; print(pathlib.Path(rcmc.__file__).parent.parent == pathlib.Path(sys.argv[1]));"
        "print({n: f.height for n, f in rcmc.load_all().items()}); print(rcmc.validate())"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(target)], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    imported_from_wheel, counts, problems = result.stdout.strip().splitlines()
    assert imported_from_wheel == "True"
    expected = {
        name: len((ROOT / "data" / f"{name}.csv").read_text().splitlines()) - 1
        for name in ("agreements", "equipment", "exercises", "sources")
    }
    assert counts == str(expected)
    assert problems == "[]"
