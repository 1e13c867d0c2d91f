"""Stored data out to the formats people already use: JSON lines, CSV, Parquet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from counterpoint import __version__
from counterpoint.csvcell import cell
from counterpoint.model import SCHEMA_VERSION, Article

Format = Literal["jsonl", "csv", "parquet"]
ARTICLE_COLUMNS = ["id", "outlet", "title", "authors", "published", "lang", "url", "source", "text"]


def export_articles(articles: Iterable[Article], path: Path, fmt: Format) -> int:
    """Write articles to `path`; returns how many. JSONL keeps everything, CSV and Parquet get flat columns."""
    rows = list(articles)
    if fmt == "jsonl":
        return export_rows([a.to_dict() for a in rows], path, fmt)
    flat = [{**{c: getattr(a, c) for c in ARTICLE_COLUMNS}, "removed": len(a.removed),
             "statements": len(a.analysis.statements) if a.analysis else None} for a in rows]
    return export_rows(flat, path, fmt)


def export_rows(rows: list[dict[str, Any]], path: Path, fmt: Format) -> int:
    """Write flat records; lists stay lists in JSONL and Parquet and become '; '-joined text in CSV,
    where every cell that a spreadsheet would run as a formula is made inert (`csvcell`)."""
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                record = {**row, "schema_version": SCHEMA_VERSION, "counterpoint_version": __version__}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        columns = list(rows[0]) if rows else []
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([cell(c) for c in columns])
            for row in rows:  # every cell made inert: titles and statements are text from pages
                writer.writerow([cell("; ".join(map(str, v)) if isinstance(v, list) else v) for v in
                                 (row.get(c) for c in columns)])
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return len(rows)
