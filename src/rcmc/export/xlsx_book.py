"""XLSX export: a sheet per table with autofilters, a README sheet with the citation and schemas; no text becomes a formula."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from rcmc.package import Package, Resource
from rcmc.rows import current_rows
from rcmc.schema import cell_value

MAX_WIDTH = 60


def write(package: Package, frames: dict, out: Path) -> list[Path]:
    """Write `out/<name>.xlsx`."""
    book = Workbook()
    readme = book.active
    readme.title = "README"
    _write_readme(readme, package)
    for resource in package.resources.values():
        _write_sheet(book.create_sheet(resource.name), resource)
    path = out / f"{package.descriptor.get('name', 'dataset')}.xlsx"
    book.save(path)
    return [path]


def _write_readme(sheet, package: Package) -> None:
    from rcmc.citation import citation_text

    sheet.append([package.descriptor.get("title", ""), f"version {package.version}"])
    sheet.append([package.descriptor.get("description", "")])
    sheet.append(["Cite as", citation_text(package)])
    sheet.append([])
    sheet.append(["table", "column", "type", "description"])
    for resource in package.resources.values():
        for field in resource.fields:
            sheet.append([resource.name, field["name"], field.get("type", "string"), field.get("description", "")])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.column_dimensions["D"].width = 100


def _write_sheet(sheet, resource: Resource) -> None:
    names = resource.field_names
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in current_rows(resource):
        sheet.append([cell_value(resource.field(name), row[name]) for name in names])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # stored as text: a leading = + - @ is never evaluated
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, name in enumerate(names, start=1):
        longest = max([len(name), *(len(str(c.value or "")) for c in sheet[get_column_letter(index)][1:200])])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, longest + 2)
