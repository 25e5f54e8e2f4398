"""Dataset rules that Table Schema cannot express, as polars expressions over typed tables.

Each rule is a function `(tables) -> list[Problem]` registered in RULES under
its name; a table missing from `tables` (unreadable) makes its rules skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import polars as pl

from rcmc.csvfile import LINE_COLUMN, RawTable
from rcmc.dates import first_day, starts_before
from rcmc.package import Resource
from rcmc.problems import Problem

LIST_COLUMNS = {"agreements": ["parties", "source_ids"], "exercises": ["participants", "source_ids"], "equipment": ["source_ids"]}
COUNTRY_COLUMNS = {"agreements": ["parties"], "exercises": ["participants"], "equipment": ["supplier", "recipient"]}
CITING_TABLES = ("agreements", "equipment", "exercises")
REQUIRED_PARTICIPANTS = ("CHN", "RUS")


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
        """One row per item of a `;`-list column: `_row` (position of the cell) and `_item` (computed once)."""
        if column not in self._exploded:
            self._exploded[column] = _items(self.frame, column)
        return self._exploded[column]

    def with_cells(self, items: pl.DataFrame, column: str) -> pl.DataFrame:
        """`items` (a few exploded rows) with the line and the whole cell of the row each came from."""
        if items.is_empty():
            return items.with_columns(pl.lit(None, pl.Int64).alias(LINE_COLUMN), pl.lit(None, pl.Utf8).alias(column))
        cells = self.frame.select(LINE_COLUMN, column)[items.get_column("_row")]
        return items.drop(LINE_COLUMN, column, strict=False).hstack(cells)


Tables = dict[str, Table]
Rule = Callable[[Tables], list[Problem]]
RULES: dict[str, Rule] = {}
HINTS: dict[str, str] = {}


def rule(name: str, hint: str) -> Callable[[Rule], Rule]:
    """Register a dataset rule under `name` with a fix hint."""

    def register(function: Rule) -> Rule:
        RULES[name] = function
        HINTS[name] = hint
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


def row_rule(name: str, hint: str, checks: list[RowCheck]) -> None:
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

    rule(name, hint)(run)


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
            hint=HINTS[rule_name],
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


@rule("whitespace", "remove spaces, tabs or newlines at the start and end of the cell")
def whitespace(tables: Tables) -> list[Problem]:
    problems = []
    for table in tables.values():
        padded = {column: _padded(pl.col(column)) for column in _free_text_columns(table)}
        flagged = table.frame.select(expr.any().alias(column) for column, expr in padded.items()).row(0, named=True)
        for column in (c for c, found in flagged.items() if found):  # one parallel pass; filter only where needed
            rows = table.frame.filter(padded[column])
            problems += _report(table, rows, column, "whitespace", lambda r: "leading or trailing whitespace")
    return problems


def _date_columns(table: Table) -> list[str]:
    return [f["name"] for f in table.resource.fields if f["name"].endswith("_date")]


@rule("partial-date", "the date does not exist: check month (01-12) and day for that month")
def partial_dates(tables: Tables) -> list[Problem]:
    problems = []
    for table in tables.values():
        for column in _date_columns(table):
            col = pl.col(column)
            impossible = col.is_not_null() & col.str.contains(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$") & first_day(col).is_null()
            bad = table.distinct(column).filter(impossible).get_column(column)
            if bad.is_empty():
                continue
            rows = table.frame.filter(col.is_in(bad.implode()))
            problems += _report(table, rows, column, "partial-date", lambda r, c=column: f"{r[c]!r} is not a real date")
    return problems


def _list_columns(tables: Tables) -> Iterable[tuple[Table, str]]:
    for name, columns in LIST_COLUMNS.items():
        if name in tables:
            for column in columns:
                yield tables[name], column


@rule("list-sorted-unique", "sort list items alphabetically and remove repeats, e.g. CHN;IRN;RUS")
def lists_sorted_unique(tables: Tables) -> list[Problem]:
    problems = []
    for table, column in _list_columns(tables):
        if (
            column in COUNTRY_COLUMNS.get(table.resource.name, [])
            and not _unsorted(_items(table.distinct(column), column)).height
        ):
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


def _items(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """One row per item of a `;`-list column, with the position `_row` of its cell."""
    return (
        frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), pl.col(column).str.split(";").alias("_item"))
        .explode("_item")
        .filter(pl.col("_item").is_not_null())
    )


def _unsorted(items: pl.DataFrame) -> pl.DataFrame:
    """Items not strictly before the next item of the same cell."""
    same_row = pl.col("_row") == pl.col("_row").shift(-1)
    return items.filter((same_row & (pl.col("_item") >= pl.col("_item").shift(-1))).fill_null(False))


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code (pycountry)."""
    import pycountry

    return frozenset(country.alpha_3 for country in pycountry.countries)


@rule("iso3", "use ISO 3166-1 alpha-3 country codes, e.g. RUS, CHN, IRN")
def iso3(tables: Tables) -> list[Problem]:
    problems = []
    codes = sorted(iso3_codes())
    for name, columns in COUNTRY_COLUMNS.items():
        if name not in tables:
            continue
        for column in columns:
            unknown = pl.col("_item").str.contains(r"^[A-Z]{3}$") & ~pl.col("_item").is_in(codes)
            distinct = _items(tables[name].distinct(column), column)
            if not distinct.select(unknown.any()).item():
                continue
            rows = tables[name].with_cells(tables[name].exploded(column).filter(unknown), column)
            problems += _report(tables[name], rows, column, "iso3", lambda r: f"{r['_item']!r} is not an ISO 3166-1 alpha-3 code")
    return problems


@rule("participants-include-chn-rus", "every exercise must list both CHN and RUS among its participants")
def participants_include_chn_rus(tables: Tables) -> list[Problem]:
    table = tables.get("exercises")
    if table is None:
        return []
    problems = []
    for code in REQUIRED_PARTICIPANTS:
        lacks = pl.col("participants").is_not_null() & ~pl.col("participants").str.split(";").list.contains(code)
        bad = table.distinct("participants").filter(lacks).get_column("participants")
        if bad.is_empty():
            continue
        rows = table.frame.filter(pl.col("participants").is_in(bad.implode()))
        problems += _report(table, rows, "participants", "participants-include-chn-rus", lambda r, c=code: f"{c} is missing")
    return problems


@rule("foreign-key", "use an ID that exists in the referenced table, or add that row first")
def foreign_keys(tables: Tables) -> list[Problem]:
    problems = []
    for table in tables.values():
        for key in table.resource.schema.get("foreignKeys", []):
            column = key["fields"][0] if isinstance(key["fields"], list) else key["fields"]
            reference = key["reference"]
            target = tables.get(reference["resource"])
            if target is None:
                continue
            target_field = reference["fields"][0] if isinstance(reference["fields"], list) else reference["fields"]
            known = target.frame.get_column(target_field).drop_nulls()
            rows = table.frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(known.implode()))
            problems += _report(
                table, rows, column, "foreign-key", lambda r, c=column, t=reference["resource"]: f"{r[c]!r} is not an ID in {t}"
            )
    return problems


def _source_codes(tables: Tables, name: str) -> pl.Series:
    """Each cited item of table `name` as the position of its ID among the distinct source IDs; null if unknown.

    One enum cast serves both source-exists and orphan-source, and the orphan test
    then works on small integers instead of hashing every cited ID string again.
    """
    sources = tables["sources"]
    if name not in sources._codes:
        ids = sources.distinct("source_id").get_column("source_id")
        items = tables[name].exploded("source_ids").get_column("_item")
        sources._codes[name] = items.cast(pl.Enum(ids.to_list()), strict=False).to_physical()
    return sources._codes[name]


@rule("source-exists", "add the source with `rcmc add sources` first, or fix the ID")
def sources_exist(tables: Tables) -> list[Problem]:
    if "sources" not in tables:
        return []
    problems = []
    for name in (n for n in CITING_TABLES if n in tables):
        unknown = _source_codes(tables, name).is_null()
        if not unknown.any():
            continue
        table = tables[name]
        rows = table.with_cells(table.exploded("source_ids").filter(unknown), "source_ids")
        problems += _report(table, rows, "source_ids", "source-exists", lambda r: f"source {r['_item']!r} is not in sources")
    return problems


@rule("orphan-source", "cite the source from a row, or remove it")
def orphan_sources(tables: Tables) -> list[Problem]:
    sources = tables.get("sources")
    if sources is None or any(name not in tables for name in CITING_TABLES):
        return []
    ids = sources.distinct("source_id").get_column("source_id")
    cited = pl.concat([_source_codes(tables, name) for name in CITING_TABLES]).drop_nulls().unique()
    if cited.len() == ids.len():
        return []
    uncited = ids.filter(~pl.int_range(ids.len(), eager=True).is_in(cited.cast(pl.Int64).implode()))
    rows = sources.frame.filter(pl.col("source_id").is_in(uncited.implode()))
    return _report(sources, rows, "source_id", "orphan-source", lambda r: f"source {r['source_id']!r} is cited by no row")


def _normalised_url(col: pl.Expr) -> pl.Expr:
    return col.str.replace(r"#.*$", "").str.replace(r"/+$", "").str.replace(r"^https?://(www\.)?", "").str.to_lowercase()


@rule("duplicate-url", "two sources point at the same page; keep one and cite it from both rows")
def duplicate_urls(tables: Tables) -> list[Problem]:
    sources = tables.get("sources")
    if sources is None:
        return []
    frame = sources.frame.with_columns(_normalised_url(pl.col("url")).alias("_norm"))
    frame = frame.filter(pl.col("url").is_not_null() & ~pl.col("_norm").is_first_distinct() & ~pl.col("url").is_duplicated())
    return _report(sources, frame, "url", "duplicate-url", lambda r: "an earlier source has the same address")


def _before_message(earlier: str, later: str) -> Callable[[dict], str]:
    return lambda r: f"{later}={r[later]} is before {earlier}={r[earlier]}"


row_rule(
    "end-after-start",
    "the end date must be on or after the start date",
    [
        RowCheck(
            "exercises",
            "end_date",
            starts_before(pl.col("start_date"), pl.col("end_date")),
            lambda r: f"end_date {r['end_date']} is before start_date {r['start_date']}",
        )
    ],
)
row_rule(
    "delivered-le-ordered",
    "quantity_delivered cannot exceed quantity_ordered; check both figures and the notes",
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
    "order_year <= delivery_first_year <= delivery_last_year",
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
    "supplier and recipient must be different states",
    [
        RowCheck(
            "equipment", "recipient", pl.col("supplier") == pl.col("recipient"), lambda r: "recipient is the same as supplier"
        )
    ],
)
row_rule(
    "published-before-accessed",
    "a page cannot be read before it was published; check both dates",
    [
        RowCheck(
            "sources",
            "accessed_date",
            starts_before(pl.col("published_date"), pl.col("accessed_date")),
            lambda r: f"accessed_date {r['accessed_date']} is before published_date {r['published_date']}",
        )
    ],
)


@rule("id-unique-across-tables", "an ID names one row in the whole package (so `rcmc show ID` is never ambiguous): rename one")
def ids_unique_across_tables(tables: Tables) -> list[Problem]:
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
