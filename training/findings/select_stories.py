#!/usr/bin/env python3
"""Choose the training stories to annotate (deterministic), and write their story.json files.

    python training/findings/select_stories.py SHARED_DATA KEYS_DIR [TEXT_DIR] [--ecb N] [--fnc N]

Training stories must never share an event or a claim with the findings dev keys
(`SHARED_DATA/findings/README.md` lists them), nor come from the FNC-1 claim-grouped dev split
(the stance model is scored there). ECB+ stories are 4 articles of one train event, FNC-1 stories 3-5
bodies of one claim including at least one that disagrees. Only offsets into the rebuilt texts are ever
kept in the repository; TEXT_DIR (outside it) receives the article files for annotators.

The candidates are shuffled once with a fixed seed and the first N of each kind taken, so a larger N
keeps every story chosen before and adds new ones (the first round took 16 ECB+ and 10 FNC-1 stories).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
from collections import defaultdict
from pathlib import Path

DEV_EVENTS = {"13_ecb", "2_ecb", "2_ecbplus", "31_ecb", "34_ecbplus", "7_ecb"}
DEV_FNC_STORIES = ("fnc-1372", "fnc-2014", "fnc-514")
csv.field_size_limit(10**9)


def _file_text(text: str) -> bytes:
    return (text.strip() + "\n").encode("utf-8")


def ecb_stories(data: Path, rng: random.Random, n: int) -> list[dict]:
    by_event: dict[str, list[dict]] = defaultdict(list)
    for line in (data / "ecbplus" / "train.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        by_event[r["gold_cluster"]].append(r)
    stories = []
    for event in sorted(by_event):
        if event in DEV_EVENTS:
            continue
        docs = [r for r in by_event[event] if 400 <= len(r["text"]) <= 3500]
        if len(docs) < 4:
            continue
        docs.sort(key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
        picked = docs[:4]
        stories.append({"story": f"ecb-{event}", "gold_cluster": event, "source": "ECB+ (train split)",
                        "docs": [(r["id"], (r.get("title") + "\n\n" if r.get("title") else "") + r["text"])
                                 for r in picked]})
    rng.shuffle(stories)
    return sorted(stories[:n], key=lambda s: s["story"])


def fnc_stories(data: Path, rng: random.Random, n: int, loose: int = 0) -> list[dict]:
    """The first `n` claims that have a disagreeing body and two others; then, with `loose`, the first `loose`
    of the claims left that have any three usable bodies (a rumour every outlet repeats is a story too)."""
    with open(data / "fnc1" / "train_bodies.csv", encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with open(data / "fnc1" / "train_stances.csv", encoding="utf-8") as fh:
        stances = list(csv.DictReader(fh))
    dev_bodies = set((data / "fnc1" / "splits" / "dev_body_ids.txt").read_text().split())
    # Claims = connected components of related (headline, body) pairs.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in stances:
        if r["Stance"] != "unrelated":
            parent[find("h:" + r["Headline"])] = find("b:" + r["Body ID"])
    claims: dict[str, dict] = defaultdict(lambda: {"headlines": set(), "bodies": defaultdict(list)})
    for r in stances:
        if r["Stance"] != "unrelated":
            c = claims[find("b:" + r["Body ID"])]
            c["headlines"].add(r["Headline"])
            c["bodies"][r["Body ID"]].append(r["Stance"])
    dev_meta = [json.loads((data / "findings" / "dev" / s / "story.json").read_text()) for s in DEV_FNC_STORIES]
    dev_body_ids = {a["source_id"] for m in dev_meta for a in m["articles"]}
    stories, rest = [], []
    for root, c in sorted(claims.items()):
        if set(c["bodies"]) & (dev_bodies | dev_body_ids):
            continue
        # A body's stance is its most frequent one over the claim's headlines (ties: the rarer class).
        rank = {"disagree": 0, "agree": 1, "discuss": 2}
        usable = {b: min(set(st), key=lambda x: (-st.count(x), rank[x]))
                  for b, st in c["bodies"].items() if 300 <= len(bodies[b]) <= 4000}
        disagree = sorted(b for b, st in usable.items() if st == "disagree")
        others = sorted(b for b, st in usable.items() if st != "disagree")
        strict = bool(disagree) and len(others) >= 2
        if not strict and len(usable) < 3:
            continue
        r2 = random.Random(root)
        n_disagree = min(2, len(disagree))
        n_others = min(3 if strict else 5 - n_disagree, len(others))
        picked = r2.sample(disagree, n_disagree) + r2.sample(others, n_others)
        headline = sorted(c["headlines"], key=len)[0]
        (stories if strict else rest).append({
            "story": f"fnc-{min(picked, key=int)}", "source": "FNC-1 train", "claim_headline": headline,
            "docs": [(b, bodies[b]) for b in sorted(picked, key=int)], "stances": {b: usable[b] for b in picked}})
    rng.shuffle(stories)
    random.Random(20261207).shuffle(rest)  # its own seed: the strict draw stays as it was
    return sorted(stories[:n], key=lambda s: s["story"]) + sorted(rest[:loose], key=lambda s: s["story"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    ap.add_argument("keys", type=Path, help="where each story's story.json goes")
    ap.add_argument("texts", type=Path, nargs="?", help="where the article files go (outside the repository)")
    ap.add_argument("--ecb", type=int, default=16, help="how many ECB+ stories (default 16)")
    ap.add_argument("--fnc", type=int, default=10, help="how many FNC-1 stories (default 10)")
    ap.add_argument("--fnc-loose", type=int, default=0,
                    help="then how many FNC-1 claims with any three usable bodies, disagreeing or not (default 0)")
    args = ap.parse_args()
    data, keys, texts = args.data, args.keys, args.texts
    rng = random.Random(20261206)
    for s in ecb_stories(data, rng, args.ecb) + fnc_stories(data, rng, args.fnc, args.fnc_loose):
        meta = {"story": s["story"], "articles": [], "source": s["source"]}
        for i, (source_id, text) in enumerate(s["docs"], 1):
            art = {"file": f"a{i}.txt", "source_id": source_id,
                   "sha256": hashlib.sha256(_file_text(text)).hexdigest()}
            if "stances" in s:
                art["fnc_stance"] = s["stances"][source_id]
            meta["articles"].append(art)
            if texts:
                (texts / s["story"]).mkdir(parents=True, exist_ok=True)
                (texts / s["story"] / art["file"]).write_bytes(_file_text(text))
        if "gold_cluster" in s:
            meta["gold_cluster"] = s["gold_cluster"]
        (keys / s["story"]).mkdir(parents=True, exist_ok=True)
        (keys / s["story"] / "story.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
        if texts:  # annotators see the FNC-1 headline; the repository keeps no dataset text
            shown = {**meta, "claim_headline": s["claim_headline"]} if "claim_headline" in s else meta
            (texts / s["story"] / "story.json").write_text(json.dumps(shown, indent=1, ensure_ascii=False) + "\n")
        print(s["story"], len(s["docs"]), [len(t) for _, t in s["docs"]], s.get("claim_headline", ""))


if __name__ == "__main__":
    main()
