"""JSON lines read with limits, checked against a stage's contract, one Line per input line."""

from __future__ import annotations

import io

from counterpoint.jsonlines import OPTIONAL_STRING, STRING, Contract, dumps, read_lines

CONTRACT = Contract({"text": STRING, "lang": OPTIONAL_STRING}, required=("text",))


def _read(data: bytes, **kw):
    return list(read_lines(io.BytesIO(data), CONTRACT, **kw))


def test_a_raw_carriage_return_stays_inside_its_value() -> None:
    (line,) = _read(b'{"id": 1, "text": "a\rb"}\n')
    assert line.ok and line.record["text"] == "a\rb"


def test_lone_surrogates_and_nul_are_made_valid() -> None:
    (line,) = _read(b'{"id": 1, "text": "x\\ud800y\\u0000z"}\n')
    assert line.record["text"] == "x\ufffdyz"
    assert dumps(line.record).encode("utf-8")  # encodable


def test_limits_give_one_reason_each_with_the_id_when_it_can_be_recovered() -> None:
    lines = _read(b'{"id": "n", "text": ' + b"9" * 5000 + b"}\n" + b"[" * 10_000 + b"]" * 10_000 + b"\n"
                  + b'{"id": 3, "text": NaN}\n' + b'{"id": 4, "lang": ["en"], "text": "x"}\n')
    assert [(x.error_record()["id"], x.problem) for x in lines] == [
        ("n", "a number of 5000 digits (limit 100)"), (2, "nested deeper than 64 levels"),
        (3, "NaN is not a JSON value"), (4, "'lang' must be a string or null, not a list")]


def test_an_overlong_line_costs_no_more_than_the_limit_and_the_next_line_is_read() -> None:
    lines = _read(b'{"id": 9, "text": "' + b"x" * 3_000_000 + b'"}\n{"id": 10, "text": "ok"}\n', max_bytes=1_000_000)
    assert [x.ok for x in lines] == [False, True] and lines[0].error_record()["id"] == 9


def test_blank_lines_are_skipped_and_numbers_count_physical_lines() -> None:
    lines = _read(b'\n  \n{"id": 1}\n\xef\xbb\xbf{"id": 2, "text": "t"}\r\n')
    assert [(x.number, x.ok) for x in lines] == [(3, False), (4, True)]
