"""Persistence: every stage's output in one SQLite file (the default store)."""

from counterpoint.store.export import export_articles, export_rows
from counterpoint.store.sqlite import Store, StoreError

__all__ = ["Store", "StoreError", "export_articles", "export_rows"]
