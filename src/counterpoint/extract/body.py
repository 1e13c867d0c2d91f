"""The article body of an HTML page, as paragraphs separated by newlines."""

from __future__ import annotations

import trafilatura
from lxml.html import HtmlElement


def extract_body(tree: HtmlElement, url: str | None = None) -> str:
    """Main text of a parsed page ('' when none is found)."""
    text = trafilatura.extract(
        tree, url=url, favor_precision=True, include_comments=False, include_tables=True, with_metadata=False
    )
    return text or ""
