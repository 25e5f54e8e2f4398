"""rcmc serve: datasette on the SQLite export answers a join over its JSON API."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

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
    assert exercises["facets"] == ["kind", "framework", "domain", "confidence", "start_year"]
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
