"""rcmc serve: datasette on the SQLite export answers a join over its JSON API."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from rcmc.cli import cli
from rcmc.package import open_package
from rcmc.serve import datasette_metadata, prepare, serve_command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def test_metadata_from_schemas(package: Path) -> None:
    meta = datasette_metadata(open_package(package), "db")
    exercises = meta["databases"]["db"]["tables"]["exercises"]
    version = open_package(package).version
    assert meta["license"] == "CC-BY-4.0" and meta["source"] == f"russia-china-military-cooperation v{version}"
    assert exercises["facets"] == ["framework", "forces", "kind", "domain", "confidence", "start_year"]
    assert exercises["columns"]["ships"].startswith("Number of ships")


def test_datasette_serves_a_join(package: Path, tmp_path: Path) -> None:
    database, metadata = prepare(package, tmp_path / "serve")
    port = free_port()
    process = subprocess.Popen(
        serve_command(database, metadata, "127.0.0.1", port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                get_json(f"{base}/-/versions.json")
                break
            except OSError:
                time.sleep(0.1)
        sql = (
            "select e.item_id, a.title, e.quantity_ordered from equipment e join agreements a "
            "on a.agreement_id = e.agreement_id order by e.item_id"
        )
        query = urllib.parse.urlencode({"sql": sql, "_shape": "array"})
        rows = get_json(f"{base}/{database.stem}.json?{query}")
        assert rows[0] == {
            "item_id": "fighter-deal-2015-aircraft",
            "title": "Contract for fighter aircraft",
            "quantity_ordered": 24,
        }
        table = get_json(f"{base}/{database.stem}/exercises.json?_shape=objects&_facet=start_year")
        assert table["facet_results"]["start_year"]["results"][0]["value"] == 2019
    finally:
        process.terminate()
        process.wait(timeout=10)


def children(pid: int) -> list[int]:
    """PIDs of the direct children of `pid` (Linux /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def wait_until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def listening(port: int) -> bool:
    try:
        get_json(f"http://127.0.0.1:{port}/-/versions.json")
        return True
    except OSError:
        return False


@pytest.fixture
def temp_root(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def start_serve(package: Path, temp_root: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(temp_root)}
    command = [sys.executable, "-m", "rcmc", "serve", "--package", str(package), "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 130)])
def test_stopping_rcmc_serve_stops_datasette_and_removes_its_folder(
    package: Path, temp_root: Path, signum: int, code: int
) -> None:
    port = free_port()
    process = start_serve(package, temp_root, port)
    try:
        assert wait_until(lambda: listening(port)), process.stderr.read1().decode() if process.poll() is not None else ""
        datasette = children(process.pid)
        assert len(datasette) == 1 and alive(datasette[0])
        assert [p.name[: len("rcmc-serve-")] for p in temp_root.iterdir()] == ["rcmc-serve-"]
        process.send_signal(signum)  # to rcmc only, as `kill PID` does
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == code
        assert "Traceback" not in stderr.decode() and "Aborted" not in stderr.decode()
        assert not alive(datasette[0]) and not listening(port)
        assert list(temp_root.iterdir()) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever the old code left running
        process.wait(timeout=10)


def test_missing_datasette_names_the_extra_and_leaves_no_folder(package: Path, temp_root: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "datasette", None)  # `import datasette` now raises ImportError
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    result = CliRunner().invoke(cli, ["serve", "--package", str(package), "--port", str(free_port())])
    assert result.exit_code == 2
    assert "pip install 'russia-china-military-cooperation[serve]'" in result.output
    assert list(temp_root.iterdir()) == []


def test_a_signal_before_datasette_starts_still_removes_the_folder(package: Path, temp_root: Path, monkeypatch) -> None:
    import rcmc.serve

    class Unhandled(Exception):
        pass

    def unhandled(signum, frame):
        raise Unhandled  # serve did not handle the signal (and the default would end the test run)

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the export is being written
        raise AssertionError("the signal handler should have stopped serve")

    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    monkeypatch.setattr(rcmc.serve, "prepare", interrupted)
    previous = signal.signal(signal.SIGTERM, unhandled)
    try:
        assert rcmc.serve.serve(package, "127.0.0.1", free_port()) == 128 + signal.SIGTERM
        assert list(temp_root.iterdir()) == [] and signal.getsignal(signal.SIGTERM) == unhandled
    finally:
        signal.signal(signal.SIGTERM, previous)
