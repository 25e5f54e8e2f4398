"""The constraint table: each Table Schema constraint mapped, in one place, to its checks and its message.

For every constraint a column may declare (`required`, `unique`, `enum`, `minimum`,
`maximum`, `pattern`, `minLength`, `maxLength`, and the custom `itemPattern` of a
`;`-list) the table gives:
- `flag`: a polars expression true on the cells that break it (the one-pass pre-check);
- `check`: the pandera check that finds and names every failure (`required` and
  `unique` are pandera column options instead);
- `message`: what a problem says about the value.
The fix hint is the rule catalogue's (`rcmc.catalogue`). A test walks every
constraint used in `schemas/*.json` and proves both paths handle it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from rcmc.package import LIST_DELIMITER, Column

if TYPE_CHECKING:
    import pandera.polars as pa

PATTERN_HINTS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$": "IDs are lowercase slugs: letters a-z, digits and single hyphens, e.g. joint-sea-2019",
    "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$": "dates are YYYY, YYYY-MM or YYYY-MM-DD",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "write the full date, YYYY-MM-DD",
    "^[A-Z]{3}$": "use an ISO 3166-1 alpha-3 code such as RUS or CHN",
    "^[a-z]{2}$": "use a two-letter ISO 639-1 language code in lower case, e.g. en, ru, zh",
    (
        "^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]"
        "*[A-Za-z0-9])?)*\\.(xn--[a-z0-9-]+|[A-Za-z]{2,})\\.?(:[0-9]{1,5})?([/?#][^\\s]*)?$"
    ): "a URL is http:// or https:// (https where the page serves it), then a real host name such as tass.com, no spaces",
}
ITEM_PATTERN_HINTS = {
    "^[A-Z]{3}$": "list ISO 3166-1 alpha-3 codes separated by ';' with no spaces, e.g. CHN;RUS",
    "^[a-z0-9]+(-[a-z0-9]+)*$": "list IDs separated by ';' with no spaces, e.g. tass-2019-drill;xinhua-2019-drill",
}


def anchored(pattern: str) -> str:
    """Table Schema patterns match the whole value; make that explicit for polars' regex search."""
    return pattern if pattern.startswith("^") and pattern.endswith("$") else f"^(?:{pattern})$"


def list_pattern(item_pattern: str) -> str:
    """A whole-cell pattern for a `;`-list whose every item matches `item_pattern`."""
    item = item_pattern.removeprefix("^").removesuffix("$")
    return f"^(?:{item})(?:{LIST_DELIMITER}(?:{item}))*$"


def _pattern_message(pattern: str) -> str:
    """A short pattern is quoted; a long one is left to the hint, which says the same in words."""
    if len(pattern) <= 60 or pattern not in PATTERN_HINTS:
        return f"value does not match the pattern {pattern}"
    return "value does not have the required form (see the hint)"


def _pandera() -> Any:
    import pandera.polars as pa  # imported on first use: a clean package never pays for it

    return pa


@dataclass(frozen=True)
class Constraint:
    """How one kind of constraint is checked and reported."""

    name: str
    flag: Callable[[pl.Expr, Any], pl.Expr] | None
    check: Callable[[Any], pa.Check] | None
    message: Callable[[Any, str | None], str]


CONSTRAINTS: dict[str, Constraint] = {
    c.name: c
    for c in [
        Constraint("required", lambda col, v: col.is_null() if v else pl.lit(False), None, lambda v, cell: "a value is required"),
        Constraint("unique", None, None, lambda v, cell: f"{cell!r} appears more than once in this column"),
        Constraint(
            "enum",
            lambda col, v: col.is_not_null() & ~col.is_in(v),
            lambda v: _pandera().Check.isin(v, error="enum"),
            lambda v, cell: f"{cell!r} is not one of: {', '.join(map(str, v))}",
        ),
        Constraint(
            "minimum",
            lambda col, v: col < v,
            lambda v: _pandera().Check.ge(v, error="minimum"),
            lambda v, cell: f"{cell} is below the minimum {v}",
        ),
        Constraint(
            "maximum",
            lambda col, v: col > v,
            lambda v: _pandera().Check.le(v, error="maximum"),
            lambda v, cell: f"{cell} is above the maximum {v}",
        ),
        Constraint(
            "pattern",
            lambda col, v: col.is_not_null() & ~col.str.contains(anchored(v)),
            lambda v: _pandera().Check.str_matches(anchored(v), error="pattern"),
            lambda v, cell: _pattern_message(v),
        ),
        Constraint(
            "minLength",
            lambda col, v: col.str.len_chars() < v,
            lambda v: _pandera().Check.str_length(min_value=v, error="minLength"),
            lambda v, cell: f"text is shorter than {v} characters",
        ),
        Constraint(
            "maxLength",
            lambda col, v: col.str.len_chars() > v,
            lambda v: _pandera().Check.str_length(max_value=v, error="maxLength"),
            lambda v, cell: f"text is {len(cell or '')} characters, more than the {v} allowed",
        ),
        Constraint(
            "itemPattern",
            lambda col, v: col.is_not_null() & ~col.str.contains(list_pattern(v)),
            lambda v: _pandera().Check.str_matches(list_pattern(v), error="itemPattern"),
            lambda v, cell: f"an item is not of the form {v}, or items are not separated by a single ';'",
        ),
    ]
}


def declared(column: Column) -> dict[str, Any]:
    """The constraints `column` declares, by name, with their values (custom `itemPattern` included)."""
    found = {name: value for name, value in column.constraints.items() if value is not False}
    if column.item_pattern:
        found["itemPattern"] = column.item_pattern
    return found


def violation_flags(column: Column) -> list[pl.Expr]:
    """One `any` expression per constraint of the column (unique excepted), true when a cell breaks it."""
    col = pl.col(column.name)
    return [
        CONSTRAINTS[name].flag(col, value).any()
        for name, value in declared(column).items()
        if CONSTRAINTS[name].flag is not None
    ]


def pandera_column(column: Column, dtype: pl.DataType) -> pa.Column:
    """The pandera column for `column`: its checks from the constraint table, `required` and `unique` as options."""
    rules = declared(column)
    checks = [CONSTRAINTS[name].check(value) for name, value in rules.items() if CONSTRAINTS[name].check is not None]
    return _pandera().Column(
        dtype, checks=checks, nullable=not rules.get("required", False), unique=bool(rules.get("unique")), coerce=False
    )


def message(column: Column, rule: str, cell: str | None) -> str:
    """What a problem of `rule` says about `cell`."""
    return CONSTRAINTS[rule].message(declared(column).get(rule), cell)


def hint(column: Column, rule: str) -> str:
    """The fix hint: the pattern's own words where there are some, else the catalogue's."""
    from rcmc.catalogue import hint as catalogue_hint

    rules = declared(column)
    if rule == "pattern":
        return PATTERN_HINTS.get(rules["pattern"], catalogue_hint(rule))
    if rule == "itemPattern":
        return ITEM_PATTERN_HINTS.get(rules["itemPattern"], catalogue_hint(rule))
    return catalogue_hint(rule)
