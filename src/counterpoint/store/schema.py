"""The store's tables, and the migrations that build them.

Plain tables with declared foreign keys, so the file opens as-is in
Datasette or any SQLite browser. `PRAGMA user_version` is the schema
version; each migration runs once, inside a transaction, in order.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: documents and their extracted articles
    """
    CREATE TABLE documents (
        id        TEXT PRIMARY KEY,          -- sha256 of the raw bytes
        kind      TEXT NOT NULL CHECK (kind IN ('html', 'text', 'article')),
        source    TEXT NOT NULL,             -- path, URL or archive record it came from
        url       TEXT,
        fetched   TEXT,
        encoding  TEXT,
        title     TEXT,                      -- hints given by the source itself
        outlet    TEXT,
        authors   TEXT NOT NULL DEFAULT '[]',
        published TEXT,
        size      INTEGER NOT NULL,
        raw       BLOB NOT NULL,
        ingested  TEXT NOT NULL
    );
    CREATE TABLE articles (
        id          TEXT PRIMARY KEY REFERENCES documents(id),
        key         TEXT NOT NULL,           -- canonical URL, or 'doc:<id>' when the page has none
        version     INTEGER NOT NULL,        -- 1, 2, ... for re-fetched pages whose content changed
        title       TEXT,
        outlet      TEXT,
        authors     TEXT NOT NULL DEFAULT '[]',
        published   TEXT,
        lang        TEXT,
        url         TEXT,
        source      TEXT,
        text        TEXT NOT NULL,
        source_text TEXT NOT NULL,           -- text before furniture was removed
        extracted   TEXT NOT NULL,
        extractor   TEXT NOT NULL,
        UNIQUE (key, version)
    );
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE INDEX articles_published ON articles(published);
    CREATE TABLE removals (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start      INTEGER NOT NULL,
        "end"      INTEGER NOT NULL,
        text       TEXT NOT NULL,
        reason     TEXT NOT NULL
    );
    CREATE INDEX removals_article ON removals(article_id);
    CREATE TABLE errors (
        id      INTEGER PRIMARY KEY,
        source  TEXT NOT NULL,
        problem TEXT NOT NULL,
        at      TEXT NOT NULL
    );
    CREATE VIEW latest_articles AS
        SELECT a.* FROM articles a
        WHERE a.version = (SELECT max(version) FROM articles b WHERE b.key = a.key);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
