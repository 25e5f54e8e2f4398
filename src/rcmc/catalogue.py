"""The rule catalogue: every rule the validator can emit, with a one-line description and its fix hint.

One place for all of them (structural, type, constraint, dataset rules), so a
contributor can look up any rule name printed by `rcmc validate`, the codebook can
list them, and a test can prove no emitted rule is missing here. A check may give
a more specific hint (the exact header expected, say); the catalogue's is the default.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    """One rule: its name as printed, what it checks, and how to fix a failure."""

    name: str
    kind: str
    description: str
    hint: str


_RULES = [
    # structure: the file as bytes and CSV
    ("missing-file", "structure", "the data file a resource names exists",
     "create it with the header row from the schema, or fix the resource's 'path'"),
    ("empty-file", "structure", "the file holds at least its header row", "restore the header row from the schema"),
    ("encoding", "structure", "the file is UTF-8 without a byte-order mark", "save the file as UTF-8 without BOM"),
    ("line-endings", "structure", "lines end with \\n only",
     "run `rcmc fmt` to convert them to \\n; setting git's core.autocrlf=input keeps CRLF out"),
    ("csv-syntax", "structure", "the file parses as CSV",
     "look for an unclosed or stray double quote; quote cells holding commas, quotes or newlines and double inner quotes"),
    ("header", "structure", "the header row is exactly the schema's columns, in order",
     "make the header exactly the schema's column names, in schema order"),
    ("blank-line", "structure", "no blank line inside the table", "delete the blank line (also at the end of the file)"),
    ("ragged-row", "structure", "every row has one cell per column",
     "add or remove commas so every row has one cell per column; quote cells that contain commas"),
    # types and Table Schema constraints
    ("type", "type", "a cell holds a value of its column's type", "write the value in the column's type (see the codebook)"),
    ("required", "constraint", "a required cell is not empty", "fill the cell; this column may not be empty"),
    ("unique", "constraint", "each value appears once in the column",
     "each value must appear once in this column; pick another ID or merge the rows"),
    ("enum", "constraint", "the value is one of the column's allowed values",
     "use one of the allowed values listed in the message"),
    ("minimum", "constraint", "the value is not below the column's minimum", "the value is below the allowed minimum"),
    ("maximum", "constraint", "the value is not above the column's maximum", "the value is above the allowed maximum"),
    ("pattern", "constraint", "the text has the column's required form", "the text does not have the required form"),
    ("minLength", "constraint", "the text is not shorter than allowed", "the text is shorter than allowed"),
    ("maxLength", "constraint", "the text is not longer than allowed", "the text is longer than allowed; shorten it"),
    ("itemPattern", "constraint", "each item of a ;-list has the column's required form",
     "separate items with ';' and no spaces; each item must have the required form"),
    # dataset rules: what Table Schema cannot say
    ("whitespace", "dataset", "free text has no leading or trailing whitespace",
     "remove spaces, tabs or newlines at the start and end of the cell"),
    ("partial-date", "dataset", "a partial ISO date names a real day, month or year",
     "the date does not exist: check month (01-12) and day for that month"),
    ("future-date", "dataset", "a date is not in the future, beyond a margin of 90 days for announced events",
     "check the year; an event announced further ahead is added once it is less than 90 days away"),
    ("list-sorted-unique", "dataset", "list items are sorted and not repeated",
     "sort list items alphabetically and remove repeats, e.g. CHN;IRN;RUS (`rcmc fmt` sorts them)"),
    ("iso3", "dataset", "country codes are ISO 3166-1 alpha-3 codes", "use ISO 3166-1 alpha-3 country codes, e.g. RUS, CHN, IRN"),
    ("must-include", "dataset", "a list holds the items its column requires (exercises: both CHN and RUS)",
     "add the missing item (an exercise lists both CHN and RUS among its participants)"),
    ("foreign-key", "dataset", "a reference names an existing row of the referenced table",
     "use an ID that exists in the referenced table, or add that row first"),
    ("orphan-row", "dataset", "every source is cited by at least one row", "cite the source from a row, or remove it"),
    ("duplicate-url", "dataset", "no two sources point at the same page (ignoring scheme, www, case and trailing slash)",
     "two sources point at the same page; keep one and cite it from both rows"),
    ("id-unique-across-tables", "dataset", "an ID names one row in the whole package",
     "an ID names one row in the whole package (so `rcmc show ID` is never ambiguous): rename one"),
    ("released-id-vanished", "dataset", "an ID published in a release still exists",
     "restore the row: released IDs are never removed or renamed (a removal needs a major release)"),
    ("end-after-start", "dataset", "an end date is not before its start date", "the end date must be on or after the start date"),
    ("delivered-le-ordered", "dataset", "no more items delivered than ordered",
     "quantity_delivered cannot exceed quantity_ordered; check both figures and the notes"),
    ("delivery-years-ordered", "dataset", "order year <= first delivery year <= last delivery year",
     "order_year <= delivery_first_year <= delivery_last_year"),
    ("part-of", "dataset", "a line item restating part of another names a different item of the same supplier and recipient, "
     "with no larger quantity", "point part_of at the line item whose quantity this row restates, or empty it"),
    ("claim-target", "dataset", "a claim names a data table, a row in it and a column that can carry claims",
     "fix table, row_id or column; the ID, source_ids, summary and notes carry no claims"),
    ("claim-value", "dataset", "a claimed value is valid for its column (type, constraints, date, country code, list order)",
     "write the value as the cell would be written in the CSV"),
    ("claim-consistency", "dataset",
     "a contested cell has two or more values; a filled cell has exactly one accepted claim, equal to it; an empty one none",
     "mark as accepted the claim whose value the row holds, and only that one; remove claims on uncontested cells"),
    ("supplier-not-recipient", "dataset", "an arms transfer goes between two different states",
     "supplier and recipient must be different states"),
    ("published-before-accessed", "dataset", "a page was not read before it was published",
     "a page cannot be read before it was published; check both dates"),
    # entry rules: what `rcmc add` and `rcmc edit` refuse before the package is checked
    ("duplicate-row", "entry", "a new row is not one already held (same values in the columns its ID is made from, "
     "dates by year)", "this row is already held under the ID named; edit that row, or add with --allow-duplicate "
     "if it is a different event"),
    ("id-rename", "entry", "`rcmc edit` never changes an ID",
     "IDs are never renamed (released IDs are cited by users); add the row under the new ID and remove the old one "
     "while nothing cites it"),
]

CATALOGUE: dict[str, RuleInfo] = {name: RuleInfo(name, kind, description, hint) for name, kind, description, hint in _RULES}


def hint(rule: str) -> str:
    """The catalogue's fix hint for `rule` (KeyError for a rule that is not catalogued)."""
    return CATALOGUE[rule].hint


def render_markdown() -> list[str]:
    """The catalogue as a Markdown table, for the codebook."""
    lines = ["| rule | kind | checks that | fix |", "|---|---|---|---|"]
    for info in CATALOGUE.values():
        fix = info.hint.replace("|", "\\|")
        lines.append(f"| `{info.name}` | {info.kind} | {info.description} | {fix} |")
    return lines
