"""The one JSON writer: every JSON servanda prints or writes goes through ``json_text``."""

from __future__ import annotations

from typing import Any

import orjson


def json_text(payload: Any) -> str:
    """``payload`` as JSON text: keys sorted at every level, two-space indent, UTF-8 characters as they are, no final newline."""
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
