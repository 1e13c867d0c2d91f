import gzip
import json

from counterpoint.errors import InputError
from counterpoint.ingest import IngestOptions, read_sources
from counterpoint.model import Document

HTML = "<html><body><article><p>Peskov denied the report on Friday, calling it untrue.</p></article></body></html>"


def split(items):
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, InputError)]
    return docs, errors


def test_folder_is_walked_recursively_skipping_hidden_and_unknown_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text(HTML)
    (tmp_path / "a" / "page2.html.gz").write_bytes(gzip.compress(HTML.replace("Friday", "Monday").encode()))
    (tmp_path / "note.txt").write_text("Kremlin spokesman Dmitry Peskov denied the report.")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.html").write_text(HTML)
    docs, errors = split(list(read_sources([str(tmp_path)])))
    assert errors == []
    assert [(d.kind, d.source.split("/")[-1]) for d in docs] == [
        ("html", "page.html"), ("html", "page2.html.gz"), ("text", "note.txt")]
    assert docs[2].outlet == "Note"  # plain text: the file name names the outlet


def test_outlet_option_overrides_the_file_name(tmp_path):
    (tmp_path / "moscow-times.txt").write_text("Peskov denied it.")
    (doc,) = read_sources([str(tmp_path / "moscow-times.txt")])
    assert doc.outlet == "Moscow Times"
    (doc,) = read_sources([str(tmp_path / "moscow-times.txt")], IngestOptions(outlet="The Moscow Times"))
    assert doc.outlet == "The Moscow Times"


def test_jsonl_articles_keep_their_metadata_and_bad_lines_are_reported(tmp_path):
    lines = [
        {"id": "a1", "text": "Peskov denied it.", "title": "Denial", "outlet": "TASS", "authors": ["A. B."],
         "date": "2018-03-30"},
        {"id": "a2", "html": HTML, "url": "https://example.org/a2"},
        {"id": "a3", "title": "no body"},
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join([json.dumps(x) for x in lines] + ["{broken", "[1, 2]", ""]) + "\n")
    docs, errors = split(list(read_sources([str(path)])))
    assert [(d.kind, d.title, d.outlet, d.published) for d in docs] == [
        ("article", "Denial", "TASS", "2018-03-30"), ("html", None, None, None)]
    assert docs[0].authors == ["A. B."] and docs[1].url == "https://example.org/a2"
    assert [str(e) for e in errors] == [
        f"{path}#a3: needs 'text' or 'html'",
        f"{path}:4: not valid JSON (Expecting property name enclosed in double quotes)",
        f"{path}:5: a JSON line must be an object, not a list",
    ]


def test_bad_files_give_one_line_errors_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "good.html"
    good.write_text(HTML)
    truncated = tmp_path / "cut.html.gz"
    truncated.write_bytes(gzip.compress(HTML.encode() * 50)[:60])
    big = tmp_path / "big.html"
    with big.open("wb") as fh:  # a sparse 200 MB file: cheap to make, refused before reading
        fh.truncate(200 * 1024 * 1024)
    items = list(read_sources([str(truncated), str(big), str(tmp_path / "missing.html"), str(good)]))
    docs, errors = split(items)
    assert [d.source for d in docs] == [str(good)]
    messages = [str(e) for e in errors]
    assert messages[0].startswith(f"{truncated}: truncated or corrupt gzip")
    assert messages[1] == f"{big}: file too large (200 MB > limit 50 MB)"
    assert messages[2] == f"{tmp_path / 'missing.html'}: no such file or folder"
    assert all("\n" not in m for m in messages)


def test_gzip_bomb_is_stopped_at_the_limit(tmp_path):
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"a" * (3 * 1024 * 1024)))
    (err,) = read_sources([str(bomb)], IngestOptions(max_bytes=1024 * 1024))
    assert isinstance(err, InputError) and "decompressed size over the limit" in str(err)


def test_a_bad_document_crosses_process_boundaries_as_itself(tmp_path):
    """Worker processes (--workers, Dask) send each document's error back pickled: it must arrive whole."""
    import pickle

    from conftest import run_cli

    err = pickle.loads(pickle.dumps(InputError("page.html", "file too large")))
    assert (err.source, err.problem, str(err)) == ("page.html", "file too large", "page.html: file too large")
    (tmp_path / "good.txt").write_text("The mayor said on Monday that the bridge would reopen in May.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run_cli("ingest", str(tmp_path), "--workers", "2", "--no-analyse", "--db", str(tmp_path / "w.db"))
    err_text = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err_text and "internal error" not in err_text, err_text
    assert "1 added" in err_text and "empty.txt" in err_text
