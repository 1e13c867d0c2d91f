import json

from lxml.html import document_fromstring

from counterpoint.extract.metadata import date_from_dateline, outlet_from_url, read_metadata


def page(head: str, body: str = "<p>text</p>") -> str:
    return f"<html lang='en-GB'><head>{head}</head><body>{body}</body></html>"


def test_json_ld_news_article_in_a_graph_is_preferred_over_opengraph():
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Site"},
        {"@type": "NewsArticle", "headline": "Trump Warned Putin",
         "author": [{"@type": "Person", "name": "Jane Roe"}, {"@type": "Person", "name": "John Doe"}],
         "datePublished": "2018-03-30T12:05:00+03:00",
         "publisher": {"@type": "Organization", "name": "The Moscow Times"},
         "mainEntityOfPage": {"@id": "https://www.themoscowtimes.com/2018/03/30/trump"}},
    ]}
    html = page(
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="og:title" content="OG title"><meta property="og:site_name" content="MT">'
        '<meta name="author" content="Someone Else">'
    )
    meta = read_metadata(document_fromstring(html), "https://www.themoscowtimes.com/x")
    assert meta.title == "Trump Warned Putin"
    assert meta.authors == ["Jane Roe", "John Doe"]
    assert meta.published == "2018-03-30T12:05:00+03:00"
    assert meta.outlet == "The Moscow Times"
    assert meta.url == "https://www.themoscowtimes.com/2018/03/30/trump"
    assert meta.lang == "en-GB"


def test_opengraph_and_meta_tags_when_there_is_no_json_ld():
    html = page(
        '<meta property="og:title" content="Kremlin Denies Report">'
        '<meta property="og:site_name" content="Sputnik International">'
        '<meta property="article:published_time" content="2018-03-30T17:11Z">'
        '<meta name="author" content="By Ann Smith and Bob Jones">'
        '<link rel="canonical" href="/world/201803301063108143/">'
    )
    meta = read_metadata(document_fromstring(html), "https://sputniknews.com/world/x?utm=1")
    assert meta.title == "Kremlin Denies Report"
    assert meta.outlet == "Sputnik International"
    assert meta.published == "2018-03-30T17:11:00+00:00"
    assert meta.authors == ["Ann Smith", "Bob Jones"]
    assert meta.url == "https://sputniknews.com/world/201803301063108143/"


def test_broken_json_ld_and_url_authors_are_ignored():
    html = page('<script type="application/ld+json">{not json</script>'
                '<meta name="author" content="https://facebook.com/someone"><title> A  Title </title>')
    meta = read_metadata(document_fromstring(html))
    assert meta.title == "A Title"
    assert meta.authors == []
    assert meta.published is None


def test_dateline_and_outlet_helpers():
    assert date_from_dateline("20:32 GMT04 August 2020") == "2020-08-04T20:32:00+00:00"
    assert date_from_dateline("Listen Live") is None
    assert outlet_from_url("https://www.themoscowtimes.com/a/b") == "themoscowtimes.com"
    assert outlet_from_url(None) is None
