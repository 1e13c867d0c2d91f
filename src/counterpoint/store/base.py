"""What the store needs from a database engine, and the error every engine's problems become.

`Store` writes its SQL once, in the dialect both engines accept (`?` parameters, ANSI joins,
`NULLS FIRST` where order matters); an engine (`sqlite.SQLite`, `postgres.PostgreSQL`) connects,
serialises writers, keeps the schema version and turns its driver's exceptions into one-line
`StoreError`s a user can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class StoreError(Exception):
    """The database cannot be used (wrong file, newer schema, locked, disk full, unreachable, corrupted):
    one line says why."""


class Rows(Protocol):
    """A query's result: iterate it, or fetch one row or all (a row reads by position and by column name)."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Engine(Protocol):
    name: str  # what error messages call the database: a path, or a URL without its password

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def begin(self) -> None:
        """Start a write transaction once no other writer holds one (waiting up to the lock wait)."""

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    @property
    def in_transaction(self) -> bool: ...

    def errors(self) -> AbstractContextManager[None]:
        """The engine's exceptions as StoreError (a problem with one row's data passes through)."""

    def schema_version(self) -> int: ...

    def set_schema_version(self, version: int) -> None: ...

    def migration(self, script: str) -> list[str]:
        """A migration script (written for SQLite) as this engine's statements."""

    def close(self) -> None: ...


def waiting_message(name: str, lock_wait: float) -> str:
    return f"{name}: another process is writing; waiting up to {lock_wait:.0f} s for it"


def locked_message(name: str, lock_wait: float) -> str:
    return (f"{name}: the database is locked by another process (waited {lock_wait:.0f} s); run again when it"
            " has finished")


def split_sql(script: str) -> list[str]:
    """Statements of a migration script (ours: no semicolons inside literals)."""
    return [s.strip() for s in script.split(";") if s.strip() and not s.strip().startswith("--")]
