"""Interactive `rcmc add`, driven through a pseudo-terminal as a person would type at it."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import package_hashes, read_rows

# The child takes the pseudo-terminal as its controlling terminal, so Ctrl-C typed there interrupts it
# (with Python's own SIGINT handler, even when this test runs where SIGINT is ignored, as in a background job).
LAUNCH = (
    "import fcntl, runpy, signal, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "signal.signal(signal.SIGINT, signal.default_int_handler); sys.argv[0] = 'rcmc'; "
    "runpy.run_module('rcmc', run_name='__main__')"
)
TIMEOUT = 60

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


class Terminal:
    """`rcmc ARGS` on a pseudo-terminal: wait for text, type lines, read everything shown."""

    def __init__(self, *args: str) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *args], stdin=slave, stdout=slave, stderr=slave, start_new_session=True, env=env
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str) -> str:
        """Read until `text` appears after what was already matched; return what came before it."""
        deadline = time.monotonic() + TIMEOUT
        while text not in self.seen:
            if time.monotonic() > deadline or not self._read(deadline - time.monotonic()):
                raise AssertionError(f"waited for {text!r}; the terminal shows:\n{self.seen}")
        before, _, self.seen = self.seen.partition(text)
        return before

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(wait, 0))
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the child closed the terminal
            return False
        self.seen += chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        return bool(chunk)

    def type(self, line: str) -> None:
        os.write(self.master, line.encode("utf-8") + b"\r")

    def finish(self) -> tuple[int, str]:
        """Wait for the exit; the exit code and everything shown since the last match."""
        while self._read(TIMEOUT):
            pass
        code = self.process.wait(TIMEOUT)
        os.close(self.master)
        return code, self.seen


def titles(package: Path, table: str) -> dict[str, str]:
    import json

    schema = json.loads((package / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
    return {f["name"]: f.get("title", f["name"]) for f in schema["fields"]}


def test_each_answer_is_checked_as_it_is_typed(package: Path) -> None:
    title = titles(package, "exercises")
    term = Terminal("add", "exercises", "--package", str(package))
    term.expect(f"{title['name']}:")
    term.type("Northern Drill")
    for column in ("name_zh", "name_ru", "series"):
        term.expect(f"{title[column]} (optional, Enter to skip):")
        term.type("")
    term.expect(f"{title['kind']}:")
    term.type("drill")  # not an allowed value: asked again at once
    term.expect("'drill' is not one of")
    term.expect(f"{title['kind']}:")
    term.type("exercise")
    term.expect(f"{title['domain']}:")
    term.type("land")
    term.expect(f"{title['framework']}:")
    term.type("bilateral")
    term.expect(f"{title['forces']} (optional, Enter to skip):")
    term.type("")
    term.expect(f"{title['participants']}:")
    term.type("CHN RUS")  # malformed: quoted as typed, no false "RUS is missing"
    shown = term.expect(f"{title['participants']}:")
    assert "(rule itemPattern)" in shown and "is missing" not in shown
    term.type("rus; chn")
    assert "normalised participants: read 'rus; chn' as 'CHN;RUS'" in term.expect(f"{title['start_date']}:")
    term.type("2020-13")
    assert "(rule partial-date)" in term.expect(f"{title['start_date']}:")
    term.type("2099-11-30")
    assert "(rule future-date)" in term.expect(f"{title['start_date']}:")
    term.type("2020-08")
    term.expect(f"{title['end_date']} (optional, Enter to skip):")
    term.type("2020-07")  # before the start date
    assert "(rule end-after-start)" in term.expect(f"{title['end_date']} (optional, Enter to skip):")
    term.type("")
    for column in ("location", "personnel"):
        term.expect(f"{title[column]} (optional, Enter to skip):")
        term.type("")
    term.expect(f"{title['ships']} (optional, Enter to skip):")
    term.type("a dozen")
    assert "(rule type)" in term.expect(f"{title['ships']} (optional, Enter to skip):")
    term.type("12")
    term.expect(f"{title['aircraft']} (optional, Enter to skip):")
    term.type("")
    term.expect(f"{title['summary']}:")
    term.type("")  # required: asked again
    term.expect(f"{title['summary']}:")
    term.type("A fixture drill.")
    term.expect(f"{title['notes']} (optional, Enter to skip):")
    term.type("")
    term.expect(f"{title['confidence']}:")
    term.type("reported")
    term.expect(f"{title['source_ids']}:")
    term.type("no-such-source")
    assert "'no-such-source' is not an ID in sources (rule foreign-key)" in term.expect(f"{title['source_ids']}:")
    term.type("example-2019-drill")
    term.expect("ID [northern-drill-2020]:")
    term.type("joint-sea-2019")  # taken
    assert "(rule unique)" in term.expect("ID [northern-drill-2020]:")
    term.type("northern-drill-2020-august")
    shown = term.expect("write it? [Y/n]:")
    assert "exercises northern-drill-2020-august" in shown and "participants: CHN;RUS" in shown and "ships: 12" in shown
    term.type("")
    code, output = term.finish()
    assert code == 0, output
    assert "added exercises northern-drill-2020-august" in output
    rows = read_rows(package / "data" / "exercises.csv")
    row = next(r for r in rows if r[0] == "northern-drill-2020-august")
    assert row[rows[0].index("participants")] == "CHN;RUS" and row[rows[0].index("ships")] == "12"


def test_answering_no_writes_nothing(package: Path) -> None:
    before = package_hashes(package)
    given = [f"{column}={value}" for column, value in {
        "name": "Northern Drill", "kind": "exercise", "domain": "land", "framework": "bilateral",
        "participants": "CHN;RUS", "start_date": "2020-08", "summary": "x", "confidence": "reported",
    }.items()]  # fmt: skip
    args = [arg for value in given for arg in ("--set", value)]
    title = titles(package, "exercises")
    term = Terminal("add", "exercises", *args, "--package", str(package))
    for column in ("name_zh", "name_ru", "series", "forces", "end_date", "location", "personnel", "ships", "aircraft", "notes"):
        term.expect(f"{title[column]} (optional, Enter to skip):")
        term.type("")
    term.expect(f"{title['source_ids']}:")
    term.type("example-2019-drill")
    term.expect("ID [northern-drill-2020]:")
    term.type("")
    term.expect("write it? [Y/n]:")
    term.type("n")
    code, output = term.finish()
    assert code == 0 and "nothing was written" in output
    assert package_hashes(package) == before


def test_a_duplicate_is_refused_as_soon_as_it_is_known(package: Path) -> None:
    title = titles(package, "exercises")
    before = package_hashes(package)
    term = Terminal("add", "exercises", "--set", "name=Joint Sea-2019", "--package", str(package))
    for column in ("name_zh", "name_ru", "series"):
        term.expect(f"{title[column]} (optional, Enter to skip):")
        term.type("")
    for column, value in (("kind", "exercise"), ("domain", "sea"), ("framework", "bilateral")):
        term.expect(f"{title[column]}:")
        term.type(value)
    term.expect(f"{title['forces']} (optional, Enter to skip):")
    term.type("")
    term.expect(f"{title['participants']}:")
    term.type("CHN;RUS")
    term.expect(f"{title['start_date']}:")
    term.type("2019-05")
    code, output = term.finish()
    assert code == 1 and "'joint-sea-2019' already records this" in output and "(rule duplicate-row)" in output
    assert package_hashes(package) == before


def test_ctrl_c_exits_quietly_and_writes_nothing(package: Path) -> None:
    before = package_hashes(package)
    term = Terminal("add", "sources", "--package", str(package))
    term.expect(f"{titles(package, 'sources')['title']}:")
    term.type("A title")
    term.expect(f"{titles(package, 'sources')['publisher']}:")
    os.write(term.master, b"\x03")  # Ctrl-C, as typed
    code, output = term.finish()
    assert code in (130, -signal.SIGINT)
    assert "Traceback" not in output and "Aborted" not in output
    assert re.sub(r"\s+", " ", output).strip() in ("cancelled; nothing was written", "^C cancelled; nothing was written")
    assert package_hashes(package) == before
