"""Located diagnostics: every problem a user can fix is reported as one of these.

Codes are stable; the README's "Diagnostics" table documents each. They travel
inside ``errors.DiagnosticError``. Unexpected exceptions are bugs and are never
turned into diagnostics.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable

# code -> one-line meaning (documented in the README; a test checks the table).
CODES: dict[str, str] = {
    "SV001": "file cannot be read",
    "SV002": "file is not valid UTF-8",
    "SV003": "file is too large",
    "SV004": "YAML or JSON syntax error",
    "SV005": "duplicate key in a mapping",
    "SV006": "YAML aliases expand too far (alias bomb)",
    "SV007": "unsupported YAML construct (tag or non-scalar key)",
    "SV008": "not a regular file (a pipe, device or socket would be read without end or wait forever)",
    "SV009": "collections nested too deep (more than 100 levels)",
    "SV010": "command-line usage error (located at the word at fault on the command line)",
    "SV101": "unknown key",
    "SV102": "missing required key",
    "SV103": "value has the wrong type or form",
    "SV104": "impossible or malformed date",
    "SV201": "unknown event kind",
    "SV202": "unknown field of an event kind or relation",
    "SV203": "unknown relation",
    "SV204": "unknown reference in a rule",
    "SV205": "value does not fit the field's type",
    "SV206": "unknown or malformed state code",
    "SV207": "unknown treaty",
    "SV208": "unknown placeholder in an explanation template",
    "SV209": "duplicate id",
    "SV210": "dates out of order",
    "SV211": "missing required field of an event kind",
    "SV212": "rule shape the engine cannot evaluate safely",
    "SV213": "nothing to evaluate",
    "SV220": "a variant names an event the baseline does not have",
    "SV221": "a variant removes a world fact the baseline does not have",
    "SV222": "unknown variant",
    "SV223": "a variant switches off a rule that does not exist",
    "SV224": "a variant changes one thing twice (an event removed and replaced, a clause amended twice or amended and switched off)",
    "SV230": "no finding with this id in the scenario (explain --finding)",
    "SV231": "unknown clause (explain --why-not)",
    "SV232": "clause id found in several treaties: name the treaty (explain --why-not)",
    "SV233": "state is not a party of the clause's treaty (explain --party)",
    "SV240": "output file type cannot be drawn (a timeline image must be .png or .svg)",
    "SV241": "output file or folder (report, timeline image, schemas) cannot be written",
    "SV301": "warning: conditions that can never hold together (a rule that never fires, an 'unless' that never happens)",
    "SV302": "warning: event kind that no rule uses, directly or through its effects",
    "SV303": "warning: clause without verbatim text",
    "SV304": "warning: clause without rules (nothing is checked)",
    "SV305": "warning: text claims more authority than its source gives it",
    "SV306": "warning: exception that clears every finding of its rule",
    "SV307": "warning: two rules of one clause that always fire together",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One located problem: ``path:line:col: code: message (hint)``."""

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str = field(default="", compare=False)

    def render(self) -> str:
        """Format as the one-line form editors and CI logs understand (whatever the path or message holds, one line)."""
        text = f"{one_line(self.path)}:{self.line}:{self.col}: {self.code}: {one_line(self.message)}"
        return f"{text} ({one_line(self.hint)})" if self.hint else text

    def to_json(self) -> dict[str, object]:
        """Stable JSON form."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str, unsafe: re.Pattern[str]) -> str:
    """``text`` with every character ``unsafe`` matches shown as its Python escape (``\\x1b``, ``\\u2028``)."""
    return unsafe.sub(_escape, text)


def one_line(text: str) -> str:
    """``text`` with line breaks (including U+2028/U+2029) and other control characters shown as escapes, so it stays one line."""
    return escaped(text, _BREAKING)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean …' hint, or an empty string when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def one_of(choices: Iterable[str]) -> str:
    """A hint listing the accepted values."""
    names = sorted(choices)
    shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
    return f"expected one of: {shown}"
