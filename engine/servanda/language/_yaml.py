"""The only reader of YAML files: safe, strict, and keeping every node's position.

Dates stay strings here (pydantic parses them, so an impossible date is a located
diagnostic rather than a crash); only ``true``/``false`` are booleans; duplicate
keys, tags and alias bombs are refused.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Diagnostic
from ..errors import DiagnosticError
from ._files import read_text


MAX_NODES = 200_000
MAX_DEPTH = 100  # collections inside collections; real files nest about 10 deep

Key = tuple[str | int, ...]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # control characters text may not hold (tab and newline may)
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without timestamps and with YAML 1.2 booleans."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same rules as _StrictLoader, composed by libyaml's C parser (used only when PyYAML was built with it)."""


_FastLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers
_FAILED: Any = object()


def _compose(loader_class: type[Any], text: str) -> yaml.Node | None:
    """The document's node graph (None for an empty document)."""
    loader = loader_class(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def _compose_fast(text: str) -> Any:
    """The node graph by the C parser (about 15 times faster), or _FAILED when the pure-Python parser must tell why not.

    The two give the same nodes and positions for every valid document; for text the
    Python reader refuses (control characters) or that the C parser cannot read, the
    Python parser runs, so that every diagnostic is the same whichever parser PyYAML has.
    """
    if not yaml.__with_libyaml__ or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return _FAILED
    try:
        return _compose(_FastLoader, text)
    except yaml.YAMLError:
        return _FAILED


_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")  # line breaks to YAML, not to editors, grep or our line numbers


class _Places:
    """(line, col) of a YAML mark, 1-based, counting lines by '\\n' as editors do.

    YAML also breaks lines at a lone CR, NEL, U+2028 and U+2029; when the text holds one, a mark's
    line is recounted from its character index (which only the pure-Python parser gives).
    """

    def __init__(self, text: str) -> None:
        self.odd = _ODD_BREAK.search(text) is not None
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)] if self.odd else []

    def __call__(self, mark: Any) -> tuple[int, int]:
        if mark is None:
            return 1, 1
        if not self.odd:
            return mark.line + 1, mark.column + 1
        line = bisect.bisect_right(self.starts, mark.index)
        return line, mark.index - self.starts[line - 1] + 1


@dataclass(frozen=True)
class Document:
    """A parsed file: plain data plus the (line, col) of every node, 1-based."""

    path: str
    data: Any
    positions: dict[Key, tuple[int, int]]

    def where(self, key: Key) -> tuple[int, int]:
        """Position of the node at ``key``, or of its nearest ancestor."""
        key = tuple(key)
        while key not in self.positions and key:
            key = key[:-1]
        return self.positions.get(key, (1, 1))

    def diag(self, key: Key, code: str, message: str, hint: str = "") -> Diagnostic:
        """A diagnostic located at ``key``."""
        line, col = self.where(key)
        return Diagnostic(self.path, line, col, code, message, hint)


def load_yaml(path: Path) -> Document:
    """Load one YAML file into a Document, or raise DiagnosticError."""
    return parse_yaml(read_text(path), str(path))


def parse_yaml(text: str, name: str) -> Document:
    """Parse YAML text; every problem becomes a diagnostic naming ``name``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    places = _Places(text)
    refused = _unprintable(text, name) or _too_deep(text, name, places)
    if refused:
        raise DiagnosticError(refused)
    node = _FAILED if places.odd else _compose_fast(text)
    try:
        if node is _FAILED:
            node = _compose(_StrictLoader, text)
    except yaml.MarkedYAMLError as exc:
        raise DiagnosticError([_syntax_error(exc, name, places)]) from None
    except yaml.YAMLError as exc:
        raise DiagnosticError([Diagnostic(name, 1, 1, "SV004", f"YAML syntax error: {exc}")]) from None
    if node is None:
        return Document(name, None, {(): (1, 1)})
    builder = _Builder(name, places)
    data = builder.build(node, ())
    if builder.problems:
        raise DiagnosticError(builder.problems)
    return Document(name, data, builder.positions)


def _syntax_error(exc: yaml.MarkedYAMLError, name: str, places: _Places) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = places(mark)
    hint = ""
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        context_line, context_col = places(exc.context_mark)
        hint = f"{exc.context} that starts on line {context_line}, column {context_col}"
    return Diagnostic(name, line, col, "SV004", f"YAML syntax error: {exc.problem or 'malformed YAML'}", hint)


def character(char: str) -> str:
    """A character named for a message: its code point, and its name when it has one."""
    label = unicodedata.name(char, "") or {"\x00": "NUL", "\x1b": "ESCAPE", "\x7f": "DELETE"}.get(char, "")
    return f"U+{ord(char):04X}" + (f" ({label})" if label else "")


def _unprintable(text: str, name: str, most: int = 20) -> list[Diagnostic]:
    """Where the text holds characters YAML does not allow (control characters and the like), each located."""
    found: list[Diagnostic] = []
    for match in yaml.reader.Reader.NON_PRINTABLE.finditer(text):
        start = match.start()
        line = text.count("\n", 0, start) + 1
        col = start - (text.rfind("\n", 0, start) + 1) + 1
        found.append(Diagnostic(name, line, col, "SV004", f"the character {character(match.group()[0])} is not allowed in YAML",
                                "remove it, or save the file as text"))
        if len(found) == most:
            break
    return found


_BLOCK_PREFIX = re.compile(r"^[ ?:-]*", re.MULTILINE)


def _too_deep(text: str, name: str, places: _Places) -> list[Diagnostic]:
    """A diagnostic at the first collection nested deeper than MAX_DEPTH, if any.

    Composing and building recurse once per level, and libyaml's composer can overflow the
    C stack, so depth is checked before either runs. Most files are cleared without parsing:
    a flow collection opens with '[' or '{', and a block collection starts within its line's
    run of spaces and indicators, one level or two (an indentless sequence) per column.
    """
    flows = text.count("[") + text.count("{")
    blocks = 2 * (max((len(m.group()) for m in _BLOCK_PREFIX.finditer(text)), default=0) + 1)
    if flows + blocks <= MAX_DEPTH:
        return []
    loaders = (_FastLoader, _StrictLoader) if yaml.__with_libyaml__ and not places.odd else (_StrictLoader,)
    for loader in loaders:  # libyaml may stop early (it scans ahead, and caps nesting itself): then the Python parser tells where
        depth = 0
        try:
            for event in yaml.parse(text, Loader=loader):
                if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                    depth += 1
                    if depth > MAX_DEPTH:
                        line, col = places(event.start_mark)
                        return [Diagnostic(name, line, col, "SV009",
                                           f"collections are nested more than {MAX_DEPTH} deep", "flatten the structure")]
                elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                    depth -= 1
            return []
        except yaml.YAMLError:
            continue
    return []  # a syntax error no deeper than the limit: parsing reports it


class _Builder:
    """Turns a composed node graph into plain data, recording positions."""

    def __init__(self, name: str, places: _Places) -> None:
        self.name = name
        self.places = places
        self.positions: dict[Key, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def _problem(self, node: yaml.Node, code: str, message: str, hint: str = "") -> None:
        line, col = self.places(node.start_mark)
        self.problems.append(Diagnostic(self.name, line, col, code, message, hint))

    def build(self, node: yaml.Node, key: Key) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self._problem(node, "SV006", f"the document expands to more than {MAX_NODES:,} nodes",
                              "remove the aliases that repeat large parts")
            return None
        self.positions.setdefault(key, self.places(node.start_mark))
        if node.tag not in _PLAIN_TAGS:
            self._problem(node, "SV007", f"tag '{node.tag}' is not allowed", "write plain YAML values")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, key + (i,)) for i, item in enumerate(node.value)]
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            self._problem(node, "SV103", f"cannot read the value {node.value!r}: {exc}")
            return None
        if isinstance(value, str) and (control := CONTROL.search(value)):
            self._problem(node, "SV103", f"text holds the control character {character(control.group())}",
                          "remove it: text is shown in terminals, reports and pictures")
            return None
        return value

    def _mapping(self, node: yaml.MappingNode, key: Key) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if knode.tag == "tag:yaml.org,2002:merge":
                self._problem(knode, "SV007", "merge keys ('<<') are not allowed", "write the keys out")
                continue
            if not isinstance(knode, yaml.ScalarNode):
                self._problem(knode, "SV007", "mapping keys must be plain scalars")
                continue
            name = str(knode.value)
            if control := CONTROL.search(name):
                self._problem(knode, "SV103", f"key holds the control character {character(control.group())}", "remove it")
                continue
            if name in out:
                line, _ = self.positions.get(key + (name,), (0, 0))
                self._problem(knode, "SV005", f"duplicate key '{name}' (first defined on line {line})",
                              "remove or rename one of them")
                continue
            self.positions[key + (name,)] = self.places(knode.start_mark)
            out[name] = self.build(vnode, key + (name,))
        return out
