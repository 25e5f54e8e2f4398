"""Rules of the claims table: what each source says where sources disagree.

A claim names a cell (`table`, `row_id`, `column`) and a `value` some sources give for
it. The rules: the cell exists and may be claimed; the value is valid for that column;
only contested cells have claims (two or more distinct values); a filled cell has
exactly one accepted claim, equal to it; an empty cell has none (unresolved).
Also: the claims of a row, for `rcmc show` and the site.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import polars as pl

from rcmc.catalogue import hint
from rcmc.constraints import CONSTRAINTS, declared
from rcmc.csvfile import LINE_COLUMN
from rcmc.dates import first_day
from rcmc.package import Column, Package, Resource
from rcmc.problems import Problem
from rcmc.rules import Table, Tables, iso3_codes, rule
from rcmc.schema import TYPE_PATTERNS

CLAIMS = "claims"
FREE_TEXT_LENGTH = 1000  # columns allowing this much text (summary, notes) hold prose, not claimable values


def claimable(resource: Resource, column: str) -> bool:
    """Whether a column of `resource` may carry claims: not the key, not a reference list, not free text."""
    if column not in resource.field_names or column == resource.primary_key:
        return False
    spec = resource.column(column)
    if spec.is_list and spec.descriptor.get("itemReference"):
        return False
    return spec.constraints.get("maxLength", 0) < FREE_TEXT_LENGTH


def _claimable_columns(data: dict[str, Resource]) -> dict[str, set[str]]:
    """The columns of each data table that may carry claims (see `claimable`), worked out once per rule."""
    return {name: {column for column in resource.field_names if claimable(resource, column)} for name, resource in data.items()}


def _data_tables(tables: Tables) -> dict[str, Resource]:
    resources = getattr(tables, "resources", None) or {name: table.resource for name, table in tables.items()}
    return {name: r for name, r in resources.items() if name != CLAIMS and not r.must_be_cited}


@dataclass(frozen=True)
class _Claims:
    """What the claim rules share: the claims table, its rows, the data tables a claim may name and their
    claimable columns."""

    table: Table
    rows: list[dict]
    data: dict[str, Resource]
    columns: dict[str, set[str]]

    def on_claimable_column(self, claim: dict) -> bool:
        """Whether the claim names a data table and a column of it that may carry claims."""
        return claim["table"] in self.data and claim["column"] in self.columns[claim["table"]]

    def problem(self, claim: dict, column: str, rule_name: str, message: str) -> Problem:
        return Problem(
            file=self.table.resource.relpath,
            line=claim[LINE_COLUMN],
            column=column,
            value=None if claim[column] is None else str(claim[column]),
            rule=rule_name,
            message=message,
            hint=hint(rule_name),
        )


def _claims(tables: Tables) -> _Claims | None:
    """The claims of the package being checked, or None when it has no (readable) claims table."""
    table = tables.get(CLAIMS)
    if table is None:
        return None
    data = _data_tables(tables)
    return _Claims(table, table.records, data, _claimable_columns(data))


def _target_problem(tables: Tables, claim: dict, claims: _Claims, keys: dict[str, set]) -> tuple[str, str] | None:
    table, row_id, column = claim["table"], claim["row_id"], claim["column"]
    if table not in claims.data:
        return "table", f"{table!r} is not a data table (tables: {', '.join(sorted(claims.data))})"
    if table not in tables:
        return None  # unreadable: its own problems say why
    if row_id not in keys[table]:
        return "row_id", f"no row {row_id!r} in {table}"
    if column not in claims.columns[table]:
        return "column", f"{column!r} is not a column of {table} that can carry claims"
    return None


def _claimed_rows(
    tables: Tables, data: dict[str, Resource], rows: list[dict], columns: dict[str, set[str]] | None = None
) -> dict[str, pl.DataFrame]:
    """For each readable data table, its key and `columns` in the rows whose key some claim names (looked up once)."""
    wanted: dict[str, set] = defaultdict(set)
    for claim in rows:
        wanted[claim["table"]].add(claim["row_id"])
    found = {}
    for name, resource in data.items():
        if name not in tables:
            continue
        key = resource.primary_key
        cells = [c for c in resource.field_names if c != key and c in (columns or {}).get(name, ())]
        ids = [row_id for row_id in wanted.get(name, ()) if row_id is not None]
        frame = tables[name].raw.frame
        found[name] = frame.select(key, *cells).filter(frame.get_column(key).is_in(pl.Series(ids, dtype=pl.Utf8).implode()))
    return found


def _claimed_keys(tables: Tables, data: dict[str, Resource], rows: list[dict]) -> dict[str, set]:
    """Each readable data table's keys, as far as the claims name them (a null key counts when the table has one)."""
    keys = {}
    for name, frame in _claimed_rows(tables, data, rows).items():
        column = data[name].primary_key
        keys[name] = set(frame.get_column(column).to_list())
        if tables[name].raw.frame.get_column(column).null_count():
            keys[name].add(None)
    return keys


@rule("claim-target")
def claim_targets(tables: Tables) -> list[Problem]:
    claims = _claims(tables)
    if claims is None:
        return []
    keys = _claimed_keys(tables, claims.data, claims.rows)
    problems = []
    for claim in claims.rows:
        found = _target_problem(tables, claim, claims, keys)
        if found:
            problems.append(claims.problem(claim, found[0], "claim-target", found[1]))
    return problems


def value_problems(column: Column, value: str) -> list[str]:
    """Why `value` is not a valid cell of `column` ([] when it is): type, constraints and single-cell dataset rules."""
    return values_problems(column, [value])[value]


def values_problems(column: Column, values: list[str]) -> dict[str, list[str]]:
    """`value_problems` of each of `values`, checked together (one polars pass per check, not one per value)."""
    kind = column.storage_type
    found: dict[str, list[str]] = {value: [] for value in values}
    cells = pl.Series(column.name, list(found), dtype=pl.Utf8)
    if kind in TYPE_PATTERNS:
        wrong = ~cells.str.contains(TYPE_PATTERNS[kind])
    elif kind == "boolean":
        wrong = ~cells.is_in(column.descriptor.get("trueValues", ["true"]) + column.descriptor.get("falseValues", ["false"]))
    else:
        wrong = pl.Series([False] * cells.len(), dtype=pl.Boolean)
    for value in cells.filter(wrong):
        found[value] = [f"{value!r} is not a valid {kind}"]
    cells = cells.filter(~wrong)
    if kind != "boolean" and cells.len():
        typed = cells.cast({"integer": pl.Int64, "number": pl.Float64}.get(kind, pl.Utf8))
        checks = [
            (name, limit, CONSTRAINTS[name].flag(pl.col(column.name), limit).fill_null(False).alias(f"_{index}"))
            for index, (name, limit) in enumerate(declared(column).items())
            if name not in ("required", "unique") and CONSTRAINTS[name].flag
        ]
        if checks:
            flags = typed.to_frame().select(flag for _, _, flag in checks)
            for (name, limit, _), hits in zip(checks, flags.iter_columns(), strict=True):
                for value, hit in zip(cells, hits, strict=True):
                    if hit:
                        found[value].append(CONSTRAINTS[name].message(limit, value))
    if column.partial_date:
        not_real = cells.to_frame().select(first_day(pl.col(column.name)).is_null()).to_series()
        for value, unreal in zip(cells, not_real, strict=True):
            if unreal and not found[value]:
                found[value].append(f"{value!r} is not a real date")
    for value in cells:
        items = column.items(value)
        if column.country_code and not found[value]:
            found[value] += [f"{item!r} is not an ISO 3166-1 alpha-3 code" for item in items if item not in iso3_codes()]
        if column.is_list and items != sorted(set(items)):
            found[value].append("list items must be sorted and unique")
    return found


@rule("claim-value")
def claim_values(tables: Tables) -> list[Problem]:
    claims = _claims(tables)
    if claims is None:
        return []
    claimed = [claim for claim in claims.rows if claim["value"] is not None and claims.on_claimable_column(claim)]
    by_column: dict[tuple[str, str], list[str]] = defaultdict(list)
    for claim in claimed:
        by_column[(claim["table"], claim["column"])].append(claim["value"])
    checked = {  # each column's claimed values checked together
        cell: values_problems(claims.data[cell[0]].column(cell[1]), values) for cell, values in by_column.items()
    }
    problems = []
    for claim in claimed:
        for message in checked[(claim["table"], claim["column"])][claim["value"]]:
            problems.append(claims.problem(claim, "value", "claim-value", f"not a valid {claim['column']}: {message}"))
    return problems


@rule("claim-consistency")
def claim_consistency(tables: Tables) -> list[Problem]:
    claims = _claims(tables)
    if claims is None:
        return []
    cells: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    claimed: dict[str, set[str]] = defaultdict(set)
    for claim in claims.rows:
        if claim["table"] in tables and claims.on_claimable_column(claim):
            cells[(claim["table"], claim["row_id"], claim["column"])].append(claim)
            claimed[claim["table"]].add(claim["column"])
    claimed_rows = _claimed_rows(tables, claims.data, claims.rows, claimed)
    found = {name: _first_by_key(frame, claims.data[name].primary_key) for name, frame in claimed_rows.items()}
    problems = []
    for (table, row_id, column), group in cells.items():
        cell = _cell(found[table], row_id, column)
        if cell is _MISSING:
            continue  # claim-target reports the missing row
        message = _consistency(group, cell)
        if message:
            problems.append(
                claims.problem(group[0], "value", "claim-consistency", f"{table} {row_id} {column}: {message}")
            )
    return problems


_MISSING = object()


def _first_by_key(frame: pl.DataFrame, key: str) -> dict[str, dict]:
    """The first row holding each key, by key."""
    first: dict[str, dict] = {}
    for row in frame.iter_rows(named=True):
        first.setdefault(row[key], row)
    return first


def _cell(rows: dict[str, dict], row_id: str | None, column: str) -> str | object | None:
    if row_id is None:
        return _MISSING  # a claim without a row ID: `required` reports it
    row = rows.get(row_id)
    return _MISSING if row is None else row[column]


def _consistency(group: list[dict], cell: str | None) -> str | None:
    values = {claim["value"] for claim in group}
    accepted = [claim for claim in group if claim["accepted"] == "true"]
    if len(values) < 2:
        return "only contested cells have claims: add the rival value, or remove the claim"
    if cell is None and accepted:
        return "the cell is empty (unresolved), so no claim may be accepted"
    if cell is not None and len(accepted) != 1:
        return f"a filled cell needs exactly one accepted claim, found {len(accepted)}"
    if cell is not None and accepted[0]["value"] != cell:
        return f"the accepted value {accepted[0]['value']!r} differs from the cell {cell!r}"
    return None


def row_claims(package: Package, table: str, row_id: str) -> dict[str, list[dict[str, str]]]:
    """The claims on a row's cells, by column ({} when the package has no claims table)."""
    from rcmc.rows import current_rows  # not needed to validate: imported on first use

    if CLAIMS not in package.resources:
        return {}
    found: dict[str, list[dict[str, str]]] = defaultdict(list)
    for claim in current_rows(package.resource(CLAIMS)):
        if claim["table"] == table and claim["row_id"] == row_id:
            found[claim["column"]].append(claim)
    return dict(found)
