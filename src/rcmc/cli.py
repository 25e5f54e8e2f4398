"""The `rcmc` command line: parses options, calls one library function, prints the result.

Heavy libraries (polars, pandera, pandas, altair) are imported inside commands so
`rcmc --help` stays fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from rcmc import __version__
from rcmc.errors import RcmcError, UsageError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def package_option(function: Callable) -> Callable:
    """Add `--package PATH` to a command."""
    return click.option(
        "--package",
        "package",
        type=click.Path(),
        default=None,
        envvar="RCMC_PACKAGE",
        help="datapackage.json or its folder (default: this dataset found walking up from here, else the bundled copy).",
    )(function)


def reports_errors(function: Callable) -> Callable:
    """The one error handler: a library error is printed (with its problems, if any) and exits with its code."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except RcmcError as error:
            for note in error.notes:
                click.echo(f"normalised {note}", err=True)
            if error.problems:
                from rcmc.problems import render

                click.echo(str(error), err=True)
                click.echo(render(error.problems), err=True)
            else:
                click.echo(f"Error: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="rcmc")
def cli() -> None:
    """Russia–China military cooperation: validate, browse and extend the data package.

    Example:

    \b
        rcmc validate && rcmc summary
    """


@cli.command(context_settings=CONTEXT)
@click.argument("path", required=False, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for CI annotations.",
)
@package_option
@reports_errors
def validate(path: str | None, fmt: str, package: str | None) -> None:
    """Check every table against its schema and the dataset rules.

    Exits 0 when clean, 1 when the data has problems, 2 when the package cannot be opened.

    Example:

    \b
        rcmc validate --format github
    """
    from rcmc.problems import render
    from rcmc.validator import validate as run_validation

    problems = run_validation(path or package)
    click.echo(render(problems, fmt) if problems or fmt != "github" else "")
    sys.exit(1 if problems else 0)


@cli.command(context_settings=CONTEXT)
@package_option
@reports_errors
def summary(package: str | None) -> None:
    """Print rows per table, years covered, and rows by confidence and kind.

    Example:

    \b
        rcmc summary
    """
    from rcmc.summary import summarize

    click.echo(summarize(package).to_text())


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        column, sep, value = pair.partition("=")
        if not sep or not column:
            raise UsageError(f"--set expects column=value, got {pair!r}")
        values[column.strip()] = value
    return values


def _read_json(source: str) -> Any:
    import json

    try:
        from pathlib import Path

        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        return json.loads(text)
    except OSError as error:
        raise UsageError(f"cannot read {source}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{source}: not valid JSON: {error}") from None


def _rows_from_options(table: str | None, sets: dict[str, str], json_source: str | None) -> dict[str, list]:
    if json_source and sets:
        raise UsageError("--json cannot be used with --set")
    if json_source:
        data = _read_json(json_source)
        if table is None:
            if not isinstance(data, dict) or not all(isinstance(rows, list) for rows in data.values()):
                raise UsageError("without TABLE, --json must hold an object of table name -> list of rows")
            return data
        return {table: data if isinstance(data, list) else [data]}
    if table is None:
        raise UsageError("give a TABLE, or --json with rows keyed by table")
    return {table: [sets]}


def _print_change(change: Any, dry_run: bool) -> None:
    verb = "would add" if dry_run else "added"
    _print_notes(change.notes)
    for table, rows in change.rows.items():
        for row in rows:
            key = next(iter(row.values()))
            click.echo(f"{verb} {table} {key}")
            if dry_run:
                for column, value in row.items():
                    click.echo(f"    {column}: {value}")
    _print_files(change.files)


def _print_notes(notes: Any) -> None:
    for note in notes:
        click.echo(f"normalised {note}", err=True)


def _print_problems(problems: Any) -> None:
    for problem in problems:
        click.echo(f"  {problem.message} (rule {problem.rule})", err=True)
        if problem.hint:
            click.echo(f"  hint: {problem.hint}", err=True)


def _ask(session: Any, row: dict[str, str], column: Any, given: str | None) -> str:
    """Ask for one column until the answer passes every check; '' for an optional column skipped with Enter."""
    descriptor = column.descriptor
    required = bool(column.constraints.get("required"))
    if given is None:
        click.echo(f"\n{column.name}: {descriptor.get('description', '')}", err=True)
        if "enum" in column.constraints:
            click.echo(f"  one of: {', '.join(column.constraints['enum'])}", err=True)
        if "example" in descriptor:
            click.echo(f"  example: {descriptor['example']}", err=True)
    label = descriptor.get("title", column.name) + ("" if required else " (optional, Enter to skip)")
    while True:
        text = given if given is not None else click.prompt(label, default="", show_default=False, err=True)
        given = None
        if not text.strip() and not required:
            return ""
        entry, problems = session.answer(row, column.name, text)
        _print_notes([entry.note] if entry.note else [])
        if not problems:
            return entry.value
        _print_problems(problems)


def _interruptible_prompts() -> None:
    """Let Ctrl-C interrupt a prompt at once: polars installs a SIGINT handler that restarts the blocked read,
    so the interrupt would wait for Enter; Python's own handler (installed again here) does not."""
    import signal

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _interactive_add(table: str, given: dict[str, str], package: str | None, allow_duplicate: bool) -> dict[str, str]:
    """Ask for each column of a new row, checking each answer; then the ID, the row shown, and "write it?"."""
    from rcmc.entry import EntrySession
    from rcmc.errors import InvalidRow
    from rcmc.package import open_writable

    session = EntrySession(open_writable(package), table)
    _interruptible_prompts()
    resource = session.resource
    unknown = sorted(set(given) - set(resource.field_names))
    if unknown:
        raise UsageError(f"{table} has no column {unknown[0]!r} (columns: {', '.join(resource.field_names)})")
    row: dict[str, str] = {}
    for column in session.questions():
        row[column.name] = _ask(session, row, column, given.get(column.name))
        if not allow_duplicate and column.name in resource.duplicate_columns and set(resource.duplicate_columns) <= set(row):
            duplicate = session.duplicate(row)
            if duplicate is not None:
                raise InvalidRow("refused: add with --allow-duplicate if this is a different event; nothing was written",
                                 [duplicate])
    key = resource.primary_key
    proposed = given.get(key) or session.propose_id(row)
    while True:
        text = click.prompt("ID", default=proposed, err=True)
        entry, problems = session.answer(row, key, text)
        if not problems:
            row[key] = entry.value
            break
        _print_problems(problems)
    click.echo(f"\n{table} {row[key]}", err=True)
    for name in resource.field_names:
        if row.get(name):
            click.echo(f"  {name}: {row[name]}", err=True)
    return row


@cli.command(context_settings=CONTEXT)
@click.argument("table", required=False)
@click.option("--set", "sets", multiple=True, metavar="COLUMN=VALUE", help="A column value (repeatable).")
@click.option(
    "--json", "json_source", metavar="FILE|-", help="Rows as JSON: one object or a list; without TABLE, {table: [rows]}."
)
@click.option("--dry-run", is_flag=True, help="Validate and show the rows without writing.")
@click.option(
    "--prompt/--no-prompt",
    "prompt",
    default=None,
    help="Ask for each column, checking every answer (default: on a terminal, when a required value is missing).",
)
@click.option("--allow-duplicate", is_flag=True, help="Add a row even if one with the same name and year is held.")
@package_option
@reports_errors
def add(
    table: str | None,
    sets: tuple[str, ...],
    json_source: str | None,
    dry_run: bool,
    prompt: bool | None,
    allow_duplicate: bool,
    package: str | None,
) -> None:
    """Add rows to a table after validating the whole package with them.

    On a terminal, missing values are asked for one column at a time, each answer
    checked as it is typed; the ID is proposed, and the row is shown before it is
    written. Lists may be typed `CHN, RUS` or `chn; rus`: what was normalised is
    printed. A row with the same name and year as a held one is refused (see
    --allow-duplicate). Nothing is written if any check fails.

    Example:

    \b
        rcmc add sources --set title="Russia, China start naval drills" --set publisher=TASS \\
            --set url=https://tass.com/defense/1234567 --set language=en --set kind=news \\
            --set accessed_date=2026-11-26 --dry-run
    """
    from rcmc.records import add_rows

    rows = _rows_from_options(table, _parse_sets(sets), json_source)
    if table and not json_source and _should_prompt(prompt, table, rows[table][0], package):
        try:
            row = _interactive_add(table, rows[table][0], package, allow_duplicate)
            if not dry_run and not click.confirm("write it?", default=True, err=True):
                click.echo("nothing was written", err=True)
                return
        except (click.Abort, KeyboardInterrupt):
            click.echo("\ncancelled; nothing was written", err=True)
            sys.exit(130)
        rows = {table: [row]}
    change = add_rows(rows, package, dry_run=dry_run, allow_duplicate=allow_duplicate)
    _print_change(change, dry_run)


def _should_prompt(prompt: bool | None, table: str, given: dict[str, str], package: str | None) -> bool:
    """--prompt, or on a terminal (unless --no-prompt) when a required value is missing."""
    if prompt is not None:
        return prompt
    if not sys.stdin.isatty():
        return False
    from rcmc.package import open_package

    resource = open_package(package).resource(table)
    required = [c.name for c in resource.columns.values() if c.constraints.get("required") and c.name != resource.primary_key]
    return any(not given.get(name) for name in required)


def _print_files(paths: Any) -> None:
    """One `wrote PATH` line per file changed, relative to the current folder when inside it."""
    from pathlib import Path

    here = Path.cwd().resolve()
    for path in paths:
        resolved = Path(path).resolve()
        shown = resolved.relative_to(here) if resolved.is_relative_to(here) else resolved
        click.echo(f"wrote {shown}")


@cli.command(context_settings=CONTEXT)
@click.argument("row_id")
@click.option("--set", "sets", multiple=True, required=True, metavar="COLUMN=VALUE", help="A new column value (repeatable).")
@click.option("--dry-run", is_flag=True, help="Validate and show the row without writing.")
@package_option
@reports_errors
def edit(row_id: str, sets: tuple[str, ...], dry_run: bool, package: str | None) -> None:
    """Correct columns of an existing row, found by its ID in any table; prints each change as old -> new.

    The ID itself is never changed: released IDs are cited by users.

    Example:

    \b
        rcmc edit joint-sea-2019 --set ships=15 --dry-run
    """
    from rcmc.records import edit_row

    change = edit_row(row_id, _parse_sets(sets), package, dry_run=dry_run)
    _print_notes(change.notes)
    for table in change.rows:
        if not change.changes:
            click.echo(f"no change to {table} {row_id}")
        else:
            click.echo(f"{'would change' if dry_run else 'changed'} {table} {row_id}")
        for column, (old, new) in change.changes.items():
            click.echo(f"    {column}: {old!r} -> {new!r}")
    _print_files(change.files)


@cli.command(context_settings=CONTEXT)
@click.option("--check", is_flag=True, help="Only report files that are not canonical (exit 1), with a diff.")
@package_option
@reports_errors
def fmt(check: bool, package: str | None) -> None:
    """Rewrite every table in canonical form (schema column order, rows sorted by ID, sorted lists).

    Also removes a byte-order mark and converts CRLF line endings, as Excel and Windows editors write them.

    Example:

    \b
        rcmc fmt --check
    """
    from rcmc.records import format_tables

    changed = format_tables(package, check=check)
    for file, change in changed.items():
        repairs = f" ({', '.join(change.repairs)})" if change.repairs else ""
        click.echo(f"{file}: would be reformatted{repairs}\n{change.diff}" if check else f"reformatted {file}{repairs}")
    if check and changed:
        click.echo(f"{len(changed)} file(s) not in canonical form; run `rcmc fmt` to fix", err=True)
        sys.exit(1)
    if check:
        click.echo("canonical: every table is in canonical form")


@cli.command(context_settings=CONTEXT)
@click.argument("row_id")
@click.option("--dry-run", is_flag=True, help="Check the removal without writing.")
@package_option
@reports_errors
def remove(row_id: str, dry_run: bool, package: str | None) -> None:
    """Remove a row by its ID; refused while other rows refer to it.

    Removing a released ID needs a major release.

    Example:

    \b
        rcmc remove mi-171e-2017-vk-2500 --dry-run
    """
    from rcmc.records import remove_row

    change = remove_row(row_id, package, dry_run=dry_run)
    for table in change.rows:
        click.echo(f"{'would remove' if dry_run else 'removed'} {table} {row_id}")
    _print_files(change.files)


@cli.command(context_settings=CONTEXT)
@click.argument("row_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@package_option
@reports_errors
def show(row_id: str, fmt: str, package: str | None) -> None:
    """Show one row, found by its ID in any table, with the rows it cites and the rows citing it.

    A row's sources are listed with their URLs; an agreement lists its equipment line items.

    Example:

    \b
        rcmc show joint-sea-2019
    """
    import json

    from rcmc.lookup import show_row

    view = show_row(row_id, package)
    click.echo(json.dumps(view.to_dict(), ensure_ascii=False, indent=2) if fmt == "json" else view.to_text())


@cli.command("list", context_settings=CONTEXT)
@click.argument("table")
@click.option(
    "--where",
    "wheres",
    multiple=True,
    metavar="COLUMN=VALUE",
    help="Keep rows where COLUMN is VALUE, or for a list column contains it (repeatable).",
)
@click.option("--year", type=int, help="Keep rows of this year (the table's year column: start, signing, order, publication).")
@click.option("--since", type=int, help="Keep rows of this year or later.")
@click.option("--until", type=int, help="Keep rows of this year or earlier.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@package_option
@reports_errors
def list_command(
    table: str, wheres: tuple[str, ...], year: int | None, since: int | None, until: int | None, fmt: str, package: str | None
) -> None:
    """List the rows of a table, optionally filtered.

    `table` shows the key columns; `csv` and `json` give every column, typed as `rcmc export` writes them.

    Example:

    \b
        rcmc list exercises --where participants=IND --since 2019 --until 2024
    """
    from rcmc.lookup import list_rows

    listing = list_rows(table, _parse_sets(wheres), year, package, since=since, until=until)
    if fmt == "csv":
        click.echo(listing.to_csv(), nl=False)
    elif fmt == "json":
        click.echo(listing.to_json(), nl=False)
    else:
        click.echo(listing.to_text())


@cli.command(context_settings=CONTEXT)
@click.option(
    "--format",
    "formats",
    multiple=True,
    required=True,
    type=click.Choice(["csv", "safe-csv", "json", "parquet", "sqlite", "xlsx", "all"]),
    help="Format to write (repeatable).",
)
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Output folder: new, empty, or an earlier rcmc export."
)
@package_option
@reports_errors
def export(formats: tuple[str, ...], out: str, package: str | None) -> None:
    """Write release artifacts: CSV package, JSON, Parquet, SQLite, XLSX, or all plus a zip with SHA-256 sums.

    A non-empty folder that rcmc did not export into is refused (exit 2) and left untouched;
    exporting again replaces the earlier files of the same formats.

    Example:

    \b
        rcmc export --format all --out dist/
    """
    from rcmc.export import export_package

    for path in export_package(formats, out, package):
        click.echo(str(path))


@cli.command("diff", context_settings=CONTEXT)
@click.argument("old")
@click.argument("new", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@package_option
@reports_errors
def diff_command(old: str, new: str | None, fmt: str, package: str | None) -> None:
    """Row-level changes between two versions: releases, git revisions or package folders (NEW: working tree).

    A release (`0.1.0` or `v0.1.0`) is its tag if there is one, else the commit that recorded
    that version, so no tags are needed. Exits 0 whether or not anything changed; breaking
    changes (removed IDs or columns) are flagged; exits 2 when a version cannot be read.

    Example:

    \b
        rcmc diff 0.1.0 --format markdown
    """
    from rcmc.diff import diff, render_diff

    click.echo(render_diff(diff(old, new, package), fmt))


@cli.command(context_settings=CONTEXT)
@click.option(
    "--bump",
    type=click.Choice(["major", "minor", "patch"]),
    default=None,
    help="Version part to bump (default: chosen from the diff since the last release).",
)
@click.option("--dry-run", is_flag=True, help="Print the CHANGELOG entry without writing anything.")
@click.option("--no-tag", is_flag=True, help="Do not commit the release files or create the git tag.")
@click.option("--out", default=None, type=click.Path(file_okay=False), help="Where to build artifacts (default: dist/).")
@package_option
@reports_errors
def release(bump: str | None, dry_run: bool, no_tag: bool, out: str | None, package: str | None) -> None:
    """Cut a release: new version, CHANGELOG entry from the data diff, released-ids.json, artifacts.

    Refuses unless the package validates, and refuses a breaking change without --bump major.
    In a git repository with the package committed, commits the release files and creates
    the annotated tag vX.Y.Z (push it with `git push origin vX.Y.Z`).

    Example:

    \b
        rcmc release --dry-run
    """
    from rcmc.export import export_package
    from rcmc.outdir import read_manifest
    from rcmc.package import open_package
    from rcmc.release import release as cut_release

    root = open_package(package).root
    artifacts = Path(out) if out else root / "dist"
    if not dry_run:
        read_manifest(artifacts, "export")  # refuse an unusable folder before the release writes anything
    result = cut_release(bump, package, dry_run=dry_run, tag=not no_tag)
    click.echo(result.entry)
    if not dry_run:
        _print_files(result.files)
        export_package(["all"], artifacts, root)
        if result.tag:
            click.echo(f"released {result.version}: committed and tagged {result.tag} (`git push origin {result.tag}`)")
        else:
            click.echo(
                f"released {result.version}, not tagged ({result.untagged_reason}): commit it, then "
                f"`git tag -a v{result.version} -m 'Release {result.version}'`"
            )


@cli.command(context_settings=CONTEXT)
@click.argument(
    "name",
    type=click.Choice(
        ["exercises-per-year", "equipment-delivered", "agreements-timeline", "confidence-per-year", "contacts-per-year"]
    ),
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output file: .svg, .png or .html.")
@click.option("--force", is_flag=True, help="Replace --out even if it is not a chart rcmc wrote.")
@package_option
@reports_errors
def chart(name: str, out: str, force: bool, package: str | None) -> None:
    """Draw a chart of the dataset to an SVG, PNG or standalone HTML file.

    An existing file is replaced only if rcmc wrote it as a chart, or with --force.

    Example:

    \b
        rcmc chart exercises-per-year --out exercises.svg
    """
    from rcmc.charts import write_chart

    click.echo(str(write_chart(name, out, package, force=force)))


@cli.command(context_settings=CONTEXT)
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Folder for the site: new, empty, or an earlier rcmc site."
)
@package_option
@reports_errors
def site(out: str, package: str | None) -> None:
    """Build a static website: home page with charts and downloads, searchable tables, a page per row, the codebook.

    A non-empty folder that rcmc did not build is refused (exit 2) and left untouched; a
    rebuild replaces only the files the previous build wrote (listed in .rcmc-output.json).

    Example:

    \b
        rcmc site --out site/
    """
    from rcmc.site import build_site

    click.echo(str(build_site(out, package)))


@cli.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@package_option
@reports_errors
def serve(host: str, port: int, package: str | None) -> None:
    """Browse and query the data in datasette (SQLite export with descriptions and facets).

    Example:

    \b
        rcmc serve --port 8001
    """
    from rcmc.serve import serve as run_datasette

    sys.exit(run_datasette(package, host, port))


@cli.command(context_settings=CONTEXT)
@click.option("--out", default=None, type=click.Path(file_okay=False), help="Folder for the codebook (default: docs/).")
@package_option
@reports_errors
def docs(out: str | None, package: str | None) -> None:
    """Write the codebook (Markdown and HTML) from the schemas and the data.

    Example:

    \b
        rcmc docs
    """
    from rcmc.codebook import write_codebook

    _print_files(write_codebook(package, out))


def main() -> None:
    """Entry point of the `rcmc` console script."""
    cli(prog_name="rcmc")
