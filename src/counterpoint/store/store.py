"""The store: every stage's output in one database, SQLite by default, PostgreSQL for a server.

One transaction per document: a crash or a kill leaves every document
either fully stored (raw bytes, article, removals) or absent, and a re-run
stores only what is missing. Documents are keyed by content hash, so
re-ingesting the same bytes is a no-op. The SQL is written once for both
engines (`base.Engine`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from counterpoint import __version__
from counterpoint.model import Analysis, Article, Comparison, Document, Removal, Span
from counterpoint.model import speaker_id as make_speaker_id
from counterpoint.store.base import Engine, StoreError
from counterpoint.store.postgres import PostgreSQL, is_server_url
from counterpoint.store.schema import MIGRATIONS, SCHEMA_VERSION
from counterpoint.store.sqlite import SQLite
from counterpoint.textsafe import valid_text

T = TypeVar("T")

Outcome = Literal["added", "new_version", "unchanged"]

# What a document and a story are made of, parents first: the rows `copy_*_to` carries.
_DOCUMENT_ROWS = (("documents", "id"), ("articles", "id"), ("removals", "article_id"), ("analyses", "article_id"),
                  ("speakers", "article_id"), ("statements", "article_id"), ("entities", "article_id"))
_STORY_ROWS = (("stories", "id"), ("story_articles", "story_id"), ("findings", "story_id"), ("claims", "story_id"))

LOCK_WAIT_SECONDS = 60.0  # how long a writer waits for another process's transaction before giving up


class Store:
    """A counterpoint database: a SQLite file, or a PostgreSQL URL (`postgresql://user@host:port/name`).
    Use as a context manager, or call `close()`.

    `on_wait` is told (once per wait) when another process holds the write
    lock for more than a few seconds, so a person knows why nothing moves.
    """

    def __init__(self, target: str | Path, on_wait: Callable[[str], None] | None = None,
                 lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.db: Engine = (PostgreSQL(str(target), on_wait, lock_wait) if is_server_url(str(target))
                           else SQLite(target, on_wait, lock_wait))
        try:
            with self.db.errors():
                self._migrate()
        except BaseException:
            self.db.close()
            raise

    @property
    def name(self) -> str:
        """The database as messages name it (a URL's password masked)."""
        return self.db.name

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One atomic write: all of it or none of it, errors as StoreError."""
        with self.db.errors():
            self.db.begin()
            try:
                yield
                self.db.commit()
            except BaseException:
                if self.db.in_transaction:
                    self.db.rollback()
                raise

    # -- schema -------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return self.db.schema_version()

    def _migrate(self) -> None:
        current = self.schema_version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.name}: schema version {current} is newer than this counterpoint ({SCHEMA_VERSION}); upgrade"
            )
        for version in range(current, SCHEMA_VERSION):
            with self._transaction():
                if self.schema_version == version:  # another process may have migrated meanwhile
                    for statement in self.db.migration(MIGRATIONS[version]):
                        self.db.execute(statement)
                    self.db.set_schema_version(version + 1)

    # -- writing ------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def add(self, doc: Document, article: Article) -> Outcome:
        """Store a document with its article, atomically; a known document is left as it is."""
        now = _now()
        with self._transaction():
            if self.has_document(doc.id):
                return "unchanged"
            self.db.execute(
                "INSERT INTO documents (id, kind, source, url, fetched, encoding, title, outlet, authors, published,"
                " size, raw, ingested) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc.id, doc.kind, doc.source, doc.url, doc.fetched, doc.encoding, doc.title, doc.outlet,
                 json.dumps(doc.authors), doc.published, len(doc.raw), doc.raw, now),
            )
            key = article.url or f"doc:{doc.id}"
            version = self.db.execute("SELECT coalesce(max(version), 0) + 1 FROM articles WHERE key = ?",
                                      (key,)).fetchone()[0]
            self._insert_article(article, key, version, now)
        return "added" if version == 1 else "new_version"

    def replace_article(self, article: Article) -> None:
        """Re-extraction: the document's article is rewritten in place, keeping its version."""
        with self._transaction():
            row = self.db.execute("SELECT key, version FROM articles WHERE id = ?", (article.id,)).fetchone()
            self.db.execute("DELETE FROM removals WHERE article_id = ?", (article.id,))
            self.db.execute("DELETE FROM articles WHERE id = ?", (article.id,))
            key, version = (row["key"], row["version"]) if row else (article.url or f"doc:{article.id}", 1)
            self._insert_article(article, key, version, _now())

    def _insert_article(self, a: Article, key: str, version: int, now: str) -> None:
        self.db.execute(
            "INSERT INTO articles (id, key, version, title, outlet, authors, published, lang, url, source, text,"
            " source_text, extracted, extractor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a.id, key, version, a.title, a.outlet, json.dumps(a.authors, ensure_ascii=False), a.published, a.lang,
             a.url, a.source, a.text, a.source_text, now, f"counterpoint {__version__}"),
        )
        self.db.executemany(
            'INSERT INTO removals (article_id, start, "end", text, reason) VALUES (?, ?, ?, ?, ?)',
            [(a.id, r.span.start, r.span.end, r.span.text, r.reason) for r in a.removed],
        )

    def save_analysis(self, article_id: str, analysis: Analysis) -> None:
        """Store (or replace) an article's analysis, atomically."""
        with self._transaction():
            for table in ("analyses", "speakers", "statements", "entities"):
                self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
            self.db.execute(
                "INSERT INTO analyses (article_id, analysed, analyser, data) VALUES (?, ?, ?, ?)",
                (article_id, _now(), f"counterpoint {__version__}", json.dumps(analysis.to_dict(), ensure_ascii=False)),
            )
            self.db.executemany(
                "INSERT INTO speakers (article_id, key, name, role, kind, mentions) VALUES (?, ?, ?, ?, ?, ?)",
                [(article_id, s.key, s.name, s.role, s.kind, len(s.mentions)) for s in analysis.speakers],
            )
            self.db.executemany(
                "INSERT INTO statements (article_id, id, kind, speaker, speaker_role, speaker_key, source, cue,"
                " content, addressee, via, nested, parent, hedged, denial, confirmation, cue_connotation,"
                " content_start, content_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(article_id, st.id, st.kind, st.speaker.name if st.speaker else None,
                  st.speaker.role if st.speaker else None, st.speaker.key if st.speaker else None,
                  " … ".join(s.text for s in st.source) if st.source else None, " … ".join(c.text for c in st.cue),
                  st.content_text, st.addressee.text if st.addressee else None,
                  " > ".join(v.name for v in st.via) or None, st.nested, st.parent, st.hedged, st.denial,
                  st.confirmation, st.cue_connotation, st.content[0].start, st.content[-1].end)
                 for st in analysis.statements],
            )
            self.db.executemany(
                'INSERT INTO entities (article_id, start, "end", text, label) VALUES (?, ?, ?, ?, ?)',
                [(article_id, e.span.start, e.span.end, e.span.text, e.label) for e in analysis.entities],
            )

    def analysis(self, article_id: str) -> Analysis | None:
        """An article's analysis; None when there is none, or when its stored row cannot be read
        (the article then counts as not analysed: `counterpoint analyse --all` rebuilds it)."""
        row = self.db.execute("SELECT data FROM analyses WHERE article_id = ?", (article_id,)).fetchone()
        return _loads(row[0], Analysis.from_dict) if row else None

    def unanalysed(self) -> Iterator[Article]:
        """Latest articles that have no analysis yet (new, or re-extracted since)."""
        for row in self.db.execute(
            "SELECT * FROM latest_articles WHERE id NOT IN (SELECT article_id FROM analyses)"
            " ORDER BY published NULLS FIRST, id"
        ).fetchall():
            yield self._article(row, with_analysis=False)  # there is none to load

    def statement_rows(self) -> list[dict]:
        """Every statement of the latest articles as a flat row, with its article's outlet and title."""
        rows = self.db.execute(
            "SELECT s.article_id, a.outlet, a.title, a.published, s.id AS statement, s.kind, s.speaker,"
            " s.speaker_role, s.speaker_key, s.source, s.cue, s.content, s.addressee, s.via, s.nested, s.parent,"
            " s.hedged, s.denial, s.confirmation, s.cue_connotation, s.content_start, s.content_end"
            " FROM statements s JOIN latest_articles a ON a.id = s.article_id ORDER BY a.published NULLS FIRST, a.id,"
            " s.content_start"
        ).fetchall()
        return [dict(r) for r in rows]

    def save_comparison(self, c: Comparison) -> None:
        """Store (or replace) a story's comparison, atomically."""
        published = sorted(a.published for a in c.articles if a.published)
        title = next((a.title for a in c.articles if a.title), None)
        with self._transaction():
            self.db.execute("DELETE FROM stories WHERE id = ?", (c.story,))
            self.db.execute(
                "INSERT INTO stories (id, title, first_published, last_published, outlets, articles, compared,"
                " comparer, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (c.story, title, published[0] if published else None, published[-1] if published else None,
                 json.dumps(c.outlets, ensure_ascii=False), len(c.articles), _now(), f"counterpoint {__version__}",
                 json.dumps(c.to_dict(), ensure_ascii=False)),
            )
            self.db.executemany(
                "INSERT INTO story_articles (story_id, article_id, outlet, duplicate_of) VALUES (?, ?, ?, ?)",
                [(c.story, a.id, a.outlet, a.duplicate_of) for a in c.articles],
            )
            self.db.executemany(
                "INSERT INTO findings (story_id, id, type, summary, confidence, outlets, absent, statements, evidence)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c.story, f.id, f.type, f.summary, f.confidence, json.dumps(f.outlets, ensure_ascii=False),
                  json.dumps(f.absent, ensure_ascii=False), json.dumps(f.statements),
                  json.dumps([e.to_dict() for e in f.evidence], ensure_ascii=False)) for f in c.findings],
            )
            self.db.executemany(
                "INSERT INTO claims (story_id, id, text, outlets) VALUES (?, ?, ?, ?)",
                [(c.story, cl.id, cl.text, json.dumps(cl.outlets, ensure_ascii=False)) for cl in c.claims],
            )

    def retire_stories(self, keep: set[str]) -> int:
        """Drop stored stories not in `keep` (after a regrouping moved their articles elsewhere)."""
        gone = [r[0] for r in self.db.execute("SELECT id FROM stories") if r[0] not in keep]
        with self._transaction():
            self.db.executemany("DELETE FROM stories WHERE id = ?", [(g,) for g in gone])
        return len(gone)

    def comparison(self, story_id: str) -> Comparison | None:
        """A stored comparison; None when there is none or its row cannot be read (compare the story again)."""
        row = self.db.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
        return _loads(row[0], Comparison.from_dict) if row else None

    def story_rows(self, query: str | None = None, outlet: str | None = None, finding_type: str | None = None,
                   since: str | None = None, until: str | None = None, limit: int = 100,
                   offset: int = 0) -> list[dict]:
        """Stories for a listing, newest first, filtered; each with its finding counts by type."""
        where, args = [], []
        if query:
            where.append("(s.title LIKE ? ESCAPE '\\' OR s.id IN (SELECT sa.story_id FROM story_articles sa"
                         " JOIN articles a ON a.id = sa.article_id WHERE a.title LIKE ? ESCAPE '\\'"
                         " OR a.text LIKE ? ESCAPE '\\'))")
            like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            args += [like, like, like]
        if outlet:
            where.append("s.id IN (SELECT story_id FROM story_articles WHERE outlet = ?)")
            args.append(outlet)
        if finding_type:
            where.append("s.id IN (SELECT story_id FROM findings WHERE type = ?)")
            args.append(finding_type)
        if since:
            where.append("coalesce(s.last_published, '') >= ?")
            args.append(since)
        if until:
            where.append("coalesce(s.first_published, '') <= ?")
            args.append(until)
        sql = ("SELECT s.id, s.title, s.first_published, s.last_published, s.outlets, s.articles FROM stories s"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY coalesce(s.last_published, '') DESC, s.id LIMIT ? OFFSET ?")
        out = []
        for r in self.db.execute(sql, [*args, limit, offset]).fetchall():
            counts = dict(self.db.execute(
                "SELECT type, count(*) FROM findings WHERE story_id = ? GROUP BY type", (r["id"],)).fetchall())
            out.append({"story": r["id"], "title": r["title"], "outlets": _json_list(r["outlets"]),
                        "published": r["last_published"], "first_published": r["first_published"],
                        "articles": r["articles"], "findings": counts})
        return out

    def story_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM stories ORDER BY id")]

    def stories_of(self, article_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT story_id FROM story_articles WHERE article_id = ?",
                                              (article_id,))]

    def speaker_statements(self, key: str) -> list[dict]:
        """Everything one speaker (by their cross-article key) is reported as saying, with the story it is in."""
        rows = self.db.execute(
            "SELECT s.article_id, a.outlet, a.title, a.published, s.id AS statement, s.kind, s.speaker,"
            " s.speaker_role, s.cue, s.content, s.via, s.hedged, s.denial, s.content_start, s.content_end,"
            " (SELECT sa.story_id FROM story_articles sa WHERE sa.article_id = s.article_id LIMIT 1) AS story"
            " FROM statements s JOIN latest_articles a ON a.id = s.article_id WHERE s.speaker_key = ?"
            " ORDER BY a.published NULLS FIRST, a.id, s.content_start", (key,),
        ).fetchall()
        return [dict(r) for r in rows]

    def speaker_key(self, speaker_id: str) -> str | None:
        """The cross-article key behind a canonical speaker id ("sp:" + the key as a slug), if any."""
        for (key,) in self.db.execute("SELECT DISTINCT speaker_key FROM statements WHERE speaker_key IS NOT NULL"):
            if make_speaker_id(key) == speaker_id:
                return key
        return None

    def speaker_rows(self, query: str | None = None, limit: int = 100) -> list[dict]:
        """Speakers across all articles, most quoted first: key, name, role, kind, statements, outlets."""
        where, args = "", []
        if query:
            where = " WHERE s.speaker LIKE ?"
            args.append(f"%{query}%")
        rows = self.db.execute(
            "SELECT s.speaker_key AS key, max(s.speaker) AS name, max(s.speaker_role) AS role,"
            " count(*) AS statements, count(DISTINCT a.outlet) AS outlets"
            " FROM statements s JOIN latest_articles a ON a.id = s.article_id"
            + where + (" AND" if where else " WHERE") + " s.speaker_key IS NOT NULL"
            " GROUP BY s.speaker_key ORDER BY statements DESC, name LIMIT ?", [*args, limit],
        ).fetchall()
        return [dict(r) for r in rows]

    # -- copying between databases ----------------------------------------------

    def copy_document_to(self, other: Store, doc_id: str) -> bool:
        """Copy one document with everything stored for it (its article, removals, analysis) into `other`,
        row for row in one transaction; False when `other` already has it (a copy can be resumed)."""
        rows = {table: [dict(r) for r in self.db.execute(f"SELECT * FROM {table} WHERE {column} = ?", (doc_id,))]
                for table, column in _DOCUMENT_ROWS}
        with other._transaction():
            if other.has_document(doc_id):
                return False
            for table, _ in _DOCUMENT_ROWS:
                other._insert_rows(table, rows[table])
        return True

    def copy_story_to(self, other: Store, story_id: str) -> None:
        """Copy (or replace) one story's comparison and its rows in `other`."""
        rows = {table: [dict(r) for r in self.db.execute(f"SELECT * FROM {table} WHERE {column} = ?", (story_id,))]
                for table, column in _STORY_ROWS}
        with other._transaction():
            other.db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
            for table, _ in _STORY_ROWS:
                other._insert_rows(table, rows[table])

    def copy_errors_to(self, other: Store) -> int:
        """Copy the error log's entries that `other` does not have yet."""
        have = {tuple(r) for r in other.db.execute("SELECT source, problem, at FROM errors")}
        new = [tuple(r) for r in self.db.execute("SELECT source, problem, at FROM errors ORDER BY id")
               if tuple(r) not in have]
        with other._transaction():
            other.db.executemany("INSERT INTO errors (source, problem, at) VALUES (?, ?, ?)", new)
        return len(new)

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY ingested, id")]

    def _insert_rows(self, table: str, rows: list[dict]) -> None:
        if rows:
            columns = list(rows[0])
            names = ", ".join(f'"{c}"' for c in columns)
            self.db.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})",
                                [[r[c] for c in columns] for r in rows])

    def log_error(self, source: str, problem: str) -> None:
        with self._transaction():
            self.db.execute("INSERT INTO errors (source, problem, at) VALUES (?, ?, ?)",
                            (valid_text(source), valid_text(problem), _now()))

    # -- reading ------------------------------------------------------------

    def article(self, ref: str) -> Article | None:
        """An article by id (a unique prefix will do), URL or source path; the latest version."""
        row = None
        if len(ref) == 64:  # a full id: one primary-key lookup
            row = self.db.execute("SELECT * FROM articles WHERE id = ?", (ref.lower(),)).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT * FROM latest_articles WHERE id IN (SELECT id FROM articles WHERE url = ?"
                " UNION SELECT id FROM articles WHERE source = ?) ORDER BY version DESC LIMIT 1", (ref, ref)
            ).fetchone()
        if row is None and len(ref) >= 4 and all(c in "0123456789abcdef" for c in ref.lower()):
            rows = self.db.execute("SELECT * FROM articles WHERE id LIKE ? LIMIT 2", (ref.lower() + "%",)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return self._article(row) if row else None

    def articles(self, all_versions: bool = False, with_analysis: bool = True) -> Iterator[Article]:
        """Stored articles; `with_analysis=False` skips loading each analysis (a listing needs none)."""
        table = "articles" if all_versions else "latest_articles"
        for row in self.db.execute(f"SELECT * FROM {table} ORDER BY published NULLS FIRST, id"):
            yield self._article(row, with_analysis)

    def documents(self) -> Iterator[Document]:
        for row in self.db.execute("SELECT * FROM documents ORDER BY ingested, id"):
            yield Document(
                raw=row["raw"], kind=row["kind"], source=row["source"], url=row["url"], fetched=row["fetched"],
                encoding=row["encoding"], title=row["title"], outlet=row["outlet"],
                authors=_json_list(row["authors"]), published=row["published"],
            )

    def count(self, table: str) -> int:
        if table not in {"documents", "articles", "removals", "errors", "latest_articles", "analyses", "speakers",
                         "statements", "entities", "stories", "story_articles", "findings", "claims"}:
            raise ValueError(f"unknown table {table!r}")
        return int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def version_of(self, article_id: str) -> int | None:
        row = self.db.execute("SELECT version FROM articles WHERE id = ?", (article_id,)).fetchone()
        return int(row[0]) if row else None

    def _article(self, row: Any, with_analysis: bool = True) -> Article:
        removed = [
            Removal(Span(r["start"], r["end"], r["text"]), r["reason"])
            for r in self.db.execute(
                'SELECT start, "end", text, reason FROM removals WHERE article_id = ? ORDER BY start', (row["id"],)
            )
        ]
        return Article(
            id=row["id"], text=row["text"], title=row["title"], outlet=row["outlet"],
            authors=_json_list(row["authors"]), published=row["published"], lang=row["lang"], url=row["url"],
            source=row["source"], source_text=row["source_text"], removed=removed,
            analysis=self.analysis(row["id"]) if with_analysis else None,
        )


def _loads(data: str | bytes | None, build: Callable[[dict], T]) -> T | None:
    """A stored JSON column as an object; None for a row damaged outside counterpoint (bad JSON or shape)."""
    try:
        return build(json.loads(data)) if data else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _json_list(data: str | None) -> list:
    """A stored JSON list column; [] when it cannot be read."""
    try:
        value = json.loads(data) if data else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
