#!/usr/bin/env python3
"""Article-extraction benchmark: counterpoint against the libraries it builds on, in one run.

Runs the shared scorer (`eval/eval_extraction.py` of the shared folder) on the
shared extraction benchmark with `counterpoint extract --manifest -` beside
trafilatura (default and favor_precision) and readability, prints the
scorer's table, then our verdict on the issue's goals:

  * F1 >= 0.970 and above every library in the same run;
  * pages with boilerplate leaks no more than trafilatura-precision's;
  * docs/s (from counterpoint's own per-document `seconds`, as the scorer
    times the libraries: pages already in memory) >= 0.8x trafilatura's.

Then it checks that no page furniture is left in the example story, scores
the hand-written layout pages of tests/fixtures/extract (live blogs, an
article split around ads, a key-points box, short paragraphs, an interview,
a list, teasers built like the article) beside trafilatura: the share of
each article's paragraphs kept and the furniture left, and with
--workers-check times `counterpoint extract --workers 1` against
`--workers 2` on 1,000 copies of the benchmark's pages.

The shared folder is ../shared next to the repository, or $COUNTERPOINT_SHARED.
Exit status: 0 when every goal is met, 1 when one is missed, 2 when the
benchmark cannot be run.

    python bench/extraction.py [--rounds N] [--workers-check] [--files 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "arms-race-2018"
LAYOUTS = ROOT / "tests" / "fixtures" / "extract"
LIBRARIES = ("trafilatura", "trafilatura-precision", "readability")
F1_GOAL = 0.970
SPEED_GOAL = 0.8  # counterpoint docs/s over trafilatura's (default settings)

# Furniture in the example story's scraped texts: none of it may survive extraction.
EXAMPLE_FURNITURE = (
    "READ MORE", "Listen Live", "Get short URL", "GMT04", "Community standards", "Discussion",
    "Trump Discusses Israel-Palestine", "Putin Thanked Trump", "Erdogan Hopes", "arms race, efforts",
    "A Message from The Moscow Times", "Dear readers", "support us monthly", "Remind me later",
)


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared").resolve()


def counterpoint_cmd() -> list[str]:
    """The CLI of this checkout, run by this interpreter (the repository's virtual environment)."""
    return [sys.executable, "-m", "counterpoint"]


def run_scorer(shared: Path, rounds: int) -> dict:
    """Run the shared scorer, print its table, and return its JSON results by row name."""
    bench = shared / "data" / "extraction"
    scorer = shared / "eval" / "eval_extraction.py"
    command = shlex.join([*counterpoint_cmd(), "extract", "--manifest", "-"])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        args = [sys.executable, str(scorer), str(bench), "-c", f"cp::{command}", "-e", ",".join(LIBRARIES),
                "--rounds", str(rounds), "--json", str(out)]
        print("$", shlex.join(args), flush=True)
        proc = subprocess.run(args, cwd=ROOT, text=True, capture_output=True)
        print(proc.stdout, end="")
        if proc.returncode != 0 or not out.exists():
            print(proc.stderr[-3000:], file=sys.stderr)
            raise SystemExit(2)
        results = json.loads(out.read_text(encoding="utf-8"))["results"]
    return {r["name"]: r for r in results}


def verdict(rows: dict) -> bool:
    """Print one line per goal; True when all are met."""
    ok = True

    def line(passed: bool, text: str) -> None:
        nonlocal ok
        ok = ok and passed
        print(f"  [{'ok' if passed else 'MISSED'}] {text}")

    cp = rows.get("cp")
    if cp is None:
        print("counterpoint produced no result", file=sys.stderr)
        return False
    print("\nverdict:")
    line(cp["f1"] >= F1_GOAL, f"F1 {cp['f1']:.3f} (goal >= {F1_GOAL:.3f})")
    for name in LIBRARIES:
        if name in rows:
            lib = rows[name]["f1"]
            line(cp["f1"] > lib, f"F1 {cp['f1']:.3f} vs {name} {lib:.3f} ({cp['f1'] - lib:+.3f})")
        else:
            line(False, f"{name} did not run (is it installed? pip install -e '.[bench]')")
    if "trafilatura-precision" in rows:
        theirs = rows["trafilatura-precision"]["pages_with_leaks"]
        line(cp["pages_with_leaks"] <= theirs,
             f"pages with boilerplate leaks {cp['pages_with_leaks']} vs trafilatura-precision {theirs}"
             f" {cp['leaks_by_family']}")
    ours, theirs = cp.get("docs_per_s_self_reported"), rows.get("trafilatura", {}).get("docs_per_s")
    if ours and theirs:
        line(ours >= SPEED_GOAL * theirs,
             f"speed {ours:.1f} docs/s (self-reported) vs trafilatura {theirs:.1f} docs/s: ratio {ours / theirs:.2f}"
             f" (goal >= {SPEED_GOAL}); whole command incl. start-up {cp.get('docs_per_s', 0):.1f} docs/s")
    else:
        line(False, "speed: no self-reported seconds from counterpoint, or no trafilatura row")
    return ok


def check_example() -> bool:
    """Extract the example story and look for any of its furniture in the result."""
    files = sorted(EXAMPLE.glob("*.txt"))
    proc = subprocess.run([*counterpoint_cmd(), "extract", *map(str, files)], cwd=ROOT, text=True,
                          capture_output=True)
    if proc.returncode != 0:
        print(f"\nexample story: extraction failed\n{proc.stderr[-2000:]}")
        return False
    print("\nexample story (examples/arms-race-2018):")
    ok = True
    for record in map(json.loads, proc.stdout.splitlines()):
        left = [phrase for phrase in EXAMPLE_FURNITURE if phrase in record["text"]]
        reasons: dict[str, int] = {}
        for r in record["removed"]:
            reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
        status = "ok" if not left else "MISSED"
        print(f"  [{status}] {Path(record['source']).name}: removed {reasons}; furniture left: {left or 'none'}")
        ok = ok and not left
    return ok


def check_layouts() -> bool:
    """Extract the layout fixtures; per page, the share of the article's paragraphs kept, ours beside trafilatura's.

    The fixtures' manifest (layouts.json) names each article's paragraphs (an
    XPath) and the furniture that must go. Ours must keep every paragraph and
    leave no furniture; trafilatura (default and favor_precision, text as the
    scorer asks for it) is printed for reference.
    """
    import trafilatura
    from lxml.html import fromstring

    manifest = json.loads((LAYOUTS / "layouts.json").read_text(encoding="utf-8"))
    names = sorted(manifest["pages"])
    proc = subprocess.run([*counterpoint_cmd(), "extract", *(str(LAYOUTS / n) for n in names)], cwd=ROOT, text=True,
                          capture_output=True)
    if proc.returncode != 0:
        print(f"\nlayout pages: extraction failed\n{proc.stderr[-2000:]}")
        return False
    ours = {Path(r["source"]).name: r["text"] for r in map(json.loads, proc.stdout.splitlines())}

    def norm(text: str) -> str:
        return " ".join(text.split())

    def kept(blocks: list[str], text: str | None) -> str:
        text = norm(text or "")
        return f"{sum(b in text for b in blocks)}/{len(blocks)}"

    print(f"\nlayout pages ({LAYOUTS.relative_to(ROOT)}): article paragraphs kept, furniture left")
    print(f"  {'page':24} {'cp':>7} {'trafilatura':>12} {'precision':>10}  cp chars  furniture left (cp)")
    ok = True
    for name in names:
        page = manifest["pages"][name]
        html = (LAYOUTS / name).read_text(encoding="utf-8")
        blocks = [norm(el.text_content()) for el in fromstring(html).xpath(page["article"])]
        text = ours.get(name, "")
        left = [f for f in (*manifest["furniture_on_every_page"], *page["furniture"]) if f in text]
        complete = all(b in norm(text) for b in blocks)
        ok = ok and complete and not left
        print(f"  {name:24} {kept(blocks, text):>7} {kept(blocks, trafilatura.extract(html)):>12}"
              f" {kept(blocks, trafilatura.extract(html, favor_precision=True)):>10}  {len(text):8}"
              f"  {left or 'none'}{'' if complete else '  MISSED: paragraphs lost'}")
    return ok


def workers_check(shared: Path, n_files: int) -> None:
    """Wall time of `counterpoint extract --manifest -` on n_files pages with 1 and 2 worker processes."""
    pages = sorted((shared / "data" / "extraction" / "html").glob("*.html.gz"))
    with tempfile.TemporaryDirectory() as tmp:
        lines = []
        for i in range(n_files):
            source = pages[i % len(pages)]
            target = Path(tmp) / f"{i:05d}-{source.name}"
            shutil.copyfile(source, target)
            lines.append(json.dumps({"id": str(i), "path": str(target)}) + "\n")
        manifest = "".join(lines)
        print(f"\nworkers check: {n_files} files ({len(pages)} pages copied over and over) in {tmp}")
        times = {}
        for workers in (1, 2):
            start = time.perf_counter()
            proc = subprocess.run([*counterpoint_cmd(), "extract", "--manifest", "-", "--workers", str(workers)],
                                  input=manifest, text=True, capture_output=True, cwd=ROOT)
            times[workers] = time.perf_counter() - start
            done = sum(1 for line in proc.stdout.splitlines() if line.strip())
            print(f"  --workers {workers}: {times[workers]:.1f} s wall ({done} records, exit {proc.returncode},"
                  f" {n_files / times[workers]:.1f} docs/s)")
        print(f"  speedup with 2 workers: {times[1] / times[2]:.2f}x ({os.cpu_count()} CPUs on this machine)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1, help="timing rounds for the scorer (best is reported)")
    parser.add_argument("--workers-check", action="store_true", help="also time --workers 1 vs 2 on many files")
    parser.add_argument("--files", type=int, default=1000, help="files for --workers-check")
    args = parser.parse_args()
    shared = shared_dir()
    if not (shared / "data" / "extraction" / "ground-truth.json").exists():
        print(f"no extraction benchmark under {shared}; set COUNTERPOINT_SHARED to the shared folder", file=sys.stderr)
        return 2
    rows = run_scorer(shared, args.rounds)
    ok = verdict(rows)
    ok = check_example() and ok
    ok = check_layouts() and ok
    if args.workers_check:
        workers_check(shared, args.files)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
