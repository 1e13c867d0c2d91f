"""The article body of an HTML page, as paragraphs separated by newlines.

Two extractors with different blind spots, combined by agreement:

* trafilatura in recall mode finds the article's paragraphs reliably,
  including the ones a stricter setting drops (a lead paragraph full of
  links, a short closing line), but it also keeps what sits next to the
  article in the page: the dek and headline above it, a list of related
  stories, a newsletter box or a legal notice below it.
* readability scores the page's containers and keeps the one that holds
  the article, so it rarely reaches outside it; it is worse at the
  paragraphs themselves (it drops some, mangles others), so its text is
  never used, only its vocabulary.

Lines at the start and the end of trafilatura's text that readability did
not find are trimmed off, as long as the two agree on the bulk of the
article (otherwise one of them picked the wrong part of the page and the
other cannot vouch for anything). A long line of prose stops the trim: a
paragraph that readability missed is more likely article than furniture.

The page's own headline is dropped from the top of the body: it is
metadata (`Article.title`), and repeated in the text it would read as the
article's first claim.

Recall mode with `fast=True` skips trafilatura's own readability and
justext fallbacks, which in recall mode only run on short extractions;
they run here as a retry when the fast pass finds almost nothing.
"""

from __future__ import annotations

import logging
import re

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, fromstring
from trafilatura.readability_lxml import Document as Readability

__all__ = ["extract_body"]

MIN_BODY_CHARS = 250  # below this the fast pass probably missed the article: retry with the fallbacks
AGREEMENT = 0.7  # share of the body's shingles the reference must also hold before it may trim anything
LINE_SUPPORT = 0.5  # a line is vouched for when this share of its shingles is in the reference
PROSE_WORDS = 25  # an unvouched line this long that ends a sentence is kept, and the trim stops there

_WORD = re.compile(r"\w+")
_TITLE_SPLIT = re.compile(r"\s+(?:[|–—·•:]|-|::)\s+")
_LOG = logging.getLogger(__name__)


def extract_body(tree: HtmlElement, url: str | None = None) -> str:
    """Main text of a parsed page ('' when none is found).

    `tree` is consumed: readability prunes it in place, so read anything
    else from the page (metadata) before calling this.
    """
    _drop_inert(tree)
    headlines = _headlines(tree)
    text = _trafilatura(tree, url, fast=True)
    if len(text) < MIN_BODY_CHARS:
        retry = _trafilatura(tree, url, fast=False)
        if len(retry) > len(text):
            text = retry
    if not text:
        return ""
    lines = text.split("\n")
    lines = _drop_headline(lines, headlines)
    if not _trimmable(lines):
        return "\n".join(lines).strip("\n")
    reference = _reference_shingles(tree)
    if reference:
        lines = _trim_edges(lines, reference)
    return "\n".join(lines).strip("\n")


def _drop_inert(tree: HtmlElement) -> None:
    """Remove what both extractors discard anyway, before each of them copies and scans the whole tree.

    Same output, about 6% less time: scripts, styles and SVG drawings are a
    large share of a news page's elements. JSON-LD stays: trafilatura reads
    it to recognise forum pages, whose comments are their content.
    """
    for script in tree.xpath("//script[not(@type='application/ld+json')]"):
        script.drop_tree()
    etree.strip_elements(tree, "style", "svg", "noscript", "iframe", "canvas", with_tail=False)


def _trafilatura(tree: HtmlElement, url: str | None, fast: bool) -> str:
    text = trafilatura.extract(
        tree, url=url, favor_recall=True, fast=fast, include_comments=False, include_tables=True,
        with_metadata=False, deduplicate=False,
    )
    return text or ""


# -- the page's headline -------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _headlines(tree: HtmlElement) -> set[str]:
    """The headline as the page states it: <h1>, OpenGraph/Twitter titles, <title> and its parts."""
    found: list[str] = []
    for el in tree.iter("h1"):
        found.append(el.text_content())
        if len(found) >= 3:
            break
    for el in tree.iter("meta"):
        if (el.get("property") or el.get("name") or "").lower() in ("og:title", "twitter:title"):
            found.append(el.get("content") or "")
    title = tree.find(".//title")
    if title is not None and title.text:
        found.append(title.text)
        found.extend(_TITLE_SPLIT.split(title.text))  # "Headline | Site", "Site - Headline"
    return {n for n in map(_norm, found) if len(n) > 3}


def _drop_headline(lines: list[str], headlines: set[str]) -> list[str]:
    """Drop the headline when it opens the body (the extractor took the page's <h1> for a paragraph)."""
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if _norm(line) in headlines:
            return lines[:i] + lines[i + 1 :]
        seen += 1
        if seen >= 2:  # a kicker or a section label may stand above it, nothing more
            break
    return lines


# -- agreement with readability --------------------------------------------------


def _shingles(text: str) -> set[tuple[str, ...]]:
    """Three-word shingles; a line of one or two words is one short shingle, which no article text vouches for.

    That is on purpose: at the edges of a body such lines are labels ("Comments", "Photos"), not sentences.
    """
    words = _WORD.findall(text.casefold())
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return set(zip(words, words[1:], words[2:], strict=False))


def _reference_shingles(tree: HtmlElement) -> set[tuple[str, ...]]:
    """Shingles of the container readability picks as the article; none when it fails, as it only ever vouches."""
    try:
        html = Readability(tree, min_text_length=25).summary()
        article = fromstring(html) if html.strip() else None
    except Exception as exc:  # a third-party heuristic on a hostile page: lose the trim, not the article
        _LOG.debug("readability failed: %s", exc)
        return set()
    if article is None:
        return set()
    return _shingles(" ".join(article.itertext()))


def _trim_edges(lines: list[str], reference: set[tuple[str, ...]]) -> list[str]:
    """Trim leading and trailing lines the reference does not vouch for."""
    own = [_shingles(line) for line in lines]
    body: set[tuple[str, ...]] = set().union(*own)
    if not body or len(body & reference) < AGREEMENT * len(body):
        return lines
    vouched = [not sh or len(sh & reference) >= LINE_SUPPORT * len(sh) for sh in own]
    if not any(vouched[i] for i, line in enumerate(lines) if line.strip()):
        return lines
    start, end = 0, len(lines)
    while start < end and not (lines[start].strip() and (vouched[start] or _is_prose(lines[start]))):
        start += 1
    while end > start and not (lines[end - 1].strip() and (vouched[end - 1] or _is_prose(lines[end - 1]))):
        end -= 1
    return lines[start:end]


def _trimmable(lines: list[str]) -> bool:
    """False when the body opens and closes with prose, which no trim removes (readability is not worth running)."""
    text = [line for line in lines if line.strip()]
    return bool(text) and not (_is_prose(text[0]) and _is_prose(text[-1]))


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    return len(stripped.split()) >= PROSE_WORDS and stripped[-1] in ".!?\"'”’»"
