"""The shipped sentence encoder: it loads without torch, and its vectors mean what alignment needs."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from counterpoint.models import ModelMissing
from counterpoint.models.embeddings import MODEL_DIR, SentenceEncoder, sentence_encoder

SHIPPED = ["model.int8.onnx", "tokenizer.json", "config.json", "MODEL_CARD.md"]


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return sentence_encoder()


def test_shipped_files_exist_and_stay_small() -> None:
    sizes = {name: (MODEL_DIR / name).stat().st_size for name in SHIPPED}
    assert sum(sizes.values()) < 40_000_000, sizes


def test_paraphrase_scores_above_unrelated(encoder: SentenceEncoder) -> None:
    a, b, c = encoder.encode(
        [
            "Trump told Putin he would win an arms race",
            "Trump warned Putin that he would win a possible nuclear arms race",
            "Heavy rain flooded the old town",
        ]
    )
    assert a @ b > 0.7
    assert a @ b > a @ c + 0.4
    assert a @ b > b @ c + 0.4


def test_denial_is_closer_to_its_claim_than_to_another_story(encoder: SentenceEncoder) -> None:
    claim, denial, other = encoder.encode(
        [
            "NBC reported that Trump said he would win an arms race with Russia.",
            "The Kremlin denied that Trump told Putin he would win an arms race.",
            "The museum returned the statue to its country of origin.",
        ]
    )
    assert claim @ denial > claim @ other + 0.3


def test_shape_dtype_and_unit_norm(encoder: SentenceEncoder) -> None:
    texts = ["Short.", "A somewhat longer sentence about missiles and treaties.", "", "ok " * 400]
    emb = encoder.encode(texts, batch_size=2)
    assert emb.shape == (4, 384)
    assert emb.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    assert np.isfinite(emb).all()


def test_order_and_batching_do_not_change_vectors(encoder: SentenceEncoder) -> None:
    texts = ["The Kremlin denied the report.", "x", "A spokesman said the reports were not true at all, " * 3]
    whole = encoder.encode(texts, batch_size=32)
    singly = np.vstack([encoder.encode([t]) for t in texts])
    reversed_ = encoder.encode(texts[::-1], batch_size=1)[::-1]
    # Dynamic int8 picks one activation scale per batch, so a text's vector moves a little with
    # its batch mates (a one-word text next to a long one moved most, to about 0.97): close, not equal.
    assert np.min(np.sum(whole * singly, axis=1)) > 0.95
    assert np.min(np.sum(whole * reversed_, axis=1)) > 0.95


def test_deterministic(encoder: SentenceEncoder) -> None:
    texts = ["Peskov said the phrase was not used.", "Heavy rain flooded the old town."]
    np.testing.assert_array_equal(encoder.encode(texts), encoder.encode(texts))


def test_empty_input(encoder: SentenceEncoder) -> None:
    emb = encoder.encode([])
    assert emb.shape == (0, 384)
    assert emb.dtype == np.float32


def test_one_string_is_refused(encoder: SentenceEncoder) -> None:
    with pytest.raises(TypeError):
        encoder.encode("not a list")  # type: ignore[arg-type]


def test_truncates_long_text(encoder: SentenceEncoder) -> None:
    head = "The Kremlin denied the report. " * 60  # well past 256 word pieces
    a, b = encoder.encode([head, head + "Completely unrelated words about cooking pasta. " * 50])
    assert a @ b > 0.999


def test_cached_once_per_process() -> None:
    assert sentence_encoder() is sentence_encoder()


def test_missing_model_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match=r"config\.json"):
        SentenceEncoder(tmp_path / "nowhere")
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(MODEL_DIR / "config.json", partial)
    shutil.copy(MODEL_DIR / "tokenizer.json", partial)
    with pytest.raises(ModelMissing, match=r"model\.int8\.onnx"):
        SentenceEncoder(partial)


def test_word_pieces_come_from_the_same_pass(encoder: SentenceEncoder) -> None:
    texts = ["The Kremlin denied the report!", "", "Peskov: 'no'."]
    vectors, pieces = encoder.encode_with_tokens(texts)
    np.testing.assert_array_equal(vectors, encoder.encode(texts))
    # [CLS], [SEP] and punctuation are not words to match; what is left is one unit row per word piece.
    assert [encoder.tokenizer.id_to_token(int(i)) for i in pieces[0].ids] == [
        "the", "k", "##rem", "##lin", "denied", "the", "report"]
    assert len(pieces[1].ids) == 0
    assert [encoder.tokenizer.id_to_token(int(i)) for i in pieces[2].ids] == ["pe", "##sko", "##v", "no"]
    np.testing.assert_allclose(np.linalg.norm(pieces[0].vectors, axis=1), 1.0, atol=1e-5)
