"""Dataset rules that Table Schema cannot express, as polars expressions over typed tables.

Each rule is a function `(tables) -> list[Problem]` registered in RULES under its
name (described, with its hint, in `rcmc.catalogue`); a table missing from `tables`
(unreadable) makes its rules skip. Which columns a rule looks at comes from the
schemas (`Resource.list_columns`, `date_columns`, `country_columns`, `references`,
...); only the row rules at the end name columns, because they compare two of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import polars as pl

from rcmc.catalogue import hint as catalogue_hint
from rcmc.csvfile import LINE_COLUMN, RawTable
from rcmc.dates import FUTURE_MARGIN_DAYS, first_day, is_before, latest_allowed
from rcmc.package import Reference, Resource
from rcmc.problems import Problem


@dataclass(frozen=True)
class Table:
    """A typed table with its resource, ready for rules."""

    resource: Resource
    frame: pl.DataFrame
    raw: RawTable
    _exploded: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    _distinct: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False, compare=False)
    _codes: dict[str, pl.Series] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def _row_flags(self) -> dict[RowCheck, bool]:
        """Whether any row fails each row check of this table, all tested in one parallel pass."""
        mine = [check for check in ROW_CHECKS if check.table == self.resource.name]
        if not mine:
            return {}
        flags = self.frame.select(c.mask.fill_null(False).any().alias(str(i)) for i, c in enumerate(mine)).row(0)
        return {check: bool(found) for check, found in zip(mine, flags, strict=True)}

    @cached_property
    def records(self) -> list[dict]:
        """The rows as read (cells as text, with their line), as dicts (computed once)."""
        return list(self.raw.frame.iter_rows(named=True))

    def row_check_fails(self, check: RowCheck) -> bool:
        """Whether any row fails `check` (see `_row_flags`)."""
        return self._row_flags.get(check, False)

    def distinct(self, column: str) -> pl.DataFrame:
        """The column's distinct non-null values, as a one-column frame (computed once).

        Codes, lists of codes and dates repeat a lot, so a rule can test the few
        distinct values and look for rows only when one of them fails.
        """
        if column not in self._distinct:
            self._distinct[column] = self.frame.select(pl.col(column).drop_nulls().unique())
        return self._distinct[column]

    def exploded(self, column: str) -> pl.DataFrame:
        """One row per item of a column (a `;`-list, or a scalar as one item): `_row` and `_item` (computed once)."""
        if column not in self._exploded:
            self._exploded[column] = _items(self.frame, column, self.resource.column(column).is_list)
        return self._exploded[column]

    def with_cells(self, items: pl.DataFrame, column: str) -> pl.DataFrame:
        """`items` (a few exploded rows) with the line and the whole cell of the row each came from."""
        if items.is_empty():
            return items.with_columns(pl.lit(None, pl.Int64).alias(LINE_COLUMN), pl.lit(None, pl.Utf8).alias(column))
        cells = self.frame.select(LINE_COLUMN, column)[items.get_column("_row")]
        return items.drop(LINE_COLUMN, column, strict=False).hstack(cells)


class Tables(dict[str, Table]):
    """The readable tables of a package by name; `resources` holds every resource of the package, readable or not."""

    def __init__(self, tables: dict[str, Table] | None = None, resources: dict[str, Resource] | None = None) -> None:
        super().__init__(tables or {})
        self.resources = resources


Rule = Callable[[Tables], list[Problem]]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a dataset rule under `name` (its description and hint live in the rule catalogue)."""
    catalogue_hint(name)  # a rule missing from the catalogue fails at import, not in a user's run

    def register(function: Rule) -> Rule:
        RULES[name] = function
        return function

    return register


def run_rules(tables: Tables) -> list[Problem]:
    """Run every registered rule."""
    return [problem for check in RULES.values() for problem in check(tables)]


@dataclass(frozen=True, eq=False)
class RowCheck:
    """A test of single rows: the table, the column to report, a mask true on failing rows, the message."""

    table: str
    column: str
    mask: pl.Expr
    message: Callable[[dict], str]


ROW_CHECKS: list[RowCheck] = []


def row_rule(name: str, checks: list[RowCheck]) -> None:
    """Register a rule made of row checks; they share one pass per table (see Table.row_check_fails)."""
    ROW_CHECKS.extend(checks)

    def run(tables: Tables) -> list[Problem]:
        problems = []
        for check in checks:
            table = tables.get(check.table)
            if table is not None and table.row_check_fails(check):
                rows = table.frame.filter(check.mask.fill_null(False))
                problems += _report(table, rows, check.column, name, check.message)
        return problems

    rule(name)(run)


def _report(
    table: Table, rows: pl.DataFrame, column: str, rule_name: str, message: Callable[[dict], str], value_column: str | None = None
) -> list[Problem]:
    value_column = value_column or column
    return [
        Problem(
            file=table.resource.relpath,
            line=row[LINE_COLUMN],
            column=column,
            value=None if row[value_column] is None else str(row[value_column]),
            rule=rule_name,
            message=message(row),
            hint=catalogue_hint(rule_name),
        )
        for row in rows.iter_rows(named=True)
    ]


def _free_text_columns(table: Table) -> Iterable[str]:
    """String columns without an enum or pattern (those constraints already reject padded values)."""
    return [
        f["name"]
        for f in table.resource.fields
        if f.get("type", "string") == "string" and not {"enum", "pattern"} & set(f.get("constraints", {}))
    ]


def _padded(col: pl.Expr) -> pl.Expr:
    """True where the cell starts or ends with Unicode whitespace (a length test: faster than a regex)."""
    return (col.str.strip_chars().str.len_bytes() != col.str.len_bytes()).fill_null(False)


@rule("whitespace")
def whitespace(tables: Tables) -> list[Problem]:
    problems = []
    for table in tables.values():
        padded = {column: _padded(pl.col(column)) for column in _free_text_columns(table)}
        flagged = table.frame.select(expr.any().alias(column) for column, expr in padded.items()).row(0, named=True)
        for column in (c for c, found in flagged.items() if found):  # one parallel pass; filter only where needed
            rows = table.frame.filter(padded[column])
            problems += _report(table, rows, column, "whitespace", lambda r: "leading or trailing whitespace")
    return problems


@rule("partial-date")
def partial_dates(tables: Tables) -> list[Problem]:
    problems = []
    for table in tables.values():
        for column in table.resource.date_columns:
            col = pl.col(column)
            impossible = col.is_not_null() & col.str.contains(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$") & first_day(col).is_null()
            bad = table.distinct(column).filter(impossible).get_column(column)
            if bad.is_empty():
                continue
            rows = table.frame.filter(col.is_in(bad.implode()))
            problems += _report(table, rows, column, "partial-date", lambda r, c=column: f"{r[c]!r} is not a real date")
    return problems


@rule("future-date")
def future_dates(tables: Tables) -> list[Problem]:
    """A date whose period starts more than the margin after today (see `rcmc.dates.latest_allowed`)."""
    problems = []
    limit = latest_allowed()
    for table in tables.values():
        for column in table.resource.date_columns:
            col = pl.col(column)
            bad = table.distinct(column).filter(first_day(col) > limit).get_column(column)
            if bad.is_empty():
                continue
            rows = table.frame.filter(col.is_in(bad.implode()))
            problems += _report(
                table, rows, column, "future-date",
                lambda r, c=column: f"{r[c]} is in the future (after {limit.isoformat()}, {FUTURE_MARGIN_DAYS} days from today)",
            )
    return problems


def _list_columns(tables: Tables) -> Iterable[tuple[Table, str]]:
    for table in tables.values():
        for column in table.resource.list_columns:
            yield table, column


@rule("list-sorted-unique")
def lists_sorted_unique(tables: Tables) -> list[Problem]:
    problems = []
    for table, column in _list_columns(tables):
        if column in table.resource.country_columns and not _unsorted(_items(table.distinct(column), column)).height:
            continue  # country lists repeat: their few distinct values are enough to clear the column
        out_of_order = _unsorted(table.exploded(column))
        if out_of_order.is_empty():
            continue
        rows = table.frame.with_row_index("_row").filter(pl.col("_row").is_in(out_of_order.get_column("_row").implode()))
        problems += _report(
            table,
            rows,
            column,
            "list-sorted-unique",
            lambda r, c=column: f"list items must be sorted and unique: {';'.join(sorted(set(r[c].split(';'))))}",
        )
    return problems


def _items(frame: pl.DataFrame, column: str, is_list: bool = True) -> pl.DataFrame:
    """One row per item of a column (split on `;` when it is a list), with the position `_row` of its cell."""
    values = pl.col(column).str.split(";") if is_list else pl.col(column)
    items = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), values.alias("_item"))
    return (items.explode("_item") if is_list else items).filter(pl.col("_item").is_not_null())


def _unsorted(items: pl.DataFrame) -> pl.DataFrame:
    """Items not strictly before the next item of the same cell."""
    same_row = pl.col("_row") == pl.col("_row").shift(-1)
    return items.filter((same_row & (pl.col("_item") >= pl.col("_item").shift(-1))).fill_null(False))


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code, from the database pycountry ships (the one `pycountry.countries` loads).

    The file is read directly: importing pycountry (it looks its version up among the installed
    distributions) takes several times longer than reading the codes, on every `rcmc validate`.
    """
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("pycountry")
    database = Path(spec.origin).parent / "databases" / "iso3166-1.json"
    return frozenset(country["alpha_3"] for country in json.loads(database.read_text(encoding="utf-8"))["3166-1"])


@rule("iso3")
def iso3(tables: Tables) -> list[Problem]:
    problems = []
    codes = sorted(iso3_codes())
    unknown = pl.col("_item").str.contains(r"^[A-Z]{3}$") & ~pl.col("_item").is_in(codes)
    for table in tables.values():
        for column in table.resource.country_columns:
            is_list = table.resource.column(column).is_list
            if not _items(table.distinct(column), column, is_list).select(unknown.any()).item():
                continue
            rows = table.with_cells(table.exploded(column).filter(unknown), column)
            problems += _report(table, rows, column, "iso3", lambda r: f"{r['_item']!r} is not an ISO 3166-1 alpha-3 code")
    return problems


@rule("must-include")
def must_include(tables: Tables) -> list[Problem]:
    problems = []
    for table in tables.values():
        for column in (c for c in table.resource.columns.values() if c.must_include):
            col = pl.col(column.name)
            for item in column.must_include:
                lacks = col.is_not_null() & ~col.str.split(";").list.contains(item)
                bad = table.distinct(column.name).filter(lacks).get_column(column.name)
                if bad.is_empty():
                    continue
                rows = table.frame.filter(col.is_in(bad.implode()))
                problems += _report(table, rows, column.name, "must-include", lambda r, i=item: f"{i} is missing")
    return problems


def _reference_codes(tables: Tables, name: str, reference: Reference) -> pl.Series:
    """Each referring item of table `name` as the position of its target among the target's distinct keys; null if unknown.

    One enum cast serves both foreign-key and orphan-row, and the orphan test then works
    on small integers instead of hashing every referring ID string again.
    """
    target = tables[reference.resource]
    cache_key = f"{name}.{reference.column}"
    if cache_key not in target._codes:
        keys = target.distinct(reference.field).get_column(reference.field)
        items = tables[name].exploded(reference.column).get_column("_item")
        target._codes[cache_key] = items.cast(pl.Enum(keys.to_list()), strict=False).to_physical()
    return target._codes[cache_key]


def _unknown_items(tables: Tables, name: str, reference: Reference) -> pl.Series | None:
    """A mask over the referring items of table `name`: true where an item names no row of the target; None if none is.

    A target that must be cited shares the enum codes of orphan-row. Any other is tested by
    membership, hashing the smaller side: a million keys are not hashed to look up a few items.
    """
    target = tables[reference.resource]
    if target.resource.must_be_cited:
        unknown = _reference_codes(tables, name, reference).is_null()
        return unknown if unknown.any() else None
    items = tables[name].exploded(reference.column).get_column("_item")
    if items.is_empty():
        return None
    keys = target.frame.get_column(reference.field)
    if items.len() < keys.len():
        wanted = items.unique()
        if keys.filter(keys.is_in(wanted.implode())).drop_nulls().n_unique() == wanted.len():
            return None  # every distinct item is some row's key
    unknown = ~items.is_in(keys.implode())
    return unknown if unknown.any() else None


def _references(tables: Tables) -> Iterable[tuple[str, Reference]]:
    """Every reference whose referring and referenced tables could both be read."""
    for name, table in tables.items():
        for reference in table.resource.references:
            if reference.resource in tables:
                yield name, reference


@rule("foreign-key")
def foreign_keys(tables: Tables) -> list[Problem]:
    problems = []
    for name, reference in _references(tables):
        unknown = _unknown_items(tables, name, reference)
        if unknown is None:
            continue
        table = tables[name]
        rows = table.with_cells(table.exploded(reference.column).filter(unknown), reference.column)
        problems += _report(
            table,
            rows,
            reference.column,
            "foreign-key",
            lambda r, t=reference.resource: f"{r['_item']!r} is not an ID in {t}",
        )
    return problems


@rule("orphan-row")
def orphan_rows(tables: Tables) -> list[Problem]:
    problems = []
    for target_name, target in tables.items():
        if not target.resource.must_be_cited:
            continue
        referring = [(n, r) for n, r in _all_references(tables) if r.resource == target_name]
        if any(n not in tables for n, _ in referring):
            continue  # an unreadable referring table could hold the citation
        key = target.resource.primary_key
        ids = target.distinct(key).get_column(key)
        cited = pl.concat([_reference_codes(tables, n, r) for n, r in referring]).drop_nulls().unique()
        if cited.len() == ids.len():
            continue
        uncited = ids.filter(~pl.int_range(ids.len(), eager=True).is_in(cited.cast(pl.Int64).implode()))
        rows = target.frame.filter(pl.col(key).is_in(uncited.implode()))
        problems += _report(target, rows, key, "orphan-row", lambda r, k=key: f"{r[k]!r} is cited by no row")
    return problems


def _all_references(tables: Tables) -> Iterable[tuple[str, Reference]]:
    """Every reference declared by any table of the package, whether that table could be read or not."""
    resources = getattr(tables, "resources", None) or {name: table.resource for name, table in tables.items()}
    for name, resource in resources.items():
        for reference in resource.references:
            yield name, reference


def _normalised_url(col: pl.Expr) -> pl.Expr:
    return col.str.replace(r"#.*$", "").str.replace(r"/+$", "").str.replace(r"^https?://(www\.)?", "").str.to_lowercase()


@rule("duplicate-url")
def duplicate_urls(tables: Tables) -> list[Problem]:
    sources = tables.get("sources")
    if sources is None:
        return []
    frame = sources.frame.with_columns(_normalised_url(pl.col("url")).alias("_norm"))
    frame = frame.filter(pl.col("url").is_not_null() & ~pl.col("_norm").is_first_distinct() & ~pl.col("url").is_duplicated())
    return _report(sources, frame, "url", "duplicate-url", lambda r: "an earlier source has the same address")


row_rule(
    "end-after-start",
    [
        RowCheck(
            table,
            "end_date",
            is_before(pl.col("end_date"), pl.col("start_date")),
            lambda r: f"end_date {r['end_date']} is before start_date {r['start_date']}",
        )
        for table in ("exercises", "contacts")
    ],
)
row_rule(
    "delivered-le-ordered",
    [
        RowCheck(
            "equipment",
            "quantity_delivered",
            pl.col("quantity_delivered") > pl.col("quantity_ordered"),
            lambda r: f"quantity_delivered={r['quantity_delivered']} exceeds quantity_ordered={r['quantity_ordered']}",
        )
    ],
)
row_rule(
    "delivery-years-ordered",
    [
        RowCheck(
            "equipment", later, pl.col(later) < pl.col(earlier), lambda r, a=earlier, b=later: f"{b}={r[b]} is before {a}={r[a]}"
        )
        for earlier, later in [
            ("order_year", "delivery_first_year"),
            ("delivery_first_year", "delivery_last_year"),
            ("order_year", "delivery_last_year"),
        ]
    ],
)
row_rule(
    "supplier-not-recipient",
    [
        RowCheck(
            "equipment", "recipient", pl.col("supplier") == pl.col("recipient"), lambda r: "recipient is the same as supplier"
        )
    ],
)
row_rule(
    "published-before-accessed",
    [
        RowCheck(
            "sources",
            "accessed_date",
            is_before(pl.col("accessed_date"), pl.col("published_date")),
            lambda r: f"accessed_date {r['accessed_date']} is before published_date {r['published_date']}",
        )
    ],
)


FEW_KEYS = 50_000


def _disjoint(columns: list[pl.Series]) -> bool:
    """Whether no value is in two of `columns`, when that is quick to prove; False means "not proven".

    A few keys are compared as Python sets. Many keys are usually sorted: a strictly increasing
    column spans the range from its first to its last value, and only values where two such
    ranges overlap can be shared.
    """
    if sum(column.len() for column in columns) <= FEW_KEYS:
        seen: set[str] = set()
        for column in columns:
            values = set(column.drop_nulls().to_list())
            if not seen.isdisjoint(values):
                return False
            seen |= values
        return True
    spans = []
    for column in columns:
        values = column.drop_nulls()
        if values.is_empty():
            continue
        if not (values > values.shift(1)).fill_null(True).all():
            return False
        spans.append(values)
    for index, first in enumerate(spans):
        for second in spans[index + 1 :]:
            low, high = max(first[0], second[0]), min(first[-1], second[-1])
            if low > high:
                continue
            a, b = (_between(s, low, high) for s in (first, second))
            a, b = (a, b) if a.len() >= b.len() else (b, a)
            if a.is_in(b.implode()).any():
                return False
    return True


def _between(values: pl.Series, low: str, high: str) -> pl.Series:
    """The values of a sorted series from `low` to `high`, both included."""
    start = values.search_sorted(low, "left")
    return values.slice(start, values.search_sorted(high, "right") - start)


@rule("id-unique-across-tables")
def ids_unique_across_tables(tables: Tables) -> list[Problem]:
    if len(tables) < 2 or _disjoint([table.frame.get_column(table.resource.primary_key) for table in tables.values()]):
        return []
    keys = [
        table.frame.select(
            pl.col(table.resource.primary_key).alias("_id"), pl.col(LINE_COLUMN), pl.lit(name).alias("_table")
        ).unique("_id", keep="first", maintain_order=True)
        for name, table in tables.items()
    ]
    if len(keys) < 2:
        return []
    every = pl.concat(keys).filter(pl.col("_id").is_not_null())
    if every.get_column("_id").n_unique() == every.height:
        return []
    first = every.unique("_id", keep="first", maintain_order=True).rename({"_table": "_first_table", LINE_COLUMN: "_first_line"})
    later = every.filter(~pl.col("_id").is_first_distinct()).join(first, on="_id")
    problems = []
    for name, rows in later.group_by("_table", maintain_order=True):
        table = tables[name[0]]
        key = table.resource.primary_key
        problems += _report(
            table,
            rows.rename({"_id": key}),
            key,
            "id-unique-across-tables",
            lambda r, t=tables, k=key: f"{r[k]!r} is also the ID of {t[r['_first_table']].resource.relpath}:"
            f"{t[r['_first_table']].raw.physical_line(r['_first_line'])}",
        )
    return problems


@rule("part-of")
def part_of(tables: Tables) -> list[Problem]:
    """A row restating part of another's quantity: not itself, same supplier and recipient, no more than its parent."""
    table = tables.get("equipment")
    if table is None or "part_of" not in table.frame.columns:
        return []
    children = table.frame.filter(pl.col("part_of").is_not_null())
    if children.is_empty():
        return []
    parents = table.frame.select(
        pl.col("item_id").alias("part_of"),
        pl.col("supplier").alias("_parent_supplier"),
        pl.col("recipient").alias("_parent_recipient"),
        pl.col("quantity_ordered").alias("_parent_quantity"),
    )
    joined = children.join(parents, on="part_of", how="inner")
    checks = [
        (pl.col("part_of") == pl.col("item_id"), lambda r: "an item cannot be part of itself"),
        (
            (pl.col("supplier") != pl.col("_parent_supplier")) | (pl.col("recipient") != pl.col("_parent_recipient")),
            lambda r: f"{r['part_of']!r} has another supplier or recipient",
        ),
        (
            pl.col("quantity_ordered") > pl.col("_parent_quantity"),
            lambda r: f"quantity_ordered={r['quantity_ordered']} exceeds the {r['_parent_quantity']} of {r['part_of']!r}",
        ),
    ]
    problems = []
    for mask, message in checks:
        problems += _report(table, joined.filter(mask.fill_null(False)), "part_of", "part-of", message)
    return problems


# The claims table's rules live with the rest of its logic; importing registers them here.
from rcmc import claims as _claims  # noqa: E402, F401
