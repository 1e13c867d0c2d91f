"""The command line as users and the shared benchmarks drive it."""

import gzip
import json
import sqlite3

from conftest import run_cli

PAGE = ("<html><head><title>{t}</title><meta property='og:site_name' content='Example'></head><body><article>"
        "<p>{t}: Kremlin spokesman Dmitry Peskov said the report was not true, and that the phrase was never"
        " said during the conversation between the two presidents on Wednesday.</p></article></body></html>")


def test_extract_manifest_contract(tmp_path):
    (tmp_path / "a.html").write_text(PAGE.format(t="Alpha"))
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(PAGE.format(t="Beta").encode()))
    (tmp_path / "c.txt").write_text("Peskov denied it.\n\nREAD MORE: Something Else Entirely\n")
    (tmp_path / "bad.html").write_bytes(b"\x00\x01\x02binary")
    manifest = [
        {"id": "1", "path": str(tmp_path / "a.html"), "url": "https://example.org/a", "extra": 7},
        {"id": "2", "path": str(tmp_path / "bad.html"), "url": None},
        {"id": "3", "path": str(tmp_path / "b.html.gz"), "url": "https://example.org/b"},
        {"id": "4", "path": str(tmp_path / "c.txt")},
        {"id": "5", "path": str(tmp_path / "nope.html")},
    ]
    result = run_cli("extract", "--manifest", "-", stdin="\n".join(json.dumps(m) for m in manifest) + "\nnot json\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["1", "2", "3", "4", "5", 6]  # an unreadable line: its line number
    first = out[0]
    assert {"id", "text", "title", "authors", "published", "outlet", "lang", "url", "seconds"} <= set(first)
    assert first["extra"] == 7 and first["title"] == "Alpha" and first["outlet"] == "Example"
    assert first["url"] == "https://example.org/a" and first["lang"] == "en" and first["seconds"] > 0
    assert "Peskov" in out[2]["text"]
    assert out[1]["error"].endswith("binary content, not text or HTML")
    assert out[4]["error"].endswith("no such file or folder")
    assert "manifest line 6" in out[5]["error"]
    assert b"Traceback" not in result.stderr


def test_workers_keep_input_order(tmp_path):
    manifest = []
    for i in range(12):
        (tmp_path / f"{i}.html").write_text(PAGE.format(t=f"Page {i}"))
        manifest.append({"id": str(i), "path": str(tmp_path / f"{i}.html")})
    result = run_cli("extract", "--manifest", "-", "--workers", "2", stdin="\n".join(map(json.dumps, manifest)))
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == [str(i) for i in range(12)]
    assert [o["title"] for o in out] == [f"Page {i}" for i in range(12)]


def test_ingest_show_export_the_example(tmp_path, example_dir):
    db = str(tmp_path / "cp.db")
    first = run_cli("ingest", str(example_dir), "--db", db)
    assert first.returncode == 0, first.stderr
    assert b"2 added, 0 new versions, 0 already stored, 0 failed" in first.stderr
    again = run_cli("ingest", str(example_dir), "--db", db)
    assert b"0 added, 0 new versions, 2 already stored, 0 failed" in again.stderr
    listing = run_cli("show", "--db", db, "--json")
    articles = [json.loads(line) for line in listing.stdout.decode().splitlines()]
    assert sorted(a["outlet"] for a in articles) == ["Moscow Times", "Sputnik"]
    sputnik = next(a for a in articles if a["outlet"] == "Sputnik")
    assert sputnik["published"].startswith("2020-08-04")  # from the page's own time stamp line
    one = run_cli("show", sputnik["article_id"][:8], "--db", db)
    assert one.returncode == 0 and b"Peskov" in one.stdout
    missing = run_cli("show", "deadbeef", "--db", db)
    assert missing.returncode == 2 and missing.stderr.decode().count("\n") == 1
    out = tmp_path / "a.csv"
    assert run_cli("export", "--db", db, "--format", "csv", "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8").startswith("id,outlet,title")
    statements = tmp_path / "s.jsonl"
    assert run_cli("export", "--db", db, "--statements", "-o", str(statements)).returncode == 0
    rows = [json.loads(line) for line in statements.read_text(encoding="utf-8").splitlines()]
    peskov = [r for r in rows if r["speaker"] == "Dmitry Peskov" and r["denial"]]
    assert {r["outlet"] for r in peskov} == {"Moscow Times", "Sputnik"}
    assert b"statements (" in one.stdout  # `show ARTICLE` lists who said what
    redo = run_cli("reextract", "--db", db)
    assert redo.returncode == 0 and b"2 articles re-extracted, 0 failed; 2 analysed" in redo.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), max(version) FROM articles").fetchone() == (2, 1)
        assert conn.execute("SELECT count(*) FROM analyses").fetchone()[0] == 2


def test_ingest_reports_bad_documents_after_storing_the_good_ones(tmp_path, example_dir):
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "good.txt").write_text((example_dir / "sputnik.txt").read_text(encoding="utf-8"))
    db = str(tmp_path / "cp.db")
    result = run_cli("ingest", str(tmp_path / "empty.html"), str(tmp_path / "good.txt"), "--db", db)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "1 added" in err and f"{tmp_path / 'empty.html'}: empty document" in err and "Traceback" not in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        assert conn.execute("SELECT problem FROM errors").fetchall() == [("empty document",)]


def test_usage_errors_and_help_teach(tmp_path):
    result = run_cli("ingest", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and b"give at least one source" in result.stderr
    assert b"Examples:" in run_cli("ingest", "--help").stdout
    not_db = tmp_path / "notes.db"
    not_db.write_text("hello " * 1000)
    bad = run_cli("show", "--db", str(not_db))
    assert bad.returncode == 2 and b"not a usable counterpoint database" in bad.stderr


def test_stories_contract_on_the_example(example_dir):
    lines = [json.dumps({"id": "mt", "text": (example_dir / "moscow-times.txt").read_text(encoding="utf-8"),
                         "published": "2018-03-30"}),
             json.dumps({"id": "sp", "text": (example_dir / "sputnik.txt").read_text(encoding="utf-8"),
                         "date": "2020-08-04"}),
             json.dumps({"id": "other", "text": "Heavy rain flooded the old town of Dresden on Sunday, officials said."
                         " The Elbe rose by two metres and the Augustus bridge was closed to traffic.",
                         "published": "2021-07-12"})]
    result = run_cli("stories", stdin="\n".join(lines) + "\n")
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["mt", "sp", "other"]
    assert out[0]["story"] == out[1]["story"] != out[2]["story"]
    assert "2020" in out[1]["date_conflict"] and out[0]["date_conflict"] is None


def test_stance_contract_errors_only_for_lines_that_break_it():
    lines = [json.dumps({"id": "a", "claim": "Trump told Putin he would win an arms race",
                         "text": "The Kremlin denied the report. Peskov said the phrase was never said and the reports"
                                 " were not true; the claim is false, he insisted."}),
             "{not json", json.dumps({"id": "c", "claim": "", "text": ""}), json.dumps([1, 2]),
             json.dumps({"id": "e", "claim": ["x"], "text": "y"})]
    result = run_cli("stance", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["a", 2, "c", 4, "e"]  # unreadable lines: their line numbers
    valid, broken = [out[0], out[2]], [out[1], out[3], out[4]]
    for o in valid:  # every valid line gets a stance, never an error
        assert "error" not in o and set(o["scores"]) == {"agree", "disagree", "discuss", "unrelated"}
        assert abs(sum(o["scores"].values()) - 1) < 1e-6 and o["stance"] == max(o["scores"], key=o["scores"].get)
    assert out[2]["stance"] == "unrelated"  # an empty claim relates to nothing
    assert [o["error"] for o in broken] == ["input line 2: not valid JSON (Expecting property name enclosed in"
                                            " double quotes)", "input line 4: a JSON line must be an object, not a"
                                            " list", "input line 5: 'claim' must be a string, not a list"]
