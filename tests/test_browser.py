"""The app and the report in a real browser: Debian's chromium driven by Playwright.

Screenshots are kept as test artifacts in ``test-artifacts/`` at the
repository root (git-ignored), or in $COUNTERPOINT_ARTIFACTS.
Skipped, with the reason, when Playwright or chromium is missing; .ci/run
installs both, so CI runs them.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
CHROMIUM = os.environ.get("COUNTERPOINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
uvicorn = pytest.importorskip("uvicorn")

from test_html_report import example_comparison, hostile_comparison  # noqa: E402
from test_web import HOSTILE_PAGE, build_store  # noqa: E402

from counterpoint.report.html import render_html  # noqa: E402
from counterpoint.web.app import create_app  # noqa: E402

ARTIFACTS = Path(os.environ.get("COUNTERPOINT_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Every way the hostile fixtures try to run code sets window.__pwned or opens a dialog.
PWNED = "() => typeof window.__pwned === 'undefined' ? null : String(window.__pwned)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], Path]]:
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "app.db"
    ids = build_store(db)
    # A hostile page through the real ingest (extraction, store): its title, author and text reach the pages.
    page = folder / "Hostile-Outlet.html"
    page.write_bytes(HOSTILE_PAGE)
    from counterpoint.store import Store
    from counterpoint.workflow import ingest_sources

    with Store(db) as store:
        report = ingest_sources(store, [str(page)], analyse=False)
    ids["ingested"] = report.article_ids[0]
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids, folder
    srv.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _page(browser: sync_api.Browser, dialogs: list[str], requests: list[str]) -> sync_api.Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    return page


def _check_evidence_highlighted(page: sync_api.Page) -> None:
    link = page.locator(".finding.t-disputed .finding-link").first
    link.click()
    columns = page.locator(".column")
    assert columns.count() == 2
    for i in range(2):
        col = columns.nth(i)
        hl = col.locator(".hl")
        assert hl.count() > 0, f"no highlight in column {i}"
        text = " ".join(hl.all_inner_texts())
        assert "arms race" in text or "phrase was not said" in text or "arms race quote" in text
        # The column scrolled its first highlight into view.
        box, body = hl.first.bounding_box(), col.locator(".body").bounding_box()
        assert box and body and body["y"] - 1 <= box["y"] <= body["y"] + body["height"]
    assert link.get_attribute("aria-current") == "true"


def test_story_page_disputed_finding_highlights_both_columns(server, browser) -> None:
    base, ids, _ = server
    dialogs: list[str] = []
    requests: list[str] = []
    page = _page(browser, dialogs, requests)
    page.goto(f"{base}/story/{ids['story']}")
    assert page.locator("h1").first.inner_text()
    _check_evidence_highlighted(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-page.png"), full_page=True)
    # Keyboard: j moves to the next finding and highlights its evidence.
    page.keyboard.press("j")
    assert page.locator(".finding-link.active").count() == 1
    assert all(u.startswith(base) for u in requests), [u for u in requests if not u.startswith(base)]
    page.close()


def test_report_file_works_offline(tmp_path: Path, browser) -> None:
    path = tmp_path / "report.html"
    path.write_text(render_html([example_comparison()]), encoding="utf-8")
    dialogs: list[str] = []
    requests: list[str] = []
    errors: list[str] = []
    page = _page(browser, dialogs, requests)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    _check_evidence_highlighted(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert [u for u in requests if not u.startswith("file:")] == []
    assert not errors, errors  # a CSP violation (a hash mismatch) would show here
    page.close()


def test_nothing_hostile_executes(server, browser, tmp_path: Path) -> None:
    base, ids, _ = server
    dialogs: list[str] = []
    requests: list[str] = []
    page = _page(browser, dialogs, requests)
    for path in [f"/story/{ids['hostile']}", f"/article/{ids['hostile_article']}", f"/article/{ids['ingested']}",
                 "/", "/?q=<script>alert(1)</script>", "/speakers"]:
        page.goto(base + path)
        for link in page.locator("a[data-ev]").all()[:5]:
            link.click()
        assert page.evaluate(PWNED) is None, path
    # The ingested page's HTML title arrives as text, escaped, not as markup.
    page.goto(f"{base}/article/{ids['ingested']}")
    assert "Kremlin" in page.locator("h1").inner_text()
    assert page.locator("main img, main svg:not(.bars), main script").count() == 0
    # The report file of the hostile story, opened from disk.
    report = tmp_path / "hostile.html"
    report.write_text(render_html([hostile_comparison()]), encoding="utf-8")
    page.goto(report.as_uri())
    page.locator(".finding-link").first.click()
    page.locator(".column .body").first.hover()
    assert page.evaluate(PWNED) is None
    assert dialogs == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hostile-report.png"), full_page=True)
    page.close()


def test_example_story_through_the_app_with_the_real_pipeline(tmp_path: Path, browser) -> None:
    """Upload the two example files in the ingest form; the real pipeline (extract, analyse, compare) runs,
    then the story page shows the disputed quote highlighted in both outlets' columns."""
    from test_html_report import EXAMPLE

    db = tmp_path / "real.db"
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if srv.started:
                break
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        dialogs: list[str] = []
        requests: list[str] = []
        page = _page(browser, dialogs, requests)
        page.goto(f"{base}/ingest")
        page.set_input_files("input[type=file]", [str(EXAMPLE / "sputnik.txt"), str(EXAMPLE / "moscow-times.txt")])
        page.locator("form button[type=submit], form input[type=submit]").first.click()
        page.wait_for_url("**/ingest/*")
        job_id = page.url.rsplit("/", 1)[-1]
        import httpx

        for _ in range(600):  # models load on the first job: allow a minute
            job = httpx.get(f"{base}/api/jobs/{job_id}").json()
            if job["state"] in {"done", "failed"}:
                break
            time.sleep(0.1)
        assert job["state"] == "done" and job["stories"], job
        page.goto(f"{base}/story/{job['stories'][0]}")
        _check_evidence_highlighted(page)
        texts = " ".join(page.locator(".column .hl").all_inner_texts())
        assert "If you want to have an arms race" in texts and "Peskov" in texts
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "story-page-real.png"), full_page=True)
        assert not dialogs and all(u.startswith(base) for u in requests)
        page.close()
    finally:
        srv.should_exit = True
        thread.join(5)
