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
    # 2: the analysis of each article. `analyses.data` holds the full Analysis
    # as JSON (exact spans: the source of truth); the flat tables beside it
    # are for browsing and SQL.
    """
    CREATE TABLE analyses (
        article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        analysed   TEXT NOT NULL,
        analyser   TEXT NOT NULL,
        data       TEXT NOT NULL
    );
    CREATE TABLE speakers (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        key        TEXT NOT NULL,           -- the same for the same speaker across articles
        name       TEXT NOT NULL,
        role       TEXT,
        kind       TEXT NOT NULL,
        mentions   INTEGER NOT NULL,
        PRIMARY KEY (article_id, key)
    );
    CREATE TABLE statements (
        article_id      TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        id              TEXT NOT NULL,
        kind            TEXT NOT NULL,
        speaker         TEXT,
        speaker_role    TEXT,
        speaker_key     TEXT,
        source          TEXT,
        cue             TEXT NOT NULL,
        content         TEXT NOT NULL,
        addressee       TEXT,
        via             TEXT,              -- the chain, outermost first, joined with ' > '
        nested          INTEGER NOT NULL,
        parent          TEXT,
        hedged          INTEGER NOT NULL,
        denial          INTEGER NOT NULL,
        confirmation    INTEGER NOT NULL,
        cue_connotation TEXT NOT NULL,
        content_start   INTEGER NOT NULL,
        content_end     INTEGER NOT NULL,
        PRIMARY KEY (article_id, id)
    );
    CREATE INDEX statements_speaker ON statements(speaker_key);
    CREATE TABLE entities (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start      INTEGER NOT NULL,
        "end"      INTEGER NOT NULL,
        text       TEXT NOT NULL,
        label      TEXT NOT NULL
    );
    CREATE INDEX entities_article ON entities(article_id);
    """,
    # 3: stories and their comparisons. `stories.data` holds the full Comparison
    # as JSON (the source of truth every report reads); the tables beside it are
    # for listing, filtering and SQL.
    """
    CREATE TABLE stories (
        id              TEXT PRIMARY KEY,
        title           TEXT,
        first_published TEXT,
        last_published  TEXT,
        outlets         TEXT NOT NULL,     -- JSON list, in the order the comparison gives them
        articles        INTEGER NOT NULL,
        compared        TEXT NOT NULL,
        comparer        TEXT NOT NULL,
        data            TEXT NOT NULL
    );
    CREATE TABLE story_articles (
        story_id     TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        article_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        outlet       TEXT NOT NULL,
        duplicate_of TEXT,
        PRIMARY KEY (story_id, article_id)
    );
    CREATE INDEX story_articles_article ON story_articles(article_id);
    CREATE TABLE findings (
        story_id   TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        id         TEXT NOT NULL,
        type       TEXT NOT NULL,
        summary    TEXT NOT NULL,
        confidence REAL NOT NULL,
        outlets    TEXT NOT NULL,          -- JSON list
        absent     TEXT NOT NULL,          -- JSON list (omitted findings)
        statements TEXT NOT NULL,          -- JSON list of statement ids
        evidence   TEXT NOT NULL,          -- JSON list of spans with their article
        PRIMARY KEY (story_id, id)
    );
    CREATE INDEX findings_type ON findings(type);
    CREATE INDEX articles_url ON articles(url);
    CREATE INDEX articles_source ON articles(source);
    CREATE TABLE claims (
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        id       TEXT NOT NULL,
        text     TEXT NOT NULL,
        outlets  TEXT NOT NULL,            -- JSON object: outlet -> asserted / hedged / denied / absent
        PRIMARY KEY (story_id, id)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
