"""End-to-end tests of broken input through the CLI: exit code 2, located diagnostics on stderr, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from servanda.cli import main

BROKEN = Path(__file__).resolve().parent / "broken"
GOOD_RULES = BROKEN / "good-rules"
GOOD_SCENARIO = BROKEN / "good-scenario.yaml"


def _run(*args: str | Path) -> Result:
    """Run the CLI; an exception other than the CLI's own exit is a bug, so it fails the test here."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


def _broken_rules(tmp_path: Path, case: str) -> Path:
    """A rules folder: good-rules' vocabulary with the treaty of ``rules/<case>``."""
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(GOOD_RULES / "vocabulary.yaml", folder / "vocabulary.yaml")
    shutil.copytree(BROKEN / "rules" / case / "t", folder / "t")
    return folder


def test_lint_broken_rules(tmp_path: Path) -> None:
    """`lint` on a broken rules folder exits 2 and prints the located diagnostic and a count on stderr."""
    folder = _broken_rules(tmp_path, "unknown-where-field")
    result = _run("lint", folder)
    assert result.exit_code == 2
    assert f"{folder / 't' / 'treaty.yaml'}:21:43: SV202: no field 'actr' here (did you mean 'actor'?)" in result.stderr
    assert result.stderr.rstrip().endswith("1 problem found.")
    assert result.stdout == ""


def test_lint_json_diagnostics(tmp_path: Path) -> None:
    """`lint --format json` reports the diagnostics as one JSON object on stderr."""
    folder = _broken_rules(tmp_path, "later-step-without-after")
    result = _run("lint", folder, "--format", "json")
    assert result.exit_code == 2
    found = json.loads(result.stderr)["diagnostics"]
    assert [(d["line"], d["col"], d["code"]) for d in found] == [(22, 11, "SV212"), (22, 11, "SV212")]


@pytest.mark.parametrize(
    ("folder", "code"),
    [("missing", "SV001: expected a rules folder"), ("no-vocabulary", "SV001: the rules folder has no vocabulary.yaml"),
     ("no-treaties", "SV213: the rules folder has no */treaty.yaml")],
)
def test_lint_unusable_folder(tmp_path: Path, folder: str, code: str) -> None:
    """`lint` on a missing folder, one without vocabulary.yaml or one without treaties exits 2 with SV001/SV213."""
    path = tmp_path / folder
    if folder != "missing":
        path.mkdir()
    if folder == "no-treaties":
        shutil.copy(GOOD_RULES / "vocabulary.yaml", path / "vocabulary.yaml")
    result = _run("lint", path)
    assert result.exit_code == 2
    assert f":1:1: {code}" in result.stderr


def test_check_broken_rules(tmp_path: Path) -> None:
    """`check` refuses to evaluate anything when the rules folder is broken, and exits 2."""
    result = _run("check", GOOD_SCENARIO, "--rules", _broken_rules(tmp_path, "unknown-reference"))
    assert result.exit_code == 2
    assert "SV204: unknown reference '$grnt.guest'" in result.stderr
    assert result.stdout == ""


def test_check_broken_scenario() -> None:
    """`check` on a broken scenario exits 2 with its diagnostic on stderr, path first."""
    path = BROKEN / "scenarios" / "boolean-as-yes.yaml"
    result = _run("check", path, "--rules", GOOD_RULES)
    assert result.exit_code == 2
    assert f"{path}:12:89: SV205: field 'notified': expected true or false, found 'yes'" in result.stderr


def test_check_missing_scenario(tmp_path: Path) -> None:
    """`check` on a scenario path that does not exist exits 2 with SV001."""
    result = _run("check", tmp_path / "nope.yaml", "--rules", GOOD_RULES)
    assert result.exit_code == 2
    assert "SV001: cannot read the file" in result.stderr


def test_all_problems_of_a_file_at_once() -> None:
    """Every problem of one scenario file is reported in one run, sorted by line, not just the first."""
    path = BROKEN / "scenarios" / "many-problems.yaml"
    result = _run("check", path, "--rules", GOOD_RULES)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "8 problems found."
    located = [line.split(": ")[0].rsplit(":", 2)[1:] for line in lines[:-1]]
    assert [int(line) for line, _ in located] == [6, 9, 9, 11, 12, 13, 14, 17]
    codes = {line.split(": ")[1] for line in lines[:-1]}
    assert codes == {"SV207", "SV211", "SV202", "SV201", "SV104", "SV205", "SV209", "SV204"}


def test_test_command_broken_scenario() -> None:
    """`test` on a broken scenario exits 2 and reports its diagnostics rather than a failed expectation."""
    result = _run("test", BROKEN / "scenarios" / "expect-unknown-clause.yaml", "--rules", GOOD_RULES)
    assert result.exit_code == 2
    assert "SV204: treaty 'pact' has no clause 'no-hostile-bloc' (did you mean 'no-hostile-blocs'?)" in result.stderr
    assert "FAIL" not in result.stdout


def test_feed_bad_lines_reported_and_good_lines_evaluated() -> None:
    """A feed with several bad lines reports every one of them, exits 2, and still prints the good lines' findings."""
    feed = BROKEN / "events" / "several-bad-lines.jsonl"
    result = _run("check", GOOD_SCENARIO, "--rules", GOOD_RULES, "--events", feed)
    assert result.exit_code == 2
    assert [line.split(": ")[0] for line in result.stderr.splitlines()[:-1]] == [
        f"{feed}:{n}:{col}" for n, col in ((1, 1), (3, 1), (4, 86), (6, 8), (7, 22))
    ]
    assert result.stderr.splitlines()[-1] == "5 problems found."
    assert "VIOLATION  2026-02-01  KGZ → KAZ" in result.stdout
    assert "POTENTIAL  2026-03-10  KGZ → KAZ" in result.stdout
    assert "evidence: f1, f4" in result.stdout


def test_feed_missing(tmp_path: Path) -> None:
    """A feed path that does not exist is an input error (SV001), not a crash."""
    result = _run("check", GOOD_SCENARIO, "--rules", GOOD_RULES, "--events", tmp_path / "nope.jsonl")
    assert result.exit_code == 2
    assert "nope.jsonl:1:1: SV001: cannot read the file" in result.stderr


def test_check_empty_folder(tmp_path: Path) -> None:
    """`check` on a folder holding no scenarios is an input error, as it is for `test`."""
    result = _run("check", tmp_path, "--rules", GOOD_RULES)
    assert result.exit_code == 2


def test_absence_deadline_past_the_calendar(tmp_path: Path) -> None:
    """A trigger near the end of the calendar does not crash the runtime: its deadline simply falls after as_of."""
    path = tmp_path / "late.yaml"
    path.write_text(
        "scenario: late\ntitle: Late\nas_of: 9999-12-31\nevents:\n"
        "  - {id: e1, date: 9999-12-28, kind: armed_attack, actor: KGZ, target: KAZ}\n",
        encoding="utf-8",
    )
    result = _run("check", path, "--rules", GOOD_RULES)
    assert result.exit_code in (0, 1)


def test_unknown_variant_of_an_empty_variants_list_points_at_it(tmp_path: Path) -> None:
    """`variants: []` declared: an unknown --variant is located at that key, not at the file's first line."""
    path = tmp_path / "s.yaml"
    path.write_text("scenario: s\ntitle: t\nas_of: 2026-12-31\nvariants: []\n", encoding="utf-8")
    for args in (("diff", "--variant", "x"), ("timeline", "--variant", "x")):
        done = _run(args[0], path, *args[1:], "--rules", BROKEN.parent.parent / "rules")
        assert done.exit_code == 2 and f"{path}:4:1: SV222: the scenario has no variant 'x'" in done.stderr


@pytest.mark.parametrize("command", ["check", "test"])
def test_a_folder_without_scenarios_is_sv213_at_the_folder(tmp_path: Path, command: str) -> None:
    """`check` and `test` on a folder holding no .yaml file both say so, located at the folder, and exit 2."""
    result = _run(command, tmp_path, "--rules", GOOD_RULES)
    assert result.exit_code == 2 and f"{tmp_path}:1:1: SV213: no scenario files found" in result.stderr
