"""Fuzz every route of the web app: hostile paths, query strings, headers and bodies are never a 5xx.

The routes come from `app.routes`, so a new route is fuzzed without anyone listing it. Every request, an
error or not, must carry the security headers, and no error may show a traceback. The inputs are drawn
from a seeded random generator: the same few hundred requests run every time, in a few seconds.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount
from test_web import build_store

from counterpoint.web.app import CSP, create_app

SEED = 20180301
CASES = 300
BASE = "http://127.0.0.1:8000"
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"]

SEGMENTS = [
    "", "x", "..", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%2F", "%00", "a%00b", "%ED%A0%80", "%ED%B3%BF", "%FF%FE",
    "%C0%AF", "%", "%%", "%G0", "%F0%9F%98%80", "%0D%0ASet-Cookie:%20x=1", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "a" * 5000, "sp:" + "a" * 300, "sp:", "sp:%00", "sp:person-%ED%A0%80", "0000", "ffff", "f" * 65, "0" * 32,
    "1e9", "-1", "report.css", "report.js", "app.js", "..%5C..%5Cwin.ini", "%252e%252e",
]
QUERIES = [
    "", "?", "?q", "?=", "?&&&", "?q=%00", "?q=%ED%A0%80", "?q=%FF", "?q=%", "?q=%25%27%22%3B--", "?q=" + "x" * 5000,
    "?page=0", "?page=-1", "?page=99999999999999999999999999", "?page=1.5", "?page=%00", "?offset=1e3",
    "?offset=-1", "?type=bogus", "?type=disputed&type=%00", "?type=disputed", "?since=2018-99-99", "?since=%FF",
    "?until=2018-03", "?outlet=%3Cb%3E", "?" + "a=1&" * 2000, "?q=a&q=b&q=" + "%ED%A0%80" * 100,
]
ACCEPTS = [None, "text/html", "*/*", "application/json", "text/html;q=0", "\x00", b"text/html\xff"]
CONTENT_TYPES = [
    None, "application/json", "application/json; charset=latin-1", "APPLICATION/JSON", "multipart/form-data",
    "multipart/form-data; boundary=x", "multipart/form-data; boundary=", 'multipart/form-data; boundary="',
    "application/x-www-form-urlencoded", "text/plain", "application/octet-stream", "\x00", b"multipart/\xff",
]
SIDE_HEADERS: list[dict[str, str | bytes]] = [
    {}, {}, {}, {"Origin": BASE}, {"Origin": "null"}, {"Origin": "https://evil.example"}, {"Origin": b"\xff"},
    {"Referer": BASE + "/ingest"}, {"Referer": "http://[::1"}, {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "none"}, {"Host": "evil.example"}, {"Host": ""}, {"Host": "[::1"}, {"Host": "127.0.0.1:99999"},
    {"Content-Length": "abc"}, {"Content-Length": "-1"}, {"Content-Length": "99999999999999999999999"},
    {"Content-Length": b"\xb2"}, {"Transfer-Encoding": "chunked"}, {"Cookie": "\x00" * 100},
    {"X-Forwarded-Host": "evil.example"}, {"Range": "bytes=99999999-"}, {"Range": "bytes=-1-2,x"},
    {"If-None-Match": "*"}, {"If-Modified-Since": "yesterday"},
]
MULTIPART = [
    b"--x\r\nContent-Disposition: form-data; name=\"urls\"\r\n\r\nhttps://example.org/a\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name=\"urls\"\r\n\r\nhttps://e",  # never closed
    b"--x\r\n\r\n\r\n--x--\r\n",  # a part without a disposition
    b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\xff\xfe\x00.html\"\r\n"
    b"\r\n\x00\xff\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"../../etc/passwd\"\r\n\r\nx\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name=\"urls\"; filename=\"u.txt\"\r\n\r\nhttps://e.org/\r\n--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name=\"urls\"\r\nX: " + b"h" * 20_000 + b"\r\n\r\nx\r\n--x--\r\n",
    b"".join(b'--x\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i for i in range(100))
    + b"--x--\r\n",
    b"--x\r\nContent-Disposition: form-data; name=\"urls\"\r\n\r\n%ED%A0%80\xed\xa0\x80\r\n--x--\r\n",
]
BODIES = [
    b"", b"\x00", b"\x00" * 1000, b"\xff\xfe\xfd", b"\xed\xa0\x80", b"null", b"true", b"5", b'"x"', b"[]", b"{}",
    b'{"urls": 5}', b'{"urls": null}', b'{"urls": [5]}', b'{"urls": {"a": 1}}', b'{"urls": ["\\ud800"]}',
    b'{"urls": ["https://example.org/\\udcff"]}', b'{"urls": ["https://example.org/\\u0000"]}',
    b'{"urls": ["https://example.org/a"]}', b'{"urls": ["https://example.org/a"], "x": 1}', b"[" * 100_000,
    b"{\"a\":" * 50_000, b'{"urls": [' + b"9" * 100_000 + b"]}", b'{"urls": [-Infinity]}', b'{"urls": ["\\',
    b"urls=https%3A%2F%2Fexample.org%2Fa", b"urls=%ED%A0%80", b"urls=%00&urls=%FF&files=x", b"=&=&%&%%",
    *MULTIPART,
]
HUGE = [b"x" * (2 * 1024 * 1024), b"[" * (2 * 1024 * 1024)]  # over every limit; drawn rarely: they cost time


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[TestClient, dict[str, str]]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    ids = build_store(path)

    def quick_runner(sources, job, progress):  # no models, no network
        for _ in progress(list(sources), "Reading"):
            job.added += 1

    return TestClient(create_app(path, runner=quick_runner), base_url=BASE), ids


def _route_templates(client: TestClient) -> list[str]:
    """Every route of the app as a path template, "{name}" where a parameter goes; a mount takes any rest."""
    out = []
    for route in client.app.routes:
        path = getattr(route, "path", None)
        if path is None:
            continue
        out.append(path + "/{rest}" if isinstance(route, Mount) else path)
    return out


def _fill(template: str, rng: random.Random, values: list[str]) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: rng.choice(values), template)


def _check(client: TestClient, case: dict) -> None:
    """One request: never a 5xx, always the security headers, never a traceback."""
    try:
        r = client.request(case["method"], case["url"], headers=case["headers"], content=case["body"])
    except Exception as exc:  # the server raised: say which request did it
        raise AssertionError(f"server error on {_show(case)}") from exc
    assert r.status_code < 500, (r.status_code, r.text[:300], _show(case))
    assert r.headers.get("content-security-policy") == CSP, _show(case)
    assert r.headers.get("x-content-type-options") == "nosniff", _show(case)
    if r.status_code >= 400 and case["method"] != "HEAD":
        assert "Traceback" not in r.text and 'File "' not in r.text, _show(case)
        if r.headers.get("content-type", "").startswith("application/json"):
            detail = r.json()["detail"]
            assert isinstance(detail, str) and "\n" not in detail, (detail, _show(case))


def _show(case: dict) -> str:
    body = case["body"] or b""
    return f"{case['method']} {case['url'][:200]} {case['headers']!r:.300} body={body[:100]!r} ({len(body)} bytes)"


def test_every_route_and_method_with_hostile_parameters(fuzz_app: tuple[TestClient, dict[str, str]]) -> None:
    client, ids = fuzz_app
    templates = _route_templates(client)
    assert {"/api/ingest", "/ingest", "/story/{story_id}", "/static/{rest}"} <= set(templates)
    rng = random.Random(SEED)
    values = [*SEGMENTS, ids["story"], ids["article"], ids["article"][:8], ids["speaker"], ids["hostile"]]
    for template in templates:  # every route with every method, once plainly
        for method in METHODS:
            _check(client, {"method": method, "url": _fill(template, rng, values), "headers": {}, "body": None})
    for _ in range(CASES):  # then random mixes of everything hostile
        headers: dict[str, str | bytes] = dict(rng.choice(SIDE_HEADERS))
        if (accept := rng.choice(ACCEPTS)) is not None:
            headers["Accept"] = accept
        if (content_type := rng.choice(CONTENT_TYPES)) is not None:
            headers["Content-Type"] = content_type
        body = rng.choice(HUGE) if rng.random() < 0.01 else rng.choice(BODIES + [None] * 5)
        url = _fill(rng.choice(templates), rng, values) + rng.choice(QUERIES)
        _check(client, {"method": rng.choice(METHODS), "url": url, "headers": headers, "body": body})


@pytest.mark.parametrize("path", ["/api/ingest", "/ingest"])
def test_ingest_bodies_never_5xx(fuzz_app: tuple[TestClient, dict[str, str]], path: str) -> None:
    """Every body as JSON, as each kind of form, and with one other content type, to both ingest routes."""
    client, _ = fuzz_app
    rng = random.Random(SEED + len(path))
    for body in BODIES:
        for content_type in ["application/json", "multipart/form-data; boundary=x",
                             "application/x-www-form-urlencoded", rng.choice(CONTENT_TYPES)]:
            headers = {} if content_type is None else {"Content-Type": content_type}
            _check(client, {"method": "POST", "url": path, "headers": headers, "body": body})


def test_random_json_shapes_are_4xx_or_accepted(fuzz_app: tuple[TestClient, dict[str, str]]) -> None:
    """Random JSON values as /api/ingest bodies: 202 only for a list of http(s) URLs, otherwise a 4xx."""
    client, _ = fuzz_app
    rng = random.Random(SEED + 1)
    atoms = [None, True, 0, -1.5, 10**30, "", "x", "https://example.org/a", "\ud800", "https://e.org/\x00", [], {}]

    def value(depth: int) -> object:
        if depth > 3 or rng.random() < 0.4:
            return rng.choice(atoms)
        if rng.random() < 0.5:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        return {rng.choice(["urls", "url", "x"]): value(depth + 1) for _ in range(rng.randrange(3))}

    for _ in range(100):
        data = value(0)
        body = json.dumps(data).encode()
        r = client.post("/api/ingest", content=body, headers={"Content-Type": "application/json"})
        valid = (isinstance(data, dict) and set(data) == {"urls"} and isinstance(data["urls"], list) and data["urls"]
                 and all(u == "https://example.org/a" for u in data["urls"]))
        assert r.status_code == (202 if valid else 400), (body, r.text)
        assert r.headers.get("content-security-policy") == CSP
