"""Load tables as typed polars (or pandas) DataFrames."""

from __future__ import annotations

import os
from typing import Any

import polars as pl

from rcmc.csvfile import LINE_COLUMN, RawTable, read_raw
from rcmc.dates import first_day, precision
from rcmc.errors import MissingDependency, TableUnreadable, UsageError
from rcmc.package import LIST_DELIMITER, Package, Resource, open_package
from rcmc.schema import parse_types

BACKENDS = ("polars", "pandas")


def load(table: str, backend: str = "polars", path: str | os.PathLike | None = None) -> Any:
    """Load one table as a typed DataFrame.

    Partial dates become a `Date` column (first day of the period) plus a
    `<column>_precision` column (`year|month|day`); `;`-lists become `List[str]`;
    enum columns become `Enum`; empty cells are null. With `backend="pandas"`,
    see `to_pandas` for the pandas types.

    The package is `path`, else $RCMC_PACKAGE, else this dataset found walking up
    from the current folder, else the copy bundled with the installed package.

    Example: `rcmc.load("exercises").filter(pl.col("kind") == "air-patrol")`
    """
    if backend not in BACKENDS:
        raise UsageError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    package = open_package(path)
    frame = typed_frame(package.resource(table))
    return to_pandas(frame) if backend == "pandas" else frame


def load_all(backend: str = "polars", path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Load every table of the package: `{name: DataFrame}`."""
    package = open_package(path)
    return {name: load(name, backend, package.descriptor_path) for name in package.resources}


def to_pandas(frame: pl.DataFrame) -> Any:
    """The frame as a pandas DataFrame, built column by column (no pyarrow needed).

    Integers become nullable `Int64`, booleans nullable `boolean`, dates
    `datetime64[ms]` (NaT when unknown), enums `category` with the schema's
    values as categories, lists Python lists; text keeps pandas' default string type.
    """
    try:
        import pandas as pd
    except ImportError:
        raise MissingDependency("the pandas backend needs pandas: pip install pandas") from None
    return pd.DataFrame({name: _pandas_column(pd, frame[name]) for name in frame.columns})


def _pandas_column(pd: Any, series: pl.Series) -> Any:
    dtype = series.dtype
    if dtype.is_integer():
        return pd.array(series.to_list(), dtype="Int64")
    if dtype == pl.Boolean:
        return pd.array(series.to_list(), dtype="boolean")
    if dtype.is_float():
        return series.to_numpy()
    if dtype == pl.Date:
        return pd.Series(series.to_numpy().astype("datetime64[ms]"))
    if isinstance(dtype, pl.Enum):
        return pd.Categorical(series.to_list(), categories=dtype.categories.to_list())
    if isinstance(dtype, pl.List):
        return pd.Series(series.to_list(), dtype=object)
    return pd.Series(series.to_list())


def typed_frame(resource: Resource) -> pl.DataFrame:
    """The resource's table with user-facing types (see `load`)."""
    raw, problems = read_raw(resource)
    if raw is None:
        raise TableUnreadable(f"{resource.relpath} cannot be read: {problems[0].to_text()}", problems)
    typed, type_problems, _ = parse_types(raw)
    if type_problems:
        first = raw.locate(type_problems[:1])[0]
        raise TableUnreadable(f"{resource.relpath} has cells of the wrong type: {first.to_text()}")
    _refuse_unknown_enum_values(raw, typed)
    return _present(resource, typed.drop(LINE_COLUMN))


def _refuse_unknown_enum_values(raw: RawTable, frame: pl.DataFrame) -> None:
    resource = raw.resource
    for field in resource.fields:
        allowed = field.get("constraints", {}).get("enum")
        if allowed is None:
            continue
        unknown = frame.filter(pl.col(field["name"]).is_not_null() & ~pl.col(field["name"]).is_in(allowed))
        if unknown.height:
            line, value = unknown.select(LINE_COLUMN, field["name"]).row(0)
            where = f"{resource.relpath}:{raw.physical_line(line)}"
            raise TableUnreadable(f"{where}: {field['name']}={value!r} is not an allowed value; run `rcmc validate`")


def _present(resource: Resource, frame: pl.DataFrame) -> pl.DataFrame:
    columns = []
    for column in resource.columns.values():
        name = column.name
        col = pl.col(name)
        if column.partial_date:
            columns += [first_day(col).alias(name), precision(col).alias(f"{name}_precision")]
        elif column.is_list:
            columns.append(col.str.split(LIST_DELIMITER).alias(name))
        elif "enum" in column.constraints:
            columns.append(col.cast(pl.Enum(column.constraints["enum"]), strict=False).alias(name))
        else:
            columns.append(col)
    return frame.select(columns)


def package_frames(package: Package) -> dict[str, pl.DataFrame]:
    """Every table of an opened package as typed frames."""
    return {name: typed_frame(resource) for name, resource in package.resources.items()}
