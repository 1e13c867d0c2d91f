"""Sentence embeddings for aligning statements across articles, without torch.

all-MiniLM-L6-v2 ships inside the package as int8 ONNX (`models/minilm/`, built by
`training/export_minilm.py`), so the run-time install needs only onnxruntime,
`tokenizers` and numpy, and nothing is fetched from a model hub. Pooling and
normalisation are done here, exactly as sentence-transformers does them for this
model, so the vectors can be compared with the original model's (see the model card).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from counterpoint.models import ModelMissing

MODEL_DIR = Path(__file__).resolve().parent / "minilm"
REBUILD_HINT = "rebuild it with: pip install -e '.[train]' && python training/export_minilm.py"


class SentenceEncoder:
    """all-MiniLM-L6-v2 over onnxruntime: texts in, unit vectors out (cosine = dot product)."""

    def __init__(self, model_dir: Path | None = None, threads: int | None = None) -> None:
        """Load the tokenizer and the ONNX graph from `model_dir` (default: the shipped model).

        `threads` caps onnxruntime's intra-op threads; None lets it use every core, which is
        right for one encoder per process but oversubscribes when worker processes each load one.
        """
        model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        config_path = model_dir / "config.json"
        if not config_path.is_file():
            raise ModelMissing(f"the sentence-embedding model is missing: {config_path} not found; {REBUILD_HINT}")
        config = json.loads(config_path.read_text(encoding="utf-8"))
        onnx_path = model_dir / config.get("onnx", "model.int8.onnx")
        tokenizer_path = model_dir / "tokenizer.json"
        for path in (onnx_path, tokenizer_path):
            if not path.is_file():
                raise ModelMissing(f"the sentence-embedding model is missing: {path} not found; {REBUILD_HINT}")

        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.max_length: int = int(config["max_length"])
        self.dimension: int = int(config["dimension"])
        self.normalize: bool = bool(config.get("normalize", True))
        if config.get("pooling", "mean") != "mean":
            raise ValueError(f"{config_path}: only mean pooling is supported, not {config['pooling']!r}")

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The file already says this; setting it again keeps config.json the one source of truth.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_length)

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        if threads is not None:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3  # warnings about unused initialisers etc. are noise to a user
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._input_names = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Embed `texts` as an (n, dimension) float32 array of L2-normalised rows, in input order.

        Texts are batched by token length so that short sentences are not padded to the
        length of a long one; that is most of the speed on real articles. Texts longer than
        `max_length` word pieces are truncated, as sentence-transformers truncates them. An
        empty string still gets a vector (the one for "[CLS] [SEP]"), so rows stay aligned
        with the input.

        The same texts with the same `batch_size` always give the same vectors. A text's
        vector does move slightly with its batch mates (dynamic int8 picks one activation
        scale per batch; cosine >= 0.97 in our checks): pass batch_size=1 where a vector must
        not depend on what else was encoded, at about half the speed.
        """
        return self._run(texts, batch_size, 0)[0]

    def encode_with_tokens(self, texts: Sequence[str], batch_size: int = 32,
                           pieces: int | None = None) -> tuple[np.ndarray, list[Tokens]]:
        """`encode`'s vectors, and the word pieces of the first `pieces` texts (all by default) with their own
        unit vectors, from the same pass.

        Two sentences that share a claim but not a frame ("Trump told Putin he would win" inside a longer
        report of it) are told apart better by matching their words in context, one by one, than by their
        averages (BERTScore, Zhang et al. 2020). The pieces cost no extra inference, only memory (about 45 KB
        a sentence): `pieces` keeps them for the texts that need them.
        """
        return self._run(texts, batch_size, len(texts) if pieces is None else pieces)

    def _run(self, texts: Sequence[str], batch_size: int, keep_pieces: int) -> tuple[np.ndarray, list[Tokens]]:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not one string; wrap it in a list")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        pieces: list[Tokens] = [_NO_TOKENS] * min(keep_pieces, len(texts))  # each filled below
        if not texts:
            return out, pieces
        encodings = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = [encodings[i] for i in idx]
            width = max(len(e.ids) for e in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64)
            for row, enc in enumerate(batch):
                n = len(enc.ids)
                ids[row, :n] = enc.ids
                mask[row, :n] = enc.attention_mask
                types[row, :n] = enc.type_ids
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            feeds = {k: v for k, v in feeds.items() if k in self._input_names}
            (hidden,) = self.session.run(["last_hidden_state"], feeds)
            out[idx] = _mean_pool(hidden, mask)
            for row, (i, enc) in enumerate(zip(idx, batch, strict=True)):
                if i < keep_pieces:
                    pieces[i] = _word_pieces(enc, hidden[row])
        if self.normalize:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out, pieces


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text's word pieces that hold a letter or digit (no [CLS], [SEP] or punctuation): their vocabulary
    ids and their contextual vectors, one L2-normalised row each."""

    ids: np.ndarray
    vectors: np.ndarray


_NO_TOKENS = Tokens(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32))


def _word_pieces(enc, hidden: np.ndarray) -> Tokens:
    keep = [i for i, (t, special) in enumerate(zip(enc.tokens, enc.special_tokens_mask, strict=True))
            if not special and any(c.isalnum() for c in t)]
    vectors = hidden[keep].astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return Tokens(np.asarray([enc.ids[i] for i in keep], dtype=np.int64), vectors)


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average over real word pieces only: padding must not pull short texts towards each other."""
    weights = mask[:, :, None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


@lru_cache(maxsize=1)
def sentence_encoder() -> SentenceEncoder:
    """The shipped encoder, loaded on first use and shared: loading costs a few hundred ms and ~50 MB.

    `$COUNTERPOINT_THREADS` caps its threads: a cluster worker sets 1, so that N workers on N cores do not
    each spin a thread per core against the others.
    """
    threads = os.environ.get("COUNTERPOINT_THREADS", "")
    return SentenceEncoder(threads=int(threads) if threads.isdigit() and int(threads) > 0 else None)
