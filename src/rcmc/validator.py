"""Run every check on a package and return the list of Problems."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rcmc.csvfile import read_raw
from rcmc.package import Package, open_package
from rcmc.problems import Problem
from rcmc.released import vanished_ids
from rcmc.rules import Table, Tables, run_rules
from rcmc.schema import check_constraints, parse_types

if TYPE_CHECKING:
    import polars as pl


def validate(path: str | os.PathLike | None = None) -> list[Problem]:
    """Validate the package at `path` (descriptor or folder; default: found as `locate` finds it).

    Returns every problem found, sorted by file and line; [] when the package is clean.
    Raises DescriptorError when datapackage.json itself cannot be read.
    """
    return validate_package(open_package(path))


def validate_package(package: Package) -> list[Problem]:
    """Validate an opened package: structure, types, schema constraints, then dataset rules."""
    problems, tables = check_tables(package)
    problems += run_rules(tables)
    problems += vanished_ids(package, {name: _key(table) for name, table in tables.items()})
    for table in tables.values():
        problems = table.raw.locate(problems)
    return sorted(set(without_consequences(problems)), key=_order)


MALFORMED = frozenset({"type", "pattern", "itemPattern"})
CONSEQUENCES = frozenset({"must-include", "list-sorted-unique", "iso3", "foreign-key", "partial-date", "future-date"})


def without_consequences(problems: list[Problem]) -> list[Problem]:
    """Drop what follows from a malformed cell: `'CHN; RUS'` breaks itemPattern, and "RUS is missing" would mislead."""
    malformed = {(p.file, p.line, p.column) for p in problems if p.rule in MALFORMED}
    return [p for p in problems if p.rule not in CONSEQUENCES or (p.file, p.line, p.column) not in malformed]


def check_tables(package: Package) -> tuple[list[Problem], Tables]:
    """Read and schema-check each table; return problems and the typed tables that could be read."""
    problems: list[Problem] = []
    tables = Tables(resources=package.resources)
    for resource in package.resources.values():
        raw, structural = read_raw(resource)
        problems += structural
        if raw is None:
            continue
        typed, type_problems, bad_cells = parse_types(raw)
        problems += type_problems + check_constraints(resource, typed, raw, skip=bad_cells)
        tables[resource.name] = Table(resource, typed, raw)
    return problems, tables


def _key(table: Table) -> pl.Series:
    return table.frame.get_column(table.resource.primary_key)


def _order(problem: Problem) -> tuple:
    return (problem.file, problem.line if problem.line is not None else 0, problem.column or "", problem.rule, problem.message)
