"""Browse the package in datasette: the SQLite export plus metadata generated from the schemas."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rcmc.errors import MissingDependency
from rcmc.export.sqlite_db import bridge_table, bridged_columns, year_column
from rcmc.package import Package, open_package


def datasette_metadata(package: Package, database: str) -> dict:
    """datasette metadata: title, licence, source, table and column descriptions, facets."""
    d = package.descriptor
    data_licence = next((lic for lic in d.get("licenses", []) if lic["name"].startswith("CC")), {})
    tables = {}
    for resource in package.resources.values():
        year = resource.year_column
        facets = [*resource.facets, *([year_column(year) if year in resource.date_columns else year] if year else [])]
        tables[resource.name] = {
            "description": next((r.get("description", "") for r in d["resources"] if r["name"] == resource.name), ""),
            "columns": {f["name"]: f.get("description", "") for f in resource.fields},
            "facets": facets,
        }
        for column in bridged_columns(resource):
            tables[bridge_table(resource, column)] = {
                "description": f"One row per item of {resource.name}.{column}, to join on: "
                + resource.column(column).descriptor.get("description", ""),
                "facets": ["value"],
            }
    return {
        "title": d.get("title", d.get("name")),
        "description": d.get("description", ""),
        "license": data_licence.get("name", ""),
        "license_url": data_licence.get("path", ""),
        "source": f"{d.get('name')} v{package.version}",
        "source_url": d.get("homepage", ""),
        "databases": {database: {"tables": tables}},
    }


def prepare(path: str | os.PathLike | None = None, folder: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Write the SQLite export and metadata.json into `folder` (a new temporary folder by default)."""
    from rcmc.export import export_package

    package = open_package(path)
    target = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="rcmc-serve-"))
    database = next(p for p in export_package(["sqlite"], target, package.root) if p.suffix == ".sqlite")
    metadata = target / "metadata.json"
    metadata.write_text(json.dumps(datasette_metadata(package, database.stem), indent=2, ensure_ascii=False), encoding="utf-8")
    return database, metadata


def require_datasette() -> None:
    """Raise UsageError naming the extra to install when datasette cannot be imported."""
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise MissingDependency("datasette is not installed: pip install 'russia-china-military-cooperation[serve]'") from None


def serve_command(database: Path, metadata: Path, host: str, port: int) -> list[str]:
    """The datasette command line that serves the export read-only."""
    require_datasette()
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "--immutable",
        str(database),
        "--metadata",
        str(metadata),
        "--host",
        host,
        "--port",
        str(port),
    ]


FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
CHILD_GRACE_SECONDS = 10
WAIT_STEP_SECONDS = 0.2


class Stopped(Exception):
    """A stop signal arrived before datasette was running."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Supervisor:
    """Runs one child process; SIGTERM, SIGINT and SIGHUP sent to rcmc are passed on to it.

    Before the child starts, such a signal raises Stopped, so `finally` blocks still run;
    while it starts, the signal is held and passed on as soon as it runs.
    """

    def __init__(self) -> None:
        self.child: subprocess.Popen | None = None
        self.starting = False
        self.received: int | None = None

    def handle(self, signum: int, frame: object) -> None:
        """Signal handler: forward to the running child, else stop."""
        self.received = signum
        if self.child is not None:
            if self.child.poll() is None:
                self.child.send_signal(signum)
        elif not self.starting:
            raise Stopped(signum)

    @contextmanager
    def installed(self) -> Iterator[Supervisor]:
        """Install the signal handlers for the duration of the block."""
        previous = {signum: signal.signal(signum, self.handle) for signum in FORWARDED}
        try:
            yield self
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def run(self, command: list[str]) -> int:
        """Run `command` to its end; its exit code, or 128 + the signal that stopped it.

        The child never outlives this call: on any exception it is terminated (then killed).
        """
        self.starting = True
        try:
            self.child = subprocess.Popen(command)
        finally:
            self.starting = False
        if self.received is not None:
            self.child.send_signal(self.received)
        try:
            code = self._wait(self.child)
        finally:
            self._stop_child()
        if self.received is not None:
            return 128 + self.received
        return code if code >= 0 else 128 - code

    @staticmethod
    def _wait(child: subprocess.Popen) -> int:
        """The exit code of `child`, waited for in short steps.

        A signal that lands on another thread (polars keeps a pool) runs its Python
        handler only when the main thread wakes, so the main thread never blocks for long.
        """
        while True:
            try:
                return child.wait(timeout=WAIT_STEP_SECONDS)
            except subprocess.TimeoutExpired:
                continue

    def _stop_child(self) -> None:
        """Terminate a child still running, then kill it if it does not stop in time."""
        if self.child is None or self.child.poll() is not None:
            return
        self.child.terminate()
        try:
            self.child.wait(timeout=CHILD_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()


def serve(path: str | os.PathLike | None = None, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run datasette on the package until stopped; returns its exit code (128 + signal when stopped by one).

    The export lives in a temporary folder that is removed on every exit; stop signals
    sent to this process reach datasette, which is never left running on its own.
    """
    require_datasette()
    supervisor = Supervisor()
    try:
        with supervisor.installed(), tempfile.TemporaryDirectory(prefix="rcmc-serve-") as folder:
            database, metadata = prepare(path, folder)
            return supervisor.run(serve_command(database, metadata, host, port))
    except Stopped as stop:
        return 128 + stop.signum
