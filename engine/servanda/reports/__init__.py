"""The reports layer: renderers and file writers.

Findings, diagnostics, test results, diffs, explanations, why-nots, counterfactuals,
timelines, coverage and lint warnings as text for people, JSON for programs (one writer,
one key order: ``json_text``), Markdown to paste, and timelines drawn as SVG or PNG; and
the writers that put them in files. Text renderers return ``Styled`` text whose spans
say what they are (a heading, a grade, a condition that failed); ``str()`` of it is the
plain text. Colour is the command line's business, at a terminal only.
"""

from ._coverage import coverage_shortfall, coverage_text
from ._diff import diff_json, diff_markdown, diff_text
from ._explain import counterfactuals_json, counterfactuals_text, explain_json, explanation_text, why_not_text
from ._files import (save_timeline, schema_text, timeline_image_path, write_file, write_markdown, write_report,
                     write_schemas)
from ._findings import (diagnostics_json, diagnostics_text, findings_json, findings_text, refused_text, skip_text, test_summary,
                        test_text)
from ._grades import GRADE_COLOUR, GRADE_LABEL, GradeColour, GradeLabel
from ._json import json_text
from ._lint import lint_json, lint_text
from ._markdown import NO_IMAGES, markdown_report
from ._plot import render_timeline
from ._styled import Line, Mark, Part, Span, Styled, plain_line
from ._timeline import timeline_json, timeline_text

__all__ = [
    "GRADE_COLOUR",
    "GRADE_LABEL",
    "GradeColour",
    "GradeLabel",
    "Line",
    "Mark",
    "NO_IMAGES",
    "Part",
    "Span",
    "Styled",
    "counterfactuals_json",
    "counterfactuals_text",
    "coverage_shortfall",
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
    "json_text",
    "lint_json",
    "lint_text",
    "markdown_report",
    "plain_line",
    "refused_text",
    "render_timeline",
    "save_timeline",
    "schema_text",
    "skip_text",
    "test_summary",
    "test_text",
    "timeline_image_path",
    "timeline_json",
    "timeline_text",
    "why_not_text",
    "write_file",
    "write_markdown",
    "write_report",
    "write_schemas",
]
