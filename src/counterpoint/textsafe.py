"""Text made valid where it enters: every string the tool stores or prints is encodable UTF-8.

Hostile or broken input carries code points no encoder accepts: a page's
``&#xDFFF;`` entity or a JSON line's ``"\\ud800"`` escape decode to lone
surrogates, a file name that is not UTF-8 decodes (surrogateescape) to the same,
and NUL characters break C libraries and terminals. Any of them used to end a
whole batch at the first ``write`` or ``INSERT``. They are replaced here, once,
at the boundary, so nothing downstream needs to care.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
_INVALID = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD and NUL characters removed."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _INVALID.sub(REPLACEMENT, text) if _INVALID.search(text) else text


def valid_data(value: Any) -> Any:
    """`valid_text` over every string of a JSON-like value (keys included); other values unchanged."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        return {valid_data(k): valid_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [valid_data(v) for v in value]
    return value


def display_path(path: str) -> str:
    """A path as a user can read it, even when the file name is not valid UTF-8 (shown as U+FFFD)."""
    return valid_text(path)
