"""The server engine: a PostgreSQL database, for several machines or many writers at once.

`--db postgresql://user@host:port/name` (or `$COUNTERPOINT_DB`) selects it. The schema is the SQLite
one, translated (BYTEA for BLOB, double precision for REAL, an identity column, the "C" collation so
text sorts byte by byte as in SQLite); `counterpoint_schema` holds its version. Writers are serialised
by one transaction-level advisory lock, as SQLite's single writer is, so "is this document stored?"
and the insert that follows can never race; a writer waits up to the lock wait (PostgreSQL's
`lock_timeout`), saying so once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from counterpoint.errors import first_line
from counterpoint.store.base import StoreError, locked_message, split_sql, waiting_message
from counterpoint.textsafe import valid_text

SCHEMES = ("postgresql://", "postgres://")
_WRITE_LOCK = 0x636F756E  # the advisory lock every counterpoint writer takes ("coun")
_CONNECT_SECONDS = 10


def is_server_url(target: object) -> bool:
    """Is `--db` a PostgreSQL URL rather than a SQLite file?"""
    return isinstance(target, str) and target.lower().startswith(SCHEMES)


def display_url(url: str) -> str:
    """The URL as messages show it: the password, if any, masked."""
    return valid_text(re.sub(r"^(\w+://[^:/@]*):[^@/]*@", r"\1:***@", url))


class Row:
    """One result row, read by position or by column name, like `sqlite3.Row`."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str | slice) -> Any:
        return self._values[self._names[key]] if isinstance(key, str) else self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._names)


def _rows(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    names = {d.name: i for i, d in enumerate(cursor.description or [])}
    return lambda values: Row(names, values)


def _sql(sql: str) -> str:
    """Our SQL in psycopg's placeholder style; LIKE made case-insensitive, as SQLite's is."""
    return re.sub(r"\bLIKE\b", "ILIKE", sql.replace("%", "%%").replace("?", "%s"))


def _params(params: Sequence[Any]) -> tuple[Any, ...]:
    # SQLite stores Python booleans in INTEGER columns as 0/1; PostgreSQL wants the integer itself
    return tuple(int(p) if isinstance(p, bool) else p for p in params)


class PostgreSQL:
    def __init__(self, url: str, on_wait: Callable[[str], None] | None, lock_wait: float) -> None:
        try:
            import psycopg
            from psycopg.conninfo import conninfo_to_dict
        except ImportError:
            raise StoreError(f"{display_url(url)}: PostgreSQL needs psycopg: pip install 'counterpoint[postgres]'"
                             ) from None
        self.name = display_url(url)
        self.on_wait = on_wait
        self.lock_wait = lock_wait
        self._psycopg = psycopg
        try:
            info = conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StoreError(f"{self.name}: not a valid PostgreSQL URL ({first_line(exc)})") from None
        options = {} if "connect_timeout" in info else {"connect_timeout": _CONNECT_SECONDS}
        try:
            self.db = psycopg.connect(url, autocommit=True, row_factory=_rows, **options)
        except psycopg.Error as exc:
            raise StoreError(f"{self.name}: cannot connect to the database ({first_line(exc)})") from None
        self.db.execute(f"SET lock_timeout = '{max(1, int(lock_wait * 1000))}ms'")
        self._sql: dict[str, str] = {}

    def _q(self, sql: str) -> str:
        q = self._sql.get(sql)
        if q is None:
            q = self._sql[sql] = _sql(sql)
        return q

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.errors():  # a server gone away mid-run is one line, reads included
            return self.db.execute(self._q(sql), _params(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [_params(r) for r in rows]
        if batch:
            with self.errors(), self.db.cursor() as cur:
                cur.executemany(self._q(sql), batch)

    def begin(self) -> None:
        self.db.execute("BEGIN")
        got = self.db.execute("SELECT pg_try_advisory_xact_lock(%s)", (_WRITE_LOCK,)).fetchone()[0]
        if not got:
            if self.on_wait is not None:
                self.on_wait(waiting_message(self.name, self.lock_wait))
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))  # lock_timeout bounds the wait

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        self.db.execute("ROLLBACK")

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.db.info.transaction_status != TransactionStatus.IDLE

    @contextmanager
    def errors(self) -> Iterator[None]:
        errors = self._psycopg.errors
        try:
            yield
        except StoreError:
            raise
        except errors.LockNotAvailable:
            raise StoreError(locked_message(self.name, self.lock_wait)) from None
        except errors.DiskFull:
            raise StoreError(f"{self.name}: the database server's disk is full; nothing was half-written: free"
                             " some space and run the same command again") from None
        except (errors.ReadOnlySqlTransaction, errors.InsufficientPrivilege) as exc:
            raise StoreError(f"{self.name}: the database cannot be written ({first_line(exc)})") from None
        except (self._psycopg.IntegrityError, self._psycopg.DataError):
            raise  # a problem with the data written: the caller's document, not the database
        except self._psycopg.OperationalError as exc:
            raise StoreError(f"{self.name}: the database connection failed ({first_line(exc)})") from None
        except self._psycopg.Error as exc:
            raise StoreError(f"{self.name}: database error ({first_line(exc)})") from None

    def schema_version(self) -> int:
        # A catalog query, not to_regclass(): that reads the relation cache, which, in a transaction that began
        # before another process's migration committed, may not have seen its tables yet.
        if self.db.execute("SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON"
                           " n.oid = c.relnamespace WHERE c.relname = 'counterpoint_schema'"
                           " AND n.nspname = current_schema()").fetchone() is None:
            return 0
        row = self.db.execute("SELECT max(version) FROM counterpoint_schema").fetchone()
        return int(row[0] or 0)

    def set_schema_version(self, version: int) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS counterpoint_schema (version INTEGER NOT NULL)")
        self.db.execute("DELETE FROM counterpoint_schema")
        self.db.execute("INSERT INTO counterpoint_schema (version) VALUES (%s)", (int(version),))

    def migration(self, script: str) -> list[str]:
        s = re.sub(r"\bINTEGER PRIMARY KEY\b", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", script)
        s = re.sub(r"\bBLOB\b", "BYTEA", s)
        s = re.sub(r"\bREAL\b", "DOUBLE PRECISION", s)
        s = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', s)
        return split_sql(s)

    def close(self) -> None:
        self.db.close()
