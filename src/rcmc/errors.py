"""Typed errors raised by the library; only the CLI turns them into messages and exit codes."""


class RcmcError(Exception):
    """Base class of every error the library raises on purpose."""


class PackageNotFound(RcmcError):
    """No datapackage.json was found where one was looked for."""


class DescriptorError(RcmcError):
    """datapackage.json or a schema it references is unreadable or malformed."""


class UnknownTable(RcmcError):
    """No such table in the package."""


class UnknownRow(RcmcError):
    """No row with that ID in any table."""


class InvalidRow(RcmcError):
    """A row was rejected because the package would not validate with it."""

    def __init__(self, message: str, problems: list) -> None:
        super().__init__(message)
        self.problems = problems


class UsageError(RcmcError):
    """Arguments that cannot work together or cannot be parsed."""


class OutputRefused(RcmcError):
    """Writing the output would delete or overwrite a file rcmc did not write; nothing was touched."""
