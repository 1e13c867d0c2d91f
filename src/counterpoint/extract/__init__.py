"""Extraction: a raw Document becomes an Article (clean text + metadata).

`extract` is a pure function of the document; it never touches the network,
the store or the CLI. It raises `InputError` with a one-line reason for
anything it cannot read.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    document_fromstring,
)

from counterpoint.errors import InputError
from counterpoint.extract.body import extract_body
from counterpoint.extract.decode import decode
from counterpoint.extract.furniture import clean_text
from counterpoint.extract.metadata import PageMetadata, date_from_dateline, outlet_from_url, read_metadata
from counterpoint.model import Article, Document, Removal
from counterpoint.models.language import detect_language
from counterpoint.textsafe import valid_text

__all__ = ["extract", "extract_html", "outlet_from_url"]

def extract(doc: Document) -> Article:
    """Clean text and metadata of one document."""
    if doc.kind == "html":
        text = decode(doc.raw, doc.source, doc.encoding)
        return extract_html(text, doc)
    if doc.kind in ("text", "article"):
        text = decode(doc.raw, doc.source, doc.encoding)
        return _article(doc, text.replace("\r\n", "\n").replace("\r", "\n"), PageMetadata())
    raise InputError(doc.source, f"unknown document kind {doc.kind!r}")


def extract_html(html: str, doc: Document) -> Article:
    """Extract an HTML page already decoded to text."""
    tree, truncated = _parse(html, doc.source)
    meta = read_metadata(tree, doc.url)
    try:
        body = extract_body(tree, meta.url or doc.url)
    except RecursionError:
        raise InputError(doc.source, "HTML nested too deeply to extract") from None
    if not body.strip():
        if truncated:
            problem = f"HTML nested more than {MAX_HTML_DEPTH} levels deep, no article text above that"
            raise InputError(doc.source, problem)
        raise InputError(doc.source, "no article text found in the page")
    return _article(doc, body, meta)


MAX_HTML_DEPTH = 255  # libxml2 stops parsing below this depth; real pages stay far above it
_PARSER = HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=False)
# One element class for every tag: lxml.html's per-tag class lookup runs in Python for every element
# the extractors touch (~5% of extraction time), and nothing here uses its form/input subclasses.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction,
                                    entity=HtmlEntity)
)


def _parse(html: str, source: str) -> tuple[HtmlElement, bool]:
    """The page's tree, and whether the parser cut it off at its depth limit."""
    if "<" not in html:
        raise InputError(source, "not HTML (no tags); give it a .txt name to read it as plain text")
    try:
        tree = document_fromstring(html.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(source, f"could not parse HTML ({exc})") from None
    truncated = any("Excessive depth" in e.message for e in _PARSER.error_log)
    return tree, truncated


def _article(doc: Document, source_text: str, meta: PageMetadata) -> Article:
    # A page's "&#xDFFF;" or a NUL becomes text no encoder takes: made valid before any offset is computed.
    source_text = valid_text(source_text)
    meta = PageMetadata(
        title=_valid(meta.title), authors=[valid_text(a) for a in meta.authors], published=_valid(meta.published),
        outlet=_valid(meta.outlet), url=_valid(meta.url), lang=_valid(meta.lang),
    )
    text, removed = clean_text(source_text)
    if not text.strip():
        raise InputError(doc.source, "nothing left after removing page furniture")
    url = meta.url or doc.url
    return Article(
        id=doc.id,
        text=text,
        title=meta.title or doc.title,
        outlet=doc.outlet or meta.outlet or outlet_from_url(url),  # the user's name for an outlet wins
        authors=meta.authors or list(doc.authors),
        published=meta.published or doc.published or _dateline(removed),
        lang=detect_language(text, meta.lang),
        url=url,
        source=doc.source,
        source_text=source_text,
        removed=removed,
    )


def _valid(value: str | None) -> str | None:
    return valid_text(value) if value is not None else None


def _dateline(removed: list[Removal]) -> str | None:
    """A page's only date is sometimes the time stamp scraped into its text."""
    for r in removed:
        if r.reason == "dateline" and (found := date_from_dateline(r.span.text)):
            return found
    return None
