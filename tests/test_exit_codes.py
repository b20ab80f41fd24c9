"""Exit codes that cannot lie: 0 nothing found, 1 findings, 2 input refused (even beside findings), 70 a bug, 74 output closed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from servanda.cli import main

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken"
SEED = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"
LOCATED = re.compile(r"^[^:]+:\d+:\d+: SV\d{3}: .+$")
CLOSING = re.compile(r"^\d+ problems? found\.$")
ATTACK = '{"id": "%s", "date": "%s", "kind": "armed_attack", "actor": "USA", "target": "KAZ"}\n'


def run(*args: object) -> tuple[int, str, str]:
    """The CLI's exit code, standard output and standard error."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def assert_only_diagnostics(stderr: str) -> list[str]:
    """Standard error of a refusal: located diagnostics, then the count; returns the diagnostic lines."""
    lines = stderr.rstrip("\n").split("\n")
    assert CLOSING.match(lines[-1]), stderr
    assert all(LOCATED.match(line) for line in lines[:-1]), stderr
    assert lines[-1].startswith(f"{len(lines) - 1} problem"), stderr
    return lines[:-1]


def feed_with_bad_lines(tmp_path: Path) -> Path:
    """A feed whose good lines yield findings and whose two bad lines are refused."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text(ATTACK % ("f1", "2026-03-01") + "{not json\n" + ATTACK % ("f2", "2026-03-02")
                    + ATTACK.replace('"KAZ"', '"KAZ", "target": "KGZ"') % ("f3", "2026-03-03"), encoding="utf-8")
    return feed


def test_findings_beside_refused_lines_exit_2_and_say_so(tmp_path: Path) -> None:
    """Findings from the good lines are printed, the refused lines are counted on stdout, and the exit code is 2, not 1."""
    code, out, err = run("check", BROKEN / "good-scenario.yaml", "--rules", BROKEN / "good-rules", "--events", feed_with_bad_lines(tmp_path))
    assert code == 2
    assert "VIOLATION" in out
    assert "2 feed lines were refused" in out
    assert [line.split(": ")[1] for line in assert_only_diagnostics(err)] == ["SV004", "SV005"]


def test_json_carries_the_rejected_count(tmp_path: Path) -> None:
    """The JSON report gives the number of refused records beside the findings (0 when nothing was refused)."""
    code, out, _ = run("check", BROKEN / "good-scenario.yaml", "--rules", BROKEN / "good-rules", "--events",
                       feed_with_bad_lines(tmp_path), "--format", "json")
    payload = json.loads(out)
    assert (code, payload["rejected"]) == (2, 2) and payload["findings"]
    code, out, _ = run("check", SEED, "--format", "json")
    assert (code, json.loads(out)["rejected"]) == (1, 0)


def test_a_refused_scenario_file_counts_beside_a_good_one(tmp_path: Path) -> None:
    """One bad scenario file among good ones: the good one's findings print, one file is counted refused, exit 2."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: bad\ntitle: t\nas_of: 2026-13-01\n", encoding="utf-8")
    code, out, err = run("check", SEED, bad)
    assert code == 2 and "VIOLATION" in out and "1 file was refused" in out
    assert assert_only_diagnostics(err)[0].startswith(f"{bad}:3:")


@pytest.mark.parametrize(("args", "word"), [
    (["check", "--formt", "json", "x.yaml"], "--formt"),
    (["test", "--fail-under", "nan"], "--fail-under"),
    (["test", "--fail-under", "inf"], "--fail-under"),
    (["test", "--fail-under", "101"], "--fail-under"),
    (["check", "--format", "pdf", "x.yaml"], "--format"),
    (["nosuchcommand"], None),
    (["check"], None),
])
def test_usage_errors_are_located_on_the_command_line(args: list[str], word: str | None) -> None:
    """A command-line mistake exits 2 with one SV010 diagnostic at the column of the word at fault."""
    code, out, err = run(*args)
    assert code == 2 and out == ""
    [line] = assert_only_diagnostics(err)
    assert line.startswith("<command line>:1:") and ": SV010: " in line
    col = int(line.split(":")[2])
    expected = " ".join(args).index(word) + 1 if word else 1
    assert col == expected, line


def test_limits_are_set_by_option_or_environment(tmp_path: Path) -> None:
    """--max-yaml-bytes (or SERVANDA_MAX_YAML_BYTES) refuses a larger file with SV003; the default accepts it."""
    code, _, err = run("--max-yaml-bytes", "100", "check", SEED)
    assert code == 2 and "SV003" in err and "the limit is 100" in err
    result = CliRunner(env={"SERVANDA_MAX_YAML_BYTES": "100"}).invoke(main, ["check", str(SEED)])
    assert result.exit_code == 2 and "the limit is 100" in result.stderr
    feed = tmp_path / "feed.jsonl"
    feed.write_text(ATTACK % ("f1", "2026-03-01") + ATTACK % ("f2", "2026-03-02"), encoding="utf-8")
    code, _, err = run("--max-line-bytes", "50", "check", BROKEN / "good-scenario.yaml", "--rules", BROKEN / "good-rules", "--events", feed)
    assert code == 2 and [d.split(": ")[1] for d in assert_only_diagnostics(err)] == ["SV003", "SV003"]


def _servanda(*args: str, stdout: int | None = subprocess.PIPE, extra: str = "") -> subprocess.CompletedProcess[str]:
    code = f"import sys\nfrom servanda.cli import main\n{extra}\nmain(sys.argv[1:])"
    return subprocess.run([sys.executable, "-c", code, *args], stdout=stdout, stderr=subprocess.PIPE, text=True,
                          cwd=ROOT, timeout=120)


@pytest.mark.slow
def test_an_unexpected_exception_is_one_line_and_exit_70() -> None:
    """A bug below the CLI prints one 'servanda: internal error' line, no traceback, and exits 70 rather than 1."""
    proc = _servanda("crash", extra="@main.command('crash')\ndef crash():\n    raise KeyError('boom')\n")
    assert proc.returncode == 70, proc.stderr
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().split("\n")
    assert line.startswith("servanda: internal error: KeyError: 'boom'") and "report" in line


@pytest.mark.slow
def test_a_closed_output_exits_74_quietly() -> None:
    """Writing findings to a pipe whose reader has gone exits 74 with nothing on stderr, not 1 or a traceback."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = _servanda("check", str(SEED), stdout=write)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (74, "")


@pytest.mark.slow
def test_python_dash_m_uses_the_same_exit_codes() -> None:
    """``python -m servanda`` refuses a usage error with a located SV010 and exit 2, as the console script does."""
    proc = subprocess.run([sys.executable, "-m", "servanda", "test", "--fail-under", "nan"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and proc.stderr.startswith("<command line>:1:6: SV010: ")


@pytest.mark.parametrize("args", [
    ["lint", "x" * 300], ["check", "x" * 300], ["check", "--rules", "x" * 300, str(SEED)], ["timeline", "x" * 300],
])
def test_a_name_too_long_for_the_system_is_refused_not_crashed(args: list[str]) -> None:
    """A path longer than the file system allows is an SV001 at that path, exit 2 (it was an OSError, exit 70)."""
    code, _, err = run(*args)
    [line] = assert_only_diagnostics(err)
    assert code == 2 and ": SV001: " in line and line.startswith("x" * 300)


def test_a_rules_folder_without_vocabulary_is_refused_at_the_folder(tmp_path: Path) -> None:
    """The missing vocabulary is reported at the folder, a path that exists, not at the file that does not."""
    code, _, err = run("check", SEED, "--rules", tmp_path)
    assert code == 2 and assert_only_diagnostics(err) == [
        f"{tmp_path}:1:1: SV001: the rules folder has no vocabulary.yaml (a rules folder holds vocabulary.yaml and one folder per treaty)"]
