"""`servanda check --format markdown`: the report's table, quotes and evidence, and its timeline images."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from servanda.cli import main
from servanda.reports import NO_IMAGES
from servanda.reports import timeline_image_path

ROOT = Path(__file__).resolve().parent.parent
RULES = str(ROOT / "rules")
SEED = str(ROOT / "scenarios" / "seed-kg-joins-hostile-bloc.yaml")
CONTROL = str(ROOT / "scenarios" / "control-joint-military-exercise.yaml")
ROW = ("| VIOLATION | 2026-02-01 | KGZ → KAZ | `kz-kg-2024` | unnumbered: No participation in blocs or alliances "
       "directed against the other party (`no-hostile-blocs`) | [`fbdb08117168`](#finding-seed-kg-joins-hostile-bloc-fbdb08117168) |")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The seed and the control scenario reported into one file, with their timeline images beside it."""
    folder = tmp_path_factory.mktemp("report")
    code, out, err = run("check", SEED, CONTROL, "--rules", RULES, "--format", "markdown", "--out", str(folder / "report.md"))
    return {"folder": folder, "code": code, "out": out, "err": err, "text": (folder / "report.md").read_text(encoding="utf-8")}


def test_stdout_report_has_the_table_row_the_quote_and_no_images() -> None:
    """Without --out the Markdown goes to stdout: the summary row, the clause quoted with its provenance, no image."""
    code, out, _ = run("check", SEED, "--rules", RULES, "--format", "markdown")
    assert code == 1
    assert ROW in out
    assert "> The States Parties will not enter any military alliances" in out
    assert "> — en, verified text; source `odkb-en`" in out
    assert NO_IMAGES in out and "![timeline]" not in out


def test_finding_section_has_explanation_evidence_and_assumption() -> None:
    """Each finding states its explanation, its evidence events with date and kind, its world facts and what it rests on."""
    _, out, _ = run("check", SEED, "--rules", RULES, "--format", "markdown")
    section = out[out.index('<a id="finding-seed-kg-joins-hostile-bloc-fbdb08117168">'):]
    assert "Kyrgyzstan joined eastern-pact on 2026-02-01; that bloc is directed against Kazakhstan." in section
    assert "- event `e1`, 2026-02-01, `join_bloc` (actor=KGZ, bloc=eastern-pact)" in section
    assert "- world fact `bloc_directed_against` (against=KAZ, bloc=eastern-pact)" in section
    assert "**Rests on:** assumes kz-kg-2024 in force from 2025-08-22" in section


def test_written_report_links_each_timeline_and_the_images_exist(written: dict[str, Any]) -> None:
    """With --out the report links one timeline SVG per scenario, each written beside it, and the paths are printed."""
    folder: Path = written["folder"]
    assert written["code"] == 1, written["err"]
    for name in ("report-seed-kg-joins-hostile-bloc.svg", "report-control-joint-military-exercise.svg"):
        assert f"![timeline]({name})" in written["text"]
        assert (folder / name).read_bytes().startswith(b"<?xml")
        assert str(folder / name) in written["out"]
    assert ROW in written["text"] and NO_IMAGES not in written["text"]


def test_clean_control_exits_zero_and_says_no_findings(tmp_path: Path) -> None:
    """A scenario without violations gives exit 0 and a section that says it found nothing."""
    code, out, _ = run("check", CONTROL, "--rules", RULES, "--format", "markdown")
    assert code == 0 and "No findings." in out and "| grade |" not in out


def test_unwritable_report_is_a_located_diagnostic(tmp_path: Path) -> None:
    """A report into a folder that does not exist exits 2 with SV241, no traceback."""
    target = tmp_path / "missing" / "report.md"
    code, _, err = run("check", SEED, "--rules", RULES, "--format", "markdown", "--out", str(target))
    assert code == 2 and f"{target}:1:1: SV241:" in err and "Traceback" not in err


def test_image_names_are_safe_for_variant_labels() -> None:
    """A variant's label (``scenario[variant]``) becomes a plain file name beside the report."""
    assert timeline_image_path(Path("out/r.md"), "seed[kgz leaves]") == Path("out/r-seed-kgz-leaves.svg")


def test_each_finding_anchor_is_unique_and_its_link_points_at_its_own_section(tmp_path: Path) -> None:
    """With --variants one finding id recurs in several results; every anchor is still unique and every link finds it."""
    code, out, _ = run("check", SEED, "--rules", RULES, "--variants", "--format", "markdown")
    anchors = re.findall(r'<a id="([^"]+)"></a>', out)
    links = re.findall(r"\]\(#([^)]+)\)", out)
    assert code == 1 and len(anchors) == len(set(anchors)) == len(links) == 8
    assert set(links) == set(anchors)
    assert "finding-seed-kg-joins-hostile-bloc-without-cst-fbdb08117168" in anchors


def test_a_variant_section_is_headed_with_its_name() -> None:
    """A variant's section heading says which variant it is, as the text report does."""
    _, out, _ = run("check", SEED, "--rules", RULES, "--variants", "--format", "markdown")
    assert "## Kyrgyzstan joins a bloc directed against Kazakhstan [variant neutral-bloc]" in out


def test_newlines_and_pipes_in_scenario_text_do_not_break_the_markdown(tmp_path: Path) -> None:
    """A title, note or description written over several lines stays on its line; pipes in cells are escaped."""
    text = Path(SEED).read_text(encoding="utf-8").replace(
        "title: Kyrgyzstan joins a bloc directed against Kazakhstan",
        "title: |\n  Kyrgyzstan joins | a bloc\n  # directed against Kazakhstan").replace(
        "    note: >-\n      entry into force", "    note: |-\n      entry into force\n      # into")
    path = tmp_path / "seed.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("check", str(path), "--rules", RULES, "--format", "markdown")
    assert code == 1 and "## Kyrgyzstan joins | a bloc # directed against Kazakhstan\n" in out
    assert not any(line.startswith("# ") and "Treaty-compliance" not in line for line in out.splitlines())


def test_two_scenarios_with_one_label_get_two_images(tmp_path: Path) -> None:
    """Two files declaring the same scenario id each get their own timeline image, neither overwriting the other."""
    copy = tmp_path / "copy.yaml"
    copy.write_text(Path(SEED).read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run("check", SEED, str(copy), "--rules", RULES, "--format", "markdown", "--out", str(tmp_path / "r.md"))
    assert code == 1, err
    assert (tmp_path / "r-seed-kg-joins-hostile-bloc.svg").exists() and (tmp_path / "r-seed-kg-joins-hostile-bloc-2.svg").exists()
    assert len(out.split()) == 3


def test_a_file_named_twice_is_reported_once(tmp_path: Path) -> None:
    """A scenario given directly and again through its folder is evaluated and reported once."""
    code, out, _ = run("check", SEED, str(Path(SEED).parent), "--rules", RULES, "--format", "markdown")
    assert out.count("- scenario: `seed-kg-joins-hostile-bloc` ") == 1
