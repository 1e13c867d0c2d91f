"""A generated corpus of hostile inputs, as a new user's data brings them, for every stage.

Deterministic (seeded): the same corpus on every run. Each input is tagged with its
family, so a harness can say which kinds of input a stage fails on. Used by
`tests/test_hostile.py` (every stage: one line per input, in order, no traceback,
bounded memory) and `bench/robustness.py` (the same corpus against the baseline).

Nothing here is article text from any dataset: the sentences are written for it.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

SENTENCES = [
    "The minister said the report was not true.",
    "Police said two men were arrested on Friday night near the station.",
    "According to officials, the fire started in the kitchen of the restaurant.",
    "\u201cWe will rebuild,\u201d the mayor told reporters outside the town hall.",
    "A spokeswoman for the company denied that any data had been lost.",
    "The storm killed at least four people and left 20,000 homes without power.",
    "Witnesses told local television that they heard three loud explosions.",
    "The club announced on Tuesday that its coach had signed a new contract.",
]


@dataclass(frozen=True, slots=True)
class Line:
    """One input line of a JSON-lines stage: its raw bytes, its family, and the id its output must carry
    (None: the line cannot be read and its id cannot be recovered, so the output names its line number)."""

    family: str
    raw: bytes
    id: object = None


def _text(rng: random.Random, n: int = 3) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(n))


def _record_lines(rng: random.Random, fields: dict[str, object], texts: tuple[str, ...]) -> list[Line]:
    """Lines for a stage whose contract is `fields` (name -> a valid value), `texts` the fields that carry
    text; every family, ~300 lines."""
    out: list[Line] = []
    n = 0

    def add(family: str, record: object = None, raw: bytes | None = None, ident: object = "same") -> None:
        nonlocal n
        n += 1
        if raw is None:
            raw = json.dumps(record).encode("ascii")  # non-ASCII and lone surrogates as \\u escapes
        if ident == "same":
            ident = record.get("id") if isinstance(record, dict) else None
        out.append(Line(family, raw, ident))

    def valid(i: object, **over: object) -> dict:
        return {"id": i, **{k: (v() if callable(v) else v) for k, v in fields.items()}, **over}

    for i in range(20):
        add("valid", valid(f"ok-{i}"))
    for i, bad in enumerate(["\ud800", "\udfff", "a\udc80b", "\ud83d", "x\ud800\udc00y" * 3]):
        for name in texts:
            add("lone surrogates", valid(f"sur-{i}-{name}", **{name: bad + _text(rng, 1)}))
        add("lone surrogates", valid(bad))
    for i in range(10):
        add("NUL", raw=json.dumps(valid(f"nul-{i}")).replace('"id"', '"x\\u0000": 1, "id"').encode(), ident=f"nul-{i}")
        add("NUL", valid(f"nul-t-{i}", **{k: "a\u0000b " + _text(rng, 1) for k in texts}))
    for i in range(10):
        r = json.dumps({**valid(f"utf8-{i}"), texts[-1]: _text(rng) + "@@"}).encode()
        pos = r.index(b"@@")
        add("invalid UTF-8 bytes", raw=r[:pos] + bytes([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80][i % 7:])
            + r[pos + 2:], ident=f"utf8-{i}")
        add("UTF-8 text", raw=json.dumps(valid(f"u-{i}", **{k: "Caf\u00e9 \u2014 \u201cna\u00efve\u201d, "
                                                            + _text(rng, 2) for k in texts}),
                                          ensure_ascii=False).encode(), ident=f"u-{i}")
    for i, ch in enumerate(["\r", "\r\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\t", "\x1b[31m"]):
        text = f"First part.{ch}Second part said the minister."
        raw = (f'{{"id": "ctl-{i}", ' + ", ".join(f'"{k}": "{text}"' for k in texts) + "}").encode()
        add("raw control characters", raw=raw, ident=f"ctl-{i}")
    for i, num in enumerate(["9" * 5000, "-" + "1" * 400, "1e999", "-1e999", "NaN", "Infinity", "1" * 101,
                             "0." + "1" * 200]):
        add("numbers", raw=b'{"id": "num-%d", "x": ' % i + num.encode() + b"}", ident=f"num-{i}")
        add("numbers", raw=b'{"id": ' + num.encode() + b"}", ident=None)
    for i, depth in enumerate([65, 1000, 100_000]):
        add("deep nesting", raw=b"[" * depth + b"]" * depth, ident=None)
        add("deep nesting", raw=b'{"id": "deep-%d", "x": ' % i + b"[" * depth + b"]" * depth + b"}",
            ident=f"deep-{i}")
        add("deep nesting", raw=b'{"a":' * depth + b"1" + b"}" * depth, ident=None)
    for name in fields:
        for j, wrong in enumerate([["a", "b"], {"x": 1}, 5, 2.5, True, None, ["en"]]):
            add("wrong types", valid(f"type-{name}-{j}", **{name: wrong}))
    for wrong in ([["x"], {"a": 1}, [[1]]]):
        add("wrong types", {**valid("x"), "id": wrong}, ident=None)
    for notobj in ([b"[1, 2, 3]", b'"a string"', b"42", b"null", b"true", b"[]", b'"{\\"id\\": 1}"']):
        add("not an object", raw=notobj, ident=None)
    for j, garbage in enumerate([b"{", b"}", b'{"id": "g1", "text": "unterminated', b"{'id': 1}", b"<html>",
                                 b'{"id": "g2",}', b"\x00\x01\x02\x03", bytes(b for b in range(256) if b != 10),
                                 b'\xef\xbb\xbf{"id": "bom"}',
                                 b'{"id": "g3"} trailing', b"{{{{", b'{"id": "g4", "a": [1, 2}']):
        ident = {2: "g1", 5: "g2", 8: "bom", 9: "g3", 11: "g4"}.get(j)
        add("malformed JSON", raw=garbage, ident=ident)
    for i, blank in enumerate(["", " ", "\n\n", "   \t  "]):
        add("empty values", valid(f"empty-{i}", **{k: blank for k in texts}))
    for i in range(6):
        add("missing fields", {"id": f"missing-{i}"})
        add("missing fields", {"id": f"extra-{i}", "unexpected": [1, 2], **valid("z")} | {"id": f"extra-{i}"})
    add("odd keys", raw=b'{"id": "dup", "id": "dup2", ' + json.dumps(valid("q"))[1:].replace('"id": "q", ', "")
        .encode(), ident="dup2")
    add("odd keys", raw=('{"\u00e9\u00e8": 1, "' + "k" * 10_000 + '": 2, ' + json.dumps(valid("keys"))[1:]).encode(),
        ident="keys")
    for ident in (["x" * 100_000, "", " ", 0, -1, 1.5, True, "\u202e\u0644\u0627"]):
        add("odd ids", valid(ident), ident=ident)
    for i, (family, text) in enumerate([
        ("other languages", "Der Minister sagte, der Bericht sei nicht wahr. Die Polizei nahm zwei M\u00e4nner fest."),
        ("other languages", "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631 \u0625\u0646 "
                            "\u0627\u0644\u062a\u0642\u0631\u064a\u0631 \u063a\u064a\u0631 \u0635\u062d\u064a\u062d."),
        ("other languages", "\u90e8\u957f\u8bf4\u62a5\u544a\u4e0d\u662f\u771f\u7684\u3002" * 20),
        ("other languages", "\U0001f600\U0001f525" * 200 + " said the minister."),
        ("other languages", "e\u0301" * 3000 + " the minister said."),
        ("pathological text", "word " * 10_000),
        ("pathological text", "\u201c" * 5000 + "he said" + "\u201d" * 5000),
        ("pathological text", '"' * 20_000),
        ("pathological text", "\n" * 20_000 + "The minister said the report was false."),
        ("pathological text", "<p>" * 3000 + "The minister said so." + "</p>" * 3000),
        ("pathological text", ("He said that " * 2000) + "it rained."),
        ("pathological text", "said " * 5000),
        ("pathological text", "A" * 200_000),
        ("pathological text", ("according to " * 1500) + "officials."),
        ("pathological text", ", ".join(["the minister said"] * 3000)),
        ("pathological text", _text(rng, 400)),
        ("pathological text", "x" * 60_000 + " said the minister. " + "y" * 60_000),
    ]):
        add(family, valid(f"{family[:5]}-{i}", **{k: text for k in texts}))
    for i in range(10):
        add("valid", valid(f"tail-{i}"))
    return out


def statements_lines(seed: int = 1) -> list[Line]:
    rng = random.Random(seed)
    return _record_lines(rng, {"text": lambda: _text(rng), "lang": "en"}, ("text",))


def stories_lines(seed: int = 2) -> list[Line]:
    rng = random.Random(seed)
    return _record_lines(rng, {"title": lambda: _text(rng, 1), "text": lambda: _text(rng),
                               "published": "2018-03-30"}, ("title", "text"))


def stance_lines(seed: int = 3) -> list[Line]:
    rng = random.Random(seed)
    return _record_lines(rng, {"claim": lambda: rng.choice(SENTENCES), "text": lambda: _text(rng)}, ("claim", "text"))


def hostile_files(folder: Path, seed: int = 4) -> dict[str, list[Path]]:
    """Files for `extract` and `ingest`, by family: HTML, text, gzip, JSON lines, special files, odd names."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    fams: dict[str, list[Path]] = {}

    def put(family: str, name: str | bytes, data: bytes) -> Path:
        path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else
                                             name.encode())))
        Path(path).write_bytes(data)
        fams.setdefault(family, []).append(path)
        return path

    def page(body: str, head: str = "") -> bytes:
        return f"<html><head>{head}<title>A story</title></head><body><article>{body}</article></body></html>" \
            .encode("utf-8", "surrogatepass")

    for i in range(8):
        put("valid", f"ok-{i}.html", page("".join(f"<p>{_text(rng)}</p>" for _ in range(4))))
    for i, ent in enumerate(["&#xDFFF;", "&#xD800;", "&#0;", "&#x110000;", "&#xFFFE;", "&#55296;"]):
        put("bad character references", f"ent-{i}.html", page(f"<p>The minister said {ent} the report "
                                                               f"was not true. {_text(rng)}</p>"))
        put("bad character references", f"ent-{i}.html.gz", gzip.compress(page(f"<p>{ent} {_text(rng)}</p>")))
    for i, raw in enumerate([b"\xff\xfe\x00", b"\xc3\x28", b"\xed\xa0\x80", b"\x00" * 5, b"\xe2\x80"]):
        put("invalid UTF-8", f"bytes-{i}.html", page(_text(rng)).replace(b"minister", b"mini" + raw + b"ster"))
        put("invalid UTF-8", f"bytes-{i}.txt", _text(rng).encode() + raw + _text(rng).encode())
    for name in ([b"caf\xe9-\xff.html", b"\xed\xa0\x80.txt", "r\u00e9sum\u00e9.txt".encode(),
                  b"line\nbreak.txt", b"-dash.txt", b" space .txt"]):
        with contextlib.suppress(OSError):
            put("odd file names", name, page(_text(rng, 5)) if name.endswith(b".html") else _text(rng, 5).encode())
    put("empty and binary", "empty.html", b"")
    put("empty and binary", "blank.txt", b"  \n\t\n")
    put("empty and binary", "image.html", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000)))
    put("empty and binary", "zeros.txt", b"\x00" * 10_000)
    put("empty and binary", "no-tags.html", b"just words with no tags at all")
    put("gzip", "truncated.html.gz", gzip.compress(page(_text(rng, 20)))[:60])
    put("gzip", "not-gzip.html.gz", page(_text(rng)))
    put("gzip", "bomb.txt.gz", gzip.compress(b"a " * (30 * 1024 * 1024)))
    put("deep HTML", "deep-div.html", b"<html><body>" + b"<div>" * 100_000 + b"text" + b"</div>" * 100_000
        + b"</body></html>")
    put("deep HTML", "deep-unclosed.html", b"<html><body>" + b"<b>" * 300_000 + b"text said the minister.")
    put("deep HTML", "many-attrs.html", page("<p " + " ".join(f'a{i}="{i}"' for i in range(20_000)) + ">x</p>"
                                            + f"<p>{_text(rng)}</p>"))
    put("odd HTML", "script-only.html", b"<html><body><script>alert(1)</script></body></html>")
    put("odd HTML", "frames.html", b"<frameset><frame src='a.html'></frameset>")
    put("odd HTML", "cdata.html", page("<![CDATA[" + _text(rng) + "]]>" + f"<p>{_text(rng, 4)}</p>"))
    put("odd HTML", "comment-bomb.html", page("<!--" * 10_000 + f"<p>{_text(rng, 4)}</p>"))
    put("odd HTML", "meta-charset.html", page(f"<p>{_text(rng, 4)}</p>", '<meta charset="x-unknown-42">'))
    put("odd HTML", "xml-decl.html", b'<?xml version="1.0" encoding="bogus"?>' + page(f"<p>{_text(rng, 4)}</p>"))
    jl = [json.dumps({"id": "j1", "text": _text(rng, 4), "title": ["a", "list"]}),
          json.dumps({"id": "j2", "text": _text(rng, 4), "outlet": {"name": "x"}}),
          json.dumps({"id": "j3", "text": _text(rng, 4), "published": ["2018"]}),
          json.dumps({"id": "j4", "text": _text(rng, 4), "authors": [1, 2]}),
          json.dumps({"id": "j5", "text": _text(rng, 4), "lang": ["en"]}),
          json.dumps({"id": "j6", "text": "\ud800 " + _text(rng, 4)}),
          "[" * 100_000, '{"id": "j8", "text": ' + "9" * 5000 + "}",
          json.dumps({"id": "j9", "html": 5}), json.dumps({"id": "j10", "text": _text(rng, 4), "url": 5}),
          json.dumps({"id": "j11", "text": _text(rng, 4), "title": "T\u0000itle", "outlet": "Out\ud800let"})]
    put("JSON lines records", "records.jsonl", "\n".join(jl).encode("utf-8", "surrogatepass") + b"\n\xff\xfe\n")
    return fams


def special_files(folder: Path) -> dict[str, list[Path]]:
    """Devices and FIFOs, which must be refused by type (never read, never waited on)."""
    out = {"special files": [Path("/dev/zero"), Path("/dev/null"), Path("/dev/urandom")]}
    fifo = folder / "pipe.html"
    try:
        os.mkfifo(fifo)
        out["special files"].append(fifo)
    except (OSError, AttributeError):
        pass
    return out
