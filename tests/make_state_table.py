"""Regenerate engine/servanda/language/iso3166.txt, the ISO 3166 codes servanda knows as states, from pycountry.

Run ``python tests/make_state_table.py`` after upgrading pycountry (the `test` extra installs it);
``tests/test_states.py`` fails while the checked-in table differs from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "engine" / "servanda" / "language" / "iso3166.txt"
HEADER = """\
# ISO 3166 alpha-3 codes that servanda knows as states: every current code (ISO 3166-1)
# and every former one (ISO 3166-3, codes withdrawn from ISO 3166-1), one per line with its status.
# Generated from the pycountry package; do not edit by hand. To regenerate:
#     python tests/make_state_table.py
# tests/test_states.py checks that this file is what that command writes.
"""


def table_text() -> str:
    """The table as pycountry's data gives it: current codes, then former codes that are not current again."""
    import pycountry

    current = sorted(c.alpha_3 for c in pycountry.countries)
    former = sorted({c.alpha_3 for c in pycountry.historic_countries} - set(current))
    lines = [f"{code} current" for code in current] + [f"{code} former" for code in former]
    return HEADER + "\n".join(lines) + "\n"


def main() -> int:
    """Write the table; say how many codes it holds."""
    text = table_text()
    TABLE.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {TABLE} ({len(text.splitlines()) - HEADER.count(chr(10))} codes)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
