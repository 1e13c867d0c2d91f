import csv
import json
import sqlite3

import pyarrow.parquet as pq
import pytest

from counterpoint.extract import extract
from counterpoint.model import Document
from counterpoint.store import Store, StoreError, export_articles, export_rows
from counterpoint.store.schema import SCHEMA_VERSION

PAGE = """<html><head><link rel="canonical" href="https://news.example/story">
<meta property="og:site_name" content="Example News"><title>{title}</title></head>
<body><article><h1>{title}</h1><p>{body} The spokesman said the reports were not true and that nothing of
the kind had been said during the telephone conversation between the two presidents.</p>
<p>Officials familiar with the call described it differently, according to the report.</p></article></body></html>"""


def html_doc(title: str, body: str) -> Document:
    return Document(raw=PAGE.format(title=title, body=body).encode(), kind="html", source=f"{title}.html",
                    url="https://news.example/story?utm_source=feed")


def store_doc(store: Store, doc: Document) -> str:
    return store.add(doc, extract(doc))


def test_same_document_twice_is_a_no_op(db):
    with Store(db) as store:
        doc = html_doc("Kremlin denies", "First version.")
        assert store_doc(store, doc) == "added"
        assert store_doc(store, doc) == "unchanged"
        assert store.count("documents") == store.count("articles") == 1


def test_changed_page_with_known_canonical_url_is_a_new_version(db):
    with Store(db) as store:
        v1, v2 = html_doc("Kremlin denies", "First version."), html_doc("Kremlin denies", "Updated version.")
        assert store_doc(store, v1) == "added"
        assert store_doc(store, v2) == "new_version"
        assert store.version_of(v1.id) == 1 and store.version_of(v2.id) == 2
        assert store.count("articles") == 2 and store.count("latest_articles") == 1
        latest = store.article("https://news.example/story")
        assert latest is not None and "Updated version." in latest.text
        assert [a.id for a in store.articles(all_versions=True)] == sorted([v1.id, v2.id])


def test_raw_input_is_kept_so_extraction_can_be_rerun(db):
    with Store(db) as store:
        doc = html_doc("Kremlin denies", "Body.")
        store_doc(store, doc)
        (again,) = list(store.documents())
        assert again.raw == doc.raw and again.id == doc.id
        article = extract(again)
        store.replace_article(article)
        assert store.version_of(doc.id) == 1 and store.count("articles") == 1


def test_schema_is_versioned_and_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "a.db"
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this counterpoint"):
        Store(path)


def test_a_newer_schema_is_refused_by_either_engine(db):
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        store.db.set_schema_version(SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="newer than this counterpoint"):
        Store(db)


def test_a_file_that_is_not_a_database_is_refused_cleanly(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a usable counterpoint database"):
        Store(path)


def test_database_is_plain_sqlite_with_foreign_keys_and_wal(tmp_path, example_dir):
    path = tmp_path / "a.db"
    with Store(path) as store:
        for f in sorted(example_dir.glob("*.txt")):
            doc = Document(raw=f.read_bytes(), kind="text", source=str(f), outlet=f.stem)
            store_doc(store, doc)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = {row[2] for row in db.execute("PRAGMA foreign_key_list(articles)")}
    assert fks == {"documents"}
    assert {row[2] for row in db.execute("PRAGMA foreign_key_list(removals)")} == {"articles"}
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert {"documents", "articles", "removals", "errors", "latest_articles"} <= tables


def test_export_jsonl_csv_parquet(tmp_path, example_dir, db):
    with Store(db) as store:
        for f in sorted(example_dir.glob("*.txt")):
            store_doc(store, Document(raw=f.read_bytes(), kind="text", source=str(f), outlet=f.stem))
        articles = list(store.articles())
    assert export_articles(articles, tmp_path / "a.jsonl", "jsonl") == 2
    rows = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert {r["outlet"] for r in rows} == {"moscow-times", "sputnik"}
    assert all(r["schema_version"] and r["counterpoint_version"] for r in rows)
    export_articles(articles, tmp_path / "a.csv", "csv")
    with open(tmp_path / "a.csv", newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == 2 and "Peskov" in table[0]["text"] + table[1]["text"]
    export_articles(articles, tmp_path / "a.parquet", "parquet")
    pt = pq.read_table(tmp_path / "a.parquet")
    assert pt.num_rows == 2 and set(pt.column_names) >= {"id", "outlet", "text", "authors"}


def test_csv_export_neutralises_every_cell(tmp_path):
    hostile = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    rows = [{"title": t, "outlet": t, "authors": [t, "b"], "n": -5} for t in hostile]
    export_rows([{**rows[0], "=header": 1}, *rows[1:]], tmp_path / "x.csv", "csv")
    with open(tmp_path / "x.csv", newline="", encoding="utf-8") as fh:
        table = list(csv.reader(fh))
    assert table[0][-1] == "'=header"
    for row in table:
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row if c != "-5"), row
    assert table[1][0] == "'" + hostile[0]  # kept whole, made inert


def test_a_version_1_database_is_migrated_in_place_keeping_its_data(tmp_path, example_dir):
    from counterpoint.store.base import split_sql as _split_sql
    from counterpoint.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for statement in _split_sql(MIGRATIONS[0]):
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO documents (id, kind, source, size, raw, ingested) VALUES ('d1', 'text', 'x.txt', 3,"
               " x'616263', '2026-01-01')")
    db.execute("INSERT INTO articles (id, key, version, text, source_text, extracted, extractor) VALUES"
               " ('d1', 'doc:d1', 1, 'abc', 'abc', '2026-01-01', 'counterpoint 0.0')")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert [a.text for a in store.articles()] == ["abc"]
        assert store.count("statements") == 0 and [a.id for a in store.unanalysed()] == ["d1"]
