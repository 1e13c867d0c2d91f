"""Extraction on page layouts the shared benchmark barely has: what must be kept, what must go.

The pages under tests/fixtures/extract/ are written for these tests (an
invented outlet, invented stories) in the markup news sites use for each
layout, with the usual furniture around the article: a cookie notice, share
buttons, a newsletter box, related links, the site's navigation and footer.
`python bench/extraction.py` scores the same pages, beside trafilatura.

* liveblog.html, liveblog_articles.html: 30 short timestamped entries, each
  a bold heading and one or two paragraphs, as <div> blocks with an
  "entry-content" and as <article class="post"> items of a list.
  trafilatura takes the first entry for the article (293 of ~4,700
  characters): every entry must be kept.
* split.html: the article cut into four sibling <div>s with ads and a
  "Read more" link between them.
* keypoints.html: a "key points" box classed as the article body above a
  long article in plain <div id="story">.
* short.html: one-sentence paragraphs; qa.html: an interview of bold
  questions and short answers ("No."); listicle.html: numbered subheads
  and a bullet list.
* teasers.html: an article followed by teasers of other stories built
  with the same markup (<article class="story"> with a "story-body"):
  they must not be taken for more of the article.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest
from lxml.html import fromstring

from counterpoint.extract import extract
from counterpoint.model import Article, Document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract"
URL = "https://www.northgate-courier.example/news/story"

# layouts.json: for each page, an XPath to its article's paragraphs (what must be kept, in order) and
# phrases of its furniture (what must go), besides the furniture every page has.
MANIFEST = json.loads((FIXTURES / "layouts.json").read_text(encoding="utf-8"))
LAYOUTS = MANIFEST["pages"]
PAGE_FURNITURE = MANIFEST["furniture_on_every_page"]


def _article(name: str) -> Article:
    raw = (FIXTURES / name).read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return extract(Document(raw, "html", name, url=URL))


def _norm(text: str) -> str:
    return " ".join(text.split())


def _expected(name: str) -> list[str]:
    """The article's paragraphs, subheads and list items, in page order."""
    tree = fromstring((FIXTURES / name).read_bytes())
    return [_norm(el.text_content()) for el in tree.xpath(LAYOUTS[name]["article"])]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_paragraph_of_the_article_is_kept_in_order(name: str) -> None:
    text = _norm(_article(name).text)
    expected = _expected(name)
    assert expected
    missing = [block for block in expected if block not in text]
    assert not missing, f"{len(missing)} of {len(expected)} blocks lost, first: {missing[0]!r}"
    positions = [text.index(block) for block in expected]
    assert positions == sorted(positions)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_furniture_goes(name: str) -> None:
    text = _article(name).text
    left = [phrase for phrase in (*PAGE_FURNITURE, *LAYOUTS[name]["furniture"]) if phrase in text]
    assert not left


@pytest.mark.parametrize("name", ["liveblog.html", "liveblog_articles.html"])
def test_live_blog_keeps_all_thirty_entries(name: str) -> None:
    text = _norm(_article(name).text)
    tree = fromstring((FIXTURES / name).read_bytes())
    entries = tree.xpath("//div[@class='block'] | //article[@class='post']")
    assert len(entries) == 30
    for entry in entries:
        heading = _norm(entry.xpath(".//strong")[0].text_content())
        paragraphs = [_norm(p.text_content()) for p in entry.xpath(".//p[not(contains(., 'Read more'))]")]
        assert heading in text
        for paragraph in paragraphs:
            assert paragraph in text


def test_live_blog_says_what_was_removed_and_why() -> None:
    article = _article("liveblog.html")
    assert [(r.reason, r.span.text) for r in article.removed] == [
        ("read_more", "Read more: Dorothy Kane: fifty years of songs from the harbour"),
        ("read_more", "Read more: In pictures: the Harbourside Music Prize red carpet"),
    ]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_removals_point_into_the_source_text_with_a_reason(name: str) -> None:
    article = _article(name)
    for removal in article.removed:
        assert removal.span.valid_in(article.source_text)
        assert removal.span.text not in article.text
        assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", removal.reason)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_headline_and_metadata_are_not_in_the_text(name: str) -> None:
    article = _article(name)
    assert article.title and article.title not in article.text.splitlines()
    assert article.authors and article.published


def test_the_headline_stays_out_of_a_widened_live_blog() -> None:
    text = _article("liveblog_articles.html").text
    assert "Harbourside Music Prize 2025: live updates from the ceremony" not in text
    assert "Winners, speeches and performances" not in text  # the standfirst sits outside the entries


# -- the guards, on their own ---------------------------------------------------------------------


def test_a_trim_that_would_remove_most_of_the_text_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The edge trim only shaves furniture off; should it keep a sliver, trafilatura's text stands."""
    from counterpoint.extract import body

    monkeypatch.setattr(body, "_trim_edges", lambda lines, reference: lines[:1])
    monkeypatch.setattr(body, "_reference_shingles", lambda tree: {("any",)})
    page = "<html><body><article><p>Short label</p>" + "".join(
        f"<p>Paragraph {i} of an article about the harbour, long enough to count as text.</p>" for i in range(8)
    ) + "<p>Label</p></article></body></html>"
    text = body.extract_body(fromstring(page))
    assert "Paragraph 7 of an article" in text
