"""Spreadsheet-safe CSV cells: text from pages never runs as a formula.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``
in a scraped title becomes a link that leaks data, or worse). Every CSV the tool
writes passes every cell, headers included, through `cell`, which prefixes such
text with a quote, as OWASP recommends.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """`value` as a CSV cell: text made inert; numbers, booleans and None left as they are."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
