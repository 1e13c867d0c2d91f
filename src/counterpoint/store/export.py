"""Articles out to the formats people already use: JSON lines, CSV, Parquet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from counterpoint import __version__
from counterpoint.model import SCHEMA_VERSION, Article

Format = Literal["jsonl", "csv", "parquet"]
COLUMNS = ["id", "outlet", "title", "authors", "published", "lang", "url", "source", "text"]


def export_articles(articles: Iterable[Article], path: Path, fmt: Format) -> int:
    """Write articles to `path`; returns how many. CSV and Parquet get flat columns."""
    rows = list(articles)
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for a in rows:
                record = {**a.to_dict(), "schema_version": SCHEMA_VERSION, "counterpoint_version": __version__}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([*COLUMNS, "removed"])
            for a in rows:
                writer.writerow([*_flat(a), len(a.removed)])
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({
            **{c: [getattr(a, c) for a in rows] for c in COLUMNS if c != "authors"},
            "authors": pa.array([a.authors for a in rows], type=pa.list_(pa.string())),
            "removed": [len(a.removed) for a in rows],
        })
        pq.write_table(table, path)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return len(rows)


def _flat(a: Article) -> list[str]:
    return [
        a.id, a.outlet or "", a.title or "", "; ".join(a.authors), a.published or "", a.lang or "", a.url or "",
        a.source or "", a.text,
    ]
