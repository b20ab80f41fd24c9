"""JSON Schemas of servanda's file types, generated from the pydantic models, for editors and CI.

An editor that knows a file's schema (``# yaml-language-server: $schema=…`` on its first
line) completes keys and flags unknown ones as one types. The schemas only mirror the
models: cross-references (kinds, fields, parties) are still the compiler's job.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .diagnostics import Diagnostic, DiagnosticError
from .model import Scenario, Treaty, Vocabulary, World

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# (file type, model): the order in which they are written and listed.
FILE_TYPES: tuple[tuple[str, type[BaseModel]], ...] = (
    ("treaty", Treaty),
    ("vocabulary", Vocabulary),
    ("world", World),
    ("scenario", Scenario),
)


def schema_name(kind: str) -> str:
    """The file name of a file type's schema: ``treaty.schema.json``."""
    return f"{kind}.schema.json"


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file type: ``treaty``, ``vocabulary``, ``world`` or ``scenario``."""
    model = dict(FILE_TYPES)[kind]
    schema = model.model_json_schema(mode="validation")
    # A relative $id resolves to the schema's own address wherever it is read from,
    # so editors resolve the "#/$defs/…" references inside it without a network.
    schema["$id"] = schema_name(kind)
    schema["$schema"] = DIALECT
    schema["title"] = f"servanda {kind} file"
    return schema


def schema_text(kind: str) -> str:
    """A file type's schema as stable JSON text: sorted keys, two-space indent, final newline."""
    return json.dumps(schema_for(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every file type's schema into ``folder`` (created if missing); return the paths written."""
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for kind, _ in FILE_TYPES:
            path = folder / schema_name(kind)
            path.write_text(schema_text(kind), encoding="utf-8")
            written.append(path)
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else str(folder)
        raise DiagnosticError([Diagnostic(where, 1, 1, "SV241", f"cannot write the schemas: {exc.strerror}",
                                          "pass --out with a folder you can write to")]) from None
    return written
