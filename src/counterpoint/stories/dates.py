"""Dates for story grouping: the page's stamp, and what the text itself says about when.

A page's date stamp is often wrong for the events it reports (a republished
page, a CMS that stamps the crawl day), so grouping never trusts it alone: it
is compared with the years and months the text names and with the dates of
the story the article matches. Everything here is cheap regex work on the
first part of the text, so the cost per article stays constant.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR = re.compile(r"(?<![\w/.,-])((?:19|20)\d\d)(?![\w/-])")
# Month names only count when written like a date ("March 21", "21 March", "March 2018"), so the
# verb "may" and the name "March" in "the March on Washington" rarely fire.
_MONTH_DATE = re.compile(
    r"\b(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(\d{1,2}(?:st|nd|rd|th)?\b|(?:19|20)\d\d\b)"
    r"|\b(\d{1,2})(?:st|nd|rd|th)?\s+(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
    r"Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b"
)


def parse_date(value: str | None) -> date | None:
    """The calendar day of an ISO date or datetime; None when absent or unreadable (never raises)."""
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def text_years(text: str, limit: int = 4000) -> set[int]:
    """Years the text names (1900-2099), from its first `limit` characters: bounded work per article."""
    return {int(y) for y in _YEAR.findall(text[:limit])}


def text_months(text: str, limit: int = 4000) -> Counter[int]:
    """How often the text names each month as a date ("March 21", "21 March", "March 2018")."""
    found: Counter[int] = Counter()
    for m in _MONTH_DATE.finditer(text[:limit]):
        name = (m.group(1) or m.group(4) or "").lower().rstrip(".")
        month = MONTHS.get(name)
        if month:
            found[month] += 1
    return found


def month_contradicts(page: date, months: Counter[int]) -> int | None:
    """The month the text keeps naming when it is not the page's month, else None.

    "March 18 ... March 19 ... March 1" on a page stamped in August says the
    stamp is not the date of the events. Two mentions at least, and more than
    the page's own month, so one look back ("in March, ...") does not count.
    """
    if not months:
        return None
    month, count = max(months.items(), key=lambda kv: (kv[1], -kv[0]))
    if month != page.month and count >= 2 and count > months.get(page.month, 0):
        return month
    return None


def days_between(a: date, b: date) -> int:
    return abs((a - b).days)


def describe_month(d: date) -> str:
    return f"{MONTH_NAMES[d.month - 1]} {d.year}"


def self_conflict(page: date, years: set[int]) -> str | None:
    """A note when the text only names years before the page's year, none of them its own.

    A report names the year of its events; a page stamped years after every
    year its text names is most likely a republished or re-stamped page. Years
    after the page date are left alone (forecasts, plans).
    """
    if not years or page.year in years:
        return None
    latest = max(years)
    if latest >= page.year:
        return None
    return f"page dated {page.isoformat()} but the text names only earlier years (latest {latest})"
