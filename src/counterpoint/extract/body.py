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

On layouts the shared benchmark barely has, that scheme can keep a
sliver of the article. Three guards, each on evidence from the page, not
from its wording:

* trafilatura takes the *first* element whose class names an article body
  ("entry-content", "post", "article-body") or the first <article>. On a
  live blog every entry is such an element, and some pages cut the article
  into several such blocks around the ads: the fast pass returns the first
  entry or part alone (a few hundred characters of a 30,000-character live
  blog) and, being over the retry's floor, that is the body. When the text
  found is one of several alike sibling blocks that together hold far more
  text, the body is taken from all of them (`_widen_to_alike_blocks`).
* When the fast pass's text is still a sliver of the page's (a "key
  points" box classed as the article body above the article), trafilatura
  runs again with its own readability and justext comparisons, which the
  fast pass skips, and its text replaces the sliver when it is several
  times longer (`_full_cascade`).
* The edge trim only ever vouches with readability's vocabulary; a trim
  that would remove most of trafilatura's text is undone: it is there to
  shave furniture off the edges, never to pick another part of the page.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, fromstring
from trafilatura.readability_lxml import Document as Readability

__all__ = ["extract_body"]

MIN_BODY_CHARS = 250  # below this the fast pass probably missed the article: retry with the fallbacks
AGREEMENT = 0.7  # share of the body's shingles the reference must also hold before it may trim anything
LINE_SUPPORT = 0.5  # a line is vouched for when this share of its shingles is in the reference
PROSE_WORDS = 25  # an unvouched line this long that ends a sentence is kept, and the trim stops there
# The trim must keep at least this share of trafilatura's text. On the shared benchmark it trims 139 of
# the 181 pages and keeps at least 0.71 of the text (next lowest 0.79), so the floor only stops a trim gone wrong.
MIN_TRIM_KEEP = 0.5
# Alike sibling blocks: at least this many (two when the text found sits in alike elements inside them
# too, three when the blocks alone are alike), holding at least this many times the text found.
MIN_ALIKE_BLOCKS = 3
MIN_ALIKE_NESTED = 2
MIN_ALIKE_GROWTH = 2.0
MAX_TEASER_LINKS = 0.25  # a block whose links to other pages hold this share of its text is a teaser
# A body under this share of the page's text (menus and footers included) is suspect; trafilatura's full
# cascade replaces it when it finds this many times more. On the shared benchmark one page is under the
# share (0.04; the next are at 0.08 and 0.09), and the full cascade finds the same text there.
MIN_PAGE_SHARE = 0.05
MIN_CASCADE_GROWTH = 3.0
_BLOCK_TAGS = frozenset({"div", "section", "article", "li"})
_TEXT_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd")
_MAX_LEVELS = 4  # how far above the text's own container its repeated block may be

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
    text = _widen_to_alike_blocks(tree, text, url) or _full_cascade(tree, text, url) or text
    lines = text.split("\n")
    lines = _drop_headline(lines, headlines)
    if not _trimmable(lines):
        return "\n".join(lines).strip("\n")
    reference = _reference_shingles(tree)
    if reference:
        trimmed = _trim_edges(lines, reference)
        if _chars(trimmed) >= MIN_TRIM_KEEP * _chars(lines):
            lines = trimmed
    return "\n".join(lines).strip("\n")


def _chars(lines: list[str]) -> int:
    return sum(len(line.strip()) for line in lines)


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


def _full_cascade(tree: HtmlElement, text: str, url: str | None) -> str | None:
    """trafilatura's own choice, with its readability and justext comparisons, when `text` is a sliver of the page.

    The fast pass skips those comparisons, and they are what rescues a page
    where trafilatura's first pick is a box of a few hundred characters on
    a page of tens of thousands (on a live blog from outside the benchmark,
    trafilatura's defaults kept 88% of the text where the fast pass led to
    1.4%). Only for a sliver, so that the fast pass's better paragraphs
    stand on every ordinary page.
    """
    body = tree.find("body")
    if len(text) >= MIN_PAGE_SHARE * _text_length(tree if body is None else body):
        return None
    full = trafilatura.extract(
        tree, url=url, fast=False, include_comments=False, include_tables=True, with_metadata=False,
        deduplicate=False,
    )
    return full if full and len(full) >= MIN_CASCADE_GROWTH * len(text) else None


# -- an article in several alike blocks --------------------------------------------


def _widen_to_alike_blocks(tree: HtmlElement, text: str, url: str | None) -> str | None:
    """The text of all the alike sibling blocks when `text` is the text of one of them, else None.

    The evidence is the page's structure, never its wording. The text found
    sits in a block (a <div>, <section>, <article> or <li>) whose parent
    holds more blocks of its kind: the same tag, with text in an element
    alike to the one the text was found in (a live blog's entries each have
    their "entry-content", whatever the entry's own class says of it: text,
    photo, video; a page's layout rows hold different things). Two such
    blocks are enough. When the text was found in the block itself, the
    blocks need a class name in common and three of them. Together they
    must hold at least twice the text. Blocks that point to other
    pages (teasers) are not alike, and blocks with their own <h1> are other
    articles, which stops the widening.

    Everything from the first such block to the last goes to trafilatura
    again, as one article, so the ads and share widgets between and inside
    the blocks are cleaned as usual. The widened text is kept only when it
    holds the text found: a retry that lost it picked something else.
    """
    found = _container_of(tree, text)
    if found is None:
        return None
    own = _text_length(found)
    block, path = found, []  # path: the elements from below the block down to the text found
    for _ in range(_MAX_LEVELS):
        parent = block.getparent()
        if parent is None or block.tag in ("body", "html"):
            return None
        if block.tag in _BLOCK_TAGS:
            alike = [child for child in parent
                     if (_alike(child, block) or (path and child.tag == block.tag)) and _holds(child, path)
                     and (child is block or not _teaser(child))]
            enough = MIN_ALIKE_NESTED if path else MIN_ALIKE_BLOCKS
            if len(alike) >= enough and sum(map(_text_length, alike)) >= MIN_ALIKE_GROWTH * max(own, 1):
                if any(other is not block and other.find(".//h1") is not None for other in alike):
                    return None  # a stream of whole articles, each with its headline: the first is the page's
                return _extract_blocks(parent, alike, text, url)
        path.insert(0, block)
        block = parent
    return None


def _teaser(block: HtmlElement) -> bool:
    """Whether a block points to another page: its heading is a link there, or such links hold a quarter of its text.

    A list of other stories can be built like the article it sits beside
    (the same <article class="story">, the same "story-body" inside); what
    sets it apart is that each item is a link away. Links within the page
    ('#block-12', '?page=with:block-12', a live blog's permalinks) do not count.
    """
    away = [a for a in block.iter("a") if not (a.get("href") or "#").startswith(("#", "?"))]
    if not away:
        return False
    heading = next(block.iter("h1", "h2", "h3", "h4", "h5", "h6"), None)
    if heading is not None and any(a in away for a in (*heading.iterancestors("a"), *heading.iter("a"))):
        return True
    return sum(map(_text_length, away)) >= MAX_TEASER_LINKS * _text_length(block)


def _alike(a: HtmlElement, b: HtmlElement) -> bool:
    """Same tag, and a class name in common (digits aside: 'entry-3', 'entry-4'), or no class at either.

    A shared name rather than the same names, so that a pinned or featured
    entry ('post post--pinned') is still one of the entries ('post').
    """
    if a.tag != b.tag:
        return False
    ka, kb = _classes(a), _classes(b)
    return bool(ka & kb) if ka or kb else True


def _classes(el: HtmlElement) -> frozenset[str]:
    return frozenset(filter(None, (re.sub(r"\d+", "", name) for name in (el.get("class") or "").split())))


def _holds(block: HtmlElement, path: list[HtmlElement]) -> bool:
    """Whether `block` has text in an element reached like the text found (children alike to `path`'s, in turn)."""
    if not path:
        return _text_length(block) > 0
    return any(_alike(child, path[0]) and _holds(child, path[1:]) for child in block)


def _container_of(tree: HtmlElement, text: str) -> HtmlElement | None:
    """The innermost element holding every paragraph of `text` that the page has as an element of its own.

    Paragraphs are matched as trafilatura writes them, spaces collapsed;
    one sentence of a few words is too likely to recur elsewhere on the page.
    """
    wanted = {" ".join(line.split()) for line in text.split("\n") if len(line.split()) >= 3}
    if not wanted:
        return None
    shortest = min(map(len, wanted))
    found = []
    for el in tree.iter(*_TEXT_TAGS):
        raw = el.text_content()
        if len(raw) >= shortest and " ".join(raw.split()) in wanted:
            found.append(el)
    if not found:
        return None
    common = [*reversed(list(found[0].iterancestors())), found[0]]
    for el in found[1:]:
        ancestry = {el, *el.iterancestors()}
        while common and common[-1] not in ancestry:
            common.pop()
    return common[-1] if common else None


def _text_length(el: HtmlElement) -> int:
    return len(" ".join(el.text_content().split()))


def _extract_blocks(parent: HtmlElement, alike: list[HtmlElement], text: str, url: str | None) -> str | None:
    """trafilatura's text of the parent's children from the first alike block to the last, as one article."""
    children = list(parent)
    first, last = children.index(alike[0]), children.index(alike[-1])
    page = fromstring("<html><body><article class='article-body'></article></body></html>")
    article = page.find(".//article")
    for child in children[first : last + 1]:
        article.append(deepcopy(child))
    widened = _trafilatura(page, url, fast=True)
    found = _shingles(text)
    if len(widened) < MIN_ALIKE_GROWTH * len(text) or len(found & _shingles(widened)) < AGREEMENT * len(found):
        return None
    return widened


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
