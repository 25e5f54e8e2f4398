"""Charts of the dataset (altair, rendered to SVG/PNG by vl-convert or to standalone HTML)."""

from __future__ import annotations

import os
import re
import struct
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

import polars as pl

from rcmc.errors import MissingDependency, OutputRefused, UsageError
from rcmc.loader import package_frames
from rcmc.package import Package, open_package

FORMATS = (".svg", ".png", ".html")
CHARTS_EXTRA = "pip install 'russia-china-military-cooperation[charts]'"
WIDTH, HEIGHT = 640, 300


def _year(package: Package, table: str) -> pl.Expr:
    """The year of each row of `table`, from its declared year column (a partial date or an integer year)."""
    resource = package.resource(table)
    column = resource.year_column
    return (pl.col(column).dt.year() if column in resource.date_columns else pl.col(column)).cast(pl.Int32).alias("year")


def _rows_per_year(
    package: Package, frames: dict[str, pl.DataFrame], table: str, by: str, count: str, titles: dict[str, str]
) -> tuple[list[dict], dict]:
    """A bar chart counting the rows of `table` per year, stacked by the column `by`; `titles` gives the chart's
    title and subtitle and the axis and legend titles (`y`, `color`)."""
    data = frames[table].group_by(_year(package, table), pl.col(by).cast(pl.Utf8)).len(count).sort("year", by)
    spec = {
        "title": titles["title"],
        "subtitle": titles["subtitle"],
        "x": ("year:O", "Year"),
        "y": (f"{count}:Q", titles["y"]),
        "color": (f"{by}:N", titles["color"]),
        "mark": "bar",
        "years": _span(data["year"]),
    }
    return data.to_dicts(), spec


def _exercises_per_year(package: Package, frames: dict[str, pl.DataFrame]) -> tuple[list[dict], dict]:
    return _rows_per_year(package, frames, "exercises", "framework", "events", {
        "title": "Joint exercises and patrols per year, by framework",
        "subtitle": "Bilateral events apart from SCO and wider multilateral ones (filter by framework or forces in the data).",
        "y": "Events",
        "color": "Framework",
    })  # fmt: skip


def _equipment_delivered(package: Package, frames: dict[str, pl.DataFrame]) -> tuple[list[dict], dict]:
    equipment = frames["equipment"]
    if "part_of" in equipment.columns:  # a row restating part of another's quantity is not counted twice
        equipment = equipment.filter(pl.col("part_of").is_null())
    delivered = equipment.filter(pl.col("quantity_delivered").is_not_null() & pl.col("delivery_first_year").is_not_null())
    # an item with an unknown last delivery year cannot be spread over its years: it is left out, and the subtitle says so
    items = delivered.filter(pl.col("delivery_last_year").is_not_null())
    open_ended = delivered.filter(pl.col("delivery_last_year").is_null())
    spread = (
        items.with_columns(
            pl.int_ranges("delivery_first_year", pl.col("delivery_last_year") + 1).alias("year"),
            (pl.col("quantity_delivered") / (pl.col("delivery_last_year") - pl.col("delivery_first_year") + 1)).alias("units"),
        )
        .explode("year")
        .group_by("year", pl.col("category").cast(pl.Utf8))
        .agg(pl.col("units").sum().round(1))
        .sort("year", "category")
    )
    left_out = (
        f"Left out: {open_ended.height} item(s) whose last delivery year is unknown "
        f"({open_ended['quantity_delivered'].sum()} units: {', '.join(open_ended['designation'].to_list())})."
        if open_ended.height
        else "No delivered item is left out for an unknown last delivery year."
    )
    spec = {
        "title": "Equipment delivered per year, by category",
        "subtitle": [
            "Line items with a delivered quantity and known first and last delivery years, the quantity spread evenly over them.",
            left_out,
        ],
        "x": ("year:O", "Year"),
        "y": ("units:Q", "Units delivered"),
        "color": ("category:N", "Category"),
        "mark": "bar",
        "years": _span(spread["year"]),
    }
    return spread.to_dicts(), spec


def _span(years: pl.Series) -> list[int]:
    """Every year from the first to the last of `years`, so a year with nothing in it shows as zero, not as no year."""
    known = years.drop_nulls()
    return list(range(int(known.min()), int(known.max()) + 1)) if known.len() else []


def _agreements_timeline(package: Package, frames: dict[str, pl.DataFrame]) -> tuple[list[dict], dict]:
    data = (
        frames["agreements"]
        .filter(_year(package, "agreements").is_not_null())
        .group_by(_year(package, "agreements"), pl.col("kind").cast(pl.Utf8))
        .len("agreements")
        .sort("year", "kind")
    )
    spec = {
        "title": "Agreements and contracts by year signed",
        "x": ("year:O", "Year signed"),
        "y": ("kind:N", "Kind"),
        "color": ("kind:N", "Kind"),
        "mark": "circle",
        "size": ("agreements:Q", "Agreements"),
        "years": _span(data["year"]),
    }
    return data.to_dicts(), spec


def _confidence_per_year(package: Package, frames: dict[str, pl.DataFrame]) -> tuple[list[dict], dict]:
    rated = [n for n, r in package.resources.items() if r.year_column and "confidence" in r.field_names]
    parts = [frames[name].select(_year(package, name), "confidence") for name in rated]
    data = (
        pl.concat([p.with_columns(pl.col("confidence").cast(pl.Utf8), pl.col("year").cast(pl.Int32)) for p in parts])
        .drop_nulls("year")
        .group_by("year", "confidence")
        .len("rows")
        .sort("year", "confidence")
    )
    spec = {
        "title": f"Rows per year by confidence ({', '.join(rated)})",
        "x": ("year:O", "Year"),
        "y": ("rows:Q", "Rows"),
        "color": ("confidence:N", "Confidence"),
        "mark": "bar",
        "years": _span(data["year"]),
    }
    return data.to_dicts(), spec


def _contacts_per_year(package: Package, frames: dict[str, pl.DataFrame]) -> tuple[list[dict], dict]:
    return _rows_per_year(package, frames, "contacts", "kind", "contacts", {
        "title": "Military contacts per year, by kind",
        "subtitle": "Visits, meetings, staff talks, commission sessions, port calls, parades, training and education.",
        "y": "Contacts",
        "color": "Kind",
    })  # fmt: skip


CHARTS: dict[str, Callable] = {
    "exercises-per-year": _exercises_per_year,
    "equipment-delivered": _equipment_delivered,
    "agreements-timeline": _agreements_timeline,
    "confidence-per-year": _confidence_per_year,
    "contacts-per-year": _contacts_per_year,
}


def chart_library():
    """The altair module, once altair and vl-convert are known to be installed (the `charts` extra)."""
    try:
        import altair
        import vl_convert  # noqa: F401  (renders SVG and PNG)
    except ImportError:
        raise MissingDependency(f"charts need altair and vl-convert-python, which are not installed: {CHARTS_EXTRA}") from None
    return altair


def build_chart(name: str, path: str | os.PathLike | None = None):
    """The altair chart called `name` for the package at `path`."""
    alt = chart_library()
    if name not in CHARTS:
        raise UsageError(f"no chart {name!r}; charts: {', '.join(CHARTS)}")
    package = open_package(path)
    records, spec = CHARTS[name](package, package_frames(package))
    source = f"Data: {package.descriptor.get('name', 'dataset')} v{package.version}"
    subtitle = spec.get("subtitle", [])
    subtitle = [*([subtitle] if isinstance(subtitle, str) else subtitle), source]
    mark = getattr(alt.Chart(alt.Data(values=records)), f"mark_{spec['mark']}")()
    encoding = {}
    for channel in ("x", "y", "color", "size"):
        if channel in spec:
            field, title = spec[channel]
            extra = {}
            if channel == "x" and spec.get("years"):  # every year on the axis, empty ones included
                extra = {"scale": alt.Scale(domain=spec["years"])}
            if channel == "size":  # counts start at 1: no "0" in the legend
                largest = max([r[field.split(":")[0]] for r in records] or [1])
                extra = {
                    "scale": alt.Scale(domain=[1, max(largest, 2)], range=[40, 400]),
                    "legend": alt.Legend(values=list(range(1, largest + 1)) if largest <= 6 else None, format="d"),
                }
            encoding[channel] = getattr(alt, channel.capitalize())(field, title=title, **extra)
    tooltip = [spec[c][0] for c in ("x", "y", "color", "size") if c in spec]
    chart = mark.encode(**encoding, tooltip=tooltip)
    return chart.properties(title=alt.TitleParams(spec["title"], subtitle=subtitle), width=WIDTH, height=HEIGHT)


def write_chart(name: str, out: str | os.PathLike, path: str | os.PathLike | None = None, force: bool = False) -> Path:
    """Render chart `name` to `out` (.svg, .png or .html), atomically.

    An existing `out` is replaced only if it is a chart rcmc wrote (see `is_rcmc_chart`),
    or with `force`; anything else raises OutputRefused before a write.
    """
    target = Path(out)
    if target.suffix not in FORMATS:
        raise UsageError(f"--out must end in {', '.join(FORMATS)}")
    package = open_package(path)
    _check_overwrite(target, force)
    chart = build_chart(name, package.root)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    try:
        if target.suffix == ".html":
            chart.save(temp, inline=True)
        else:
            chart.save(temp)
        if target.suffix == ".png":
            Path(temp).write_bytes(mark_png(Path(temp).read_bytes()))
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _check_overwrite(target: Path, force: bool) -> None:
    if target.is_dir() and not target.is_symlink():
        raise OutputRefused(f"{target} is a folder; give a file name ending in {', '.join(FORMATS)}")
    if force or not (target.exists() or target.is_symlink()):
        return
    if target.is_symlink() or not is_rcmc_chart(target):
        raise OutputRefused(
            f"{target} exists and is not a chart written by rcmc; choose another file name, or pass --force to replace it"
        )


def is_rcmc_chart(path: Path) -> bool:
    """Whether `path` is a chart rcmc wrote: a PNG with its text chunk, an SVG or HTML file with its data credit."""
    try:
        head = path.read_bytes()
    except OSError:
        return False
    if path.suffix == ".png":
        return head.startswith(PNG_SIGNATURE) and _png_text_chunk() in head
    return re.search(rb"Data: [a-z0-9._-]+ v[0-9]", head) is not None and (
        head.lstrip().startswith(b"<svg") or b"vegaEmbed" in head
    )


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_MARK = b"Software\x00rcmc chart"


def _png_text_chunk() -> bytes:
    body = b"tEXt" + PNG_MARK
    return struct.pack(">I", len(PNG_MARK)) + body + struct.pack(">I", zlib.crc32(body))


def mark_png(data: bytes) -> bytes:
    """The PNG `data` with a `Software: rcmc chart` text chunk after its header chunk."""
    header_end = len(PNG_SIGNATURE) + 4 + 4 + 13 + 4  # length, type, IHDR data, CRC
    return data[:header_end] + _png_text_chunk() + data[header_end:]


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
