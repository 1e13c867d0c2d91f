#!/usr/bin/env python3
"""Turn annotators' keys (quotes) into the keys kept in the repository (offsets, no article text).

    python training/findings/keys_to_offsets.py ANNOTATED_DIR KEYS_DIR

ANNOTATED_DIR/<story>/ holds the article files and a gold.json whose mentions, denials and values
carry `quote`s (as `check.py` accepts them); KEYS_DIR/<story>/gold.json gets the same key with each
quote replaced by `start`/`end` into the article file. `rebuild.py` rebuilds the files from the shared
corpora, and the scorer reads offsets as it reads quotes.

The annotators' own words (claim paraphrases, notes, the topic of a contradiction) often borrow the
article's wording; any run of `RUN` or more words that stands in the story's articles (compared without
case or punctuation, which a paraphrase often changes) is replaced by "…", so the repository holds
offsets and the annotators' words only (names of speakers, sources and deniers, and stated values, stay
whole: the scorer matches them).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_T = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u2013": "-",
                    "\u2014": "-"})


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Offsets of `quote` in `text`: exact, else under check.py's normalisation (quotes, dashes, spaces)."""
    i = text.find(quote)
    if i != -1:
        return i, i + len(quote)
    # Normalise both, keeping a map from normalised positions back to the original.
    norm, back = [], []
    prev_space = True
    for j, ch in enumerate(text.translate(_T)):
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        norm.append(ch)
        back.append(j)
    target = " ".join(quote.translate(_T).split())
    k = "".join(norm).find(target)
    if k == -1:
        return None
    return back[k], back[k + len(target) - 1] + 1


RUN = 5  # words in a row taken from an article: no longer the annotator's own words
# Who is named and what value is stated stay whole: the scorer matches their words, and a name or a
# figure is a fact, not a wording. Paraphrases, notes and topics are scrubbed.
_KEEP = {"id", "article", "story", "name", "source", "denied_by", "asserted_by", "value", "kind", "articles"}


def _words(text: str) -> list[re.Match]:
    return list(re.finditer(r"\w+", text.translate(_T)))


def ngrams(text: str) -> set[tuple[str, ...]]:
    """Every run of RUN words in `text`, lower-cased and without punctuation (which a paraphrase may change)."""
    w = [m.group().lower() for m in _words(text)]
    return {tuple(w[i:i + RUN]) for i in range(len(w) - RUN + 1)}


def scrub(text: str, grams: set[tuple[str, ...]]) -> str:
    """`text` with every run of RUN or more words that stands in the articles (`grams`) replaced by "…"."""
    words = _words(text)
    low = [m.group().lower() for m in words]
    out, last, i = [], 0, 0
    while i + RUN <= len(words):
        if tuple(low[i:i + RUN]) not in grams:
            i += 1
            continue
        j = i + RUN  # extend while the run goes on
        while j < len(words) and tuple(low[j - RUN + 1:j + 1]) in grams:
            j += 1
        out += [text[last:words[i].start()], "…"]
        last, i = words[j - 1].end(), j
    return "".join(out) + text[last:]


def _scrub_all(value, grams: set[tuple[str, ...]]):
    if isinstance(value, dict):
        return {k: v if k in _KEEP else _scrub_all(v, grams) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_all(v, grams) for v in value]
    return scrub(value, grams) if isinstance(value, str) else value


def convert(story: Path, out: Path) -> int:
    gold = json.loads((story / "gold.json").read_text(encoding="utf-8"))
    texts = {p.stem: p.read_text(encoding="utf-8") for p in story.glob("a*.txt")}
    missing = 0

    def fix(m: dict) -> None:
        nonlocal missing
        if "quote" not in m:
            return
        found = locate(m["quote"], texts[m["article"]])
        if found is None:
            print(f"{story.name}: quote not found in {m['article']}: {m['quote'][:60]!r}")
            missing += 1
            return
        del m["quote"]
        m["start"], m["end"] = found

    for c in gold.get("claims", []):
        for m in c.get("mentions", []):
            fix(m)
    for d in gold.get("disputes", []):
        for m in d.get("denials", []):
            fix(m)
    for x in gold.get("contradictions", []):
        for m in x.get("values", []):
            fix(m)
    gold = _scrub_all(gold, set().union(*(ngrams(t) for t in texts.values())))
    (out / story.name).mkdir(parents=True, exist_ok=True)
    (out / story.name / "gold.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    return missing


def main() -> None:
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    bad = sum(convert(d, out) for d in sorted(src.iterdir()) if (d / "gold.json").exists())
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
