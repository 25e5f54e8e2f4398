"""Typed errors raised by the library, each with the exit code the CLI gives it; only the CLI prints them.

Exit codes: 1 for data that breaks a rule (the problems are attached), 2 for a package,
revision, argument or installation that cannot be used at all.
"""

from __future__ import annotations


class RcmcError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, problems: list | None = None, notes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or []
        self.notes = tuple(notes)  # what was done to the input before it was refused (values normalised, say)


class PackageNotFound(RcmcError):
    """No datapackage.json was found where one was looked for."""

    exit_code = 2


class DescriptorError(RcmcError):
    """datapackage.json or a schema it references is unreadable or malformed."""

    exit_code = 2


class UnknownTable(RcmcError):
    """No such table in the package."""

    exit_code = 2


class UnknownRow(RcmcError):
    """No row with that ID in any table."""


class InvalidRow(RcmcError):
    """A row was rejected because the package would not validate with it; `problems` says why."""


class TableUnreadable(RcmcError):
    """A table has structural or type problems and cannot be read or loaded; `problems` says why."""


class RevisionNotFound(RcmcError):
    """A git revision or release version is not in this repository (a shallow clone may lack it)."""

    exit_code = 2


class UsageError(RcmcError):
    """Arguments that cannot work together or cannot be parsed."""

    exit_code = 2


class ReadOnlyPackage(RcmcError):
    """A write was asked of the package bundled with the installed wheel, which is never changed."""

    exit_code = 2


class MissingDependency(UsageError):
    """An optional dependency (an extra) is needed for this and is not installed."""


class OutputRefused(RcmcError):
    """Writing the output would delete or overwrite a file rcmc did not write; nothing was touched."""

    exit_code = 2
