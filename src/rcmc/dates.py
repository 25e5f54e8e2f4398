"""Partial ISO 8601 dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) as polars expressions."""

from __future__ import annotations

import datetime
import os

import polars as pl

PRECISIONS = pl.Enum(["year", "month", "day"])


def first_day(col: pl.Expr) -> pl.Expr:
    """The first day of the period a partial date names; null when it names no real day."""
    length = col.str.len_chars()
    full = pl.when(length == 4).then(col + "-01-01").when(length == 7).then(col + "-01").otherwise(col)
    return full.str.to_date("%Y-%m-%d", strict=False)


def precision(col: pl.Expr) -> pl.Expr:
    """`year`, `month` or `day`, from the length of the partial date."""
    length = col.str.len_chars()
    return (
        pl.when(length == 4)
        .then(pl.lit("year"))
        .when(length == 7)
        .then(pl.lit("month"))
        .when(length == 10)
        .then(pl.lit("day"))
        .otherwise(None)
        .cast(PRECISIONS)
    )


def is_before(date: pl.Expr, other: pl.Expr) -> pl.Expr:
    """True where `date` is before `other`, comparing both at the coarser precision.

    ISO text sorts like the dates it names, except that a coarser date sorts before
    the finer dates inside it (`2021-05` < `2021-05-03`), which is no contradiction.
    """
    return (date < other) & ~other.str.starts_with(date)


TODAY_VAR = "RCMC_TODAY"
FUTURE_MARGIN_DAYS = 90


def today() -> datetime.date:
    """Today's date, or the ISO date in $RCMC_TODAY (so checks of future dates are reproducible)."""
    from rcmc.errors import UsageError

    fixed = os.environ.get(TODAY_VAR)
    if not fixed:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(fixed)
    except ValueError:
        raise UsageError(f"{TODAY_VAR} must be a date written YYYY-MM-DD, not {fixed!r}") from None


def latest_allowed() -> datetime.date:
    """The latest first day a date may name: today plus a small margin for announced events."""
    return today() + datetime.timedelta(days=FUTURE_MARGIN_DAYS)
