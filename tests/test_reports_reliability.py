"""Reports and drawings hold up against any valid input (issue 8): calendar extremes, huge texts, control characters,
links at an output path, and a broken MPLBACKEND."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import stat
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from servanda import DiagnosticError, evaluate, explain_finding, load_rules, load_scenario, render_timeline
from servanda.cli import main
from servanda.engine import Result
from servanda.reports import (explanation_text, findings_text, markdown_report, save_timeline, timeline_json, timeline_text,
                              write_file, write_markdown, write_report)
from servanda.reports._safe import clip
from servanda.workbench import build_timeline

ROOT = Path(__file__).resolve().parent.parent
GOOD_RULES = ROOT / "tests" / "broken" / "good-rules"
MIB = 1024 * 1024
# Every character a renderer must not write raw: C0 but tab and newline, DEL, C1, lone surrogates, XML's non-characters.
CONTROLS = "".join(chr(c) for c in [*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0xD800, 0xDFFF, 0xFFFE, 0xFFFF])
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def scenario_file(folder: Path, as_of: str, dates: list[str], world: bool = True) -> Path:
    """A scenario against the good rules: KGZ joins the hostile bloc on each of ``dates``."""
    lines = ["scenario: extreme", "title: Calendar extremes", f"as_of: {as_of}"]
    if world:
        lines += ["world:", "  facts:", "    - {relation: bloc_directed_against, fields: {bloc: eastern-pact, against: KAZ}}"]
    if dates:
        lines.append("events:")
        lines += [f"  - {{id: e{n}, date: {d}, kind: join_bloc, actor: KGZ, bloc: eastern-pact}}" for n, d in enumerate(dates)]
    path = folder / "extreme.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


EXTREMES = {  # as_of, event dates, whether the world has its fact, findings (the pact is in force from 2025)
    "far-future": ("9999-12-31", ["0001-01-01", "9999-12-31"], True, 1),
    "year-one": ("0001-01-01", ["0001-01-01"], True, 0),
    "early-as-of": ("0001-03-01", [], True, 0),
    "empty-world": ("2026-12-31", [], False, 0),
    "empty-world-far-future": ("9999-12-31", [], False, 0),
    "empty-world-year-one": ("0001-01-01", [], False, 0),
}


@pytest.mark.parametrize("case", sorted(EXTREMES))
def test_every_calendar_day_and_an_empty_world_draw_and_report(tmp_path: Path, case: str) -> None:
    """At the first and last valid days, and with no states or events at all, every timeline and report form succeeds."""
    as_of, dates, world, findings = EXTREMES[case]
    path = str(scenario_file(tmp_path, as_of, dates, world))
    rules = str(GOOD_RULES)
    for image in ("t.svg", "t.png"):
        code, out, err = run("timeline", path, "--rules", rules, "--out", str(tmp_path / image))
        assert (code, err) == (0, "") and (tmp_path / image).stat().st_size > 0
    for fmt in ("text", "json"):
        code, out, err = run("timeline", path, "--rules", rules, "--format", fmt)
        assert (code, err) == (0, "") and as_of in out
    code, out, err = run("check", path, "--rules", rules, "--format", "markdown", "--out", str(tmp_path / "report.md"))
    assert (code, err) == (findings, "") and (tmp_path / "report-extreme.svg").exists()
    code, out, err = run("check", path, "--rules", rules, "--format", "markdown")
    assert (code, err) == (findings, "") and f"- as of: {as_of}" in out
    if findings:
        finding = re.search(r"Finding id: `([0-9a-f]{12})`", out)
        assert finding is not None
        code, out, err = run("explain", path, "--rules", rules, "--finding", finding.group(1))
        assert (code, err) == (0, "")


def test_a_timeline_spanning_the_whole_calendar_draws() -> None:
    """A timeline moved in code to run from 0001-01-01 to 9999-12-31 draws as SVG and PNG, its axis labelled in years."""
    rules = load_rules(GOOD_RULES)
    scenario = load_scenario(ROOT / "tests" / "broken" / "good-scenario.yaml", rules)
    timeline = build_timeline(rules, scenario, evaluate(rules, scenario).findings)
    first, last = dt.date.min, dt.date.max
    assert timeline.events and timeline.intervals and timeline.findings
    whole = dataclasses.replace(
        timeline, as_of=last, events=tuple(dataclasses.replace(e, day=first) for e in timeline.events),
        intervals=tuple(dataclasses.replace(i, start=first if n % 2 else None, end=last) for n, i in enumerate(timeline.intervals)),
        findings=tuple(dataclasses.replace(f, day=last) for f in timeline.findings))
    svg = render_timeline(whole, "svg")
    ET.fromstring(svg)
    assert render_timeline(whole, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<!-- 6000 -->" in svg


# --- huge texts ---------------------------------------------------------------------------------------------------

def huge_scenario(folder: Path) -> Path:
    """A valid scenario whose title, description, state name, event note and free-text field each hold 1 MiB."""
    big = "x" * MIB
    text = (f"scenario: huge\ntitle: {big}\ndescription: {big}\nas_of: 2026-12-31\n"
            f"world:\n  states: {{KGZ: {big}}}\n  facts:\n"
            "    - {relation: bloc_directed_against, fields: {bloc: eastern-pact, against: KAZ}}\n"
            "events:\n  - {id: e1, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: eastern-pact}\n"
            f"  - {{id: e2, date: 2026-03-01, kind: grant_basing, actor: KGZ, guest: KAZ, facility: {big}}}\n")
    path = folder / "huge.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The huge scenario through every command that shows it, each run timed."""
    folder = tmp_path_factory.mktemp("huge")
    path, rules = str(huge_scenario(folder)), str(GOOD_RULES)
    runs: dict[str, Any] = {}
    for name, args in {"svg": ["timeline", path, "--out", str(folder / "t.svg")],
                       "png": ["timeline", path, "--out", str(folder / "t.png")],
                       "text": ["timeline", path], "json": ["timeline", path, "--format", "json"],
                       "check": ["check", path], "markdown": ["check", path, "--format", "markdown", "--out", str(folder / "r.md")]
                       }.items():
        start = time.monotonic()
        runs[name] = (*run(*args, "--rules", rules), time.monotonic() - start)
    return {"folder": folder, "runs": runs}


@pytest.mark.slow
def test_huge_texts_are_cut_short_in_pictures_and_reports_and_say_so(huge: dict[str, Any]) -> None:
    """A 1 MiB title, name or note is drawn and reported in seconds, cut with an ellipsis and its length told."""
    folder: Path = huge["folder"]
    for name in ("svg", "png", "text", "check", "markdown"):
        code, out, err, took = huge["runs"][name]
        assert code in (0, 1) and err == "" and took < 10, (name, code, err[-300:], took)
        assert len(out) < 100_000, name
    svg = (folder / "t.svg").read_text(encoding="utf-8")
    assert len(svg) < 2_000_000 and "(truncated, 1,048,576 characters)" in svg
    assert (folder / "t.png").stat().st_size < 2_000_000
    report = (folder / "r.md").read_text(encoding="utf-8")
    assert len(report) < 100_000 and "… (truncated, 1,048,576 characters)" in report
    assert "(truncated, 1,048,576 characters)" in huge["runs"]["text"][1]
    assert "(truncated, 1,048,576 characters)" in huge["runs"]["check"][1]


@pytest.mark.slow
def test_json_keeps_huge_texts_whole(huge: dict[str, Any]) -> None:
    """JSON is for programs: the timeline's JSON holds the 1 MiB title complete."""
    code, out, err, _ = huge["runs"]["json"]
    assert code == 0 and json.loads(out)["title"] == "x" * MIB


# --- control characters ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seeded() -> dict[str, Any]:
    """The good scenario evaluated, and copies of its result and timeline whose every text holds every control character."""
    rules = load_rules(GOOD_RULES)
    scenario = load_scenario(ROOT / "tests" / "broken" / "good-scenario.yaml", rules)
    result = evaluate(rules, scenario)
    bad = f"a{CONTROLS}z"
    model = scenario.model.model_copy(update={"title": bad, "description": bad})
    context = dataclasses.replace(scenario.context, notes=(bad,))
    finding = result.findings[0]
    citation = dataclasses.replace(finding.citation, treaty_title=bad, clause_title=bad,
                                   texts=tuple(dataclasses.replace(t, text=bad, source=bad) for t in finding.citation.texts))
    dirty_finding = dataclasses.replace(finding, explanation=bad, exception=bad, assumptions=(bad,), citation=citation)
    dirty = Result(dataclasses.replace(scenario, model=model, context=context), (dirty_finding,))
    timeline = build_timeline(rules, scenario, result.findings)
    dirty_timeline = dataclasses.replace(
        timeline, title=bad, notes=(bad,), lanes=tuple(dataclasses.replace(lane, name=bad) for lane in timeline.lanes),
        intervals=tuple(dataclasses.replace(i, label=bad) for i in timeline.intervals),
        events=tuple(dataclasses.replace(e, id=bad, label=bad) for e in timeline.events))
    explanation = explain_finding(rules, scenario, finding.id)
    return {"rules": rules, "result": dirty, "timeline": dirty_timeline, "clean_timeline": timeline, "finding": dirty_finding, "explanation": explanation}


def test_an_svg_stays_well_formed_xml_whatever_control_characters_its_texts_hold(seeded: dict[str, Any]) -> None:
    """Every control character in a title, lane name, label or note is drawn as its escape; the SVG parses as XML."""
    svg = render_timeline(seeded["timeline"], "svg")
    ET.fromstring(svg)
    text = svg.decode("utf-8")
    assert not RAW_CONTROL.search(text) and "\\x00" in text and "\\x1b" in text
    tail = render_timeline(dataclasses.replace(seeded["timeline"], title="a\x9f\ud800\ufffez"), "svg").decode("utf-8")
    ET.fromstring(tail)
    assert "a\\x9f\\ud800\\ufffez" in tail
    assert render_timeline(seeded["timeline"], "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_text_and_markdown_never_carry_a_raw_control_character(seeded: dict[str, Any]) -> None:
    """Terminal text and Markdown show each control character as its escape, so no ESC sequence reaches a terminal."""
    result, finding = seeded["result"], seeded["finding"]
    shown = {
        "markdown": markdown_report([result]),
        "findings": str(findings_text(result)),
        "timeline": timeline_text(seeded["timeline"]),
        "explain": str(explanation_text(dataclasses.replace(seeded["explanation"], finding=finding, scenario=finding.explanation))),
    }
    for name, text in shown.items():
        assert not RAW_CONTROL.search(text), name
    assert "a\\x00\\x01" in shown["markdown"] and "\\x1b" in shown["findings"] and "\\x9f" in shown["timeline"]
    assert all(not RAW_CONTROL.search(str(part)) for line in findings_text(result).lines for part in
               ([line] if isinstance(line, str) else [p if isinstance(p, str) else p.text for p in line]))


def test_json_keeps_control_characters_as_json_escapes(seeded: dict[str, Any]) -> None:
    """The timeline's JSON keeps a title's control characters, escaped as JSON escapes them, and reads back equal."""
    timeline = dataclasses.replace(seeded["clean_timeline"], title="a\x00\x1b[31mz")
    assert json.loads(timeline_json(timeline))["title"] == "a\x00\x1b[31mz"


# --- links at an output path ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("writer", ["write_file", "save_timeline", "markdown_image", "write_report"])
def test_a_link_at_an_output_path_is_replaced_and_its_target_left_alone(tmp_path: Path, writer: str) -> None:
    """A symbolic link where a report or image goes is replaced by the new file; the file it pointed at is untouched."""
    rules = load_rules(GOOD_RULES)
    scenario = load_scenario(ROOT / "tests" / "broken" / "good-scenario.yaml", rules)
    result = evaluate(rules, scenario)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out = {"write_file": tmp_path / "out.txt", "save_timeline": tmp_path / "t.svg",
           "markdown_image": tmp_path / "report-good.svg", "write_report": tmp_path / "report.json"}[writer]
    out.symlink_to(victim)
    if writer == "write_file":
        write_file(out, "new\n")
    elif writer == "save_timeline":
        save_timeline(build_timeline(rules, scenario, result.findings), out)
    elif writer == "markdown_image":
        write_markdown(rules, [result], tmp_path / "report.md")
    else:
        write_report(rules, [result], "json", out)
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not out.is_symlink() and out.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary file left behind


def test_a_dangling_link_at_an_output_path_creates_nothing_where_it_points(tmp_path: Path) -> None:
    """A link to a file that does not exist is replaced, not followed: no file appears at the link's target."""
    target = tmp_path / "elsewhere.md"
    out = tmp_path / "report.md"
    out.symlink_to(target)
    write_file(out, "# report\n")
    assert not target.exists() and out.read_text(encoding="utf-8") == "# report\n" and not out.is_symlink()


def test_an_output_that_cannot_be_written_is_sv241_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """Writing over a folder fails as a located SV241 diagnostic and leaves nothing behind."""
    (tmp_path / "report.md").mkdir()
    with pytest.raises(DiagnosticError) as caught:
        write_file(tmp_path / "report.md", "text")
    assert [d.code for d in caught.value.diagnostics] == ["SV241"]
    assert caught.value.diagnostics[0].render().startswith(f"{tmp_path / 'report.md'}:1:1: SV241:")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


# --- the drawing backend --------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("image", ["t.png", "t.svg"])
def test_a_missing_mplbackend_does_not_stop_a_drawing(tmp_path: Path, image: str) -> None:
    """MPLBACKEND naming a backend that does not exist is ignored: the drawing commands choose their own, and draw."""
    env = dict(os.environ, MPLBACKEND="nosuch")
    scenario = ROOT / "tests" / "broken" / "good-scenario.yaml"
    done = subprocess.run([sys.executable, "-m", "servanda", "timeline", str(scenario), "--rules", str(GOOD_RULES),
                           "--out", str(tmp_path / image)], check=False, capture_output=True, text=True, env=env, timeout=120)
    assert (done.returncode, done.stderr) == (0, "") and (tmp_path / image).stat().st_size > 0


def test_clip_cuts_at_the_limit_as_shown_never_inside_an_escape_and_counts_the_whole() -> None:
    """A cut text is at most its limit as shown, never ends in half an escape, and tells the length of the whole text."""
    assert clip("x" * 10, 10) == "x" * 10
    assert clip("x" * 11, 10) == "x" * 10 + "… (truncated, 11 characters)"
    assert clip("ab\x00c" * 3, 10) == "ab\\x00cab… (truncated, 12 characters)"
    assert clip("a\n b\tc", one_line=True) == "a b c" and clip("a\tb\nc") == "a\tb\nc"
    assert clip("\x1b[31mred") == "\\x1b[31mred"


@pytest.mark.slow
def test_many_rows_and_events_draw_in_bounded_size_and_say_what_was_left_out() -> None:
    """Thousands of intervals and events draw in seconds at a bounded height; the rows not drawn are counted in the title."""
    rules = load_rules(GOOD_RULES)
    scenario = load_scenario(ROOT / "tests" / "broken" / "good-scenario.yaml", rules)
    timeline = build_timeline(rules, scenario, evaluate(rules, scenario).findings)
    many = dataclasses.replace(timeline, intervals=timeline.intervals * 1000,
                               events=tuple(dataclasses.replace(e, id=f"e{n}") for n in range(3000) for e in timeline.events[:1]))
    start = time.monotonic()
    png = render_timeline(many, "png")
    assert time.monotonic() - start < 20
    height = int.from_bytes(png[20:24], "big")  # the IHDR chunk: width, then height
    assert height < 20_000
    svg = render_timeline(many, "svg").decode("utf-8")
    left_out = len(many.intervals) + len(many.lanes) - 300
    assert f"<!-- {left_out:,} more rows not drawn (see the text form) -->" in svg


def test_dollar_signs_in_a_title_are_drawn_as_written_not_read_as_a_formula(seeded: dict[str, Any]) -> None:
    """A title holding an unfinished formula ($\\frac{a}{) is drawn as its characters; it does not stop the drawing."""
    svg = render_timeline(dataclasses.replace(seeded["clean_timeline"], title="costs $\\frac{a}{ and $5"), "svg")
    assert "costs $\\frac{a}{ and $5" in svg.decode("utf-8")


def test_a_pipe_in_the_way_of_an_output_is_sv241_and_stays_a_pipe(tmp_path: Path) -> None:
    """A FIFO where a report goes is neither written into (which could block) nor replaced: SV241, and it is still there."""
    fifo = tmp_path / "report.md"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that a writer that opened the pipe would not block the test
    try:
        with pytest.raises(DiagnosticError) as caught:
            write_file(fifo, "text")
    finally:
        os.close(reader)
    assert [d.code for d in caught.value.diagnostics] == ["SV241"] and "not a regular file" in caught.value.diagnostics[0].message
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and [p.name for p in tmp_path.iterdir()] == ["report.md"]
