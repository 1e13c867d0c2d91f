"""The less common sources through the real command: stdin, and a list of URLs."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import run_cli

PAGE = (b"<html><head><title>Fetched</title><meta property='og:site_name' content='Loopback News'></head><body>"
        b"<article><p>Kremlin spokesman Dmitry Peskov said on Friday that the phrase was not said during the"
        b" conversation between the presidents, calling the reports untrue.</p></article></body></html>")


@pytest.fixture
def server():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/article":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(PAGE)
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_text_and_jsonl_on_stdin(tmp_path, example_dir):
    text = (example_dir / "moscow-times.txt").read_text(encoding="utf-8")
    out = run_cli("extract", "-", "--outlet", "The Moscow Times", stdin=text)
    (record,) = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert record["outlet"] == "The Moscow Times" and "Dear readers" not in record["text"]
    lines = "\n".join(json.dumps({"id": i, "text": t, "outlet": "Wire"}) for i, t in
                      enumerate(["Peskov denied the report on Friday.", "Putin said no one would launch a race."]))
    db = str(tmp_path / "cp.db")
    result = run_cli("ingest", "-", "--db", db, "--no-analyse", stdin=lines)
    assert result.returncode == 0 and b"2 added" in result.stderr


def test_url_list_fetches_refuses_private_by_default_and_reports_bad_lines(tmp_path, server):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# my list\n{server}/article\nftp://example.org/x\n\n{server}/missing  # gone\n")
    db = str(tmp_path / "cp.db")
    refused = run_cli("ingest", "--urls", str(urls), "--db", db, "--no-analyse")
    err = refused.stderr.decode()
    assert refused.returncode == 1 and "0 added" in err
    assert f"{server}/article: refused" in err and "--allow-private" in err
    assert f"{urls}:3: not an http(s) URL: 'ftp://example.org/x'" in err

    allowed = run_cli("ingest", "--urls", str(urls), "--db", db, "--no-analyse", "--allow-private")
    err = allowed.stderr.decode()
    assert allowed.returncode == 1 and "1 added" in err and f"{server}/missing: HTTP 404" in err
    shown = run_cli("show", "--db", db, "--json")
    (article,) = [json.loads(line) for line in shown.stdout.decode().splitlines()]
    assert article["outlet"] == "Loopback News" and article["url"] == f"{server}/article"
