"""The package's shape: layers import downward only, no cycle, small files, curated faces, and habits the library keeps."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "engine" / "servanda"

# Each layer, with the rank that orders them: a module may import its own package and lower ranks only.
# Packages still to come have their place already, so that they are built where they belong.
RANKS = {
    "core": 0, "diagnostics": 0,  # the words and the located problem every layer uses
    "errors": 1,  # the exception tree (it carries diagnostics)
    "language": 2,  # reading and compiling what users write
    "engine": 3, "feeds": 3,  # evaluating; (coming) adapters from real event feeds to servanda's events
    "store": 4,  # (coming) the watch daemon's SQLite state
    "workbench": 5,  # what analysts ask of an evaluation
    "reports": 6,  # renderers and file writers
    "classroom": 7,  # (coming) exercises, graded against the engine's answers
    "service": 8,  # (coming) HTTP
    "cli": 9, "testing": 9,  # the command line; the pytest plugin
    "__init__": 10, "__main__": 10,  # the public face
}
FACES = {"testing/plugin.py"}  # public modules inside a package: the pytest11 entry point names it
TOP_LEVEL_LIMIT, LINE_LIMIT = 8, 400


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by the name of its __init__'s folder)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _imports(name: str, path: Path) -> set[str]:
    """Every servanda module ``name`` imports: top-level, function-level and TYPE_CHECKING imports alike."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(TREES[name]):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "servanda"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "servanda":
                continue
            for alias in node.names:  # ``from . import x`` may name a module
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> str:
    """The layer a module belongs to: its package under servanda, or its own name at the top."""
    parts = name.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def test_every_module_has_a_layer() -> None:
    """Each top-level module and subpackage is placed in the layer table, so a new one is placed deliberately."""
    assert {_layer(m) for m in MODULES} <= set(RANKS)


def upward(graph: dict[str, set[str]], name: str) -> list[str]:
    """The modules ``name`` imports from a higher layer or from one beside its own."""
    mine = _layer(name)
    return sorted(m for m in graph[name] if _layer(m) != mine and RANKS[_layer(m)] >= RANKS[mine])


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A chain of imports that leads from a module back to itself, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                return path[path.index(other):] + [other]
            if other not in state and (cycle := visit(other)):
                return cycle
        path.pop()
        state[name] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down_the_layers(name: str) -> None:
    """A module imports its own package and lower layers only: never a higher layer, nor one beside it."""
    assert not upward(GRAPH, name), f"{name} ({_layer(name)}) imports {upward(GRAPH, name)}"


def test_no_import_cycle() -> None:
    """No chain of imports leads from a module back to itself."""
    cycle = find_cycle(GRAPH)
    assert cycle is None, " → ".join(cycle or [])


def test_the_checks_catch_an_upward_import_and_a_cycle() -> None:
    """On a made-up graph, the engine importing the workbench is upward and closes a cycle; the package's own graph is read."""
    bad = {"servanda.engine._a": {"servanda.workbench"}, "servanda.workbench": {"servanda.workbench._b"},
           "servanda.workbench._b": {"servanda.engine._a"}, "servanda.language._c": {"servanda.engine"}, "servanda.engine": set()}
    assert upward(bad, "servanda.engine._a") == ["servanda.workbench"]
    assert upward(bad, "servanda.language._c") == ["servanda.engine"]
    assert upward(bad, "servanda.workbench._b") == []
    assert find_cycle(bad) == ["servanda.engine._a", "servanda.workbench", "servanda.workbench._b", "servanda.engine._a"]
    assert "servanda.language" in GRAPH["servanda.engine._runtime"] and "servanda.engine._backend" in GRAPH["servanda.engine"]


def test_the_tree_shows_the_layers() -> None:
    """At least four subpackages; few modules at the top; no file over the line limit."""
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    top = {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py"}
    assert len(packages) >= 4, packages
    assert len(top) <= TOP_LEVEL_LIMIT, top
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > LINE_LIMIT}
    assert not long, long


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_each_package_has_a_docstring_a_sorted_all_and_private_modules(package: str) -> None:
    """A package says what it owns, curates its names, and keeps its modules private behind that face."""
    module = importlib.import_module(f"servanda.{package}")
    assert (module.__doc__ or "").strip(), f"servanda.{package} has no docstring"
    names = list(module.__all__)
    assert names == sorted(names), f"servanda.{package}.__all__ is not sorted"
    assert all(hasattr(module, n) for n in names)
    public = {str(p.relative_to(PACKAGE)) for p in (PACKAGE / package).glob("[!_]*.py")}
    assert public <= FACES, f"public modules in servanda.{package}: {sorted(public - FACES)}"


def test_only_the_backend_touches_durable_rules() -> None:
    """durable_rules is imported by one module, so that it could be replaced."""
    def imported(tree: ast.Module) -> set[str]:
        return {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names} | \
            {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}

    assert {name for name, tree in TREES.items() if any(m.startswith("durable") for m in imported(tree))} \
        == {"servanda.engine._backend"}


def _calls(name: str) -> set[str]:
    """The dotted names called anywhere in a module (``print``, ``sys.exit``, ``dt.date.today`` …)."""
    return {ast.unparse(n.func) for n in ast.walk(TREES[name]) if isinstance(n, ast.Call)}


def test_the_library_never_prints_exits_or_reads_the_clock() -> None:
    """Outside the command line nothing prints, exits, colours or asks the time: "as of" is always passed in."""
    forbidden = {"print", "sys.exit", "exit", "click.echo", "click.style", "dt.date.today", "date.today",
                 "datetime.now", "dt.datetime.now", "time.time"}
    for name, path in MODULES.items():
        if _layer(name) in ("cli", "__init__"):
            continue
        assert not _calls(name) & forbidden, f"{name} calls {sorted(_calls(name) & forbidden)}"
        assert "import click" not in path.read_text(encoding="utf-8"), f"{name} imports click"


def test_the_package_ships_its_types() -> None:
    """py.typed marks the package as typed for the type checkers of projects that use it."""
    assert (PACKAGE / "py.typed").is_file()
