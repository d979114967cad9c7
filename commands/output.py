"""Where a command writes a file: a regular file that is none of the files it reads."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from commands.errors import CliError

__all__ = ["write_file"]


def write_file(path: Path, data: bytes, inputs: Sequence[Path | None], what: str) -> None:
    """Write `data` to `path`, a regular file that is none of the command's `inputs` (it would be
    read and overwritten at once); a pipe, a device or a directory is refused without waiting."""
    for given in inputs:
        with contextlib.suppress(OSError):
            if given is not None and path.exists() and os.path.samefile(path, given):
                raise CliError(f"-o {path}: that is the file read ({given}); write the {what} elsewhere")
    irregular = CliError(f"-o {path}: not a regular file (a pipe, a device or a directory); give a file name")
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise irregular
    try:  # without waiting: a pipe put there since is refused at once (no reader) or below
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        raise CliError(f"-o {path}: cannot write the {what} ({exc.strerror or exc})") from None
    with os.fdopen(fd, "wb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise irregular
        try:
            os.ftruncate(fd, 0)
            handle.write(data)
        except OSError as exc:
            raise CliError(f"-o {path}: cannot write the {what} ({exc.strerror or exc})") from None
