"""Write output files (reports, images); a failure is a located diagnostic, never a traceback."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic
from ..errors import DiagnosticError


def write_file(path: Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` and return it; raise SV241 when it cannot be written."""
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        raise DiagnosticError([Diagnostic(str(path), 1, 1, "SV241", f"cannot write the file: {exc.strerror or exc}",
                                          "check that the folder exists and is writable")]) from None
    return path
