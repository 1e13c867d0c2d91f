"""The web app over a real SQLite store: pages, JSON API, OpenAPI, security headers, bad input -> 4xx."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_html_report import HOSTILE_TEXT, example_comparison, hostile_comparison

from counterpoint.model import Analysis, Article, Comparison, Document
from counterpoint.store import Store
from counterpoint.web.app import create_app

HOSTILE_PAGE = b"""<!DOCTYPE html><html><head>
<title>&lt;img src=x onerror=window.__pwned=20&gt; Kremlin &lt;script&gt;window.__pwned=21&lt;/script&gt;</title>
<meta name="author" content="&lt;b onmouseover=window.__pwned=22&gt;Evil Author&lt;/b&gt;">
<script>window.__pwned = 23;</script></head><body><article>
<h1>&lt;script&gt;window.__pwned=24&lt;/script&gt; Kremlin denies arms race remark</h1>
<p>Kremlin spokesman Dmitry Peskov denied the report on Friday, saying "this phrase was not said" during the call
between the two presidents, and that the reports were not true. <img src="x" onerror="window.__pwned=25"></p>
<p>NBC News, citing two White House officials, said Trump told Putin he would win an arms race.
<a href="javascript:window.__pwned=26">Read more</a> &lt;svg onload=window.__pwned=27&gt;</p>
<p>The officials said the president was frustrated by the presentation of new weapons.</p>
</article></body></html>"""


def _stored(store: Store, c: Comparison, raws: dict[str, bytes] | None = None) -> None:
    """Put a hand-made comparison in the store: its articles, their statements, the comparison itself."""
    for a in c.articles:
        raw = (raws or {}).get(a.id)
        if raw is None:
            continue
        doc = Document(raw=raw, kind="text", source=f"{a.outlet}.txt")
        store.add(doc, Article(id=doc.id, text=a.text, title=a.title, outlet=a.outlet, published=a.published,
                               url=a.url, authors=["<i>An Author</i>"], lang="en"))
        sts = [cs.statement for cs in c.statements if cs.article == a.id]
        store.save_analysis(a.id, Analysis(statements=sts))
    store.save_comparison(c)


def build_store(path: Path) -> dict[str, str]:
    """A database holding the example story and a hostile one; returns their ids."""
    from test_html_report import EXAMPLE

    from counterpoint.ingest import read_sources

    c = example_comparison()
    raws = {d.id: d.raw for d in read_sources([str(EXAMPLE)]) if isinstance(d, Document)}
    hostile = hostile_comparison()
    raw1, raw2 = HOSTILE_TEXT.encode() + b"1", HOSTILE_TEXT.encode() + b"2"
    ids = [Document(raw=r, kind="text", source="x").id for r in (raw1, raw2)]
    hostile = Comparison.from_dict(json.loads(json.dumps(hostile.to_dict())
                                              .replace("aaaa1111", ids[0]).replace("bbbb2222", ids[1])))
    with Store(path) as store:
        _stored(store, c, raws)
        _stored(store, hostile, {ids[0]: raw1, ids[1]: raw2})
    return {"story": c.story, "hostile": hostile.story, "article": c.articles[0].id,
            "hostile_article": ids[0], "speaker": "sp:person-dmitry-peskov"}


@pytest.fixture(scope="module")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("web") / "web.db"
    return path, build_store(path)


@pytest.fixture(scope="module")
def client(app_db: tuple[Path, dict[str, str]]) -> TestClient:
    def quick_runner(sources, job, progress):  # no models: counts the sources
        for _ in progress(list(sources), "Reading"):
            job.added += 1

    return TestClient(create_app(app_db[0], runner=quick_runner), base_url="http://127.0.0.1:8000")


def test_stories_list_search_and_filters(client: TestClient, app_db: tuple[Path, dict[str, str]]) -> None:
    ids = app_db[1]
    r = client.get("/")
    assert r.status_code == 200 and f'/story/{ids["story"]}' in r.text
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "'unsafe-inline'" not in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert f'/story/{ids["story"]}' in client.get("/?q=Peskov").text
    assert f'/story/{ids["story"]}' not in client.get("/?q=zzzz-nothing").text
    assert f'/story/{ids["story"]}' in client.get("/?outlet=Sputnik&type=disputed").text
    assert f'/story/{ids["story"]}' not in client.get("/?type=contradicted").text
    assert f'/story/{ids["story"]}' in client.get("/?since=2020-01-01&until=2020-12-31").text
    assert f'/story/{ids["story"]}' not in client.get("/?since=2021-01-01").text
    api = client.get("/api/stories", params={"type": "disputed"}).json()
    assert ids["story"] in {s["story"] for s in api["stories"]}


def test_story_page_matches_the_report(client: TestClient, app_db: tuple[Path, dict[str, str]]) -> None:
    r = client.get(f"/story/{app_db[1]['story']}")
    assert r.status_code == 200
    for part in ["Findings", "Sourcing chains of disputed claims", "Claim matrix", "Framing", 'data-ev="f0"']:
        assert part in r.text
    assert "<script>" not in r.text and '<script src="/static/report.js"></script>' in r.text
    assert "/speaker/sp:person-dmitry-peskov" in r.text
    data = client.get(f"/api/stories/{app_db[1]['story']}").json()
    assert data["schema_version"] >= 1 and Comparison.from_dict(data).findings


def test_article_and_speaker_pages(client: TestClient, app_db: tuple[Path, dict[str, str]]) -> None:
    ids = app_db[1]
    r = client.get(f"/article/{ids['article'][:10]}")
    assert r.status_code == 200 and 'class="st k-direct' in r.text
    assert client.get(f"/api/articles/{ids['article']}").json()["statements"]
    r = client.get(f"/speaker/{ids['speaker']}")
    assert r.status_code == 200 and "Dmitry Peskov" in r.text and "disputed" in r.text
    data = client.get(f"/api/speakers/{ids['speaker']}").json()
    assert {s["outlet"] for s in data["statements"]} == {"Sputnik", "Moscow Times"}
    assert any(s["disputed"] for s in data["statements"])
    assert ids["speaker"] in client.get("/speakers?q=Peskov").text


@pytest.mark.parametrize("path", [
    "/story/nope", "/story/..%2F..%2Fetc%2Fpasswd", "/story/%00", "/article/zz", "/article/ffffffff",
    "/article/..%2Fx", "/speaker/nobody", "/speaker/sp:nobody-at-all", "/api/stories/nope", "/api/articles/0000",
    "/api/articles/not-hex", "/api/speakers/sp:x", "/ingest/abc", "/api/jobs/" + "0" * 32,
    "/static/../pyproject.toml", "/static/%2e%2e/html.py", "/?since=yesterday", "/?type=bogus", "/?page=0",
    "/api/stories?offset=-1", "/?q=" + "x" * 500,
])
def test_bad_ids_are_4xx_never_500(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code)
    assert r.headers.get("content-security-policy")


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{ref}", "/api/speakers/{sid}",
            "/api/ingest", "/api/jobs/{job_id}"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 404  # the docs UI would load from a CDN


def test_hostile_values_are_escaped_in_pages(client: TestClient, app_db: tuple[Path, dict[str, str]]) -> None:
    ids = app_db[1]
    for path in [f"/story/{ids['hostile']}", f"/article/{ids['hostile_article']}", "/", "/speakers"]:
        html = client.get(path).text
        assert "<script>window" not in html and "onerror=window" not in html.replace("onerror=window.__pwned", "")
        assert 'href="javascript:' not in html
        assert "<svg onload" not in html and "<img src=x" not in html


def test_ingest_with_progress_and_limits(client: TestClient) -> None:
    r = client.post("/ingest", data={"urls": "https://example.org/a\nhttps://example.org/b"},
                    files=[("files", ("../../etc/evil.html", b"<p>x</p>", "text/html"))], follow_redirects=False)
    assert r.status_code == 303
    job_id = r.headers["location"].rsplit("/", 1)[-1]
    for _ in range(50):
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] == "done":
            break
        time.sleep(0.05)
    assert job["state"] == "done" and job["added"] == 3
    assert client.get(f"/ingest/{job_id}").status_code == 200
    assert client.post("/ingest", data={"urls": "javascript:alert(1)"}).status_code == 400
    assert client.post("/ingest", data={"urls": ""}).status_code == 400
    big = b"x" * (21 * 1024 * 1024)
    assert client.post("/ingest", files=[("files", ("big.html", big, "text/html"))]).status_code == 413
    assert client.post("/api/ingest", json={"urls": ["file:///etc/passwd"]}).status_code == 400
    assert client.post("/api/ingest", json={"urls": ["https://example.org/x"]}).status_code == 202


def test_cross_site_posts_and_foreign_hosts_are_refused(client: TestClient) -> None:
    r = client.post("/api/ingest", json={"urls": ["https://example.org/x"]}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 421


def test_upload_names_cannot_escape() -> None:
    from counterpoint.web.jobs import safe_name

    assert safe_name("../../etc/passwd", 0) == "passwd"
    assert safe_name("..\\..\\win.ini", 1) == "win.ini"
    assert safe_name("...", 2) == "upload-2.html"
    assert safe_name(".bashrc", 3) == "bashrc"
    assert safe_name("sputnik.txt", 4) == "sputnik.txt"


def test_serve_command_help() -> None:
    from click.testing import CliRunner

    from counterpoint.web.command import serve

    out = CliRunner().invoke(serve, ["--help"])
    assert out.exit_code == 0 and "--host" in out.output and "127.0.0.1" in out.output
