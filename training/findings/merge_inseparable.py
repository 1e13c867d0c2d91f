#!/usr/bin/env python3
"""Merge key claims that no article states apart: one claim, as the careful keys write it.

    python training/findings/merge_inseparable.py KEYS_DIR TEXTS_DIR   # TEXTS_DIR: the rebuilt articles (rebuild.py)

Our annotators, told "one fact per claim", split sentences finer than the findings dev keys do: two of our
claims had mentions in exactly the same sentences of the same articles (same source) 15% of the time on
the ECB+ stories and 9% on the FNC-1 ones, against 6% and 2% on the dev keys. A comparison cannot tell such
claims apart (every outlet that carries one carries the other, in the same words), so a finding that
names one is counted wrong as a repeat of the other, or right twice: the calibration would learn a rate no
careful key gives. Two claims are merged when their mentions fall in the same (article, sentence) set and
they share source, anonymity and single-source mark; a claim that holds a contradiction's value is never
merged (its value is the point). A merged claim is substantive when either part is; disputes follow it.
The keys are rewritten in place (offsets only, as kept in the repository).
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_right
from pathlib import Path

import keys_to_offsets

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019)]?\s+|\n+")


def sentence_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def sentence_of(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset) - 1


def merge(gold: dict, texts: dict[str, str]) -> tuple[dict, int]:
    starts = {a: sentence_starts(t) for a, t in texts.items()}
    grams = set().union(*(keys_to_offsets.ngrams(t) for t in texts.values()))
    valued = {c for x in gold.get("contradictions", []) for c in x.get("claims", [])}
    first: dict[tuple, dict] = {}
    renamed: dict[str, str] = {}
    claims = []
    for c in gold["claims"]:
        c = {**c, "mentions": list(c["mentions"])}  # merged into below: the caller's key stays as it was
        where = frozenset((m["article"], sentence_of(starts[m["article"]], m["start"])) for m in c["mentions"])
        kept = c if c["id"] in valued else first.setdefault((where, c["source"], c["anonymous"], c["single_source"]), c)
        if kept is c:
            claims.append(c)
            continue
        renamed[c["id"]] = kept["id"]
        # two paraphrases side by side can spell out the article's words again: scrubbed as the keys are
        kept["claim"] = keys_to_offsets.scrub(f"{kept['claim']}; {c['claim']}", grams)
        kept["substantive"] = bool(kept["substantive"] or c["substantive"])
        seen = {(m["article"], m["start"], m["end"]) for m in kept["mentions"]}
        kept["mentions"] += [m for m in c["mentions"] if (m["article"], m["start"], m["end"]) not in seen]
    disputes, seen_disputes = [], set()
    for d in gold.get("disputes", []):
        d = {**d, "claim": renamed.get(d["claim"], d["claim"])}
        key = json.dumps(d, sort_keys=True)
        if key not in seen_disputes:
            seen_disputes.add(key)
            disputes.append(d)
    return {**gold, "claims": claims, "disputes": disputes}, len(renamed)


def main() -> None:
    keys = Path(sys.argv[1])
    texts_root = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    total = 0
    for story in sorted(p for p in keys.iterdir() if (p / "gold.json").is_file()):
        texts_dir = texts_root / story.name if texts_root else story
        texts = {p.stem: p.read_text(encoding="utf-8") for p in texts_dir.glob("a*.txt")}
        gold = json.loads((story / "gold.json").read_text(encoding="utf-8"))
        merged, n = merge(gold, texts)
        if n:
            (story / "gold.json").write_text(json.dumps(merged, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        total += n
    print(f"{total} claims merged into others")


if __name__ == "__main__":
    main()
