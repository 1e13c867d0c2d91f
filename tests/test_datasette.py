"""The store opens as-is in Datasette, the tool people already use to browse SQLite."""

import asyncio

from datasette.app import Datasette

from counterpoint.extract import extract
from counterpoint.ingest import read_sources
from counterpoint.store import Store


def test_store_opens_in_datasette_with_foreign_keys(tmp_path, example_dir):
    db = tmp_path / "news.db"
    with Store(db) as store:
        for doc in read_sources([str(example_dir)]):
            store.add(doc, extract(doc))

    async def browse():
        ds = Datasette([str(db)])
        articles = await ds.client.get("/news/articles.json?_shape=array")
        removals = await ds.client.get("/news/removals.json?_shape=array&_labels=on")
        latest = await ds.client.get("/news/latest_articles.json?_shape=array")
        inbound = await ds.client.get("/news/documents.json?_shape=array")
        return articles, removals, latest, inbound

    articles, removals, latest, documents = asyncio.run(browse())
    assert articles.status_code == removals.status_code == latest.status_code == documents.status_code == 200
    assert sorted(a["outlet"] for a in articles.json()) == ["Moscow Times", "Sputnik"]
    assert len(latest.json()) == 2 and len(documents.json()) == 2
    rows = removals.json()
    assert rows, "the example's furniture should be listed in the removals table"
    # With labels on, Datasette resolves the declared foreign key to the article row.
    assert all(isinstance(r["article_id"], dict) and r["article_id"]["value"] for r in rows)
