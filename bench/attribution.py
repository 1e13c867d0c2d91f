#!/usr/bin/env python3
"""Attribution-extraction benchmark: our engine on PolNeAR dev, scored by the shared scorer.

Parses every dev article with `counterpoint.models.spacy_pipeline()`, runs
`counterpoint.analyse.attribution.find_attributions`, writes the stage's
statement records (spans as {"start", "end", "text"}, a list for a split
role, "nested": true for relations inside another's content), and scores them
with `eval/score_attribution.py` of the shared folder in both settings:

  * `--para-split --fragments` (CofeNet's setting): exact-span F1 per role;
  * default: the who-said-what row (content + source overlap) and the recall
    on indirect gold statements.

It prints the table beside the bar of the attribution issue and the published
references, then times plain `nlp.pipe` parsing of the same articles against
the whole stage (parse + find_attributions), in this process, model loading
excluded, and prints articles/s for both and the ratio.

The shared folder is ../shared next to the repository, or $COUNTERPOINT_SHARED.
Exit status: 0 when every goal is met, 1 when one is missed, 2 when the data is missing.

    python bench/attribution.py [--split dev] [--rounds 1] [--keep PRED.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

BAR = {"source": 75.0, "cue": 70.0, "content": 60.0, "who_said_what": 70.0, "indirect_recall": 60.0, "speed": 0.5}
# Published span exact F1 on PolNeAR (source / cue / content), CofeNet's setting.
REFERENCES = [
    ("CofeNet (BERT tagger, Wang et al. 2022)", 83.2, 75.3, 72.9),
    ("MiniLM BIO tagger (GPU-trained)", 72.0, 70.0, 59.0),
    ("rule systems ported to PolNeAR", 55.0, 48.0, 27.0),
    ("textacy", 28.0, 32.0, 30.0),
]


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared").resolve()


def score(gold: Path, pred: Path, flags: list[str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    try:
        cmd = [
            sys.executable,
            str(shared_dir() / "eval" / "score_attribution.py"),
            str(gold),
            str(pred),
            "--json",
            str(out),
            *flags,
        ]
        subprocess.run(cmd, check=True, capture_output=True, text=True)
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--rounds", type=int, default=1, help="timing rounds (best of)")
    ap.add_argument("--keep", type=Path, default=None, help="also write the predictions here")
    args = ap.parse_args()

    gold = shared_dir() / "data" / "polnear" / f"{args.split}.jsonl"
    scorer = shared_dir() / "eval" / "score_attribution.py"
    if not gold.exists() or not scorer.exists():
        print(f"missing {gold} or {scorer}: set COUNTERPOINT_SHARED", file=sys.stderr)
        return 2

    from counterpoint.analyse.attribution import find_attributions, to_record
    from counterpoint.models import spacy_pipeline

    data = [json.loads(line) for line in gold.open(encoding="utf-8")]
    texts = [a["text"] for a in data]
    nlp = spacy_pipeline()
    list(nlp.pipe(texts[:2]))  # warm up
    find_attributions(nlp(texts[0]))

    # --- timing: plain parsing vs the whole stage, same process, best of N rounds
    parse_s, stage_s = float("inf"), float("inf")
    records: list[dict] = []
    for _ in range(max(args.rounds, 1)):
        t = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
        parse_s = min(parse_s, time.perf_counter() - t)
        t = time.perf_counter()
        records = []
        for a, doc in zip(data, nlp.pipe(texts, batch_size=32), strict=True):
            atts = find_attributions(doc)
            records.append({"id": a["id"], "statements": [to_record(doc.text, x) for x in atts]})
        stage_s = min(stage_s, time.perf_counter() - t)

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        pred = Path(fh.name)
        for r in records:
            fh.write(json.dumps(r) + "\n")
    try:
        if args.keep:
            args.keep.write_text(pred.read_text(encoding="utf-8"), encoding="utf-8")
        para = score(gold, pred, ["--para-split", "--fragments"])
        default = score(gold, pred, [])
    finally:
        pred.unlink(missing_ok=True)

    n_out = sum(len(r["statements"]) for r in records)
    n_nested = sum(s["nested"] for r in records for s in r["statements"])
    print(
        f"PolNeAR {args.split}: {len(data)} articles, {sum(len(a['attributions']) for a in data)} gold relations; "
        f"we return {n_out} ({n_nested} nested, skipped by the scorer)\n"
    )

    sp = para["span"]
    print("Span exact F1, --para-split --fragments (CofeNet's setting)")
    print(f"  {'system':44s} {'source':>7s} {'cue':>7s} {'content':>8s}")
    ours = tuple(sp[r]["exact"]["f1"] for r in ("source", "cue", "content"))
    print(f"  {'counterpoint (this run)':44s} {ours[0]:7.1f} {ours[1]:7.1f} {ours[2]:8.1f}")
    for pr in ("p", "r"):
        vals = tuple(sp[r]["exact"][pr] for r in ("source", "cue", "content"))
        print(f"  {'  ' + ('precision' if pr == 'p' else 'recall'):44s} {vals[0]:7.1f} {vals[1]:7.1f} {vals[2]:8.1f}")
    print(f"  {'bar':44s} {BAR['source']:7.1f} {BAR['cue']:7.1f} {BAR['content']:8.1f}")
    for name, s, c, t in REFERENCES:
        print(f"  {name:44s} {s:7.1f} {c:7.1f} {t:8.1f}")

    at = default["attribution"]
    print("\nWho said what, default settings (attribution level, content Dice >= 0.5)")
    print(f"  {'row':34s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for row in (
        "content",
        "content+cue",
        "content+source(overlap)",
        "content+cue+source(overlap)",
        "strict(all exact)",
    ):
        r = at[row]
        mark = f"   bar {BAR['who_said_what']:.0f}" if row == "content+source(overlap)" else ""
        print(f"  {row:34s} {r['p']:6.1f} {r['r']:6.1f} {r['f1']:6.1f}{mark}")
    rec = at["recall_by_gold_type"]
    print(
        "  recall by gold type: "
        + ", ".join(f"{k} {v['r']:.1f} (n={v['gold']})" for k, v in rec.items())
        + f"   bar indirect {BAR['indirect_recall']:.0f}"
    )
    dsp = default["span"]
    print(
        "  default-setting span exact F1: "
        + ", ".join(f"{r} {dsp[r]['exact']['f1']:.1f}" for r in ("source", "cue", "content"))
    )

    n = len(texts)
    ratio = parse_s / stage_s if stage_s > 0 else float("inf")
    print(f"\nThroughput ({n} articles, best of {max(args.rounds, 1)}; model loading excluded)")
    print(f"  plain en_core_web_sm nlp.pipe : {n / parse_s:7.2f} articles/s")
    print(f"  parse + find_attributions     : {n / stage_s:7.2f} articles/s")
    print(f"  ratio                         : {ratio:7.2f}x   bar {BAR['speed']:.1f}x")

    goals = {
        "source": ours[0] >= BAR["source"],
        "cue": ours[1] >= BAR["cue"],
        "content": ours[2] >= BAR["content"],
        "who_said_what": at["content+source(overlap)"]["f1"] >= BAR["who_said_what"],
        "indirect_recall": rec["indirect"]["r"] >= BAR["indirect_recall"],
        "speed": ratio >= BAR["speed"],
    }
    print("\n" + "  ".join(f"{k}: {'ok' if v else 'MISSED'}" for k, v in goals.items()))
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
