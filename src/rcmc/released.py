"""`released-ids.json`: the snapshot of the last release, every row and column as released.

`rcmc release` writes it; `rcmc release` and `rcmc diff` read it as the previous
version, and `rcmc validate` uses it to report a released ID that has vanished
(rule `released-id-vanished`): IDs are never removed or renamed without a major release.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rcmc.catalogue import hint
from rcmc.package import Package
from rcmc.problems import Problem

if TYPE_CHECKING:
    import polars as pl

RELEASED_IDS = "released-ids.json"


def vanished_ids(package: Package, current: dict[str, pl.Series]) -> list[Problem]:
    """A problem per released ID missing from `current` ({table: its key column}), unless the major version was bumped since.

    Tables that could not be read are absent from `current` and skipped (their own problems say why).
    """
    import polars as pl
    path = package.root / RELEASED_IDS
    if not path.is_file():
        return []
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
        released, rows = str(recorded["version"]), recorded["rows"]
    except (OSError, ValueError, KeyError, TypeError):
        return []  # an unreadable snapshot guards nothing; `rcmc release` rewrites it
    if _major(package.version) > _major(released):
        return []
    problems = []
    for name, keys in rows.items():
        if name not in current:
            continue
        resource = package.resources[name]
        released_keys = set(keys)
        held = current[name].filter(current[name].is_in(pl.Series(sorted(released_keys), dtype=pl.Utf8).implode()))
        problems += [
            Problem(
                file=resource.relpath,
                line=None,
                column=resource.primary_key,
                value=key,
                rule="released-id-vanished",
                message=f"{key!r} was released in version {released} and no longer exists",
                hint=hint("released-id-vanished"),
            )
            for key in sorted(released_keys - set(held.to_list()))
        ]
    return problems


def _major(version: str) -> int:
    try:
        return int(version.split(".")[0])
    except ValueError:
        return 0
