"""Write a Markdown report to disk with each scenario's timeline image beside it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from ..engine import Result, RuleSet
from ..workbench import build_timeline
from ._markdown import markdown_report, result_slugs
from ._output import write_file
from ._plot import save_timeline


def timeline_image_path(report: Path, label: str) -> Path:
    """Where a scenario's timeline image goes: beside the report, ``<report stem>-<scenario>.svg``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-")
    return report.with_name(f"{report.stem}-{safe}.svg")


def write_markdown(rules: RuleSet, results: Sequence[Result], out: Path) -> list[Path]:
    """The Markdown report into ``out`` and one timeline SVG per result beside it; the paths written, report first."""
    images = [timeline_image_path(out, slug) for slug in result_slugs(results)]
    written = [write_file(out, markdown_report(results, [p.name for p in images]))]
    for result, image in zip(results, images):
        save_timeline(build_timeline(rules, result.scenario, result.findings), image)
        written.append(image)
    return written
