"""Locate a data package and read its descriptor and table schemas."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from rcmc.errors import DescriptorError, PackageNotFound, ReadOnlyPackage, UnknownTable

DESCRIPTOR = "datapackage.json"
ENV_VAR = "RCMC_PACKAGE"


LIST_DELIMITER = ";"


@dataclass(frozen=True)
class Reference:
    """A foreign key: `column` of this table names a row of `resource` by its `field`; `many` for a `;`-list."""

    column: str
    resource: str
    field: str
    many: bool = False


@dataclass(frozen=True)
class Column:
    """What a Table Schema field means, read once from its descriptor (see docs/schema-extensions.md).

    Standard properties: `type` (`list` with `delimiter` and `itemType` for `;`-lists) and
    `constraints`. Custom properties: `partialDate`, `countryCode`, `itemPattern`,
    `itemReference` and `mustInclude`.
    """

    name: str
    type: str
    descriptor: dict
    constraints: dict
    is_list: bool
    partial_date: bool
    country_code: bool
    item_pattern: str | None
    must_include: tuple[str, ...]

    @classmethod
    def from_descriptor(cls, descriptor: dict) -> Column:
        """The column a field descriptor declares."""
        kind = descriptor.get("type", "string")
        return cls(
            name=descriptor["name"],
            type=kind,
            descriptor=descriptor,
            constraints=dict(descriptor.get("constraints", {})),
            is_list=kind == "list",
            partial_date=bool(descriptor.get("partialDate")),
            country_code=bool(descriptor.get("countryCode")),
            item_pattern=descriptor.get("itemPattern"),
            must_include=tuple(descriptor.get("mustInclude", ())),
        )

    @property
    def storage_type(self) -> str:
        """The type cells are checked as: a list is its delimited text until it is loaded."""
        return "string" if self.is_list else self.type

    def items(self, text: str | None) -> list[str]:
        """The items of a list cell (a one-item list for a scalar cell; [] when empty)."""
        if not text:
            return []
        return text.split(LIST_DELIMITER) if self.is_list else [text]


@dataclass(frozen=True)
class Resource:
    """One table of the package: its name, CSV path and Table Schema, with each column's meaning."""

    name: str
    relpath: str
    path: Path
    schema: dict

    @property
    def fields(self) -> list[dict]:
        """The schema's field descriptors, in column order."""
        return self.schema["fields"]

    @property
    def field_names(self) -> list[str]:
        """Column names in schema order."""
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> str:
        """The single-column primary key."""
        key = self.schema.get("primaryKey")
        return key[0] if isinstance(key, list) else key

    def field(self, name: str) -> dict:
        """The field descriptor called `name`."""
        for f in self.fields:
            if f["name"] == name:
                return f
        raise KeyError(name)

    @cached_property
    def columns(self) -> dict[str, Column]:
        """Every column's meaning, by name, in schema order."""
        return {f["name"]: Column.from_descriptor(f) for f in self.fields}

    def column(self, name: str) -> Column:
        """The column called `name`."""
        return self.columns[name]

    @property
    def list_columns(self) -> list[str]:
        """Columns holding `;`-separated lists."""
        return [c.name for c in self.columns.values() if c.is_list]

    @property
    def date_columns(self) -> list[str]:
        """Columns holding partial ISO dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`)."""
        return [c.name for c in self.columns.values() if c.partial_date]

    @property
    def country_columns(self) -> list[str]:
        """Columns whose values (or list items) are ISO 3166-1 alpha-3 codes."""
        return [c.name for c in self.columns.values() if c.country_code]

    @cached_property
    def references(self) -> list[Reference]:
        """Foreign keys: the standard `foreignKeys` and the list-valued `itemReference` fields."""
        found = []
        for key in self.schema.get("foreignKeys", []):
            target = key["reference"]
            # Table Schema: an empty resource name refers to this table itself
            found.append(Reference(_first(key["fields"]), target["resource"] or self.name, _first(target["fields"])))
        for column in self.columns.values():
            target = column.descriptor.get("itemReference")
            if target:
                found.append(Reference(column.name, target["resource"], target["field"], many=column.is_list))
        return found

    @property
    def year_column(self) -> str | None:
        """The column that dates a row, for per-year counts and `--year` (schema property `yearField`)."""
        return self.schema.get("yearField")

    @property
    def facets(self) -> list[str]:
        """Columns worth counting and filtering by, most useful first (schema property `facets`)."""
        return list(self.schema.get("facets", []))

    @property
    def display_columns(self) -> list[str]:
        """The columns a table listing shows first (schema property `displayFields`)."""
        return list(self.schema.get("displayFields", self.field_names[:4]))

    @property
    def id_columns(self) -> list[str]:
        """Columns a new row's ID is proposed from; a date contributes its year (schema property `idFrom`)."""
        return list(self.schema.get("idFrom", []))

    @property
    def duplicate_columns(self) -> list[str]:
        """Columns whose values, equal in two rows, mean the rows record the same thing (schema property
        `sameRecord`, default `idFrom`)."""
        return list(self.schema.get("sameRecord", self.id_columns))

    @property
    def must_be_cited(self) -> bool:
        """Whether every row must be referenced by a row of another table (schema property `mustBeCited`)."""
        return bool(self.schema.get("mustBeCited"))


def _first(fields: str | list[str]) -> str:
    return fields[0] if isinstance(fields, list) else fields


@dataclass(frozen=True)
class Package:
    """A data package on disk: root folder, descriptor and resources by name."""

    root: Path
    descriptor: dict
    resources: dict[str, Resource] = field(default_factory=dict)

    @property
    def descriptor_path(self) -> Path:
        """Path of the package's datapackage.json."""
        return self.root / DESCRIPTOR

    @property
    def version(self) -> str:
        """The dataset's semantic version."""
        return str(self.descriptor.get("version", "0.0.0"))

    def resource(self, name: str) -> Resource:
        """The resource called `name`, or UnknownTable."""
        try:
            return self.resources[name]
        except KeyError:
            known = ", ".join(sorted(self.resources))
            raise UnknownTable(f"no table {name!r} in the package (tables: {known})") from None


BUNDLE = Path(__file__).resolve().parent / "_bundle"
CONTRIBUTE_HINT = "clone the repository to contribute"


def bundled_root() -> Path | None:
    """Folder of the package shipped with the installed wheel (or the source checkout)."""
    for candidate in (BUNDLE, BUNDLE.parent.parent.parent):
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    return None


def dataset_name() -> str | None:
    """The `name` in the bundled descriptor: which packages are this dataset."""
    bundled = bundled_root()
    return None if bundled is None else _descriptor_field(bundled / DESCRIPTOR, "name")


def _descriptor_field(path: Path, key: str) -> str | None:
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = descriptor.get(key) if isinstance(descriptor, dict) else None
    return value if isinstance(value, str) else None


def _is_this_dataset(descriptor_path: Path) -> bool:
    """Same `name` as the bundled descriptor; an unreadable descriptor counts, so its error is reported."""
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return not isinstance(descriptor, dict) or descriptor.get("name") == dataset_name()


def locate(path: str | os.PathLike | None = None) -> Path:
    """Find the descriptor of the package to work on.

    In order: `path`, else $RCMC_PACKAGE, else the first datapackage.json walking up
    from the current folder if it is this dataset (same `name` as the bundled one),
    else the bundled package. Someone else's data package above the working folder
    is never used by default.
    """
    explicit = path if path is not None else os.environ.get(ENV_VAR) or None
    if explicit is not None:
        return _explicit(explicit)
    found = _walk_up(Path.cwd())
    bundled = bundled_root()
    if found is not None and (bundled is None or _is_this_dataset(found)):
        return found
    if bundled is None:
        raise PackageNotFound(f"no {DESCRIPTOR} in this folder or its parents, and no bundled package")
    return bundled / DESCRIPTOR


def _explicit(path: str | os.PathLike) -> Path:
    candidate = Path(path)
    if candidate.is_dir():
        candidate = candidate / DESCRIPTOR
    if not candidate.is_file():
        raise PackageNotFound(f"no {DESCRIPTOR} at {candidate}")
    return candidate.resolve()


def _walk_up(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / DESCRIPTOR).is_file():
            return (folder / DESCRIPTOR).resolve()
    return None


def open_package(path: str | os.PathLike | None = None) -> Package:
    """Read the package found by `locate(path)`; raise DescriptorError if it is malformed."""
    descriptor_path = locate(path)
    descriptor = _read_json(descriptor_path, "the package descriptor")
    root = descriptor_path.parent
    raw_resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(raw_resources, list) or not raw_resources:
        raise DescriptorError(f"{descriptor_path}: 'resources' must be a non-empty list")
    resources = {}
    for index, raw in enumerate(raw_resources):
        resource = _read_resource(root, raw, f"{descriptor_path}: resources[{index}]")
        resources[resource.name] = resource
    return Package(root=root, descriptor=descriptor, resources=resources)


def _read_resource(root: Path, raw: object, where: str) -> Resource:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not isinstance(raw.get("path"), str):
        raise DescriptorError(f"{where}: each resource needs a 'name' and a 'path'")
    relative = PurePosixPath(raw["path"])
    if relative.is_absolute() or ".." in relative.parts or "\\" in raw["path"] or ":" in raw["path"]:
        raise DescriptorError(f"{where}: path {raw['path']!r} must be a relative path inside the package folder")
    schema = raw.get("schema")
    if isinstance(schema, str):
        schema = _read_json(root / schema, f"the schema of {raw['name']}")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        raise DescriptorError(f"{where}: resource {raw['name']!r} needs a Table Schema with 'fields'")
    return Resource(name=raw["name"], relpath=raw["path"], path=root / raw["path"], schema=schema)


def _read_json(path: Path, what: str) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DescriptorError(f"{path}: {what} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DescriptorError(f"{path}: {what} is not valid JSON: {error}") from None


def open_writable(path: str | os.PathLike | None = None) -> Package:
    """Open the package for a command that changes it; the bundled copy is refused (ReadOnlyPackage)."""
    package = open_package(path)
    refuse_bundled(package.root)
    return package


def refuse_bundled(target: Path) -> None:
    """Raise ReadOnlyPackage if `target` is inside the copy bundled with the installed wheel."""
    resolved, bundle = target.resolve(), BUNDLE.resolve()
    if resolved != bundle and bundle not in resolved.parents:
        return
    homepage = _descriptor_field(bundle / DESCRIPTOR, "homepage")
    raise ReadOnlyPackage(
        f"{bundle} is the copy of the dataset bundled with the installed package and is never changed; "
        f"{CONTRIBUTE_HINT}{': ' + homepage if homepage else ''} (or point --package / RCMC_PACKAGE at a copy)"
    )
