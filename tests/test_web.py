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


# -- hardening: error pages, input validation, cross-site writes, failures ------------------------------------

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _secured(r) -> None:
    """The security headers of every response."""
    assert "default-src 'none'" in r.headers.get("content-security-policy", ""), r.headers
    assert r.headers.get("x-content-type-options") == "nosniff"
    assert r.headers.get("x-frame-options") == "DENY"


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(("method", "path", "status", "headers", "body"), [
    ("GET", "/no/such/page", 404, {}, None), ("GET", "/story/nope", 404, {}, None),
    ("GET", "/static/nope.css", 404, {}, None), ("DELETE", "/", 405, {}, None), ("PUT", "/story/x", 405, {}, None),
    ("GET", "/?page=0", 422, {}, None), ("GET", "/story/%00", 422, {}, None), ("POST", "/ingest", 415, {}, None),
    ("POST", "/ingest", 400, FORM, b"urls=javascript:alert(1)"),
    ("POST", "/ingest", 403, {**FORM, "Origin": "null"}, b"urls=https://example.org/"),
    ("POST", "/ingest", 411, FORM, iter([b"urls=https://example.org/"])),  # chunked: no Content-Length
    ("POST", "/ingest", 413, {**FORM, "Content-Length": str(30 * 2**20)}, iter([b"urls="])),
])
def test_error_pages_are_html_for_browsers(client: TestClient, method: str, path: str, status: int,
                                           headers: dict[str, str], body: bytes | None) -> None:
    r = client.request(method, path, headers={**HTML, **headers}, content=body)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert f"({status})</h1>" in r.text and '<p class="error">' in r.text
    _secured(r)
    if status == 405:
        assert "GET" in r.headers["allow"]


@pytest.mark.parametrize(("path", "headers"), [
    ("/no/such/page", {}), ("/no/such/page", {"Accept": "*/*"}), ("/api/nope", HTML), ("/api/stories?offset=-1", HTML),
])
def test_error_responses_are_json_for_the_api_and_scripts(client: TestClient, path: str, headers: dict) -> None:
    r = client.get(path, headers=headers)
    assert 400 <= r.status_code < 500 and isinstance(r.json()["detail"], str)
    _secured(r)


def test_foreign_host_error_page_has_the_headers(client: TestClient) -> None:
    r = client.get("/", headers={**HTML, "Host": "evil.example"})
    assert r.status_code == 421 and "(421)</h1>" in r.text
    _secured(r)


def test_unexpected_exception_is_a_500_without_traceback(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals\n  File \"x.py\", line 1")

    monkeypatch.setattr(Store, "story_rows", broken)
    quiet = TestClient(client.app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False)
    for path, headers in [("/", HTML), ("/api/stories", {})]:
        r = quiet.get(path, headers=headers)
        assert r.status_code == 500, path
        assert "secret" not in r.text and "Traceback" not in r.text and "x.py" not in r.text
        _secured(r)
    assert "(500)</h1>" in quiet.get("/", headers=HTML).text
    assert quiet.get("/api/stories").json() == {"detail": "internal error; the server log has the details"}


@pytest.mark.parametrize("headers", [
    {"Origin": "null"}, {"Origin": ""}, {"Origin": "https://evil.example"}, {"Origin": "http://127.0.0.1:9999"},
    {"Origin": "https://127.0.0.1:8000"}, {"Origin": "http://127.0.0.1:8000.evil.example"},
    {"Referer": "https://evil.example/page"}, {"Referer": "http://[::1"}, {"Referer": ""},
    {"Referer": "http://127.0.0.1:8000@evil.example/"},
    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
    {"Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://127.0.0.1:8000", "Referer": "https://evil.example/"},
])
def test_cross_site_writes_are_refused(client: TestClient, headers: dict[str, str]) -> None:
    for path in ["/api/ingest", "/ingest"]:
        r = client.post(path, json={"urls": ["https://example.org/x"]}, headers=headers)
        assert r.status_code == 403, (path, headers)
        _secured(r)
    assert client.get("/", headers=headers).status_code == 200  # reading is not a write


@pytest.mark.parametrize("headers", [
    {}, {"Origin": "http://127.0.0.1:8000"}, {"Origin": "HTTP://127.0.0.1:8000"},
    {"Referer": "http://127.0.0.1:8000/ingest"}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
    {"Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "same-origin"},
])
def test_same_origin_and_non_browser_writes_are_allowed(client: TestClient, headers: dict[str, str]) -> None:
    r = client.post("/api/ingest", json={"urls": []}, headers=headers)
    assert r.status_code == 400 and r.json()["detail"] == "nothing to ingest"  # past the guard


TOO_MANY = json.dumps({"urls": [f"https://example.org/{i}" for i in range(501)]}).encode()


@pytest.mark.parametrize(("body", "status", "detail"), [
    (b'{"urls": 5}', 400, '"urls" must be a list of strings, not a number'),
    (b"null", 400, "not null"),
    (b"[]", 400, "not a list"),
    (b'"https://example.org/"', 400, "not a string"),
    (b"{}", 400, '"urls" must be a list of strings, not null'),
    (b'{"urls": "https://example.org/"}', 400, "not a string"),
    (b'{"urls": [1]}', 400, "item 0 is a number"),
    (b'{"urls": [null]}', 400, "item 0 is null"),
    (b'{"urls": [["https://example.org/"]]}', 400, "item 0 is a list"),
    (b'{"url": ["https://example.org/"]}', 400, "unknown field 'url'"),
    (b"[" * 100_000, 400, "nested deeper than 64 levels"),
    (b'{"urls": [' + b"[" * 100_000 + b"]}", 400, "nested deeper than 64 levels"),
    (b'{"a": "' + b"[" * 100_000 + b'"}', 400, "unknown field 'a'"),  # brackets in a string do not nest
    (b'{"urls": ["' + b'\\"' * 100_000 + b"]}", 400, "Unterminated string"),
    (b'{"urls": [' + b"1" * 10_000 + b"]}", 400, "a number of 10000 digits"),
    (b'{"urls": [1e99999]}', 400, "a number out of range"),
    (b'{"urls": [NaN]}', 400, "NaN is not a JSON value"),
    (b'{"urls": ["https://example.org/"]', 400, "invalid JSON"),
    (b"", 400, "invalid JSON"),
    (b"\xff\xfe{}", 400, "not UTF-8"),
    (b'\xef\xbb\xbf{"urls": []}', 400, "invalid JSON"),
    (b'{"urls": ["\\ud800"]}', 400, "not an http(s) URL"),
    (b'{"urls": ["https://example.org/a b"]}', 400, "not an http(s) URL"),
    (b'{"urls": ["https://example.org/' + b"a" * 9000 + b'"]}', 400, "URL too long"),
    (b'{"urls": []}', 400, "nothing to ingest"),
    (TOO_MANY, 413, "too many URLs"),
    (b'{"urls": ["' + b"x" * (1024 * 1024) + b'"]}', 413, "request too large"),
])
def test_api_ingest_validates_json_bodies(client: TestClient, body: bytes, status: int, detail: str) -> None:
    r = client.post("/api/ingest", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status, r.text
    assert detail in r.json()["detail"] and "\n" not in r.json()["detail"]
    _secured(r)


@pytest.mark.parametrize(("content_type", "body", "status"), [
    ("text/plain", b"https://example.org/", 415),
    ("application/xml", b"<urls/>", 415),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"urls\"\r\n\r\nhttps://e", 400),
    ("multipart/form-data", b"--x\r\n\r\n", 400),
    ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="urls"; filename="u.txt"\r\n'
     b"\r\nhttps://example.org/\r\n--x--\r\n", 400),
    ("application/x-www-form-urlencoded", b"urls=%ED%A0%80%00", 400),
    ("application/x-www-form-urlencoded", b"urls=%FF", 400),
    ("Application/JSON; charset=utf-8", b'{"urls": 5}', 400),
])
def test_api_ingest_validates_forms_and_content_types(client: TestClient, content_type: str, body: bytes,
                                                       status: int) -> None:
    r = client.post("/api/ingest", content=body, headers={"Content-Type": content_type})
    assert r.status_code == status, r.text
    assert r.json()["detail"]
    _secured(r)


def test_failed_job_reports_one_line(tmp_path: Path) -> None:
    import threading

    from counterpoint.web.jobs import Jobs

    def failing(sources, job, progress):
        job.errors.append("a.html: bad\nbytes \udcff here")
        raise ValueError("cannot parse\nTraceback (most recent call last):\n  File \"x.py\"")

    jobs = Jobs(failing)
    job = jobs.start(["https://example.org/"], [("../x.html", b"<p>x</p>")])
    for t in threading.enumerate():
        if t.name == f"ingest-{job.id[:8]}":
            t.join(10)
    data = job.to_dict()
    assert data["state"] == "failed" and len(data["errors"]) == 2
    assert all("\n" not in e for e in data["errors"])
    assert data["errors"][1].startswith("ValueError: cannot parse")
    json.dumps(data).encode("utf-8")  # no lone surrogate left to break the API


@pytest.mark.parametrize("kind", ["text", "folder", "corrupt", "missing-folder"])
def test_serve_refuses_an_unusable_database(tmp_path: Path, kind: str) -> None:
    from click.testing import CliRunner

    from counterpoint.web.command import serve

    db = tmp_path / "x.db"
    if kind == "text":
        db.write_text("this is not a database\n" * 100)
    elif kind == "folder":
        db.mkdir()
    elif kind == "corrupt":
        Store(db).close()
        data = bytearray(db.read_bytes())
        data[100:3000] = b"\xa5" * 2900  # the schema page
        db.write_bytes(bytes(data))
    else:
        db = tmp_path / "no" / "such" / "x.db"
    out = CliRunner().invoke(serve, ["--db", str(db), "--port", "1"])
    assert out.exit_code == 2, out.output
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(db) in lines[0], out.stderr
    assert "Traceback" not in out.output and "serving" not in out.output
