"""One exception type for bad input, so every front end can print one clear line."""

from __future__ import annotations


class InputError(Exception):
    """A document that cannot be read or extracted.

    `source` names the document (a path, URL or record); the message says
    what is wrong with it in words a user can act on. `str()` is the
    one-line report the CLI prints.
    """

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # results cross process boundaries (worker pools, Dask): rebuilt from both fields, not from `args`
        return InputError, (self.source, self.problem)


def first_line(exc: BaseException, empty: str | None = None) -> str:
    """An exception's message as one line (drivers and Dask write several); `empty` (else the exception's
    type) when it has none."""
    return " ".join(str(exc).strip().splitlines()[:1]) or empty or type(exc).__name__
