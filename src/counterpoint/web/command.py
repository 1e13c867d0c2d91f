"""`counterpoint serve`: the local web app over a database (registered in cli.py)."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import click


@click.command(short_help="Browse stories, comparisons, speakers and articles in a local web app.")
@click.option("--db", "db_path", type=click.Path(),
              default=lambda: os.environ.get("COUNTERPOINT_DB", "counterpoint.db"), show_default="counterpoint.db",
              help="The database: a SQLite file or a PostgreSQL URL ($COUNTERPOINT_DB).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Keep the loopback default: the app has no login.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def serve(db_path: str, host: str, port: int) -> None:
    """Serve the web app on http://HOST:PORT/ (stories, speakers, articles, ingest, JSON API at /api,
    its OpenAPI description at /openapi.json). Stop it with Ctrl-C.

    \b
      counterpoint serve --db counterpoint.db
      counterpoint serve --db postgresql://me@dbhost:5432/news
    """
    import uvicorn

    from counterpoint.store import StoreError, display_url, is_server_url
    from counterpoint.web.app import create_app

    # The database is opened (created, migrated) before serving, so a wrong file is one line, not a traceback.
    if not is_server_url(db_path) and Path(db_path).is_dir():
        _fail(f"{db_path}: is a folder, not a database file")
    try:
        app = create_app(db_path, host=host)
    except StoreError as exc:
        _fail(str(exc))
    except sqlite3.DatabaseError as exc:
        _fail(f"{db_path}: not a usable counterpoint database ({exc})")
    shown = display_url(db_path)
    if host not in {"127.0.0.1", "localhost", "::1"}:
        click.echo(f"warning: binding {host}: anyone who can reach it can read and ingest (no login)", err=True)
    click.echo(f"counterpoint: serving {shown} on http://{host if ':' not in host else f'[{host}]'}:{port}/")
    # A long keep-alive: a browser's idle connection closed under it mid-request shows up as a failed load.
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, timeout_keep_alive=75)


def _fail(message: str) -> None:
    """One line on stderr and exit status 2, as the other commands do for a database they cannot use."""
    click.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(2)
