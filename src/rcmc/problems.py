"""The `Problem` record every check returns, and its text, JSON and GitHub renderings."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the package, located as precisely as possible."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    hint: str | None = None

    def location(self) -> str:
        """`file:line` (or just `file` when the problem has no line)."""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def to_text(self) -> str:
        """One human line, plus an indented hint line when there is a hint."""
        cell = f" {self.column}={_short(self.value)}:" if self.column and self.value is not None else ""
        if self.column and self.value is None:
            cell = f" {self.column}:"
        text = f"{self.location()}:{cell} {self.message} (rule {self.rule})"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return asdict(self)

    def to_github(self) -> str:
        """A GitHub Actions workflow command that annotates the offending line."""
        where = f"file={self.file}" + (f",line={self.line}" if self.line is not None else "")
        title = f"rcmc {self.rule}" + (f" ({self.column})" if self.column else "")
        body = self.message + (f" Hint: {self.hint}" if self.hint else "")
        return f"::error {where},title={_escape_property(title)}::{_escape_data(body)}"


def _short(value: str | None, limit: int = 80) -> str:
    text = repr(value) if value is not None else ""
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(problems: list[Problem], fmt: str = "text") -> str:
    """Render problems as `text`, `json` or `github` annotations."""
    if fmt == "json":
        return json.dumps({"valid": not problems, "problems": [p.to_dict() for p in problems]}, indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(p.to_github() for p in problems)
    if not problems:
        return "valid: no problems found"
    lines = [p.to_text() for p in problems]
    lines.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    return "\n".join(lines)
