"""The reports layer: renderers and file writers.

Findings, diagnostics, test results, diffs, explanations, why-nots, counterfactuals,
timelines, coverage and lint warnings as text for people, JSON for programs, Markdown
to paste, and timelines drawn as SVG or PNG; and the writers that put them in files.
"""

from ._coverage import coverage_text
from ._diff import diff_json, diff_markdown, diff_text
from ._explain import counterfactuals_json, counterfactuals_text, explain_json, explanation_text, why_not_text
from ._files import timeline_image_path, write_markdown
from ._findings import diagnostics_json, diagnostics_text, findings_json, findings_text, test_text
from ._lint import lint_json, lint_text
from ._markdown import NO_IMAGES, markdown_report
from ._output import write_file
from ._plot import render_timeline, save_timeline
from ._timeline import timeline_json, timeline_text

__all__ = [
    "NO_IMAGES",
    "counterfactuals_json",
    "counterfactuals_text",
    "coverage_text",
    "diagnostics_json",
    "diagnostics_text",
    "diff_json",
    "diff_markdown",
    "diff_text",
    "explain_json",
    "explanation_text",
    "findings_json",
    "findings_text",
    "lint_json",
    "lint_text",
    "markdown_report",
    "render_timeline",
    "save_timeline",
    "test_text",
    "timeline_image_path",
    "timeline_json",
    "timeline_text",
    "why_not_text",
    "write_file",
    "write_markdown",
]
