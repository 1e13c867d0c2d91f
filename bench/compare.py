#!/usr/bin/env python3
"""`counterpoint compare` on the example story: time, evidence, and what it finds, beside a baseline.

1. Speed. Runs the real command (`counterpoint compare examples/arms-race-2018
   --json ...`) in a fresh process with a fresh database, `--rounds` times, and
   reports the wall time of each: models loaded, both articles extracted,
   analysed, grouped and compared. Goal: under 10 s on 2 cores.
2. Evidence. Every evidence span in the JSON (findings, claim mentions,
   framing) must be the exact text of its article at its offsets.
3. Findings. Checks what a fact-checker should learn from the story (the
   expectations of the comparison issue) and prints the findings as the tool
   does. Beside it, the usual baseline for "what does each outlet leave out":
   sentence TF-IDF cosine alignment (a sentence with no counterpart above a
   threshold is "only in" its outlet; the threshold is chosen to best match
   this very checklist, which flatters the baseline). The baseline has no
   notion of speakers, so it cannot say who disputes what.

    python bench/compare.py [--rounds 3]

Exit status 0 when every goal is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "arms-race-2018"
MT, SPUTNIK = "Moscow Times", "Sputnik"

# What each outlet alone reports (the comparison issue's list), as words that must be in the evidence.
ONLY_IN = {
    SPUTNIK: ["no one is going to launch some kind of an arms race", "He digs in his heels",
              "presidential candidates"],
    MT: ["$700 billion defense budget", "arm Ukraine", "as \"warm", "really got under the president's skin"],
}
SHARED = ["If you want to have an arms race we can do that, but I'll win"]


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split())


def run_compare(workdir: Path) -> tuple[float, dict]:
    out = workdir / "c.json"
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "counterpoint", "compare", str(EXAMPLE), "--db",
                        str(workdir / "c.db"), "--json", str(out), "--no-color"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit(f"counterpoint compare failed:\n{r.stderr}")
    return seconds, json.loads(out.read_text(encoding="utf-8"))


def check_evidence(story: dict) -> tuple[int, int]:
    texts = {a["id"]: a["text"] for a in story["articles"]}
    spans = [e for f in story["findings"] for e in f["evidence"]]
    spans += [e for c in story["claims"] for m in c["mentions"] for e in m["evidence"]]
    for fr in story["framing"]:
        spans += fr["hedged"] + fr["loaded"] + ([fr["lead"]] if fr["lead"] else [])
    bad = sum(1 for e in spans if texts[e["article"]][e["start"]:e["end"]] != e["text"])
    return len(spans), bad


def ours(story: dict) -> dict[str, bool]:
    outlet_of = {a["id"]: a["outlet"] for a in story["articles"]}

    def text(f: dict, outlet: str) -> str:
        return norm(" ".join(e["text"] for e in f["evidence"] if outlet_of[e["article"]] == outlet))

    checks: dict[str, bool] = {}
    disputed = [f for f in story["findings"] if f["type"] == "disputed"]
    checks["Trump quote disputed, in both outlets"] = any(
        all(SHARED[0] in text(f, o) for o in (MT, SPUTNIK)) for f in disputed)
    checks["...on NBC / White House officials' authority"] = any(
        "NBC" in f["summary"] and "White House" in f["summary"] for f in disputed)
    checks["...denied by Peskov, in both outlets"] = any(
        all("Peskov" in text(f, o) for o in (MT, SPUTNIK)) and "Peskov" in f["summary"] for f in disputed)
    omitted = [f for f in story["findings"] if f["type"] == "omitted"]
    for outlet, phrases in ONLY_IN.items():
        mine = " | ".join(text(f, outlet) for f in omitted if f["outlets"] == [outlet])
        for p in phrases:
            checks[f"only in {outlet}: {p}"] = p in mine
    for p in SHARED:
        checks[f"not 'only in' anyone: {p[:30]}…"] = not any(p in text(f, o) for f in omitted for o in f["outlets"])
    framing = " ".join(f["summary"] for f in story["findings"] if f["type"] == "framing")
    checks["framing: different leads"] = "Different leads" in framing
    checks["framing: 'claiming' vs 'reportedly'"] = "claiming" in framing and "reportedly" in framing
    return checks


# -- baseline: sentence TF-IDF alignment ------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9$']+")
_STOP = frozenset(re.findall(r"\w+", "the a an of to in on and or for that this with by as at is was be has have had "
                                     "he his it its from but we i if you can do not will would are were said"))


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?\"”])\s+|\n+", text) if len(s.split()) >= 4]


def baseline(story: dict, threshold: float) -> dict[str, bool]:
    arts = {a["outlet"]: _sentences(norm(a["text"])) for a in story["articles"]}
    docs = [s for ss in arts.values() for s in ss]
    df = Counter(w for s in docs for w in set(_WORD.findall(s.lower())) - _STOP)

    def vec(s: str) -> dict[str, float]:
        tf = Counter(w for w in _WORD.findall(s.lower()) if w not in _STOP)
        v = {w: c * math.log((len(docs) + 1) / (df[w] + 0.5)) for w, c in tf.items()}
        n = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / n for w, x in v.items()}

    vecs = {o: [vec(s) for s in ss] for o, ss in arts.items()}

    def only(outlet: str) -> str:
        other = next(o for o in arts if o != outlet)
        out = []
        for s, v in zip(arts[outlet], vecs[outlet], strict=True):
            best = max((sum(x * u.get(w, 0.0) for w, x in v.items()) for u in vecs[other]), default=0.0)
            if best < threshold:
                out.append(s)
        return " | ".join(out)

    checks = {"Trump quote disputed, in both outlets": False, "...on NBC / White House officials' authority": False,
              "...denied by Peskov, in both outlets": False}
    for outlet, phrases in ONLY_IN.items():
        mine = only(outlet)
        for p in phrases:
            checks[f"only in {outlet}: {p}"] = p in mine
    for p in SHARED:
        checks[f"not 'only in' anyone: {p[:30]}…"] = not any(p in only(o) for o in arts)
    checks["framing: different leads"] = False
    checks["framing: 'claiming' vs 'reportedly'"] = False
    return checks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    times = []
    story: dict = {}
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, document = run_compare(Path(tmp))
            times.append(seconds)
            story = document["stories"][0]
    n_spans, bad = check_evidence(story)
    mine = ours(story)
    base = max((baseline(story, t / 20) for t in range(1, 12)), key=lambda c: sum(c.values()))
    print(f"counterpoint compare on the example: {', '.join(f'{t:.1f}' for t in times)} s "
          f"(best {min(times):.1f} s; goal < 10 s; models loaded in each run)")
    print(f"evidence spans checked: {n_spans}, not verbatim: {bad}")
    print()
    print(f"{'expectation':<70} {'counterpoint':>12} {'TF-IDF sentences':>17}")
    for name in mine:
        print(f"{name:<70} {'yes' if mine[name] else 'NO':>12} {'yes' if base.get(name) else 'no':>17}")
    print(f"{'met':<70} {sum(mine.values()):>9}/{len(mine)} {sum(base.values()):>14}/{len(base)}")
    print()
    print("findings:")
    for f in story["findings"]:
        print(f"  [{f['id']}] {f['summary']}")
    ok = min(times) < 10 and bad == 0 and all(mine.values())
    print("\nverdict:", "all goals met" if ok else "goal missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
