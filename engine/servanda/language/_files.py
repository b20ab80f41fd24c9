"""Opening input files: only regular files, never more than a limit, every failure a located diagnostic.

A device (``/dev/zero``), a pipe with no writer or a socket would be read without end or
wait forever, so they are refused before a byte is read (SV008); ``-`` is the one way to
read standard input, and only where a command says so. YAML files are capped (SV003) at
``Limits.yaml_bytes`` and feeds at ``Limits.line_bytes`` per line; the CLI sets both from
its options or environment with ``reading_limits``.
"""

from __future__ import annotations

import contextlib
import os
import stat
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Iterator

from ..diagnostics import Diagnostic
from ..errors import DiagnosticError

MAX_BYTES = 8 * 1024 * 1024  # a YAML file
MAX_LINE = 1 << 20  # one line of a feed


@dataclass(frozen=True)
class Limits:
    """How much one input may hold: a whole YAML file, and one line of a feed."""

    yaml_bytes: int = MAX_BYTES
    line_bytes: int = MAX_LINE


_LIMITS: ContextVar[Limits] = ContextVar("servanda_limits", default=Limits())


def limits() -> Limits:
    """The limits in force."""
    return _LIMITS.get()


@contextlib.contextmanager
def reading_limits(**changes: Any) -> Iterator[Limits]:
    """Within the block, read with other limits (``yaml_bytes=…``, ``line_bytes=…``)."""
    token = _LIMITS.set(replace(_LIMITS.get(), **changes))
    try:
        yield _LIMITS.get()
    finally:
        _LIMITS.reset(token)


def _refuse(name: str, code: str, message: str, hint: str = "") -> DiagnosticError:
    return DiagnosticError([Diagnostic(name, 1, 1, code, message, hint)])


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path) -> IO[bytes]:
    """The file opened for reading bytes, or a DiagnosticError when it cannot be read or is not a regular file.

    Opened without blocking, so a pipe with no writer is refused rather than waited on.
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except ValueError:  # a NUL in the name
        raise _refuse(name, "SV001", "cannot read the file: its name holds a NUL character") from None
    except IsADirectoryError:
        raise _refuse(name, "SV001", "expected a file, found a directory") from None
    except OSError as exc:
        raise _refuse(name, "SV001", f"cannot read the file: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            if stat.S_ISDIR(mode):
                raise _refuse(name, "SV001", "expected a file, found a directory")
            raise _refuse(name, "SV008", f"expected a regular file, found {_what(mode)}",
                          "save the input to a file first")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The whole of a regular file, refused (SV003) past ``max_bytes`` (default: the YAML limit in force)."""
    cap = limits().yaml_bytes if max_bytes is None else max_bytes
    name = str(path)
    with open_regular(path) as stream:
        size = os.fstat(stream.fileno()).st_size
        try:
            raw = stream.read(cap + 1) if size <= cap else b""
        except OSError as exc:
            raise _refuse(name, "SV001", f"cannot read the file: {exc.strerror or exc}") from None
    if size > cap or len(raw) > cap:
        raise _refuse(name, "SV003", f"file is {max(size, len(raw)):,} bytes; the limit is {cap:,}",
                      "split it into several files, or raise the limit with --max-yaml-bytes")
    return raw


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """A file read as UTF-8, every failure a located diagnostic."""
    raw = read_bytes(path, max_bytes)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DiagnosticError(
            [Diagnostic(str(path), line, col, "SV002", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                        "save the file as UTF-8")]
        ) from None


def _mode(path: Path) -> int:
    """The file's mode, 0 when it cannot even be looked at (a name too long, a NUL in it, a link loop, no permission)."""
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):
        return 0


def is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; False when it cannot be looked at."""
    return stat.S_ISDIR(_mode(path))


def is_regular(path: Path) -> bool:
    """Whether ``path`` is a regular file; False when it cannot be looked at."""
    return stat.S_ISREG(_mode(path))


def scenario_paths(paths: list[Path]) -> list[Path]:
    """Folders expanded into their *.yaml files, sorted; a file named twice (directly or through a folder) is kept once.

    Folders are walked following links, each real folder once, so a link back up the tree
    ends the walk rather than looping, and never into another file system (``/proc`` under
    ``/`` would not end); a file that cannot be resolved (a link loop) is kept as named, and
    reading it reports why.
    """
    out: dict[str, Path] = {}
    for p in paths:
        for path in _yaml_files(p) if is_folder(p) else [p]:
            out.setdefault(_identity(path), path)
    return list(out.values())


def _identity(path: Path) -> str:
    try:
        return str(path.resolve(strict=False))
    except (OSError, RuntimeError):  # a link loop: Python 3.11 raises RuntimeError
        return os.path.abspath(path)


def _yaml_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    device = os.stat(folder).st_dev
    for root, dirs, files in os.walk(folder, followlinks=True):
        try:
            st = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen or st.st_dev != device:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs.sort()
        found.extend(Path(root) / name for name in files if name.endswith(".yaml"))
    return sorted(found)
