"""Analysis: an Article gains sentences, entities, speakers and statements (who said what).

Pure functions over the data model. spaCy parses (loaded once, lazily, by
`counterpoint.models`); `attribution.find_attributions` finds the reported
speech; the modules beside it resolve speakers, chains and stance markers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from counterpoint.analyse.statements import build_analysis
from counterpoint.errors import InputError
from counterpoint.model import Analysis, Article
from counterpoint.models import spacy_pipeline
from counterpoint.models.language import detect_language

__all__ = ["analyse", "analyse_many", "analyse_text", "check_text"]

SUPPORTED_LANGUAGES = {"en"}
CHUNK_CHARS = 100_000  # spaCy's memory grows with document length; long texts are parsed in pieces


def check_text(text: str, source: str, lang: str | None = None) -> None:
    """Refuse what would be analysed wrongly, with a message the user can act on."""
    if not text or not text.strip():
        raise InputError(source, "no text to analyse")
    lang = lang or detect_language(text)
    if lang and lang not in SUPPORTED_LANGUAGES:
        raise InputError(source, f"unsupported language {lang!r}: statements are found in English text only")


def analyse_text(text: str, source: str = "text", lang: str | None = None) -> Analysis:
    """Sentences, entities, speakers and statements of one text; offsets index `text`.

    Raises InputError for a text that cannot be analysed (empty, not English).
    """
    result = next(analyse_many([(text, source, lang)]))
    if isinstance(result, InputError):
        raise result
    return result


def analyse(article: Article) -> Article:
    """The article with its analysis attached (a new object; the input is not changed)."""
    return replace(article, analysis=analyse_text(article.text, article.source or article.id, article.lang))


def analyse_many(items: Iterable[tuple[str, str, str | None]], workers: int = 1,
                 batch_size: int = 64) -> Iterator[Analysis | InputError]:
    """Analyse (text, source, lang) triples in input order; an InputError for each refused text.

    Texts are parsed in batches through `nlp.pipe`, several times faster
    than one by one; `workers` > 1 parses each batch in that many processes.
    """
    nlp = spacy_pipeline()
    batch: list[tuple[str, str, str | None]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size * max(1, workers):
            yield from _analyse_batch(nlp, batch, workers)
            batch = []
    if batch:
        yield from _analyse_batch(nlp, batch, workers)


def _analyse_batch(nlp, batch: list[tuple[str, str, str | None]], workers: int) -> Iterator[Analysis | InputError]:
    plans: list[InputError | int] = []
    pieces: list[str] = []
    for text, source, lang in batch:
        try:
            check_text(text, source, lang)
        except InputError as exc:
            plans.append(exc)
            continue
        chunks = _chunks(text)
        plans.append(len(chunks))
        pieces.extend(chunks)
    docs = iter(nlp.pipe(pieces, n_process=workers if len(pieces) > 1 else 1))
    for (text, _, _), plan in zip(batch, plans, strict=True):
        if isinstance(plan, InputError):
            yield plan
        else:
            yield build_analysis(text, [next(docs) for _ in range(plan)])


def _chunks(text: str) -> list[str]:
    """Cut a long text at paragraph breaks into pieces spaCy parses comfortably; offsets are kept by concatenation."""
    if len(text) <= CHUNK_CHARS:
        return [text]
    out, start = [], 0
    while start < len(text):
        end = min(start + CHUNK_CHARS, len(text))
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK_CHARS // 2, end)
            end = cut + 1 if cut != -1 else end
        out.append(text[start:end])
        start = end
    return out
