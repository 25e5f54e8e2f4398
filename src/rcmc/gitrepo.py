"""The few git operations the package needs: read files at a revision, walk a file's history, commit and tag."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from rcmc.errors import RcmcError


class GitError(RcmcError):
    """A git command the package relies on failed."""


@dataclass(frozen=True)
class Repo:
    """A git work tree, seen from a folder inside it (`prefix`: that folder, relative to the top)."""

    top: Path
    prefix: PurePosixPath

    @classmethod
    def containing(cls, folder: str | os.PathLike) -> Repo | None:
        """The repository whose work tree holds `folder`, or None (not in a repository, or git missing)."""
        try:
            result = subprocess.run(
                ["git", "-C", str(folder), "rev-parse", "--show-toplevel", "--show-prefix"], capture_output=True, text=True
            )
        except OSError:
            return None
        if result.returncode:
            return None
        top, _, prefix = result.stdout.partition("\n")
        return cls(top=Path(top), prefix=PurePosixPath(prefix.strip() or "."))

    def run(self, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        """Run `git args` at the top of the work tree; bytes in and out, never raises on a failure."""
        return subprocess.run(["git", "-C", str(self.top), *args], input=stdin, capture_output=True)

    def path(self, relative: str) -> str:
        """`relative` (to the folder the repository was found from) as a path from the top."""
        return (self.prefix / relative).as_posix()

    def commit(self, revision: str) -> str | None:
        """The full hash of the commit `revision` names, or None."""
        result = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
        if result.returncode:
            return None
        return result.stdout.decode().strip() or None

    def is_shallow(self) -> bool:
        """True in a shallow clone, whose history stops early."""
        return self.run("rev-parse", "--is-shallow-repository").stdout.decode().strip() == "true"

    def shallow_hint(self) -> str:
        """A hint to fetch the full history, or "" when the clone already has it."""
        return " (this is a shallow clone: `git fetch --unshallow --tags` fetches the rest)" if self.is_shallow() else ""

    def commits_touching(self, relative: str) -> list[str]:
        """Hashes of the commits that changed `relative`, oldest first."""
        result = self.run("log", "--reverse", "--format=%H", "--", self.path(relative))
        return result.stdout.decode().split() if result.returncode == 0 else []

    def read_files(self, revision: str, relatives: list[str]) -> list[bytes | None]:
        """The contents of each file at `revision` (None where it is missing or not a file)."""
        return self.read_blobs([(revision, relative) for relative in relatives])

    def read_blobs(self, wanted: list[tuple[str, str]]) -> list[bytes | None]:
        """The contents of each (revision, file), None where missing or not a file, in one git call."""
        if not wanted:
            return []
        specs = "".join(f"{revision}:{self.path(relative)}\n" for revision, relative in wanted).encode()
        result = self.run("cat-file", "--batch", stdin=specs)
        if result.returncode:
            raise GitError(f"git cat-file failed: {result.stderr.decode().strip()}")
        return _parse_batch(result.stdout, len(wanted))

    def changed(self, relatives: list[str]) -> list[str]:
        """Those of `relatives` with uncommitted changes (untracked included), as `git status` lists them."""
        result = self.run("status", "--porcelain", "--untracked-files=all", "--", *(self.path(r) for r in relatives))
        return result.stdout.decode().splitlines()

    def commit_and_tag(self, relatives: list[str], tag: str, message: str) -> None:
        """Commit exactly `relatives` with `message`, then create the annotated tag `tag` on that commit."""
        paths = [self.path(r) for r in relatives]
        for args in (("add", "--", *paths), ("commit", "-q", "-m", message, "--", *paths), ("tag", "-a", tag, "-m", message)):
            result = self.run(*args)
            if result.returncode:
                raise GitError(f"git {args[0]} failed: {result.stderr.decode().strip()}")


def _parse_batch(output: bytes, count: int) -> list[bytes | None]:
    """Split `git cat-file --batch` output: per object, a header line, then (for a found object) its bytes."""
    contents: list[bytes | None] = []
    position = 0
    for _ in range(count):
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] in (b"blob", b"tree", b"commit", b"tag"):
            size = int(header[2])
            contents.append(output[position : position + size] if header[1] == b"blob" else None)
            position += size + 1
        else:
            contents.append(None)
    return contents
