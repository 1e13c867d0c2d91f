#!/usr/bin/env python3
"""Findings benchmark: `counterpoint compare` on the answer keys, beside the v0.1.0 baseline, in one run.

1. Dev keys (`../shared/data/findings/dev`, scored by `../shared/eval/score_findings.py`): the
   baseline (the `v0.1.0` tag in a worktree with its own virtual environment, `--baseline`) and this
   checkout, each run by the scorer as `counterpoint compare FILES --json ... --db ...`; both tables,
   then the issue's bars for this checkout.
2. Cross-validation on the project's own keyed stories (`training/findings/keys/`, 149 stories):
   5 folds by story, the claim-pair and salience models trained without the story they compare (`tune.py`; the
   small speaker model and the calibration are fitted on all of them, so for them this is in-sample and
   optimistic), scored together; printed with counts, since a few items move a ratio a lot.
3. Time: `compare` on the example story and on the largest dev story, baseline and this checkout,
   alternating, fresh process and database each round (models loaded, articles analysed), and how
   many candidate pairs the claim-pair model scored in each story.

Comparisons are written to a temporary folder (they contain article text), never into the repository.

    python bench/findings.py [--baseline ../baseline] [--rounds 3] [--no-cv] [--python RUNTIME_VENV/bin/python]

Exit status 0 when every bar holds, 1 when one is missed, 2 when the data is missing.
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
sys.path.insert(0, str(ROOT / "training" / "findings"))
EXAMPLE = ROOT / "examples" / "arms-race-2018"

BARS = {"macro_f1": 0.60, "disputed_p": 0.75, "disputed_found": 5, "contradicted_p": 0.60, "contradicted_found": 3,
        "corroborated_p": 0.90, "omitted_p10": 0.60, "speakers_p": 0.85, "speakers_r": 0.60, "brier": 0.15}


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared").resolve()


def score(stories: Path, cmd: str, tmp: Path, name: str) -> dict:
    out = tmp / f"{name}.json"
    proc = subprocess.run([sys.executable, str(shared_dir() / "eval" / "score_findings.py"), str(stories), "--cmd", cmd,
                           "--json", str(out)], capture_output=True, text=True)
    result = json.loads(out.read_text()) if out.exists() else {}
    result["table"] = proc.stdout + (proc.stderr[-2000:] if proc.returncode else "")
    return result


def rows(result: dict) -> dict[str, dict]:
    return {r["type"]: r for r in result.get("totals", [])}


def verdict(result: dict, stories: int) -> list[tuple[str, bool]]:
    r = rows(result)
    sp = result.get("speakers", {})
    d, c = r.get("disputed", {}), r.get("contradicted", {})
    checks = [
        (f"macro-F1 {result.get('macro_f1', 0):.3f} >= {BARS['macro_f1']}",
         result.get("macro_f1", 0) >= BARS["macro_f1"]),
        (f"disputed precision {d.get('precision') or 0:.2f} >= {BARS['disputed_p']} and found {d.get('found', 0)}"
         f" of {d.get('gold', 0)} >= {BARS['disputed_found']}",
         (d.get("precision") or 0) >= BARS["disputed_p"] and d.get("found", 0) >= BARS["disputed_found"]),
        (f"contradicted precision {c.get('precision') or 0:.2f} >= {BARS['contradicted_p']} and found"
         f" {c.get('found', 0)} of {c.get('gold', 0)} >= {BARS['contradicted_found']}",
         (c.get("precision") or 0) >= BARS["contradicted_p"] and c.get("found", 0) >= BARS["contradicted_found"]),
        (f"corroborated precision {r.get('corroborated', {}).get('precision') or 0:.2f} >= {BARS['corroborated_p']}",
         (r.get("corroborated", {}).get("precision") or 0) >= BARS["corroborated_p"]),
        (f"omitted salient precision@10 {result.get('omitted_salient_precision_at_10') or 0:.2f} >="
         f" {BARS['omitted_p10']}", (result.get("omitted_salient_precision_at_10") or 0) >= BARS["omitted_p10"]),
        (f"speakers precision {sp.get('precision', 0):.2f} >= {BARS['speakers_p']} with recall"
         f" {sp.get('recall', 0):.2f} >= {BARS['speakers_r']}",
         sp.get("precision", 0) >= BARS["speakers_p"] and sp.get("recall", 0) >= BARS["speakers_r"]),
        (f"Brier {result.get('brier') or 1:.3f} <= {BARS['brier']}", (result.get("brier") or 1) <= BARS["brier"]),
        (f"one story for {result.get('one_story', 0)} of {stories} keyed stories",
         result.get("one_story", 0) == stories),
    ]
    return checks


def time_compare(cmds: dict[str, str], targets: dict[str, list[str]],
                 rounds: int) -> dict[tuple[str, str], list[float]]:
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for target, files in targets.items():
            for name, cmd in cmds.items():
                with tempfile.TemporaryDirectory() as tmp:
                    start = time.perf_counter()
                    subprocess.run([*cmd.split(), *files, "--json", str(Path(tmp) / "c.json"), "--db",
                                    str(Path(tmp) / "c.db")], capture_output=True, cwd=tmp)
                    times.setdefault((name, target), []).append(time.perf_counter() - start)
    return times


def pairs_scored(files: list[str]) -> int:
    """How many candidate pairs the claim-pair model scores in a story (what it costs)."""
    from counterpoint.compare import _outlet_names
    from counterpoint.compare.pairs import score_pairs
    from counterpoint.compare.units import article_units
    from counterpoint.ingest import IngestOptions
    from counterpoint.models.embeddings import sentence_encoder
    from counterpoint.store import Store
    from counterpoint.workflow import ingest_sources

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "p.db") as store:
        ingest_sources(store, files, IngestOptions())
        articles = list(store.articles())
        outlet_of = _outlet_names(articles)
        units = [u for a in articles for u in article_units(a, outlet_of[a.id])]
        scored = score_pairs(units, sentence_encoder(), {a.id: a.analysis.entities for a in articles if a.analysis},
                             {a.id: len(a.text) for a in articles}, None)
        return len(scored.pairs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default=str(ROOT.parent / "baseline"), help="a checkout of v0.1.0 with its .venv")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--python", default=sys.executable,
                    help="the interpreter that runs this checkout's compare (default: this one); give one of a"
                         " run-time environment (pip install -e .), since with the training extras installed"
                         " importing spaCy also imports torch, about 3 s a run the baseline does not pay")
    args = ap.parse_args()
    dev = shared_dir() / "data" / "findings" / "dev"
    if not dev.is_dir():
        print(f"no dev keys at {dev} (set COUNTERPOINT_SHARED)", file=sys.stderr)
        return 2
    stories = sorted(d for d in dev.iterdir() if (d / "gold.json").is_file())
    cmds = {"v0.1.0": f"{Path(args.baseline) / '.venv' / 'bin' / 'counterpoint'} compare",
            "now": f"{args.python} -m counterpoint compare"}
    if not Path(cmds["v0.1.0"].split()[0]).exists():
        print(f"no baseline at {args.baseline}: git worktree add {args.baseline} v0.1.0 (the tag is commit 15e0363:"
              f" git tag v0.1.0 15e0363 where a clone lacks it) && python3 -m venv"
              f" {args.baseline}/.venv && {args.baseline}/.venv/bin/pip install -e {args.baseline}", file=sys.stderr)
        return 2
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        results = {name: score(dev, cmd, Path(tmp), name) for name, cmd in cmds.items()}
    for name, result in results.items():
        print(f"\n== dev keys, {name}\n{result['table']}")
    print("bars (dev, this checkout):")
    for text, passed in verdict(results["now"], len(stories)):
        print(f"  [{'ok' if passed else 'MISSED'}] {text}")
        ok &= passed
    if not args.no_cv:
        import tune

        cv = tune.CV()
        current = json.loads((ROOT / "src/counterpoint/models/claims/pairs.json").read_text())
        result = cv.score(**{k: float(current[k]) for k in tune.THRESHOLDS if k in current})
        print(f"\n== 5-fold cross-validation by story on our {len(cv.stories)} keyed stories (out-of-fold)\n"
              f"{result['table']}")
        for text, passed in verdict(result, len(cv.stories)):
            print(f"  [{'ok' if passed else 'MISSED'}] {text}")
    largest = max(stories, key=lambda d: sum(f.stat().st_size for f in d.glob("a*.txt")))
    targets = {"example": [str(p) for p in sorted(EXAMPLE.glob("*.txt"))],
               f"largest dev story ({largest.name})": [str(p) for p in sorted(largest.glob("a*.txt"))]}
    times = time_compare(cmds, targets, args.rounds)
    print("\ncompare, wall seconds per run (fresh process and database; median of"
          f" {args.rounds}, one machine, alternating):")
    for target, files in targets.items():
        base = sorted(times[("v0.1.0", target)])[args.rounds // 2]
        now = sorted(times[("now", target)])[args.rounds // 2]
        print(f"  {target}: v0.1.0 {base:.1f} s, now {now:.1f} s ({now / base:.2f}x; bar 2x);"
              f" {pairs_scored(files)} candidate pairs scored")
        ok &= now <= 2 * base
    print("\nverdict:", "every bar met" if ok else "a bar is missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
