"""Table Schema JSON -> typed columns and a pandera (polars) schema, built at run time.

`schemas/*.json` is the only declaration of a column. This module turns each
field's `type` into a parse step and each of its `constraints` into a pandera
check named after the constraint, so a failure maps straight back to the JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from rcmc.constraints import declared, hint, message, pandera_column, violation_flags
from rcmc.csvfile import LINE_COLUMN, RawTable
from rcmc.package import Resource
from rcmc.problems import Problem

if TYPE_CHECKING:
    import pandera.polars as pa

DTYPES = {"string": pl.Utf8, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean, "list": pl.Utf8}
TYPE_PATTERNS = {"integer": r"^-?[0-9]+$", "number": r"^-?[0-9]+(\.[0-9]+)?$"}
TYPE_HINTS = {
    "integer": "write a whole number with digits only (no decimals, exponent or thousands separator)",
    "number": "write a plain decimal number such as 12 or 12.5",
    "boolean": "write true or false in lower case",
}


def field_dtype(field: dict) -> pl.DataType:
    """The polars dtype cells of a Table Schema field are checked as (a list stays text until loaded)."""
    return DTYPES.get(field.get("type", "string"), pl.Utf8)


def cell_value(field: dict, text: str) -> object:
    """A canonical CSV cell as a Python value of its schema type (None when empty)."""
    if text == "":
        return None
    kind = field.get("type", "string")
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        return text in field.get("trueValues", ["true"])
    return text


def parse_types(raw: RawTable) -> tuple[pl.DataFrame, list[Problem], set[tuple[int, str]]]:
    """Cast raw text cells to their schema types.

    Returns the typed frame, a Problem for each cell that is not of its type, and
    the (row index, column) of those cells.
    """
    resource = raw.resource
    typed_fields = [f for f in resource.fields if resource.column(f["name"]).storage_type != "string"]
    casts = [_cast(pl.col(f["name"]), f).alias(f["name"]) for f in typed_fields]
    mismatches = {f["name"]: _type_mismatch(pl.col(f["name"]), f) for f in typed_fields}
    flags = [mismatch.any().alias(name) for name, mismatch in mismatches.items()] or [pl.lit(False)]
    typed, found = pl.collect_all([raw.frame.lazy().with_columns(casts), raw.frame.lazy().select(flags)])
    problems: list[Problem] = []
    bad_cells: set[tuple[int, str]] = set()
    for name in (n for n, hit in found.row(0, named=True).items() if hit):  # rows only where needed
        kind = resource.field(name).get("type")
        rows = raw.frame.with_row_index("_index").filter(mismatches[name]).select(name, LINE_COLUMN, "_index")
        for value, line, index in rows.iter_rows():
            bad_cells.add((index, name))
            problems.append(
                Problem(
                    file=resource.relpath,
                    line=line,
                    column=name,
                    value=value,
                    rule="type",
                    message=f"{value!r} is not a valid {kind}",
                    hint=TYPE_HINTS.get(kind),
                )
            )
    return typed, problems, bad_cells


def _type_mismatch(col: pl.Expr, field: dict) -> pl.Expr:
    """True where a non-empty cell is not of the field's type: no value, or (numbers) not plain digits."""
    failed = _cast(col, field).is_null()
    if field.get("type", "string") in TYPE_PATTERNS:
        failed |= ~col.str.contains(TYPE_PATTERNS[field["type"]])
    return col.is_not_null() & failed


def _cast(col: pl.Expr, field: dict) -> pl.Expr:
    kind = field.get("type", "string")
    if kind == "boolean":
        return (
            pl.when(col.is_in(field.get("trueValues", ["true"])))
            .then(True)
            .when(col.is_in(field.get("falseValues", ["false"])))
            .then(False)
            .otherwise(None)
        )
    return col.cast(DTYPES[kind], strict=False)


def build_schema(resource: Resource) -> pa.DataFrameSchema:
    """The pandera schema for a resource, generated from its constraints through the constraint table."""
    import pandera.polars as pa  # imported on first use: a clean package never pays for it

    columns = {f["name"]: pandera_column(resource.column(f["name"]), field_dtype(f)) for f in resource.fields}
    return pa.DataFrameSchema(columns, strict=False, name=resource.name)


def check_constraints(
    resource: Resource, typed: pl.DataFrame, raw: RawTable, skip: set[tuple[int, str]] = frozenset()
) -> list[Problem]:
    """Validate the typed frame with the generated pandera schema; map failures to Problems.

    `skip` holds (row index, column) cells already reported as type errors, whose
    null cast would otherwise be reported again as `required`.
    """
    if not may_violate(resource, typed):
        return []
    from pandera.errors import SchemaErrors

    try:
        build_schema(resource).validate(typed, lazy=True)  # a DataFrame, so data checks run
    except SchemaErrors as errors:
        return _to_problems(resource, errors.failure_cases, raw, skip)
    return []


def may_violate(resource: Resource, typed: pl.DataFrame) -> bool:
    """Whether any cell could break a constraint, tested in one parallel polars pass.

    A clean table (the usual case) then skips pandera, which runs one query per
    check; any hit sends the table to pandera, which finds and names every failure.
    Both come from the same constraint table (`rcmc.constraints`).
    """
    flags = [flag for column in resource.columns.values() for flag in violation_flags(column)]
    unique = [c.name for c in resource.columns.values() if "unique" in declared(c)]
    increasing = [((pl.col(n).null_count() == 0) & (pl.col(n) > pl.col(n).shift(1)).all()).alias(n) for n in unique]
    if not flags and not unique:
        return False
    # Separate outputs, not one any_horizontal: polars then evaluates the flags in parallel.
    values = typed.select(*(flag.fill_null(False).alias(f"_flag{i}") for i, flag in enumerate(flags)), *increasing).row(0)
    if any(values[: len(flags)]):
        return True
    ordered = values[len(flags) :]
    # A strictly increasing column (a sorted key column) has no repeats; only the others need hashing.
    unsorted = [pl.col(n).drop_nulls().is_duplicated().any() for n, sorted_ in zip(unique, ordered, strict=True) if not sorted_]
    return bool(unsorted) and bool(typed.select(pl.any_horizontal(unsorted)).item())


def _to_problems(resource: Resource, failures: pl.DataFrame, raw: RawTable, skip: set[tuple[int, str]]) -> list[Problem]:
    lines = raw.frame.get_column(LINE_COLUMN)
    problems = []
    for row in failures.iter_rows(named=True):
        column, index = row["column"], row["index"]
        if index is None or column not in raw.frame.columns:
            problems.append(Problem(resource.relpath, None, column, None, "schema", str(row["check"])))
            continue
        rule = _rule_name(row["check"])
        if (index, column) in skip:
            continue
        value = raw.frame.get_column(column)[index]
        problems.append(
            Problem(
                file=resource.relpath,
                line=lines[index],
                column=column,
                value=value,
                rule=rule,
                message=message(resource.column(column), rule, value),
                hint=hint(resource.column(column), rule),
            )
        )
    return problems


def _rule_name(check: str) -> str:
    return {"not_nullable": "required", "field_uniqueness": "unique"}.get(check, check)
