"""A store's contents as comparable values: what two runs (one process, a cluster; SQLite, PostgreSQL) must
agree on. Used by the cluster tests and `bench/scale.py`."""

from __future__ import annotations

import json

from counterpoint.store import Store

# Columns that say when a row was written, which two runs never share.
TIMES = {"documents": ("ingested",), "articles": ("extracted",), "analyses": ("analysed",),
         "stories": ("compared",)}
TABLES = ("documents", "articles", "removals", "analyses", "speakers", "statements", "entities", "stories",
          "story_articles", "findings", "claims")


def contents(target: str) -> dict[str, list[str]]:
    """Every row of every table, sorted, without the write times (errors: source and problem)."""
    with Store(target) as store:
        out = {}
        for table in TABLES:
            rows = []
            for r in store.db.execute(f"SELECT * FROM {table}"):
                row = {k: (bytes(v).hex() if isinstance(v, (bytes, memoryview)) else v) for k, v in dict(r).items()}
                for column in TIMES.get(table, ()):
                    row.pop(column)
                if table == "stories":
                    data = json.loads(row.pop("data"))
                    data.pop("compared", None)
                    row["data"] = data
                rows.append(json.dumps(row, sort_keys=True))
            out[table] = sorted(rows)
        out["errors"] = sorted(f"{r[0]}|{r[1]}" for r in store.db.execute("SELECT source, problem FROM errors"))
        return out
