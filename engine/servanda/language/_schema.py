"""JSON Schemas of servanda's file types, generated from the pydantic models, for editors and CI.

An editor that knows a file's schema (``# yaml-language-server: $schema=…`` on its first
line) completes keys and flags unknown ones as one types. The schemas only mirror the
models: cross-references (kinds, fields, parties) are still the compiler's job.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ._models import Scenario, Treaty, Vocabulary, World


DIALECT = "https://json-schema.org/draft/2020-12/schema"

# (file type, model): the order in which they are written and listed.
FILE_TYPES: tuple[tuple[str, type[BaseModel]], ...] = (
    ("treaty", Treaty),
    ("vocabulary", Vocabulary),
    ("world", World),
    ("scenario", Scenario),
)


# Events stay raw mappings in the models (their fields depend on the vocabulary); what every event
# has, whatever its kind, is described here so that editors still check ids, dates and kinds.
_RAW_MAPPING = {"additionalProperties": True, "type": "object"}


def _event_schema() -> dict[str, Any]:
    """What every event has, whatever its kind."""
    return {
        "additionalProperties": True,
        "description": "One event: its id, date and kind, then the fields its kind declares in the vocabulary "
                       "(those are checked by servanda, not by this schema).",
        "properties": {
            "date": {"format": "date", "title": "Date", "type": "string"},
            "id": {"title": "Id", "type": ["string", "integer"]},
            "kind": {"title": "Kind", "type": "string"},
            "note": {"title": "Note", "type": "string"},
            "source": {"title": "Source", "type": "string"},
        },
        "required": ["id", "date", "kind"],
        "title": "Event",
        "type": "object",
    }


def schema_name(kind: str) -> str:
    """The file name of a file type's schema: ``treaty.schema.json``."""
    return f"{kind}.schema.json"


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file type: ``treaty``, ``vocabulary``, ``world`` or ``scenario``."""
    model = dict(FILE_TYPES)[kind]
    schema = model.model_json_schema(mode="validation")
    if _describe_events(schema):
        schema.setdefault("$defs", {})["Event"] = _event_schema()
    # A relative $id resolves to the schema's own address wherever it is read from,
    # so editors resolve the "#/$defs/…" references inside it without a network.
    schema["$id"] = schema_name(kind)
    schema["$schema"] = DIALECT
    schema["title"] = f"servanda {kind} file"
    return schema


def _describe_events(node: Any) -> bool:
    """Point every list of raw mappings (in the models, only lists of events) at the Event schema; whether any was found."""
    found = False
    if isinstance(node, dict):
        if node.get("type") == "array" and node.get("items") == _RAW_MAPPING:
            node["items"] = {"$ref": "#/$defs/Event"}
            found = True
        for value in node.values():
            found = _describe_events(value) or found
    elif isinstance(node, list):
        for value in node:
            found = _describe_events(value) or found
    return found
