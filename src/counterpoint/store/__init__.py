"""Persistence: every stage's output in one database, a SQLite file by default or PostgreSQL by URL."""

from counterpoint.store.base import StoreError
from counterpoint.store.export import export_articles, export_rows
from counterpoint.store.postgres import display_url, is_server_url
from counterpoint.store.store import Store

__all__ = ["Store", "StoreError", "display_url", "export_articles", "export_rows", "is_server_url"]
