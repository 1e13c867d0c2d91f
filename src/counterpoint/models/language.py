"""Which language an article is written in.

py3langid ships its model inside the package (no download) and classifies a
few thousand characters in about a millisecond.
"""

from __future__ import annotations

from functools import lru_cache

_SAMPLE = 1000  # enough for a confident call; the cost grows with length


@lru_cache(maxsize=1)
def _identifier():  # loaded once, lazily: loading costs ~0.3 s
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code, or the page's declared language when the text is too short to tell."""
    sample = text[:_SAMPLE]
    if len(sample.split()) < 5:
        return _normalise(hint)
    lang, prob = _identifier().classify(sample)
    if prob < 0.5 and hint:
        return _normalise(hint)
    return lang


def _normalise(hint: str | None) -> str | None:
    if not hint:
        return None
    code = hint.strip().lower().replace("_", "-").split("-")[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def warm_up() -> None:
    """Load the identifier now, so the first document is not charged for it."""
    _identifier()
