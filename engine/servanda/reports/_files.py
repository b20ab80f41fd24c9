"""File writers: every file servanda writes (reports, timeline images, JSON Schemas), each failure a located diagnostic."""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Sequence

from ..diagnostics import Diagnostic
from ..engine import Result, RuleSet
from ..errors import DiagnosticError
from ..language import FILE_TYPES, schema_for, schema_name
from ..workbench import Timeline, build_timeline
from ._findings import findings_json, findings_text
from ._json import json_text
from ._markdown import markdown_report, result_slugs
from ._plot import FORMATS, render_timeline
from ._styled import Styled


def write_file(path: Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` and return it; raise SV241 when it cannot be written.

    The file is written whole beside ``path`` under a temporary name, then renamed over it: a reader never
    sees half a file, and a symbolic link at ``path`` is replaced, never followed (nothing is written where
    it points). A device, pipe or socket at ``path`` is refused rather than replaced.
    """
    try:
        replace_file(path, data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise DiagnosticError([Diagnostic(str(path), 1, 1, "SV241", f"cannot write the file: {exc.strerror or exc}",
                                          "check that the folder exists and is writable")]) from None
    return path


def replace_file(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` atomically: a new file beside it (exclusive create), then ``os.replace``; OSError if not."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        found = None
    if found is not None and not (stat.S_ISREG(found.st_mode) or stat.S_ISLNK(found.st_mode)):
        what = "a folder" if stat.S_ISDIR(found.st_mode) else "not a regular file"
        raise OSError(errno.EEXIST, f"{what} is in the way", str(path))
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # Exclusive create and no link followed: the temporary name is new, so nothing else can be written through it.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def save_timeline(timeline: Timeline, path: Path) -> None:
    """Draw ``timeline`` into ``path``; its extension (.png or .svg) chooses the format.

    Raises ``DiagnosticError`` (SV240) for another extension, (SV241) when the file cannot be written.
    """
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        shown = f"'{path.suffix}'" if path.suffix else "no extension"
        raise DiagnosticError([Diagnostic(str(path), 1, 1, "SV240", f"cannot draw a timeline as {shown}",
                                          "name the output FILE.png or FILE.svg")])
    write_file(path, render_timeline(timeline, fmt))


def timeline_image_path(report: Path, label: str) -> Path:
    """Where a scenario's timeline image goes: beside the report, ``<report stem>-<scenario>.svg``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-")
    return report.with_name(f"{report.stem}-{safe}.svg")


def write_markdown(rules: RuleSet, results: Sequence[Result], out: Path) -> list[Path]:
    """The Markdown report into ``out`` and one timeline SVG per result beside it; the paths written, report first."""
    images = [timeline_image_path(out, slug) for slug in result_slugs(results)]
    written = [write_file(out, markdown_report(results, [p.name for p in images]))]
    for result, image in zip(results, images):
        save_timeline(build_timeline(rules, result.scenario, result.findings), image)
        written.append(image)
    return written


def write_report(rules: RuleSet, results: Sequence[Result], fmt: str, out: Path) -> list[Path]:
    """``check``'s report in ``fmt`` (text, json or markdown) into ``out``; the paths written, the report first.

    A Markdown report gets each result's timeline SVG beside it.
    """
    if fmt == "markdown":
        return write_markdown(rules, results, out)
    text = findings_json(results) if fmt == "json" else str(Styled.join(findings_text(r) for r in results))
    return [write_file(out, text + "\n")]


def schema_text(kind: str) -> str:
    """A file type's JSON Schema as the text ``servanda schema`` writes: the one JSON form, with a final newline."""
    return json_text(schema_for(kind)) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every file type's schema into ``folder`` (created if missing); return the paths written."""
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for kind, _ in FILE_TYPES:
            path = folder / schema_name(kind)
            replace_file(path, schema_text(kind).encode("utf-8"))
            written.append(path)
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else str(folder)
        raise DiagnosticError([Diagnostic(where, 1, 1, "SV241", f"cannot write the schemas: {exc.strerror}",
                                          "pass --out with a folder you can write to")]) from None
    return written
