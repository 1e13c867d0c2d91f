"""JSON lines in and out of every stage, read with limits and checked against the stage's contract.

Each stage reads one JSON object per line and writes exactly one line per input
line, in order; an input line that cannot be used becomes the output line
``{"id": ..., "error": "..."}`` (the line's id when it can be recovered, else its
line number) and the batch goes on. So the reader never raises on content:

* lines are split on ``\\n`` only (a raw carriage return inside a value stays in
  that value; ``\\r\\n`` endings are fine), read in bounded pieces, so a line of
  gigabytes costs no more memory than the limit;
* invalid UTF-8 bytes become U+FFFD, lone surrogate escapes and NULs are made
  valid (`textsafe`), raw control characters inside strings are accepted;
* nesting deeper than `MAX_DEPTH`, numbers longer than `MAX_NUMBER_CHARS`,
  ``NaN``/``Infinity`` and lines over the size limit are refused with a reason;
* each field named by the contract must have the contract's type.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from counterpoint.textsafe import valid_data, valid_text

MAX_LINE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_NUMBER_CHARS = 100
_READ_CHUNK = 1024 * 1024

# A contract: field -> (the types it may have, a description for the message). `None` in the
# types means the field may be null or missing; `required` fields must be present and non-empty.
Types = tuple[type | None, ...]
STRING = (str,)
OPTIONAL_STRING = (str, None)


@dataclass(frozen=True, slots=True)
class Contract:
    """What a stage accepts on each line."""

    fields: Mapping[str, Types]
    required: tuple[str, ...] = ()  # present and not null
    nonempty: tuple[str, ...] = ()  # present, and not blank
    one_of: tuple[str, ...] = ()  # at least one of these must be a non-blank string

    def problems(self, record: dict[str, Any]) -> list[str]:
        out = []
        for name, types in self.fields.items():
            value = record.get(name)
            if value is None:
                if None not in types and name in record:
                    out.append(f"{name!r} must not be null")
                continue
            if not any(t is not None and isinstance(value, t) and not _bool_as_number(value, t) for t in types):
                out.append(f"{name!r} must be {_describe(types)}, not {json_type(value)}")
        for name in dict.fromkeys(self.required + self.nonempty):
            if name not in record or record[name] is None:
                out.append(f"needs {name!r}")
            elif name in self.nonempty and isinstance(record[name], str) and not record[name].strip():
                out.append(f"{name!r} is empty")
        if self.one_of and not any(isinstance(record.get(n), str) and record[n].strip() for n in self.one_of):
            out.append("needs " + " or ".join(repr(n) for n in self.one_of))
        return out


@dataclass(slots=True)
class Line:
    """One input line: its number, and either the record or the problem that keeps it from being used."""

    number: int
    record: dict[str, Any] | None
    problem: str | None = None
    id: Any = None  # the record's id, or what could be recovered of it
    what: str = "input"

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def error(self) -> str:
        return f"{self.what} line {self.number}: {self.problem}"

    def error_record(self) -> dict[str, Any]:
        """The output line for an input line that could not be used: its id, else its line number."""
        return {"id": self.id if self.id is not None else self.number, "error": self.error}


class _Refused(ValueError):
    pass


def read_lines(stream: IO[bytes] | IO[str], contract: Contract | None = None, what: str = "input",
               max_bytes: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Every non-blank line of `stream` (binary preferred; a text stream's buffer is used) as a `Line`."""
    binary = getattr(stream, "buffer", stream)
    for number, raw, too_long in _raw_lines(binary, max_bytes):
        if too_long:
            yield Line(number, None, f"longer than the limit of {max_bytes / 2**20:g} MB", _recover_id(raw), what)
            continue
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", errors="replace")
        text = raw.rstrip("\r\n").removeprefix("\ufeff")  # a byte-order mark, as Windows tools write it
        if not text.strip():
            continue
        yield parse_line(text, number, contract, what)


def parse_line(text: str, number: int, contract: Contract | None = None, what: str = "input") -> Line:
    """One line's text as a `Line` (the record, or one message naming every problem)."""
    try:
        record = loads(text)
    except RecursionError:
        return Line(number, None, "not valid JSON (nested too deeply)", None, what)
    except _Refused as exc:
        return Line(number, None, str(exc), _recover_id(text), what)
    except ValueError as exc:
        return Line(number, None, f"not valid JSON ({getattr(exc, 'msg', None) or exc})", _recover_id(text), what)
    if not isinstance(record, dict):
        return Line(number, None, f"a JSON line must be an object, not {json_type(record)}", None, what)
    ident = record.get("id")
    if ident is not None and not isinstance(ident, str | int | float | bool):
        return Line(number, None, f"'id' must be a string or a number, not {json_type(ident)}", None, what)
    problems = contract.problems(record) if contract else []
    if problems:
        return Line(number, None, "; ".join(problems), ident, what)
    return Line(number, record, None, ident, what)


def loads(text: str) -> Any:
    """`json.loads` with this module's limits, strings made valid; raises ValueError with a reason."""
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels")
    value = json.loads(text, strict=False, parse_int=_int, parse_float=_float, parse_constant=_constant)
    return valid_data(value)


def dumps(record: Any) -> str:
    """One output line: valid JSON on one line (control characters escaped), encodable as UTF-8."""
    return json.dumps(valid_data(record), ensure_ascii=False, allow_nan=False, default=str)


def _raw_lines(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes, bool]]:
    """(number, bytes, too_long) per line, split on b"\\n" only, never holding more than `max_bytes` of one."""
    number = 0
    while True:
        parts: list[bytes] = []
        size = 0
        while True:
            piece = stream.readline(_READ_CHUNK)
            if isinstance(piece, str):  # a text stream without a buffer (tests)
                piece = piece.encode("utf-8", errors="surrogatepass")
            if not piece:
                break
            size += len(piece)
            if size <= max_bytes:
                parts.append(piece)
            elif not parts:  # too long from the first piece: keep its head, where the id usually is
                parts.append(piece[:4096])
            if piece.endswith(b"\n"):
                break
        if not size:
            return
        number += 1
        yield number, b"".join(parts), size > max_bytes


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def _depth(text: str) -> int:
    deepest = depth = 0
    for m in _BRACKETS.finditer(_STRING.sub("", text)):
        depth += 1 if m.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _int(s: str) -> int:
    if len(s) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(s)} digits (limit {MAX_NUMBER_CHARS})")
    return int(s)


def _float(s: str) -> float:
    if len(s) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(s)} characters (limit {MAX_NUMBER_CHARS})")
    value = float(s)
    if not math.isfinite(value):
        raise _Refused(f"a number out of range ({s[:20]})")
    return value


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON value")


_ID = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,30}(?=\s*[,}]))')


def _recover_id(text: str | bytes) -> Any:
    """The id of a line that cannot be parsed, when it is plainly there (``"id": "a1"`` or ``"id": 7``)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    m = _ID.search(text[:100_000])
    if not m:
        return None
    try:
        value = json.loads(m.group(1))
    except ValueError:
        return None
    return valid_text(value) if isinstance(value, str) else value


def _bool_as_number(value: Any, t: type | None) -> bool:
    return isinstance(value, bool) and t in (int, float)


def _describe(types: Types) -> str:
    names = {str: "a string", int: "a number", float: "a number", bool: "true or false", list: "a list",
             dict: "an object", None: "null"}
    parts = list(dict.fromkeys(names.get(t, str(t)) for t in types))
    return " or ".join(parts)


def json_type(value: Any) -> str:
    """How a message names a parsed value's type: 'a string', 'a list', 'null'..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
