"""Data-driven tests of broken input: each fixture under tests/broken/ yields exactly the diagnostics expected.yaml lists.

A case is named by where its fixture lives:

- ``rules/<case>``: a rules folder; a missing ``vocabulary.yaml`` is taken from ``good-rules/``, and
  so is the treaty when the case has no treaty folder. Expected lines name the file they point at,
  relative to the folder: ``pact/treaty.yaml:3:1: SV101: …``.
- ``scenarios/<case>``: ``scenarios/<case>.yaml`` checked against ``good-rules/``.
- ``events/<case>``: ``events/<case>.jsonl`` read as the ``--events`` feed of ``good-scenario.yaml``.
- ``generated/<case>``: input that is built at test time (too large, not UTF-8, not a file …).

Expectations live in ``expected.yaml`` and in ``expected-*.yaml`` beside it. Expected lines read ``LINE:COL: CODE: text``: line, column and code must be equal, and the message
with its hint must contain the text. A case may be ``{xfail: reason, diagnostics: […]}`` when the
engine is known to get it wrong; the diagnostics are then the correct ones.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from servanda import DiagnosticError, FeedReader, RuleSet, evaluate, load_rules, load_scenario
from servanda import language

BROKEN = Path(__file__).resolve().parent / "broken"
GOOD_RULES = BROKEN / "good-rules"
GOOD_SCENARIO = BROKEN / "good-scenario.yaml"
_LINE = re.compile(r"^(?:(?P<file>[^:]+):)?(?P<line>\d+):(?P<col>\d+): (?P<code>SV\d{3}): (?P<text>.*)$")


@dataclass(frozen=True)
class Found:
    """One actual diagnostic, its path made relative to the case."""

    file: str
    line: int
    col: int
    code: str
    text: str

    def render(self) -> str:
        return f"{self.file + ':' if self.file else ''}{self.line}:{self.col}: {self.code}: {self.text}"


def _generate_huge(tmp: Path) -> Path:
    path = tmp / "huge.yaml"
    path.write_bytes(b"# padding\n" * (language.MAX_BYTES // 10 + 1))
    return path


def _generate_latin1(tmp: Path) -> Path:
    path = tmp / "latin1.yaml"
    path.write_bytes("scenario: s\ntitle: Caf\u00e9\nas_of: 2026-12-31\n".encode("latin-1"))
    return path


def _generate_latin1_feed(tmp: Path) -> Path:
    path = tmp / "latin1.jsonl"
    line = '{"id": "f1", "date": "2026-03-01", "kind": "grant_basing", "actor": "KGZ", "guest": "USA", "note": "Caf\u00e9"}\n'
    path.write_bytes(line.encode("latin-1"))
    return path


def _generate_directory(tmp: Path) -> Path:
    path = tmp / "scenario.yaml"
    path.mkdir()
    return path


def _generate_missing(tmp: Path) -> Path:
    return tmp / "no-such-scenario.yaml"


def _generate_treaty_directory(tmp: Path) -> Path:
    folder = _rules_folder(tmp, None)
    shutil.rmtree(folder / "pact")
    (folder / "pact" / "treaty.yaml").mkdir(parents=True)
    return folder


def _generate_vocabulary_latin1(tmp: Path) -> Path:
    folder = _rules_folder(tmp, None)
    text = (GOOD_RULES / "vocabulary.yaml").read_text(encoding="utf-8")
    (folder / "vocabulary.yaml").write_bytes(text.replace("A state joins a bloc.", "Adh\u00e9sion.").encode("latin-1"))
    return folder


def _generate_deep_flow(tmp: Path) -> Path:
    path = tmp / "deep-flow.yaml"
    path.write_text("scenario: s\ntitle: t\nas_of: 2026-12-31\nworld: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    return path


def _generate_deep_block(tmp: Path) -> Path:
    path = tmp / "deep-block.yaml"
    path.write_text("scenario: s\nworld:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(400)), encoding="utf-8")
    return path


def _generate_control_characters(tmp: Path) -> Path:
    path = tmp / "control.yaml"
    path.write_text("scenario: s\ntitle: t\n# a comment with \x1b[31m in it\nas_of: 2026-12-31\nnote: \x00\x7f\n", encoding="utf-8")
    return path


def _generate_fifo(tmp: Path) -> Path:
    path = tmp / "pipe.yaml"
    os.mkfifo(path)
    return path


def _generate_fifo_feed(tmp: Path) -> Path:
    path = tmp / "pipe.jsonl"
    os.mkfifo(path)
    return path


def _generate_device(tmp: Path) -> Path:
    link = tmp / "zero.yaml"
    link.symlink_to("/dev/zero")
    return link


def _generate_link_loop(tmp: Path) -> Path:
    (tmp / "a.yaml").symlink_to(tmp / "b.yaml")
    (tmp / "b.yaml").symlink_to(tmp / "a.yaml")
    return tmp / "a.yaml"


def _generate_long_feed_line(tmp: Path) -> Path:
    path = tmp / "long.jsonl"
    good = '{"id": "f%d", "date": "2026-03-0%d", "kind": "armed_attack", "actor": "USA", "target": "KAZ"}\n'
    long = '{"id": "f2", "note": "' + "x" * language.MAX_LINE + '"}\n'
    path.write_text(good % (1, 1) + long + good % (3, 3), encoding="utf-8")
    return path


# name -> (builder, kind of input it builds)
GENERATED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "huge-scenario": (_generate_huge, "scenario"),
    "latin1-scenario": (_generate_latin1, "scenario"),
    "latin1-feed": (_generate_latin1_feed, "feed"),
    "scenario-is-a-directory": (_generate_directory, "scenario"),
    "missing-scenario": (_generate_missing, "scenario"),
    "treaty-is-a-directory": (_generate_treaty_directory, "rules"),
    "latin1-vocabulary": (_generate_vocabulary_latin1, "rules"),
    "deep-flow-nesting": (_generate_deep_flow, "scenario"),
    "deep-block-nesting": (_generate_deep_block, "scenario"),
    "control-characters-in-yaml": (_generate_control_characters, "scenario"),
    "scenario-is-a-pipe": (_generate_fifo, "scenario"),
    "feed-is-a-pipe": (_generate_fifo_feed, "feed"),
    "scenario-is-a-device": (_generate_device, "scenario"),
    "scenario-is-a-link-loop": (_generate_link_loop, "scenario"),
    "feed-line-too-long": (_generate_long_feed_line, "feed"),
}


def _rules_folder(tmp: Path, case: Path | None) -> Path:
    """A rules folder in ``tmp``: the case's files over good-rules' vocabulary (and treaty, if it has none)."""
    folder = tmp / "rules"
    folder.mkdir()
    vocabulary = case / "vocabulary.yaml" if case is not None else None
    shutil.copy(vocabulary if vocabulary and vocabulary.exists() else GOOD_RULES / "vocabulary.yaml", folder / "vocabulary.yaml")
    treaties = [p for p in case.iterdir() if p.is_dir()] if case is not None else []
    for source in treaties or [GOOD_RULES / "pact"]:
        shutil.copytree(source, folder / source.name)
    return folder


def _diagnostics(run: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        run()
    except DiagnosticError as exc:
        return exc.diagnostics
    return ()


def _relative(diagnostics: tuple[Any, ...], base: Path | None) -> list[Found]:
    out = []
    for d in diagnostics:
        file = Path(d.path).relative_to(base).as_posix() if base is not None else ""
        out.append(Found(file, d.line, d.col, d.code, f"{d.message} ({d.hint})" if d.hint else d.message))
    return out


def _check_rules(folder: Path) -> list[Found]:
    return _relative(_diagnostics(lambda: load_rules(folder)), folder)


def _check_scenario(path: Path, rules: RuleSet) -> list[Found]:
    found = _diagnostics(lambda: load_scenario(path, rules))
    assert all(d.path == str(path) for d in found), [d.render() for d in found]
    return _relative(found, None)


def _check_feed(path: Path, rules: RuleSet) -> list[Found]:
    scenario = load_scenario(GOOD_SCENARIO, rules)
    reader = FeedReader(str(path), rules.compiled.vocabulary, taken=frozenset(e.id for e in scenario.events),
                        states=scenario.states)
    try:
        with language.open_feed(path) as stream:
            evaluate(rules, scenario, reader.read(stream))
    except DiagnosticError as exc:
        return _relative(exc.diagnostics, None)
    assert all(d.path == str(path) for d in reader.problems)
    return _relative(tuple(sorted(set(reader.problems))), None)


def actual_diagnostics(case: str, tmp: Path, rules: RuleSet) -> list[Found]:
    """Run the engine on one case and return what it reported, in order."""
    group, name = case.split("/", 1)
    if group == "rules":
        return _check_rules(_rules_folder(tmp, BROKEN / case))
    if group == "scenarios":
        return _check_scenario(BROKEN / f"{case}.yaml", rules)
    if group == "events":
        return _check_feed(BROKEN / f"{case}.jsonl", rules)
    build, kind = GENERATED[name]
    path = build(tmp)
    if kind == "rules":
        return _check_rules(path)
    if kind == "feed":
        return _check_feed(path, rules)
    return _relative(_diagnostics(lambda: load_scenario(path, rules)), path.parent)


def _load_expected() -> dict[str, Any]:
    """Every case of expected.yaml and of the expected-*.yaml files beside it (one per area of the input); a case is named once."""
    out: dict[str, Any] = {}
    for path in sorted(BROKEN.glob("expected*.yaml")):
        with path.open(encoding="utf-8") as stream:
            cases = yaml.safe_load(stream) or {}
        twice = set(out) & set(cases)
        assert not twice, f"{path.name} names cases another expected file already has: {sorted(twice)}"
        out.update(cases)
    return out


EXPECTED = _load_expected()


def _params() -> list[Any]:
    params = []
    for case, spec in EXPECTED.items():
        marks = []
        if isinstance(spec, dict):
            marks.append(pytest.mark.xfail(strict=True, reason=spec["xfail"]))
            spec = spec["diagnostics"]
        params.append(pytest.param(case, spec, id=case, marks=marks))
    return params


@pytest.fixture(scope="module")
def good_rules() -> RuleSet:
    """The small valid rules folder the broken scenarios and feeds are checked against."""
    return load_rules(GOOD_RULES)


@pytest.mark.parametrize(("case", "expected"), _params())
def test_broken_fixture(case: str, expected: list[str], tmp_path: Path, good_rules: RuleSet) -> None:
    """A broken fixture yields exactly its expected diagnostics, at the right place, and nothing else."""
    found = actual_diagnostics(case, tmp_path, good_rules)
    shown = "\n".join(f.render() for f in found)
    assert len(found) == len(expected), f"expected {len(expected)} diagnostics, got:\n{shown}"
    for want, got in zip(expected, found):
        m = _LINE.match(want)
        assert m is not None, f"malformed expectation {want!r}"
        place = (m["file"] or "", int(m["line"]), int(m["col"]), m["code"])
        assert (got.file, got.line, got.col, got.code) == place, f"expected {want!r}, got:\n{shown}"
        assert m["text"] in got.text, f"expected {want!r}, got:\n{shown}"


def _fixture_cases() -> set[str]:
    cases = {f"rules/{p.name}" for p in (BROKEN / "rules").iterdir() if p.is_dir()}
    cases |= {f"scenarios/{p.stem}" for p in (BROKEN / "scenarios").glob("*.yaml")}
    cases |= {f"events/{p.stem}" for p in (BROKEN / "events").glob("*.jsonl")}
    return cases | {f"generated/{name}" for name in GENERATED}


def test_every_fixture_has_expectations() -> None:
    """Every fixture on disk has an entry in expected.yaml, and every entry has a fixture."""
    assert _fixture_cases() == set(EXPECTED)


def test_good_inputs_are_clean(good_rules: RuleSet) -> None:
    """The good rules folder and scenario the fixtures are checked against have no problems themselves."""
    assert load_scenario(GOOD_SCENARIO, good_rules).events
