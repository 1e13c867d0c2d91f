"""Analysis: an Article gains sentences, entities, speakers and statements (who said what).

Pure functions over the data model. spaCy parses (loaded once, lazily, by
`counterpoint.models`); `attribution.find_attributions` finds the reported
speech; the modules beside it resolve speakers, chains and stance markers.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import replace

from counterpoint.analyse.pieces import piece_bounds
from counterpoint.analyse.statements import build_analysis
from counterpoint.errors import InputError
from counterpoint.model import Analysis, Article
from counterpoint.models import spacy_pipeline
from counterpoint.models.language import detect_language

__all__ = ["analyse", "analyse_many", "analyse_text", "check_text"]

SUPPORTED_LANGUAGES = {"en"}
DOC_SECONDS = 180.0  # one document's analysis budget: past it, the document is an error line, not a hang
BATCH_CHARS = 1_000_000  # characters of text parsed together (memory)
MINIBATCH_CHARS = 60_000  # spaCy's memory grows with the characters of one minibatch (~0.3 GB per 100k)


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


def analyse_many(items: Iterable[tuple[str, str, str | None]], workers: int = 1, batch_size: int = 64,
                 seconds: float = DOC_SECONDS) -> Iterator[Analysis | InputError]:
    """Analyse (text, source, lang) triples in input order; an InputError for each text that is refused or fails.

    Texts are parsed in batches through `nlp.pipe`, several times faster than
    one by one; `workers` > 1 parses each batch in that many processes. A batch
    holds at most `batch_size` texts and `BATCH_CHARS` characters, and texts are
    parsed in bounded pieces (`pieces`), so memory stays flat however long an
    article or a stream is. One text's failure, or its running past `seconds`,
    is that text's error; the others go on.
    """
    nlp = spacy_pipeline()
    batch: list[tuple[str, str, str | None]] = []
    chars = 0
    for item in items:
        batch.append(item)
        chars += len(item[0]) if isinstance(item[0], str) else 0
        if len(batch) >= batch_size * max(1, workers) or chars >= BATCH_CHARS:
            yield from _once_per_text(nlp, batch, workers, seconds)
            batch, chars = [], 0
    if batch:
        yield from _once_per_text(nlp, batch, workers, seconds)


def _once_per_text(nlp, batch: list[tuple[str, str, str | None]], workers: int,
                   seconds: float) -> Iterator[Analysis | InputError]:
    """A batch's texts analysed once each: a wire copy whose text is the same as another article's gets the
    same analysis (it is a function of the text and its language) without a second parse."""
    first: dict[tuple[str, str | None], int] = {}
    unique: list[tuple[str, str, str | None]] = []
    for text, source, lang in batch:
        if (text, lang) not in first:
            first[(text, lang)] = len(unique)
            unique.append((text, source, lang))
    results = _analyse_batch(nlp, unique, workers, seconds)
    done: list[Analysis | InputError] = []
    for text, source, lang in batch:
        i = first[(text, lang)]
        while len(done) <= i:
            done.append(next(results))
        result = done[i]
        yield InputError(source, result.problem) if isinstance(result, InputError) else result


def _analyse_batch(nlp, batch: list[tuple[str, str, str | None]], workers: int,
                   seconds: float) -> Iterator[Analysis | InputError]:
    plans: list[InputError | list[tuple[int, int]]] = []
    for text, source, lang in batch:
        try:
            check_text(text, source, lang)
            plans.append(piece_bounds(text))
        except InputError as exc:
            plans.append(exc)
        except Exception as exc:  # a library's bug on one hostile text must not end the batch
            plans.append(InputError(source, f"cannot analyse ({type(exc).__name__}: {exc})"))
    parse = _SharedParse(nlp, [(text, plan) for (text, _, _), plan in zip(batch, plans, strict=True)
                               if not isinstance(plan, InputError)], workers)
    for (text, source, _), plan in zip(batch, plans, strict=True):
        if isinstance(plan, InputError):
            yield plan
            continue
        try:
            yield build_analysis(text, parse.pieces(text, plan, source, time.monotonic() + seconds))
        except InputError as exc:
            yield exc
        except Exception as exc:
            yield InputError(source, f"analysis failed ({type(exc).__name__}: {exc})")
        finally:
            parse.finish()


class _SharedParse:
    """One `nlp.pipe` over the pieces of a batch's texts, taken text by text in order.

    A text stopped part-way (its time is up, or its analysis failed) has its
    remaining pieces fed to spaCy as "" and skipped, so the next text gets its
    own pieces; if the parse itself fails, the rest is parsed one piece at a time.
    """

    def __init__(self, nlp, texts: list[tuple[str, list[tuple[int, int]]]], workers: int) -> None:
        self.nlp = nlp
        self.texts = texts
        self.current = -1
        self.left = 0  # pieces of the current text not taken yet
        n = sum(len(plan) for _, plan in texts)
        self.stopped: set[int] = set()
        if workers <= 1 or n <= 1:
            self.shared: Iterator | None = self._batched()
            return
        # In worker processes spaCy cuts the minibatches: the longest piece bounds how many fit the memory budget.
        longest = max((e - s for _, plan in texts for s, e in plan), default=1)
        size = max(1, min(64, MINIBATCH_CHARS // max(1, longest)))
        self.shared = iter(nlp.pipe(self._feed(), batch_size=size, n_process=workers))

    def _batched(self) -> Iterator:
        """Minibatches of up to 64 pieces and `MINIBATCH_CHARS` characters: as big as memory allows, since
        bigger minibatches parse faster (one long piece no longer makes every minibatch small)."""
        batch: list[str] = []
        chars = 0
        for piece in self._feed():
            if batch and (len(batch) >= 64 or chars + len(piece) > MINIBATCH_CHARS):
                yield from self.nlp.pipe(batch, batch_size=len(batch))
                batch, chars = [], 0
            batch.append(piece)
            chars += len(piece)
        if batch:
            yield from self.nlp.pipe(batch, batch_size=len(batch))

    def _feed(self) -> Iterator[str]:
        for i, (text, plan) in enumerate(self.texts):
            for s, e in plan:
                yield "" if i in self.stopped else text[s:e]

    def pieces(self, text: str, plan: list[tuple[int, int]], source: str, deadline: float) -> Iterator:
        self.current += 1
        self.left = len(plan)
        for s, e in plan:
            if time.monotonic() > deadline:
                raise InputError(source, "analysis stopped: the text took longer than the limit per document"
                                         f" ({DOC_SECONDS:.0f} s); it is too long or too unusual")
            doc = self._next()
            self.left -= 1
            yield doc if doc is not None else self.nlp(text[s:e])

    def finish(self) -> None:
        """Skip what is left of the current text's pieces."""
        if self.left:
            self.stopped.add(self.current)
        while self.left:
            self._next()
            self.left -= 1

    def _next(self):
        if self.shared is None:
            return None
        try:
            return next(self.shared)
        except Exception:
            self.shared = None
            return None
