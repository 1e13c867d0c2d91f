"""The embedded engine: one SQLite file, the default store.

WAL lets readers run beside the one writer; `BEGIN IMMEDIATE` takes the write lock at the start of
a transaction, so two writers never interleave, and a writer kept waiting too long is told so once,
then gives up with one line. `PRAGMA user_version` is the schema version.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from counterpoint.store.base import StoreError, locked_message, split_sql, waiting_message
from counterpoint.textsafe import valid_text

_BUSY_SECONDS = 5.0  # one attempt; ordinary concurrent writers (one short transaction per document) fit in it


class SQLite:
    def __init__(self, path: str | Path, on_wait: Callable[[str], None] | None, lock_wait: float) -> None:
        self.path = Path(path)
        self.name = valid_text(str(self.path))
        self.on_wait = on_wait
        self.lock_wait = lock_wait
        if self.path.is_dir():
            raise StoreError(f"{self.name}: is a folder, not a database file")
        try:
            self.db = sqlite3.connect(self.path, timeout=min(_BUSY_SECONDS, lock_wait), isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.name}: cannot open the database ({exc})") from None
        try:
            with self.errors():
                self.db.row_factory = sqlite3.Row
                # two processes opening a new database at once both switch it to WAL, which needs the file alone:
                # each holds the other up, and the one the busy timeout gives up on waits on as a writer does
                self._locking("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA foreign_keys = ON")
                self.db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            self.db.close()
            raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.db.executemany(sql, rows)

    def begin(self) -> None:
        self._locking("BEGIN IMMEDIATE")

    def _locking(self, statement: str) -> None:
        """Run a statement that needs a lock another writer may hold, waiting up to `lock_wait` seconds for it
        (and saying so once)."""
        deadline = time.monotonic() + self.lock_wait
        told = False
        while True:
            try:
                self.db.execute(statement)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if not told and self.on_wait is not None:
                    self.on_wait(waiting_message(self.name, self.lock_wait))
                    told = True
                if time.monotonic() >= deadline:
                    raise StoreError(locked_message(self.name, self.lock_wait)) from None

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        self.db.execute("ROLLBACK")

    @property
    def in_transaction(self) -> bool:
        return self.db.in_transaction

    @contextmanager
    def errors(self) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "disk is full" in text or "database or disk is full" in text:
                raise StoreError(f"{self.name}: the disk is full; nothing was half-written: free some space"
                                 " and run the same command again") from None
            if "locked" in text or "busy" in text:
                raise StoreError(locked_message(self.name, self.lock_wait)) from None
            if "readonly" in text or "read-only" in text:
                raise StoreError(f"{self.name}: the database is read-only (check the file's permissions)") from None
            raise StoreError(f"{self.name}: database error ({text})") from None
        except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
            if type(exc) is not sqlite3.DatabaseError and not any(
                    w in str(exc) for w in ("malformed", "not a database", "corrupt")):
                raise  # a problem with the data written (IntegrityError...): the caller's document, not the file
            raise StoreError(f"{self.name}: not a usable counterpoint database ({exc}); restore it from a"
                             " backup, or give another --db") from None

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self.db.execute(f"PRAGMA user_version = {int(version)}")

    def migration(self, script: str) -> list[str]:
        return split_sql(script)

    def close(self) -> None:
        self.db.close()
