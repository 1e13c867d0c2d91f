#!/usr/bin/env python3
"""Robustness benchmark: the hostile corpus against every stage, the baseline beside this checkout, in one run.

For each JSON-lines stage (statements, stories, stance, extract --manifest) and each family of
`tests/hostile_corpus.py`, the family's lines are fed to the stage as one batch, as a user's file
would be, and an input counts as **failed** unless it got exactly its own output line, in order
(valid JSON, one line, naming its id; a baseline error line with a null id counts as handled).
A traceback or a lost tail fails every line it swallowed. The whole corpus is then fed in one
batch too (what the issue measured: one bad line used to end the batch). For files: `ingest`
of the hostile folder plus devices and a FIFO, then `compare` on that store.

Then size: `counterpoint statements` on a 1 MB article (ECB+ train texts joined, ../shared) and on one
unpunctuated 200,000-character "sentence": peak memory (summed over the process and its workers,
sampled every 0.1 s) and wall seconds including start-up, with --workers 1 and 2; the bars are 1.5 GB
and 60 s on 2 cores.

The baseline is another checkout with its own virtual environment, by default the `v0.1.0` tag
(commit 15e0363; `git tag v0.1.0 15e0363` where a clone lacks the tag) in a worktree:
`git worktree add ../baseline v0.1.0 && python3 -m venv ../baseline/.venv &&
../baseline/.venv/bin/pip install -e ../baseline`. Run nothing else on the machine meanwhile.

    python bench/robustness.py [--baseline ../baseline] [--no-size] [--no-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from hostile_corpus import Line, hostile_files, special_files, stance_lines, statements_lines, stories_lines  # noqa: E402

from counterpoint.textsafe import valid_data  # noqa: E402

MAX_MB, MAX_S = 1536, 60.0
_MEASURE = ("import resource, subprocess, sys, time; t = time.monotonic(); r = subprocess.run(sys.argv[1:]);"
            " sys.stderr.write('\\nMEASURED %d %.2f\\n' % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
            " time.monotonic() - t)); sys.exit(r.returncode)")


def shared_dir() -> Path:
    return Path(os.environ.get("COUNTERPOINT_SHARED") or ROOT.parent / "shared").resolve()


def run(python: str, args: list[str], stdin: bytes = b"", timeout: float = 1200) -> dict:
    """`counterpoint ARGS` under `python`: exit status, stdout, stderr, peak MB of the largest process, seconds."""
    try:
        proc = subprocess.run([sys.executable, "-c", _MEASURE, python, "-m", "counterpoint", *args], input=stdin,
                              capture_output=True, timeout=timeout, env={**os.environ, "PYTHONUTF8": "1"})
    except subprocess.TimeoutExpired:
        return {"code": None, "out": b"", "err": "timeout", "mb": 0, "s": timeout}
    err = proc.stderr.decode("utf-8", "replace")
    head, _, tail = err.rpartition("\nMEASURED ")
    kb, seconds = tail.split()[:2] if tail else ("0", "0")
    return {"code": proc.returncode, "out": proc.stdout, "err": head, "mb": int(kb) // 1024, "s": float(seconds)}


def tree_rss_mb(pid: int) -> int:
    """Resident memory of a process and all its descendants, MB (Linux /proc)."""
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total // 2**20


def run_sampled(python: str, args: list[str], stdin: bytes, timeout: float) -> dict:
    """Like `run`, but the peak is the sum over the process tree (workers included), sampled every 0.1 s."""
    import time

    with tempfile.TemporaryFile() as fin, tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        fin.write(stdin)
        fin.seek(0)
        start = time.monotonic()
        proc = subprocess.Popen([python, "-m", "counterpoint", *args], stdin=fin, stdout=fout, stderr=ferr)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss_mb(proc.pid))
            if time.monotonic() - start > timeout:
                proc.kill()
            time.sleep(0.1)
        seconds = time.monotonic() - start
        fout.seek(0)
        ferr.seek(0)
        return {"code": proc.returncode, "out": fout.read(), "err": ferr.read().decode("utf-8", "replace"),
                "mb": peak, "s": seconds}


def expected(line: Line, number: int) -> object:
    if isinstance(line.id, str):
        return valid_data(line.id.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))
    return valid_data(line.id) if line.id is not None else number


def handled(lines: list[Line], out: bytes, crashed: bool) -> list[bool]:
    """Per input line: did it get its own well-formed output line, in order?"""
    outputs = []
    for raw in out.split(b"\n"):
        if not raw:
            continue
        try:
            outputs.append(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, ValueError):
            outputs.append(None)
    result, j = [], 0  # align greedily by id: a split line (two out) or a lost one fails only itself
    for number, line in enumerate(lines, 1):
        want = expected(line, number)
        got = outputs[j] if j < len(outputs) else None
        ok = isinstance(got, dict) and (got.get("id") == want or (got.get("id") is None and "error" in got
                                                                    and want == number))
        if ok:
            j += 1
        elif got is not None and j < len(outputs):
            j += 1  # a wrong line consumed (e.g. half of a split line)
        result.append(ok)
    if crashed:  # what the crash swallowed never reached the user, whatever was printed before
        last = max((i for i, ok in enumerate(result) if ok), default=-1)
        result = [ok if i <= last else False for i, ok in enumerate(result)]
    return result


def stage_table(python: str, folder: Path) -> tuple[dict, dict]:
    """{(stage, family): (inputs, failures)} per family, and {stage: (inputs, failures)} for the whole corpus."""
    files = hostile_files(folder / "docs")
    files.update(special_files(folder))
    manifest = [Line(fam, json.dumps({"id": f"{fam}/{i}", "path": os.fsdecode(p)}).encode(), f"{fam}/{i}")
                for fam, paths in files.items() for i, p in enumerate(paths)]
    stages = {"statements": (["statements"], statements_lines()), "stories": (["stories"], stories_lines()),
              "stance": (["stance"], stance_lines()), "extract": (["extract", "--manifest", "-"], manifest)}
    per_family, whole = {}, {}
    for stage, (args, lines) in stages.items():
        families: dict[str, list[Line]] = defaultdict(list)
        for line in lines:
            families[line.family].append(line)
        for family, fl in families.items():
            r = run(python, args, b"\n".join(x.raw for x in fl) + b"\n")
            ok = handled(fl, r["out"], "Traceback" in r["err"] or r["code"] not in (0, 1))
            per_family[(stage, family)] = (len(fl), ok.count(False))
        r = run(python, args, b"\n".join(x.raw for x in lines) + b"\n")
        ok = handled(lines, r["out"], "Traceback" in r["err"] or r["code"] not in (0, 1))
        whole[stage] = (len(lines), ok.count(False))
    return per_family, whole


def ingest_check(python: str, folder: Path) -> dict:
    """Ingest the hostile folder and special files, then compare: tracebacks, exit status, what was stored."""
    files = hostile_files(folder / "docs")
    specials = [str(p) for p in special_files(folder)["special files"] if "zero" not in str(p)] + ["/dev/null"]
    db = folder / "h.db"
    r = run(python, ["ingest", str(folder / "docs"), *specials, "--db", str(db)], timeout=600)
    stored = 0
    if db.exists():
        import sqlite3

        try:
            stored = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            stored = -1
    c = run(python, ["compare", "--db", str(db), "--json", str(folder / "c.json")], timeout=600)
    n_files = sum(len(v) for v in files.values())
    return {"files": n_files + len(specials), "ingest_traceback": "Traceback" in r["err"], "ingest_code": r["code"],
            "stored": stored, "error_lines": sum(1 for x in r["err"].splitlines() if x.startswith("  ")),
            "compare_traceback": "Traceback" in c["err"], "compare_code": c["code"]}


def size_check(python: str, folder: Path, workers: int) -> dict:
    rows = [json.loads(x) for x in (shared_dir() / "data" / "ecbplus" / "train.jsonl").open(encoding="utf-8")]
    text = "\n\n".join(r["text"] for r in rows)[:1_000_000]
    words = " ".join(text.replace(".", " ").replace("\n", " ").split())
    out = {}
    for name, body in (("1 MB article", text), ("200k-char sentence", words[:200_000])):
        line = json.dumps({"id": name, "text": body}).encode()
        r = run_sampled(python, ["statements", "--workers", str(workers)], line + b"\n", timeout=900)
        rec = json.loads(r["out"]) if r["out"].strip() else {}
        out[name] = {"mb": r["mb"], "s": r["s"], "ok": r["code"] == 0 and "error" not in rec and "Traceback"
                     not in r["err"], "statements": len(rec.get("statements") or []), "error": rec.get("error")
                     or (r["err"].strip().splitlines() or [""])[-1][:100] if r["code"] != 0 else rec.get("error")}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", default=str(ROOT.parent / "baseline"), help="checkout with its own .venv")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--no-size", action="store_true")
    args = ap.parse_args()
    pythons = {"after": sys.executable}
    base_python = Path(args.baseline) / ".venv" / "bin" / "python"
    if not args.no_baseline:
        if not base_python.exists():
            print(f"no baseline at {args.baseline} (see the docstring); run with --no-baseline", file=sys.stderr)
            return 2
        pythons = {"before": str(base_python), **pythons}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, python in pythons.items():
            folder = Path(tmp) / label
            per_family, whole = stage_table(python, folder / "stages")
            results[label] = {"families": per_family, "whole": whole, "ingest": ingest_check(python, folder / "ing")}
            if not args.no_size:
                results[label]["size"] = {w: size_check(python, folder, w) for w in (1, 2)}
    labels = list(pythons)
    print("\nHostile corpus, one batch per family: inputs that did not get their own output line\n")
    print(f"| stage | family | inputs | {' | '.join(f'failed {x}' for x in labels)} |")
    print("|---|---|---|" + "---|" * len(labels))
    keys = list(results["after"]["families"])
    totals: Counter = Counter()
    for stage, family in keys:
        n = results["after"]["families"][(stage, family)][0]
        fails = [results[x]["families"].get((stage, family), (n, n))[1] for x in labels]
        totals["inputs"] += n
        for x, f in zip(labels, fails, strict=True):
            totals[x] += f
        print(f"| {stage} | {family} | {n} | {' | '.join(map(str, fails))} |")
    print(f"| **all** | **{len({f for _, f in keys})} families** | **{totals['inputs']}** | "
          + " | ".join(f"**{totals[x]}**" for x in labels) + " |")
    print("\nThe whole corpus of each stage in one batch:\n")
    for stage in results["after"]["whole"]:
        n = results["after"]["whole"][stage][0]
        print(f"  {stage:<11} {n} inputs; failed: " + ", ".join(f"{x} {results[x]['whole'][stage][1]}" for x in labels))
    print("\nIngest of the hostile folder (+ /dev/null and a FIFO), then compare on that store:\n")
    for x in labels:
        print(f"  {x:<7} {results[x]['ingest']}")
    ok = totals["after"] == 0 and all(v[1] == 0 for v in results["after"]["whole"].values())
    ing = results["after"]["ingest"]
    ok = ok and not ing["ingest_traceback"] and not ing["compare_traceback"] and ing["compare_code"] == 0
    if not args.no_size:
        print(f"\nSize (bars: under {MAX_MB} MB peak and {MAX_S:.0f} s):\n")
        print(f"| input | workers | {' | '.join(f'{x} MB | {x} s | {x} ok' for x in labels)} |")
        print("|---|---|" + "---|---|---|" * len(labels))
        for w in (1, 2):
            for name in results["after"]["size"][w]:
                cells = []
                for x in labels:
                    r = results[x]["size"][w][name]
                    cells += [str(r["mb"]), f"{r['s']:.1f}", "yes" if r["ok"] else f"no ({r['error']})"]
                print(f"| {name} | {w} | {' | '.join(cells)} |")
        best = min((results["after"]["size"][w]["1 MB article"] for w in (1, 2)), key=lambda r: r["s"])
        ok = ok and best["ok"] and best["mb"] < MAX_MB and best["s"] < MAX_S
        print(f"\n1 MB article: {best['mb']} MB, {best['s']:.1f} s (best of --workers 1/2) ->"
              f" {'meets' if best['mb'] < MAX_MB and best['s'] < MAX_S else 'misses'} the bars")
    print("\nverdict:", "every bar met" if ok else "a bar is missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
