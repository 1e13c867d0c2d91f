"""The local web app: stories, story comparisons, speakers, articles, ingest, and a JSON API.

Built on FastAPI (for the OpenAPI description of the API) with the report's
Jinja2 templates, so a story page and the HTML report show the same thing.
The app is meant for one person on their own machine: it binds to loopback,
answers only to loopback host names (no DNS rebinding), refuses cross-site
writes, and every response (error pages included) carries a strict
Content-Security-Policy with no inline script at all: the few behaviours
(evidence highlighting, ingest progress) are static files served by the app
itself.

Cross-site writes. The app has no login, so any page the user visits could
otherwise make their browser POST to it. A request with any method but GET,
HEAD or OPTIONS is refused (403) unless every one of these headers that it
carries points at the app itself:

- ``Origin`` must be exactly ``http://HOST[:PORT]`` of the request's own
  ``Host``; ``null`` (sandboxed frames, ``data:`` pages), an empty value or
  another origin is refused;
- ``Referer`` must be a URL on that same origin;
- ``Sec-Fetch-Site`` must be ``same-origin`` or ``none`` (typed by the user).

A request carrying none of the three is allowed: that is a non-browser client
(curl, a script, the tests), which needs no forgery to reach a loopback app
it can already talk to. A cross-site attack needs the victim's browser, and
browsers send ``Origin`` on every POST (and ``Sec-Fetch-Site`` on every
request), so a forged write always carries at least one of them.

Bad input is a 4xx with a one-line ``detail`` (JSON for the API and for
clients that do not ask for HTML, an error page for browsers), never a 5xx;
an unexpected exception is a 500 with the same headers and no traceback (the
server log has it).

Every handler is a plain function: FastAPI runs it in a worker thread, and
each thread keeps its own database connection (neither sqlite3 nor psycopg
connections are shared between threads), so reads run in parallel (under
WAL for SQLite).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from counterpoint import __version__
from counterpoint.jsonlines import json_type, loads
from counterpoint.model import Comparison, FindingType, speaker_id
from counterpoint.report.html import FINDING_LABELS, FINDING_ORDER, article_view, environment, safe_url, story_view
from counterpoint.store import Store, StoreError
from counterpoint.web.jobs import Job, Jobs, one_line

T = TypeVar("T")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # one ingest request, all files together
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 50
MAX_URLS = 500
MAX_URL_CHARS = 8192
MAX_JSON_BYTES = 1024 * 1024
PAGE = 50
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}

STORY_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
ARTICLE_ID = r"^[0-9a-fA-F]{4,64}$"
SPEAKER_ID = r"^sp:[a-z0-9-]{1,200}$"
JOB_ID = r"^[0-9a-f]{32}$"

StoryId = Annotated[str, PathParam(pattern=STORY_ID, description="a story id, as listed by /api/stories")]
ArticleId = Annotated[str, PathParam(pattern=ARTICLE_ID, description="an article id or a unique prefix (4+ hex)")]
SpeakerId = Annotated[str, PathParam(pattern=SPEAKER_ID,
                                     description="a canonical speaker id, e.g. sp:person-donald-trump")]
JobId = Annotated[str, PathParam(pattern=JOB_ID)]
DateQ = Annotated[str | None, Query(pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$", description="YYYY, YYYY-MM or YYYY-MM-DD")]
TextQ = Annotated[str | None, Query(max_length=200)]
TypeQ = Annotated[FindingType | None, Query()]


def default_runner(db_path: str | Path) -> Callable[..., None]:
    """Ingest, analyse and compare the sources of a job into the database (the CLI's own workflow)."""

    def run(sources: list[str], job: Job, progress: Callable[[Iterable[T], str], Iterator[T]]) -> None:
        from counterpoint.ingest import IngestOptions
        from counterpoint.workflow import compare_stored, ingest_sources

        with Store(db_path) as store:
            job.stage = "Reading"
            report = ingest_sources(store, sources, IngestOptions(), progress=progress)
            job.added, job.unchanged = report.added + report.new_version, report.unchanged
            job.errors += [f"{e.source}: {e.problem}" for e in report.errors]
            job.errors += [f"{e.source}: {e.problem}" for e in report.not_analysed]
            if report.article_ids:
                failures: list = []
                comparisons = compare_stored(store, report.article_ids, progress=progress, failures=failures)
                job.stories = [c.story for c in comparisons]
                job.errors += [f"{e.source}: {e.problem}" for e in failures]

    return run


class _Stores(threading.local):
    store: Store | None = None


def create_app(db_path: str | Path, host: str = "127.0.0.1",
               runner: Callable[..., None] | None = None) -> FastAPI:
    """The app over one database (a SQLite file or a PostgreSQL URL). `runner` replaces the ingest workflow
    (tests use a quick one)."""
    Store(db_path).close()  # create / migrate once, before any request
    local = _Stores()
    jobs = Jobs(runner or default_runner(db_path))
    env = environment()
    allowed_hosts = {"127.0.0.1", "localhost", "[::1]", "::1", host}

    def store() -> Store:
        if local.store is None:
            local.store = Store(db_path)
        return local.store

    app = FastAPI(
        title="counterpoint", version=__version__, docs_url=None, redoc_url=None,
        description="Who said what, on whose authority, across news outlets. The JSON API of the local app: "
                    "stories and their comparisons (the schema of `counterpoint compare --json`), articles, "
                    "speakers, and ingest jobs.",
    )
    static_dir = resources.files("counterpoint.report").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Any]) -> Response:
        if _hostname(request.headers.get("host")) not in allowed_hosts:
            return error(request, 421, "unknown host")
        if request.method not in SAFE_METHODS and not _same_origin(request):
            return error(request, 403, "cross-site request refused")
        return _headers(await call_next(request))

    def page(name: str, request: Request, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(request_path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status_code)

    def wants_html(request: Request) -> bool:
        """Browsers ask for text/html when they navigate; the API, curl (*/*) and scripts get JSON."""
        api = request.url.path.startswith(("/api/", "/openapi"))
        return not api and "text/html" in request.headers.get("accept", "").lower()

    def error(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
        """The one error response of the app, for every status: a page or {"detail": ...}, security headers on."""
        detail = one_line(detail)
        if wants_html(request):
            response: Response = page("error.html.j2", request, status, status=status, title=_phrase(status),
                                      detail=detail)
        else:
            response = JSONResponse({"detail": detail}, status_code=status)
        for name, value in (headers or {}).items():  # e.g. Allow on a 405
            response.headers[name] = value
        return _headers(response)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error(request, 422, detail or "invalid request")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        """A bug or a broken database: a 500 without the traceback (Starlette re-raises it to the server log)."""
        detail = "internal error; the server log has the details"
        if isinstance(exc, (sqlite3.DatabaseError, StoreError)):  # say so: the user can do something about it
            detail = f"the database cannot be read ({exc})"
        try:
            return error(request, 500, detail)
        except Exception:  # even the error page failed: still answer, never drop the connection
            return _headers(PlainTextResponse("internal error", status_code=500))

    # -- data ----------------------------------------------------------------------------------

    def story_rows(q: str | None, outlet: str | None, type_: str | None, since: str | None, until: str | None,
                   offset: int) -> list[dict[str, Any]]:
        until_end = until + "\uffff" if until else None  # "2018-03" takes in the whole month
        return store().story_rows(q or None, outlet or None, type_ or None, since or None, until_end, PAGE, offset)

    def comparison(story_id: str) -> Comparison:
        c = store().comparison(story_id)
        if c is None:
            raise HTTPException(404, f"no story {story_id}")
        return c

    def article(ref: str) -> Any:
        a = store().article(ref.lower())
        if a is None:
            raise HTTPException(404, f"no article {ref}")
        return a

    def speaker_key(sid: str) -> str:
        key = store().speaker_key(sid)
        if key is None:
            raise HTTPException(404, f"no speaker {sid}")
        return key

    def speaker_data(sid: str) -> dict[str, Any]:
        key = speaker_key(sid)
        rows = store().speaker_statements(key)
        cache: dict[str, Comparison | None] = {}
        out = []
        for r in rows:
            story = r.get("story")
            if story and story not in cache:
                cache[story] = store().comparison(story)
            c = cache.get(story) if story else None
            types: list[str] = []
            if c is not None:
                ids = {cs.id for cs in c.statements if cs.article == r["article_id"]
                       and cs.statement.content and cs.statement.content[0].start == r.get("content_start")}
                types = sorted({f.type for f in c.findings if ids & set(f.statements)}, key=FINDING_ORDER.index)
            out.append({
                "story": story, "article": r["article_id"], "outlet": r.get("outlet"), "title": r.get("title"),
                "published": r.get("published"), "kind": r.get("kind"), "name": r.get("speaker"),
                "role": r.get("speaker_role"), "cue": r.get("cue") or "", "content": r.get("content") or "",
                "via": [v for v in (r.get("via") or "").split(" > ") if v],
                "hedged": bool(r.get("hedged")), "denial": bool(r.get("denial")), "findings": types,
                "disputed": any(t in {"disputed", "contradicted"} for t in types),
            })
        names = [r["name"] for r in out if r["name"]]
        roles = [r["role"] for r in out if r["role"]]
        return {"id": sid, "key": key, "name": max(set(names), key=names.count) if names else sid,
                "role": max(set(roles), key=roles.count) if roles else None,
                "outlets": sorted({r["outlet"] for r in out if r["outlet"]}), "statements": out}

    def article_data(a: Any) -> dict[str, Any]:
        sts = a.analysis.statements if a.analysis else []
        return {"id": a.id, "outlet": a.outlet, "title": a.title, "published": a.published, "url": a.url,
                "authors": a.authors, "lang": a.lang, "text": a.text, "stories": store().stories_of(a.id),
                "statements": [s.to_dict() for s in sts]}

    # -- pages -------------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, q: TextQ = None, outlet: TextQ = None, type: TypeQ = None,
                     since: DateQ = None, until: DateQ = None, page_: Annotated[int, Query(alias="page", ge=1,
                                                                                           le=10_000)] = 1) -> Response:
        rows = story_rows(q, outlet, type, since, until, (page_ - 1) * PAGE)
        return page("stories.html.j2", request, rows=rows, q=q or "", outlet=outlet or "", type=type or "",
                    since=since or "", until=until or "", page=page_, more=len(rows) == PAGE,
                    types=[(t, FINDING_LABELS[t]) for t in FINDING_ORDER], labels=FINDING_LABELS)

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: StoryId) -> Response:
        c = comparison(story_id)
        return page("story.html.j2", request, s=story_view(c), links=True)

    @app.get("/article/{ref}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, ref: ArticleId) -> Response:
        a = article(ref)
        sts = a.analysis.statements if a.analysis else []
        return page("article.html.j2", request, a=a, url=safe_url(a.url), segments=article_view(a.id, a.outlet or "",
                    a.text, sts), statements=sts, stories=store().stories_of(a.id))

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def speakers_page(request: Request, q: TextQ = None) -> Response:
        rows = [{**r, "id": speaker_id(r["key"])} for r in store().speaker_rows(q or None, limit=200) if r["key"]]
        return page("speakers.html.j2", request, rows=rows, q=q or "")

    @app.get("/speaker/{sid}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(request: Request, sid: SpeakerId) -> Response:
        return page("speaker.html.j2", request, sp=speaker_data(sid))

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_form(request: Request) -> Response:
        return page("ingest.html.j2", request, max_mb=MAX_UPLOAD_BYTES // 2**20, max_files=MAX_FILES)

    @app.post("/ingest", include_in_schema=False)
    async def ingest_post(request: Request) -> Response:
        urls, files = await _read_ingest_form(request)
        if not urls and not files:
            return page("ingest.html.j2", request, 400, error="Give at least one URL or file.",
                        max_mb=MAX_UPLOAD_BYTES // 2**20, max_files=MAX_FILES)
        job = jobs.start(urls, files)
        return RedirectResponse(f"/ingest/{job.id}", status_code=303)

    @app.get("/ingest/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: JobId) -> Response:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such ingest job")
        return page("job.html.j2", request, job=job.to_dict())

    # -- JSON API ----------------------------------------------------------------------------------

    @app.get("/api/stories", tags=["stories"])
    def api_stories(q: TextQ = None, outlet: TextQ = None, type: TypeQ = None, since: DateQ = None,
                    until: DateQ = None, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> dict[str, Any]:
        """Stories, newest first: id, title, outlets, latest date, article count, findings by type."""
        return {"stories": story_rows(q, outlet, type, since, until, offset), "offset": offset, "limit": PAGE}

    @app.get("/api/stories/{story_id}", tags=["stories"])
    def api_story(story_id: StoryId) -> dict[str, Any]:
        """A story's whole comparison: articles, speakers, statements, claims, findings, framing."""
        return {"schema_version": _schema_version(), "counterpoint_version": __version__,
                **comparison(story_id).to_dict()}

    @app.get("/api/articles/{ref}", tags=["articles"])
    def api_article(ref: ArticleId) -> dict[str, Any]:
        """One stored article with its statements (evidence offsets index into `text`)."""
        return article_data(article(ref))

    @app.get("/api/speakers", tags=["speakers"])
    def api_speakers(q: TextQ = None) -> dict[str, Any]:
        """Speakers across all articles, most quoted first."""
        return {"speakers": [{**r, "id": speaker_id(r["key"])} for r in store().speaker_rows(q or None, limit=200)
                             if r["key"]]}

    @app.get("/api/speakers/{sid}", tags=["speakers"])
    def api_speaker(sid: SpeakerId) -> dict[str, Any]:
        """Everything one speaker is reported as saying, in which story, by which outlet, disputed or not."""
        return speaker_data(sid)

    @app.post("/api/ingest", status_code=202, tags=["ingest"])
    async def api_ingest(request: Request) -> dict[str, Any]:
        """Start an ingest: JSON {"urls": [...]} or a multipart form (urls, files); poll /api/jobs/{id}."""
        if _media_type(request) == "application/json":
            urls, files = _urls_of_json(_parse_json(await _read_limited(request, MAX_JSON_BYTES))), []
        else:
            urls, files = await _read_ingest_form(request)
        if not urls and not files:
            raise HTTPException(400, "nothing to ingest")
        return jobs.start(urls, files).to_dict()

    @app.get("/api/jobs/{job_id}", tags=["ingest"])
    def api_job(job_id: JobId) -> dict[str, Any]:
        """An ingest job's progress: state, stage, done/total, counts, errors, the stories it compared."""
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "no such ingest job")
        return job.to_dict()

    app.state.jobs = jobs
    return app


def _headers(response: Response) -> Response:
    """Security headers on every response, error pages and static files included."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with the app's own form
    # posts, which the cross-site check must refuse; other sites still get no referrer at all.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    return response


def _hostname(host: str | None) -> str:
    """The name part of a Host header: "127.0.0.1:8000" -> "127.0.0.1", "[::1]:80" -> "[::1]"."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0]


def _schema_version() -> int:
    from counterpoint.model import SCHEMA_VERSION

    return SCHEMA_VERSION


def _same_origin(request: Request) -> bool:
    """Whether a write may come from a page of the app itself (the rule is in the module docstring)."""
    own = f"{request.scope.get('scheme', 'http')}://{request.headers.get('host', '').strip().lower()}"
    origin = request.headers.get("origin")
    if origin is not None and origin.strip().lower() != own:
        return False
    referer = request.headers.get("referer")
    if referer is not None and _origin_of(referer) != own:
        return False
    fetch_site = request.headers.get("sec-fetch-site")
    return fetch_site is None or fetch_site.strip().lower() in {"same-origin", "none"}


def _origin_of(url: str) -> str | None:
    """scheme://host[:port] of a URL, lower-cased; None when it is not a URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed "[" in the host
        return None
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def _phrase(status: int) -> str:
    """The name of a status for the error page's title ("Not Found"); "Error" for one without a name."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]+$", re.I)


def _check_urls(candidates: Iterable[str]) -> list[str]:
    """The URLs to ingest: each one http(s), printable, bounded; at most MAX_URLS."""
    urls = [u.strip() for u in candidates]
    for u in urls:
        if len(u) > MAX_URL_CHARS:
            raise HTTPException(400, f"URL too long ({len(u)} > {MAX_URL_CHARS} characters)")
        if not _URL.match(u):
            raise HTTPException(400, f"not an http(s) URL: {u[:200]!r}")
    if len(urls) > MAX_URLS:
        raise HTTPException(413, f"too many URLs ({len(urls)} > {MAX_URLS})")
    return urls


def _url_lines(text: str) -> list[str]:
    """The URLs of the form's text box: one a line, blank lines and # comments skipped."""
    return [u for u in (line.strip() for line in text.splitlines()) if u and not u.startswith("#")]


def _media_type(request: Request) -> str:
    """The Content-Type without its parameters, lower-cased: "application/json; charset=utf-8" -> "application/json"."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _content_length(request: Request) -> int | None:
    """The declared Content-Length; 400 when it is not a plain number (int() would take "²" or " 1_0 ")."""
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    if not re.fullmatch(r"[0-9]{1,18}", declared.strip()):
        raise HTTPException(400, "invalid Content-Length")
    return int(declared)


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = _content_length(request)
    if declared is not None and declared > limit:
        raise HTTPException(413, f"request too large (limit {limit // 2**20} MB)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"request too large (limit {limit // 2**20} MB)")
    return bytes(body)


def _parse_json(body: bytes) -> Any:
    """A JSON body, or a 400 that says what is wrong with it (the limits are those of every JSON line read)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(400, f"invalid JSON: not UTF-8 (byte {exc.start})") from None
    try:
        return loads(text)
    except RecursionError:
        raise HTTPException(400, "invalid JSON: nested too deeply") from None
    except ValueError as exc:
        raise HTTPException(400, f"invalid JSON: {getattr(exc, 'msg', None) or exc}") from None


def _urls_of_json(data: Any) -> list[str]:
    """The URLs of an API ingest body, which must be exactly {"urls": ["https://...", ...]}."""
    expected = 'expected {"urls": ["https://...", ...]}'
    if not isinstance(data, dict):
        raise HTTPException(400, f"{expected}, not {json_type(data)}")
    unknown = sorted(k for k in data if k != "urls")
    if unknown:
        raise HTTPException(400, f"unknown field {unknown[0][:100]!r}; {expected}")
    urls = data.get("urls")
    if not isinstance(urls, list):
        raise HTTPException(400, f'"urls" must be a list of strings, not {json_type(urls)}')
    if len(urls) > MAX_URLS:
        raise HTTPException(413, f"too many URLs ({len(urls)} > {MAX_URLS})")
    for i, u in enumerate(urls):
        if not isinstance(u, str):
            raise HTTPException(400, f'"urls" must be a list of strings: item {i} is {json_type(u)}')
    return _check_urls(urls)


async def _read_ingest_form(request: Request) -> tuple[list[str], list[tuple[str | None, bytes]]]:
    """The ingest form's URLs and files, with the size limits checked before anything is written."""
    if _media_type(request) not in FORM_TYPES:
        raise HTTPException(415, "send a form (multipart/form-data or application/x-www-form-urlencoded)"
                                 " or, to /api/ingest, JSON {\"urls\": [...]}")
    declared = _content_length(request)
    if declared is None:
        raise HTTPException(411, "uploads need a Content-Length")
    if declared > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"upload too large ({declared // 2**20} MB > {MAX_UPLOAD_BYTES // 2**20} MB)")
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=20)
    except StarletteHTTPException:
        raise
    except Exception as exc:  # the multipart parser's own errors are many; every one is a bad request
        raise HTTPException(400, f"unreadable form ({type(exc).__name__})") from None
    try:
        text = form.get("urls") or ""
        if not isinstance(text, str):
            raise HTTPException(400, "urls must be a text field, not a file")
        urls = _check_urls(_url_lines(text))
        files: list[tuple[str | None, bytes]] = []
        for item in form.getlist("files"):
            if isinstance(item, str):
                continue
            data = await item.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise HTTPException(413, f"file too large (limit {MAX_FILE_BYTES // 2**20} MB)")
            if data:
                files.append((item.filename, data))
    finally:
        await form.close()
    return urls, files
