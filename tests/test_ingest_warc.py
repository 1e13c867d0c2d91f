"""WARC reading: real archives written with warcio, then damaged the ways archives get damaged."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from counterpoint.errors import InputError
from counterpoint.ingest import read_sources
from counterpoint.ingest.options import IngestOptions
from counterpoint.ingest.warc import read_warc
from counterpoint.model import Document

DATE = "2025-01-06T09:30:00Z"


def page(n: int, filler: int = 400) -> bytes:
    return f"<html><head><title>Story {n}</title></head><body><p>Story {n}.</p>{'x' * filler}</body></html>".encode()


def response(
    w: WARCWriter,
    uri: str,
    body: bytes,
    ctype: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    extra: list[tuple[str, str]] | None = None,
    warc_headers: dict[str, str] | None = None,
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", ctype), *(extra or [])], protocol="HTTP/1.1")
    headers = {"WARC-Date": DATE, **(warc_headers or {})}
    w.write_record(
        w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=headers)
    )


def request(w: WARCWriter, uri: str) -> None:
    http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    w.write_record(w.create_warc_record(uri, "request", payload=io.BytesIO(b""), http_headers=http))


def archive(records, gz: bool) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    records(writer)
    return buf.getvalue()


def mixed(w: WARCWriter) -> None:
    w.write_record(w.create_warcinfo_record("test.warc", {"software": "tests"}))  # 1
    request(w, "https://news.example/a")  # 2
    response(w, "https://news.example/a", page(1))  # 3
    response(w, "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(50), ctype="image/png")  # 4
    response(w, "https://news.example/gone", page(0), status="404 Not Found")  # 5
    response(
        w,
        "https://news.example/b.txt",
        "Plain story, caf\xe9.".encode("latin-1"),
        ctype="text/plain; charset=ISO-8859-1",
    )  # 6
    w.write_record(
        w.create_warc_record(
            "https://news.example/a",
            "metadata",
            payload=io.BytesIO(b"via: x"),
            warc_content_type="application/warc-fields",
        )
    )  # 7
    response(w, "https://news.example/c", page(3), status="301 Moved Permanently")  # 8
    response(w, "https://news.example/d", page(4), ctype="application/xhtml+xml")  # 9


def three_pages(w: WARCWriter) -> None:
    for n in (1, 2, 3):
        response(w, f"https://news.example/{n}", page(n))


def split(items: list[Document | InputError]) -> tuple[list[Document], list[InputError]]:
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("name", "gz"), [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_only_2xx_html_and_text_responses_become_documents(tmp_path: Path, name: str, gz: bool) -> None:
    path = write(tmp_path, name, archive(mixed, gz))
    docs, errors = split(list(read_warc(path, IngestOptions(outlet="Example News"))))
    assert errors == []
    assert [(d.source, d.kind, d.url) for d in docs] == [
        (f"{path}#record-3", "html", "https://news.example/a"),
        (f"{path}#record-6", "text", "https://news.example/b.txt"),
        (f"{path}#record-9", "html", "https://news.example/d"),
    ]
    assert docs[0].raw == page(1)
    assert docs[1].raw == "Plain story, caf\xe9.".encode("latin-1")
    assert [d.encoding for d in docs] == ["utf-8", "ISO-8859-1", None]
    assert all(d.fetched == DATE and d.outlet == "Example News" for d in docs)


def test_read_sources_dispatches_warc_gz(tmp_path: Path) -> None:
    path = write(tmp_path, "crawl.warc.gz", archive(three_pages, gz=True))
    assert [d.url for d in read_sources([str(path)])] == [f"https://news.example/{n}" for n in (1, 2, 3)]


def test_cc_news_style_records(tmp_path: Path) -> None:
    """Common Crawl: gzipped per record, the payload type it detected, the body as the server compressed it."""

    def records(w: WARCWriter) -> None:
        w.write_record(w.create_warcinfo_record("CC-NEWS-20250106093000-00001.warc.gz", {"isPartOf": "CC-NEWS"}))
        response(
            w,
            "https://news.example/gz",
            gzip.compress(page(1)),
            extra=[("Content-Encoding", "gzip")],
            warc_headers={"WARC-Identified-Payload-Type": "text/html"},
        )
        response(
            w,
            "https://news.example/untyped",
            page(2),
            ctype="",
            warc_headers={"WARC-Identified-Payload-Type": "text/html"},
        )

    path = write(tmp_path, "CC-NEWS-20250106093000-00001.warc.gz", archive(records, gz=True))
    docs, errors = split(list(read_warc(path, IngestOptions())))
    assert errors == []
    assert [(d.url, d.raw, d.kind) for d in docs] == [
        ("https://news.example/gz", page(1), "html"),
        ("https://news.example/untyped", page(2), "html"),
    ]


def test_payload_over_the_limit_is_an_error_for_that_record_only(tmp_path: Path) -> None:
    def records(w: WARCWriter) -> None:
        response(w, "https://news.example/small", page(1, filler=10))
        response(w, "https://news.example/big", page(2, filler=5000))
        response(w, "https://news.example/small2", page(3, filler=10))

    path = write(tmp_path, "big.warc.gz", archive(records, gz=True))
    docs, errors = split(list(read_warc(path, IngestOptions(max_bytes=1000))))
    assert [d.url for d in docs] == ["https://news.example/small", "https://news.example/small2"]
    assert [str(e) for e in errors] == [f"{path}#record-2: payload over the limit of 1000 bytes"]


def one_record(n: int, gz: bool) -> bytes:
    return archive(lambda w: response(w, f"https://news.example/{n}", page(n)), gz)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_truncated_gzip_keeps_the_records_before_the_cut(tmp_path: Path, keep: float) -> None:
    last = one_record(3, gz=True)
    path = write(tmp_path, "cut.warc.gz", one_record(1, True) + one_record(2, True) + last[: int(len(last) * keep)])
    docs, errors = split(list(read_warc(path, IngestOptions())))
    assert [d.url for d in docs] == ["https://news.example/1", "https://news.example/2"]
    assert len(errors) == 1
    line = str(errors[0])
    assert line.startswith(f"{path}#record-3: ")
    assert "truncated" in line
    assert "\n" not in line


def test_truncated_plain_warc_reports_the_cut_record(tmp_path: Path) -> None:
    data = archive(three_pages, gz=False)
    path = write(tmp_path, "cut.warc", data[:-100])
    docs, errors = split(list(read_warc(path, IngestOptions())))
    assert [d.url for d in docs] == ["https://news.example/1", "https://news.example/2"]
    assert [str(e) for e in errors] == [f"{path}#record-3: truncated or corrupt record (96 bytes missing)"]


def test_garbage_file_is_one_error(tmp_path: Path) -> None:
    path = write(tmp_path, "junk.warc", b"this is not an archive\n" * 20)
    assert [str(e) for e in read_warc(path, IngestOptions())] == [
        f"{path}#record-1: unreadable record at byte 0 (Invalid WARC record, first line: this is not an archive)"
    ]


def test_binary_garbage_gz_is_one_error(tmp_path: Path) -> None:
    path = write(tmp_path, "junk.warc.gz", bytes(range(256)) * 8)
    items = list(read_warc(path, IngestOptions()))
    assert len(items) == 1
    assert isinstance(items[0], InputError)
    assert str(items[0]).startswith(f"{path}#record-1: unreadable record at byte 0 (")


@pytest.mark.parametrize(("name", "gz"), [("hole.warc", False), ("hole.warc.gz", True)])
def test_reading_resumes_after_a_damaged_record(tmp_path: Path, name: str, gz: bool) -> None:
    one, two, three = (one_record(n, gz) for n in (1, 2, 3))
    damaged = two[: len(two) // 2] + b"\x00garbage\xff" * 10 + two[len(two) // 2 :]
    path = write(tmp_path, name, one + damaged + three)
    docs, errors = split(list(read_warc(path, IngestOptions())))
    assert [d.url for d in docs] == ["https://news.example/1", "https://news.example/3"]
    assert docs[1].source == f"{path}#record-3"
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"{path}#record-2: ")


def test_whole_file_gzip_is_read(tmp_path: Path) -> None:
    """`gzip crawl.warc` gives one gzip stream instead of one per record; still a valid archive."""
    path = write(tmp_path, "crawl.warc.gz", gzip.compress(archive(mixed, gz=False)))
    docs, errors = split(list(read_warc(path, IngestOptions())))
    assert errors == []
    assert [d.source for d in docs] == [f"{path}#record-{n}" for n in (3, 6, 9)]


@pytest.mark.parametrize("cut", [20, 100])
def test_truncated_whole_file_gzip(tmp_path: Path, cut: int) -> None:
    data = gzip.compress(archive(three_pages, gz=False))
    path = write(tmp_path, "crawl.warc.gz", data[:-cut])
    docs, errors = split(list(read_warc(path, IngestOptions())))
    assert [d.url for d in docs] == ["https://news.example/1", "https://news.example/2"]
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"{path}#record-3: ")
    assert "truncated" in str(errors[0])


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.warc"
    assert [str(e) for e in read_warc(path, IngestOptions())] == [
        f"{path}: cannot read file (No such file or directory)"
    ]
