"""servanda's pytest plugin: an analyst's scenario files become pytest items, with readable failures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from support import HOSTILE_BLOC, ROOT, make_rules

from servanda.language import load_yaml

pytest_plugins = ["pytester"]

WORLD = "world:\n  facts:\n    - {relation: bloc_directed_against, fields: {bloc: b, against: KAZ}}\n"
JOIN = "events:\n  - {id: j, date: 2026-02-01, kind: join_bloc, actor: KGZ, bloc: b}\n"
FOUND = "{treaty: t, clause: c, rule: hostile-bloc, grade: violation, party: KGZ, protected: KAZ, date: 2026-02-01}"

PASSING = f"scenario: joins\ntitle: KGZ joins\nas_of: 2026-12-31\n{WORLD}{JOIN}expect:\n  findings:\n    - {FOUND}\n"
FAILING = f"scenario: wrong\ntitle: Expects KAZ\nas_of: 2026-12-31\n{WORLD}{JOIN}expect:\n  findings:\n    - {{treaty: t, clause: c, party: KAZ}}\n"
UNEXPECTED_KIND = "scenario: typo\ntitle: t\nas_of: 2026-12-31\nevents:\n  - {id: j, date: 2026-02-01, kind: join_blok, actor: KGZ, bloc: b}\n"
NO_EXPECT = f"scenario: open\ntitle: No expectations\nas_of: 2026-12-31\n{WORLD}{JOIN}"


@pytest.fixture
def workspace(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """An empty project whose pytest loads the plugin by -p only, and no other installed plugin."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeini("[pytest]\n")
    return pytester


@pytest.fixture
def project(workspace: pytest.Pytester) -> pytest.Pytester:
    """A project with a one-rule rules folder."""
    make_rules(workspace.path, HOSTILE_BLOC)
    return workspace


def run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in the project with the plugin."""
    return project.runpytest("-p", "servanda.testing.plugin", "-rs", *args)


def write(project: pytest.Pytester, relative: str, text: str) -> Path:
    """Write a file under the project, creating its folders."""
    path = project.path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_passing_scenario_is_one_passing_item(project: pytest.Pytester) -> None:
    """A scenario whose findings meet its expectations is one passing item named after the scenario."""
    write(project, "scenarios/joins.yaml", PASSING)
    result = run(project, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*scenarios/joins.yaml::joins PASSED*"])


def test_failing_scenario_reports_a_diff_without_traceback(project: pytest.Pytester) -> None:
    """A mismatch fails with the file, the label and the expected/produced lines, and no Python traceback."""
    write(project, "scenarios/wrong.yaml", FAILING)
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*scenarios/wrong.yaml: wrong: the findings differ from the expectations",
        "    - expected, not produced: treaty=t clause=c party=KAZ",
        "    + produced, not expected: treaty=t clause=c rule=hostile-bloc grade=violation party=KGZ protected=KAZ date=2026-02-01 events=j",
    ])
    assert "Traceback" not in result.stdout.str() and "def runtest" not in result.stdout.str()


def test_broken_scenario_shows_its_diagnostics(project: pytest.Pytester) -> None:
    """A scenario with input problems, at any depth in a scenarios folder, fails with its located diagnostics."""
    write(project, "scenarios/deeper/typo.yaml", UNEXPECTED_KIND)
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*scenarios/deeper/typo.yaml cannot be evaluated:",
        "    scenarios/deeper/typo.yaml:5:*: SV201: unknown event kind 'join_blok' (did you mean 'join_bloc'?)",
    ])
    assert "Traceback" not in result.stdout.str()


def test_scenario_without_expectations_is_skipped(project: pytest.Pytester) -> None:
    """A scenario that states no expectations is skipped, with the reason."""
    write(project, "scenarios/open.yaml", NO_EXPECT)
    result = run(project)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*open states no expectations*"])


def test_only_scenarios_inside_scenario_folders_are_collected(project: pytest.Pytester) -> None:
    """YAML outside a scenarios folder, and YAML without a scenario key inside one, are left alone."""
    write(project, "scenarios/joins.yaml", PASSING)
    write(project, "scenarios/notes.yaml", "notes: [not a scenario]\n")
    write(project, "elsewhere/wrong.yaml", FAILING)
    run(project).assert_outcomes(passed=1)


def test_ini_options_choose_the_rules_and_the_folders(project: pytest.Pytester) -> None:
    """servanda_rules and servanda_scenario_dirs move the rules folder and rename the scenario folders."""
    (project.path / "rules").rename(project.path / "law")
    project.makeini("[pytest]\nservanda_rules = law\nservanda_scenario_dirs = cases\n")
    write(project, "cases/joins.yaml", PASSING)
    write(project, "scenarios/wrong.yaml", FAILING)
    run(project).assert_outcomes(passed=1)


def test_command_line_option_points_at_other_rules(project: pytest.Pytester) -> None:
    """--servanda-rules overrides the default; without it a missing rules folder is one located failure."""
    (project.path / "rules").rename(project.path / "law")
    write(project, "scenarios/joins.yaml", PASSING)
    missing = run(project)
    missing.assert_outcomes(failed=1)
    missing.stdout.fnmatch_lines(["the rules folder rules (servanda_rules or --servanda-rules) has problems:",
                                  "    rules:1:1: SV001: expected a rules folder*"])
    run(project, "--servanda-rules", "law").assert_outcomes(passed=1)


def test_each_variant_is_its_own_item(workspace: pytest.Pytester) -> None:
    """The shipped seed scenario under the shipped rules gives one passing item for the baseline and one per variant."""
    shutil.copytree(ROOT / "rules", workspace.path / "rules")
    seed = ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml"
    write(workspace, "scenarios/seed.yaml", seed.read_text(encoding="utf-8"))
    variants = [v["name"] for v in load_yaml(seed).data["variants"]]
    assert variants, "the seed scenario is expected to declare variants"
    result = run(workspace, "-v")
    result.assert_outcomes(passed=1 + len(variants))
    result.stdout.fnmatch_lines([f"*scenarios/seed.yaml::seed-kg-joins-hostile-bloc[[]{name}[]] PASSED*" for name in variants])


@pytest.mark.parametrize("named_by", ["-p", "pytest_plugins", "PYTEST_PLUGINS"])
@pytest.mark.slow  # pytest in a subprocess
def test_naming_the_plugin_beside_its_installed_entry_point(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path_factory: pytest.TempPathFactory, named_by: str) -> None:
    """With servanda installed (its pytest11 entry point loads the plugin), naming the plugin's module too runs each case once."""
    site = tmp_path_factory.mktemp("site")
    info = site / "servanda-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: servanda\nVersion: 0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[pytest11]\nservanda = servanda.testing.plugin\n", encoding="utf-8")
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(ROOT / "engine"), os.environ.get("PYTHONPATH", "")]))
    write(project, "scenarios/joins.yaml", PASSING)
    args = ["-p", "servanda.testing.plugin"] if named_by == "-p" else []
    if named_by == "pytest_plugins":
        write(project, "conftest.py", 'pytest_plugins = ["servanda.testing.plugin"]\n')
    if named_by == "PYTEST_PLUGINS":
        monkeypatch.setenv("PYTEST_PLUGINS", "servanda.testing.plugin")
    result = project.runpytest_subprocess(*args)
    assert "already registered" not in result.stderr.str() + result.stdout.str()
    result.assert_outcomes(passed=1)


def test_entry_point_is_declared() -> None:
    """pyproject.toml registers the plugin under pytest11, so installing servanda is enough."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["entry-points"]["pytest11"] == {"servanda": "servanda.testing.plugin"}


@pytest.mark.slow  # pytest in a subprocess
def test_this_repository_keeps_its_broken_fixtures_out_of_the_plugin() -> None:
    """Collecting tests/ with the plugin loaded gathers no file from tests/broken (whose scenarios/ are broken on purpose)."""
    assert any((ROOT / "tests" / "broken" / "scenarios").glob("*.yaml")), "the fixtures this test guards moved"
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "servanda.testing.plugin", "tests"]
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'engine'}:{ROOT / 'tests'}", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tests/test_schema.py" in done.stdout
    assert "tests/broken" not in done.stdout
