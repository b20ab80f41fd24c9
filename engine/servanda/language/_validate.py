"""Pydantic validation of loaded documents, with errors turned into located diagnostics."""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..diagnostics import Diagnostic, did_you_mean, one_of
from ..errors import DiagnosticError
from ._models import shown
from ._yaml import Document, Key


M = TypeVar("M", bound=BaseModel)

# When a union reports several errors at one place, the most specific one wins.
_PREFERENCE = {"SV104": 0, "SV101": 1, "SV102": 2, "SV103": 3}


def validate(doc: Document, model: type[M], key: Key = ()) -> M:
    """Validate the node at ``key`` of ``doc`` as ``model``, or raise located diagnostics."""
    data = _at(doc.data, key)
    if data is None and not key:
        fields = ", ".join(list(model.model_fields)[:4])
        raise DiagnosticError([doc.diag((), "SV103", f"the file is empty: expected a mapping with keys such as {fields}, …")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DiagnosticError(_diagnostics(doc, model, key, data, exc)) from None


def _at(data: Any, key: Key) -> Any:
    for part in key:
        data = data[part]
    return data


def _diagnostics(doc: Document, model: type[BaseModel], key: Key, data: Any, exc: ValidationError) -> list[Diagnostic]:
    best: dict[Key, Diagnostic] = {}
    for error in exc.errors(include_url=False):
        path = _data_path(data, tuple(error["loc"]), error["type"])
        diag = _one(doc, model, key, path, error)
        old = best.get(path)
        if old is None or _PREFERENCE[diag.code] < _PREFERENCE[old.code]:
            best[path] = diag
    # An error inside a value makes "wrong type" errors on its ancestors redundant.
    ancestors = {p[:i] for p in best for i in range(len(p))}  # by prefixes, not pairs: a file may have thousands of errors
    return [d for p, d in best.items() if p not in ancestors]


def _data_path(data: Any, loc: tuple[Any, ...], kind: str) -> Key:
    """Keep only the parts of a pydantic location that are real keys or indexes of the data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
    if kind in ("extra_forbidden", "missing") and loc and (not path or path[-1] != loc[-1]):
        path.append(loc[-1])
    return tuple(path)


def _one(doc: Document, model: type[BaseModel], key: Key, path: Key, error: Any) -> Diagnostic:
    kind = error["type"]
    where = ".".join(str(p) for p in path) or "the document"
    if kind == "extra_forbidden":
        name = str(path[-1]) if path else "?"
        allowed = _allowed_keys(model, path[:-1])
        hint = did_you_mean(name, allowed) or (one_of(allowed) if allowed else "")
        return doc.diag(key + path, "SV101", f"unknown key '{name}'", hint)
    if kind == "missing":
        name = str(path[-1]) if path else "?"
        return doc.diag(key + path[:-1], "SV102", f"missing required key '{name}'")
    if kind.startswith("date"):
        return doc.diag(key + path, "SV104", f"{where}: {error['msg'].lower()}", "dates are written YYYY-MM-DD")
    if kind == "value_error" and "date" in error["msg"].lower():
        return doc.diag(key + path, "SV104", f"{where}: {_message(error)}", "dates are written YYYY-MM-DD")
    return doc.diag(key + path, "SV103", f"{where}: {_message(error)}")


def _message(error: Any) -> str:
    msg = str(error["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if error["type"] in ("int_type", "bool_type", "int_parsing", "bool_parsing"):
        return f"{msg[0].lower() + msg[1:]}, found {shown(error.get('input'))}"
    if error["type"] in ("tuple_type", "list_type"):
        return f"expected a list, found {_shown(error.get('input'))}"
    if error["type"] in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, found {_shown(error.get('input'))}"
    if error["type"] == "string_pattern_mismatch":
        value = error.get("input")
        pattern = error.get("ctx", {}).get("pattern", "")
        if "A-Z" in pattern:
            return f"{value!r} is not a state code (ISO 3166-1 alpha-3, three capital letters such as KAZ)"
        return f"{value!r} is not a valid identifier (lower-case letters, digits, '_', '-', '.')"
    return msg[0].lower() + msg[1:] if msg else msg


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    return f"{type(value).__name__.replace('dict', 'mapping').replace('str', 'text')} {value!r}"[:80]


def _allowed_keys(model: Any, path: Key) -> list[str]:
    """The keys the model accepts at ``path`` (empty when it is a free mapping)."""
    current: Any = model
    for part in path:
        current = _inner(current, part)
        if current is None:
            return []
    current = _model_in(current)
    return list(current.model_fields) if current is not None else []


def _inner(tp: Any, part: str | int) -> Any:
    model = _model_in(tp)
    if model is not None and isinstance(part, str) and part in model.model_fields:
        return model.model_fields[part].annotation
    for arg in _args(tp):
        origin = typing.get_origin(arg)
        if origin in (tuple, list) and isinstance(part, int):
            return typing.get_args(arg)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(arg)[1]
    return None


def _args(tp: Any) -> list[Any]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(tp)]
    if typing.get_origin(tp) is typing.Annotated:
        return [typing.get_args(tp)[0]]
    return [tp]


def _model_in(tp: Any) -> type[BaseModel] | None:
    for arg in _args(tp):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
