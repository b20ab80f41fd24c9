"""Timelines: lanes, intervals and findings built from real scenarios; the text form; drawings and their errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from servanda import evaluate, load_rules, load_scenario, render_timeline, select_variant
from servanda.cli import main
from servanda.workbench import Interval, Timeline, build_timeline
from servanda.reports import timeline_text

ROOT = Path(__file__).resolve().parent.parent
RULES = str(ROOT / "rules")
SEED = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"
BASING = ROOT / "scenarios" / "basing-grant-strike-after-a-year.yaml"
BORDER = ROOT / "scenarios" / "border-closure-2026-hypothetical.yaml"
ARMENIA = ROOT / "scenarios" / "cst-armenia-joins-alliance-against-russia.yaml"


def timeline_of(rules: Any, path: Path) -> Timeline:
    scenario = load_scenario(path, rules)
    return build_timeline(rules, scenario, evaluate(rules, scenario).findings)


def facts(timeline: Timeline, relation: str) -> list[Interval]:
    return [i for i in timeline.intervals if i.type == "fact" and i.name == relation]


def window(timeline: Timeline, treaty: str, state: str) -> Interval:
    (found,) = [i for i in timeline.intervals if i.type == "treaty" and i.name == treaty and i.lane == state]
    return found


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_lanes_are_the_states_seen_with_the_world_names(real_rules: Any) -> None:
    """Every state of the world or named by an event gets a lane, sorted by code, named as the scenario names it."""
    timeline = timeline_of(real_rules, BASING)
    assert [(lane.state, lane.name) for lane in timeline.lanes] == [
        ("KAZ", "Kazakhstan"), ("KGZ", "Kyrgyzstan"), ("XAA", "Third State A (hypothetical)")]
    (strike,) = [e for e in timeline.events if e.id == "strike"]
    assert strike.lanes == ("XAA", "KGZ", "KAZ") and strike.day == dt.date(2026, 10, 1)
    assert strike.label == "armed_attack target=KGZ launched_from=KAZ"


def test_basing_right_runs_from_the_grant_to_as_of_in_the_host_lane(real_rules: Any) -> None:
    """A basing right granted and never revoked is an open stretch from the grant's day, drawn in the host's lane."""
    (basing,) = facts(timeline_of(real_rules, BASING), "basing_right")
    assert (basing.lane, basing.lanes) == ("KAZ", ("KAZ", "XAA"))
    assert (basing.start, basing.end, basing.ongoing) == (dt.date(2025, 9, 1), dt.date(2026, 12, 31), True)
    assert basing.origin == "event grant" and basing.label == "basing_right guest=XAA"


def test_border_closure_ends_on_the_day_it_is_lifted(real_rules: Any) -> None:
    """A closure lifted on 20 March holds from 10 to 20 March inclusive and is not ongoing; the slow-down likewise."""
    closure, slowdown = facts(timeline_of(real_rules, BORDER), "border_restriction")
    assert (closure.lane, closure.start, closure.end, closure.ongoing) == ("KGZ", dt.date(2026, 3, 10), dt.date(2026, 3, 20), False)
    assert closure.label == "border_restriction against=KAZ closure"
    assert (slowdown.lane, slowdown.start, slowdown.end) == ("KAZ", dt.date(2026, 5, 1), dt.date(2026, 5, 4))


def test_world_facts_treaty_windows_and_findings_of_the_seed(real_rules: Any) -> None:
    """The seed scenario: an undated world fact, the membership the event made, assumed and sourced windows, two findings."""
    timeline = timeline_of(real_rules, SEED)
    (hostile,) = facts(timeline, "bloc_directed_against")
    assert (hostile.lane, hostile.start, hostile.ongoing) == ("KAZ", None, True)
    (member,) = facts(timeline, "bloc_membership")
    assert (member.lane, member.start, member.end) == ("KGZ", dt.date(2026, 2, 1), dt.date(2026, 12, 31))
    assumed = window(timeline, "kz-kg-2024", "KGZ")
    assert assumed.start == dt.date(2025, 8, 22) and assumed.assumptions and "(assumed dates)" in assumed.label
    sourced = window(timeline, "cst-1992", "KAZ")
    assert sourced.start == dt.date(1994, 4, 20) and not sourced.assumptions
    assert {(f.lane, f.grade, f.treaty, f.day) for f in timeline.findings} == {
        ("KGZ", "violation", "kz-kg-2024", dt.date(2026, 2, 1)), ("KGZ", "violation", "cst-1992", dt.date(2026, 2, 1))}
    assert any("kz-kg-2003 is not evaluated" in note for note in timeline.notes)


def test_a_member_that_left_has_a_closed_window(real_rules: Any) -> None:
    """Azerbaijan left the Collective Security Treaty on 20 April 1999: its window ends the day before."""
    aze = window(timeline_of(real_rules, ARMENIA), "cst-1992", "AZE")
    assert (aze.start, aze.end, aze.ongoing) == (dt.date(1994, 4, 20), dt.date(1999, 4, 19), False)


def test_text_form_is_one_list_ordered_by_date(real_rules: Any) -> None:
    """The text form lists every item by date; on one day the event comes before the finding it completes."""
    lines = timeline_text(timeline_of(real_rules, SEED)).splitlines()
    body = lines[lines.index("") + 1:]
    starts = [line.split()[0].replace("?", "") for line in body]  # "?": held before the timeline, so first
    assert starts[0] == "" and starts == sorted(starts)
    event = body.index("2026-02-01  KGZ  event e1 join_bloc eastern-pact")
    finding = next(i for i, line in enumerate(body) if line.startswith("2026-02-01  KGZ  VIOLATION kz-kg-2024/no-hostile-blocs → KAZ"))
    assert event < finding
    assert "2025-08-22 … 2026-12-31  KGZ  kz-kg-2024 in force (assumed dates)  (ongoing)" in body


def test_cli_text_and_json_forms() -> None:
    """`servanda timeline` prints the text form, or with --format json the timeline's stable JSON; exit 0."""
    code, out, _ = run("timeline", str(BORDER), "--rules", RULES)
    assert code == 0 and "2026-03-10 … 2026-03-20  KGZ  border_restriction against=KAZ closure" in out
    code, out, _ = run("timeline", str(BORDER), "--rules", RULES, "--format", "json")
    payload = json.loads(out)
    assert code == 0 and set(payload) == {"scenario", "variant", "title", "as_of", "lanes", "events", "intervals", "findings",
                                   "notes"}
    closure = next(i for i in payload["intervals"] if i["name"] == "border_restriction" and i["lane"] == "KGZ")
    assert (closure["start"], closure["end"], closure["ongoing"]) == ("2026-03-10", "2026-03-20", False)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The seed's timeline drawn as SVG twice and as PNG once, through the command line (matplotlib loads once)."""
    folder = tmp_path_factory.mktemp("drawn")
    runs = {name: run("timeline", str(SEED), "--rules", RULES, "--out", str(folder / name))
            for name in ("one.svg", "two.svg", "seed.png")}
    return {"folder": folder, "runs": runs}


def test_svg_is_written_and_deterministic(drawn: dict[str, Any]) -> None:
    """Two drawings of one timeline give byte-identical SVG files, and the command prints the path."""
    folder: Path = drawn["folder"]
    code, out, _ = drawn["runs"]["one.svg"]
    assert code == 0 and out.strip() == str(folder / "one.svg")
    one, two = (folder / "one.svg").read_bytes(), (folder / "two.svg").read_bytes()
    assert one.startswith(b"<?xml") and b"<svg" in one
    assert one == two


def test_png_is_written(drawn: dict[str, Any]) -> None:
    """A .png output is a PNG file (its eight-byte signature)."""
    assert drawn["runs"]["seed.png"][0] == 0
    assert (drawn["folder"] / "seed.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_extension_is_a_located_diagnostic(tmp_path: Path) -> None:
    """An output name that is neither .png nor .svg exits 2 with SV240 and no file, no traceback."""
    code, _, err = run("timeline", str(SEED), "--rules", RULES, "--out", str(tmp_path / "seed.gif"))
    assert code == 2 and f"{tmp_path / 'seed.gif'}:1:1: SV240:" in err and "Traceback" not in err
    assert not (tmp_path / "seed.gif").exists()


def test_format_json_with_an_image_is_a_usage_error(tmp_path: Path) -> None:
    """--format chooses the printed form; asking for JSON while drawing an image is refused, not ignored."""
    code, out, err = run("timeline", str(SEED), "--rules", RULES, "--format", "json", "--out", str(tmp_path / "seed.svg"))
    assert code == 2 and "with --out the image's extension chooses its format" in out + err
    assert not (tmp_path / "seed.svg").exists()


def test_unwritable_output_is_a_located_diagnostic(tmp_path: Path) -> None:
    """An image into a folder that does not exist exits 2 with SV241."""
    code, _, err = run("timeline", str(SEED), "--rules", RULES, "--out", str(tmp_path / "missing" / "seed.svg"))
    assert code == 2 and "SV241" in err and "Traceback" not in err


def test_bad_scenario_is_a_located_diagnostic(tmp_path: Path) -> None:
    """A scenario naming an unknown event kind exits 2 with its located diagnostic."""
    text = SEED.read_text(encoding="utf-8").replace("kind: join_bloc", "kind: join_blok")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run("timeline", str(path), "--rules", RULES)
    assert code == 2 and "SV201" in err and "did you mean 'join_bloc'?" in err


def test_a_variant_timeline_names_its_variant_in_text_json_and_drawing(tmp_path: Path) -> None:
    """`timeline --variant` heads its text, JSON and image with ``scenario[variant]``, not as if it were the baseline."""
    code, out, _ = run("timeline", str(SEED), "--rules", RULES, "--variant", "joins-in-june")
    assert code == 0 and "(seed-kg-joins-hostile-bloc[joins-in-june], as of 2026-12-31)" in out.splitlines()[0]
    _, out, _ = run("timeline", str(SEED), "--rules", RULES, "--variant", "joins-in-june", "--format", "json")
    assert json.loads(out)["variant"] == "joins-in-june"
    code, out, _ = run("timeline", str(SEED), "--rules", RULES, "--variant", "joins-in-june", "--out", str(tmp_path / "v.svg"))
    rules = load_rules(Path(RULES))
    rules_v, june = select_variant(rules, load_scenario(SEED, rules), "joins-in-june")
    labelled = build_timeline(rules_v, june, evaluate(rules_v, june).findings)
    assert code == 0 and (tmp_path / "v.svg").read_bytes() == render_timeline(labelled, "svg")
    assert render_timeline(labelled, "svg") != render_timeline(dataclasses.replace(labelled, variant=None), "svg")


def test_events_and_facts_that_name_no_state_share_a_named_lane(tmp_path: Path) -> None:
    """A relation or kind without state fields is drawn in one lane called 'no state', not in a lane named '—'."""
    rules = ROOT / "tests" / "broken" / "good-rules"
    folder = tmp_path / "rules"
    shutil.copytree(rules, folder)
    vocab = (folder / "vocabulary.yaml").read_text(encoding="utf-8")
    vocab = vocab.replace("relations:\n", "relations:\n  bloc_exists:\n    description: A bloc exists.\n"
                                          "    fields:\n      bloc: {type: id}\n", 1)
    (folder / "vocabulary.yaml").write_text(vocab, encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("scenario: s\ntitle: t\nas_of: 2026-12-31\nworld:\n  facts:\n"
                        "    - {relation: bloc_exists, fields: {bloc: old-pact}}\n", encoding="utf-8")
    loaded_rules = load_rules(folder)
    timeline = timeline_of(loaded_rules, scenario)
    assert [(lane.state, lane.name) for lane in timeline.lanes] == [("—", "no state")]
    assert [i.lane for i in timeline.intervals] == ["—"]
