"""The claim-relation cross-encoder: two statements read together -> unrelated / same claim / refutes.

A MiniLM-L6 fine-tuned on the CPU by `training/findings/train_crossencoder.py` and shipped as int8
ONNX (`models/claims/xenc.int8.onnx`, model card beside it), run here with onnxruntime and the
MiniLM tokenizer the sentence encoder already ships: no torch, nothing fetched at run time. Reading
both texts at once is what a sentence embedding cannot do: "Kanye has not been banned from award
shows" and "Kanye West barred from all future award shows" embed alike, and only a model that
reads them together sees that one refutes the other.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from counterpoint.models import ModelMissing

MODEL_DIR = Path(__file__).resolve().parent / "claims"
REBUILD = "python training/findings/train_crossencoder.py data/train/export"


class CrossEncoder:
    """P(unrelated), P(same), P(refutes) for pairs of texts."""

    def __init__(self, model_dir: Path | None = None, threads: int | None = None) -> None:
        model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        config_path = model_dir / "xenc.json"
        if not config_path.is_file():
            raise ModelMissing(f"the claim-relation model is missing: {config_path} not found; {REBUILD}")
        config = json.loads(config_path.read_text(encoding="utf-8"))
        onnx_path = model_dir / config["onnx"]
        tokenizer_path = (model_dir / config["tokenizer"]).resolve()
        for path in (onnx_path, tokenizer_path):
            if not path.is_file():
                raise ModelMissing(f"the claim-relation model is missing: {path} not found; {REBUILD}")
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.labels: tuple[str, ...] = tuple(config["labels"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=int(config["max_length"]))
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        if threads is not None:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """An (n, 3) array of probabilities in `labels` order, rows in input order."""
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        if not pairs:
            return out
        encodings = self.tokenizer.encode_batch([(a or " ", b or " ") for a, b in pairs])
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            batch = [encodings[i] for i in idx]
            width = max(len(e.ids) for e in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64)
            for row, enc in enumerate(batch):
                n = len(enc.ids)
                ids[row, :n], mask[row, :n], types[row, :n] = enc.ids, enc.attention_mask, enc.type_ids
            (logits,) = self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask,
                                                      "token_type_ids": types})
            z = logits - logits.max(axis=1, keepdims=True)
            p = np.exp(z)
            out[idx] = p / p.sum(axis=1, keepdims=True)
        return out


@lru_cache(maxsize=1)
def cross_encoder() -> CrossEncoder:
    """The shipped model, loaded on first use and shared."""
    return CrossEncoder()
