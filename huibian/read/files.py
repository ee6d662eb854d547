"""Opening a file to read: regular files only, never a hang.

A named pipe waits for a writer, a device (`/dev/zero`, `/dev/random`, a tape) streams
forever or acts on being opened, a socket cannot be read at all: any of them, named
directly or through a symbolic link, would hang or poison an ingest. `open_regular`
refuses them from their `stat` — before opening — and opens with O_NONBLOCK, checking
again on the open file, so a file swapped for a pipe in between cannot block either.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from huibian.models import ReadError

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def _refusal(path: Path, mode: int) -> str:
    via = " (through a symbolic link)" if path.is_symlink() else ""
    if stat.S_ISDIR(mode):
        return f"is a directory{via}, not a file"
    return f"not a regular file: {_kind(mode)}{via}; only regular files are read"


def check_regular(path: Path, name: str, max_bytes: int | None = None) -> os.stat_result:
    """The file's stat when it is a regular file within `max_bytes`; ReadError otherwise.
    Follows symbolic links; opens nothing."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ReadError(name, "no such file" + (" (a broken symbolic link)" if path.is_symlink() else "")) from None
    except OSError as e:
        raise ReadError(name, f"cannot open: {e.strerror or e}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(name, _refusal(path, st.st_mode))
    if max_bytes is not None and st.st_size > max_bytes:
        raise ReadError(name, f"too large: {size_text(st.st_size)}, over the limit of {size_text(max_bytes)}")
    return st


def open_regular(path: Path, name: str, max_bytes: int | None = None) -> BinaryIO:
    """Open a regular file for reading (ReadError for anything else, without blocking)."""
    check_regular(path, name, max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise ReadError(name, f"cannot read: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped since the check
            raise ReadError(name, _refusal(path, st.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} bytes"
