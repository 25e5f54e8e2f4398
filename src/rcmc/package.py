"""Locate a data package and read its descriptor and table schemas."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from rcmc.errors import DescriptorError, PackageNotFound, UnknownTable

DESCRIPTOR = "datapackage.json"
ENV_VAR = "RCMC_PACKAGE"


@dataclass(frozen=True)
class Resource:
    """One table of the package: its name, CSV path and Table Schema."""

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


def bundled_root() -> Path | None:
    """Folder of the package shipped with the installed wheel (or the source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_bundle", here.parent.parent):
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    return None


def locate(path: str | os.PathLike | None = None) -> Path:
    """Find the descriptor: `path`, else $RCMC_PACKAGE, else walk up from cwd, else the bundled one."""
    explicit = path if path is not None else os.environ.get(ENV_VAR) or None
    if explicit is not None:
        candidate = Path(explicit)
        if candidate.is_dir():
            candidate = candidate / DESCRIPTOR
        if not candidate.is_file():
            raise PackageNotFound(f"no {DESCRIPTOR} at {candidate}")
        return candidate.resolve()
    for folder in (Path.cwd(), *Path.cwd().parents):
        if (folder / DESCRIPTOR).is_file():
            return (folder / DESCRIPTOR).resolve()
    bundled = bundled_root()
    if bundled is None:
        raise PackageNotFound(f"no {DESCRIPTOR} in this folder or its parents, and no bundled package")
    return bundled / DESCRIPTOR


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
