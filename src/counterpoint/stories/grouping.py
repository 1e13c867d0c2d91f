"""Streaming story grouping: each arriving article joins a live story or opens one.

Why it is built this way:

* Constant cost per article. An article is compared only with the stories
  an inverted index over each story's top terms proposes (a bounded number
  of postings per term, a bounded number of candidates scored), and stories
  inactive for longer than a window are retired from the index, so neither
  time nor memory grows with the archive.
* Look-alike events. Stories are matched on entity- and lead-weighted
  TF-IDF (see `features`), against both the story's centroid and its most
  similar recent member, so "another earthquake" does not merge with the
  earthquake already open unless the names, places and numbers agree.
* Dates as evidence, not as a key. A page date far from the dates of the
  story an article matches only lowers the match; a strong match joins anyway
  and the contradiction is reported in `date_conflict`, because a re-stamped
  page is still the same story. The retirement clock is the median of recent
  page dates, so one misdated page cannot retire the whole index.
* Copies count once. Near-duplicates and wire copies are found with MinHash
  LSH over body shingles, join their original's story, are flagged with
  `duplicate_of`, and do not move the story's centroid.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, OrderedDict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .dates import (
    MONTH_NAMES,
    days_between,
    describe_month,
    month_contradicts,
    parse_date,
    self_conflict,
    text_months,
    text_years,
)
from .features import Featurizer, Vector, top_terms
from .minhash import DuplicateIndex, MinHasher, body_tokens


@dataclass(slots=True)
class StoryInput:
    """What grouping needs from an article."""

    id: str
    title: str | None
    text: str
    published: str | None = None  # ISO date/datetime or None


@dataclass(slots=True)
class Assignment:
    """The story an article joined, the copy it repeats, and a note when its page date is contradicted."""

    id: str
    story: str
    duplicate_of: str | None = None
    date_conflict: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"id": self.id, "story": self.story, "duplicate_of": self.duplicate_of,
                "date_conflict": self.date_conflict}


@dataclass(slots=True)
class _Vecs:
    all: Vector
    names: Vector


def _accumulate(sums: Vector, vec: Vector, keep: int) -> tuple[Vector, float]:
    for k, v in vec.items():
        sums[k] = sums.get(k, 0.0) + v
    if len(sums) > keep:
        sums = top_terms(sums, keep)
    return sums, sum(v * v for v in sums.values()) ** 0.5


def _arrays(vec: Vector, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    idx = np.fromiter(vec.keys(), dtype=np.int64, count=len(vec))
    val = np.fromiter(vec.values(), dtype=np.float64, count=len(vec))
    return idx, val * scale


@dataclass(slots=True)
class _Packed:
    """A story as flat arrays, so one candidate costs a few numpy calls instead of dict loops.

    The article is scattered into a dense buffer once; each dot product is
    then a gather and a sum, and all members are scored at once with
    `bincount` over their concatenated terms.
    """

    c_idx: np.ndarray
    c_val: np.ndarray
    n_idx: np.ndarray
    n_val: np.ndarray
    m_idx: np.ndarray
    m_val: np.ndarray
    m_seg: np.ndarray
    mn_idx: np.ndarray
    mn_val: np.ndarray
    mn_seg: np.ndarray
    k: int

    @classmethod
    def of(cls, story: _Story) -> _Packed:
        c_idx, c_val = _arrays(story.sums, 1 / story.norm if story.norm else 0.0)
        n_idx, n_val = _arrays(story.name_sums, 1 / story.name_norm if story.name_norm else 0.0)
        parts = [_arrays(m.all) for m in story.members]
        name_parts = [_arrays(m.names) for m in story.members]
        k = len(parts)

        def cat(ps: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            seg = np.repeat(np.arange(k), [len(p[0]) for p in ps])
            return np.concatenate([p[0] for p in ps]), np.concatenate([p[1] for p in ps]), seg

        return cls(c_idx, c_val, n_idx, n_val, *cat(parts), *cat(name_parts), k)


@dataclass(slots=True)
class _Story:
    id: str
    sums: Vector = field(default_factory=dict)  # sum of member vectors, trimmed to the top terms
    norm: float = 0.0
    name_sums: Vector = field(default_factory=dict)  # the same over entity-like terms only
    name_norm: float = 0.0
    size: int = 0
    members: deque[_Vecs] = field(default_factory=deque)  # recent member vectors, trimmed
    packed: _Packed | None = None  # the arrays scoring reads, rebuilt when the story changes
    years: set[int] = field(default_factory=set)  # years its texts name and its dates fall in (<= 200)
    first_date: date | None = None
    last_date: date | None = None
    last_seq: int = 0
    active: date | None = None  # the stream's clock when an article last joined
    indexed: tuple[int, ...] = ()
    docs: deque[str] = field(default_factory=deque)  # ids filed in the duplicate index, newest last


class StoryGrouper:
    """Incremental story grouping over a stream of articles.

    Settings (defaults tuned by cross-validation over ECB+ train topics):

    * `threshold`: the match score needed to join a story.
    * `member_mix`: weight of the best single member's similarity against the
      centroid's (0 = centroid only). Members catch a story that has drifted,
      the centroid resists one odd member.
    * `date_window_days`: page dates further than this from a story's dates
      count against a match (times `date_penalty`) unless the match reaches
      `strong_threshold`, in which case the article joins with a date note.
    * `retire_days` / `retire_articles`: a story with no new article for this
      long (by the page-date clock, or by arrivals when dates are absent) is
      retired from the candidate index; `max_live` caps live stories outright.
    * `duplicate_threshold`: estimated Jaccard similarity of 3-word shingles
      above which a body is a copy of an earlier one.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.19,
        member_mix: float = 0.7,
        name_mix: float = 0.35,
        strong_threshold: float = 0.6,
        date_window_days: int = 30,
        date_penalty: float = 0.5,
        retire_days: int = 21,
        retire_articles: int = 20_000,
        max_live: int = 20_000,
        duplicate_threshold: float = 0.6,
        entity_weight: float = 3.0,
        title_weight: float = 2.0,
        lead_weight: float = 1.5,
        lead_chars: int = 300,
        dim_bits: int = 20,
        centroid_terms: int = 200,
        member_terms: int = 120,
        max_members: int = 8,
        index_terms: int = 24,
        query_terms: int = 16,
        posting_cap: int = 48,
        max_candidates: int = 40,
        clock_window: int = 101,
        copies_per_story: int = 256,
        story_prefix: str = "story-",
    ) -> None:
        self.threshold = threshold
        self.member_mix = member_mix
        self.name_mix = name_mix
        self.strong_threshold = strong_threshold
        self.date_window_days = date_window_days
        self.date_penalty = date_penalty
        self.retire_days = retire_days
        self.retire_articles = retire_articles
        self.max_live = max_live
        self.duplicate_threshold = duplicate_threshold
        self.centroid_terms = centroid_terms
        self.member_terms = member_terms
        self.max_members = max_members
        self.index_terms = index_terms
        self.query_terms = query_terms
        self.posting_cap = posting_cap
        self.max_candidates = max_candidates
        self.copies_per_story = copies_per_story
        self.story_prefix = story_prefix
        self._features = Featurizer(dim_bits=dim_bits, entity_weight=entity_weight, title_weight=title_weight,
                                    lead_weight=lead_weight, lead_chars=lead_chars)
        self._hasher = MinHasher()
        self._buf = np.zeros(1 << dim_bits, dtype=np.float64)  # the current article, scattered
        self._name_buf = np.zeros(1 << dim_bits, dtype=np.float64)
        self._dups = DuplicateIndex(capacity=max(1, min(max_live * 4, 100_000)))
        self._live: OrderedDict[str, _Story] = OrderedDict()  # least recently active first
        self._postings: dict[int, dict[str, None]] = {}
        self._story_of: dict[str, str] = {}  # article id -> story id, for articles in the duplicate index
        self._clock: deque[date] = deque(maxlen=clock_window)
        self._clock_sorted: list[date] = []
        self._seq = 0
        self._next_story = 0
        self.retired = 0

    # -- public ------------------------------------------------------------------------------------

    @property
    def live_stories(self) -> int:
        return len(self._live)

    def index_size(self) -> dict[str, int]:
        """Sizes of everything that must stay bounded: live stories, postings, duplicate index."""
        return {"live_stories": len(self._live), "postings": sum(len(p) for p in self._postings.values()),
                "terms": len(self._postings), "duplicate_index": len(self._dups), "retired": self.retired}

    def add(self, article: StoryInput) -> Assignment:
        """Place one article; cost bounded by the candidate caps, not by how many came before."""
        self._seq += 1
        page = parse_date(article.published)
        years = text_years(article.text)
        note = self_conflict(page, years) if page else None
        months = text_months(article.text)
        # A page date the text contradicts is not evidence about the event: it neither counts against a
        # match nor moves the clock. It is reported only if it also disagrees with the story joined.
        named_month = month_contradicts(page, months) if page else None
        trusted = None if note or named_month else page
        month_note = None
        if page is not None and named_month:
            month_note = (f"page dated {page.isoformat()} but the text's dates are in {MONTH_NAMES[named_month - 1]}"
                    f" (named {months[named_month]} times), not {MONTH_NAMES[page.month - 1]}")
        # Nor do the years of a doubted page's text (often the wrong stamp again, printed in the page).
        evidence = years if page is None or trusted is not None else set()
        if trusted is not None:
            self._tick(trusted)

        sig = self._hasher.signature(body_tokens(article.text))
        if sig is not None:
            hit = self._dups.query(sig, self.duplicate_threshold)
            story = self._live.get(self._story_of.get(hit[0], "")) if hit else None
            if hit is not None and story is not None:
                if page is not None and self._clash(page, story):
                    note, trusted = note or self._date_note(page, story, months), None
                self._touch(story, trusted, ())
                self._file_copy(article.id, sig, story)
                self._retire()
                return Assignment(article.id, story.id, duplicate_of=hit[0], date_conflict=note or month_note)

        counts, name_counts = self._features.counts(article.title, article.text)
        vec = _Vecs(self._features.vector(counts, learn=True), self._features.vector(name_counts))
        # A strong match may overrule the page date, unless the text backs the page by naming its year.
        overrule = self.strong_threshold if trusted is None or trusted.year not in years else float("inf")
        best, best_score = None, 0.0
        a_idx, a_val = _arrays(vec.all)
        n_idx, n_val = _arrays(vec.names)
        self._buf[a_idx] = a_val
        self._name_buf[n_idx] = n_val
        try:
            for story in self._candidates(vec):
                score = self._score(story)
                if score < overrule and self._clash(trusted, story):
                    score *= self.date_penalty
                if score > best_score:
                    best, best_score = story, score
        finally:
            self._buf[a_idx] = 0.0
            self._name_buf[n_idx] = 0.0
        if best is not None and best_score >= self.threshold:
            if page is not None and self._clash(page, best):
                note = note or self._date_note(page, best, months)
                trusted = None  # the story keeps its own dates
            self._join(best, vec, trusted, evidence)
        else:
            best = self._open(vec, trusted, evidence)
        if sig is not None:
            self._file_copy(article.id, sig, best)
        self._retire()
        return Assignment(article.id, best.id, date_conflict=note or month_note)

    # -- matching ----------------------------------------------------------------------------------

    def _candidates(self, vecs: _Vecs) -> list[_Story]:
        """Stories sharing the article's heaviest terms, the most-shared first, at most `max_candidates`."""
        hits: dict[str, float] = {}
        for tid, w in top_terms(vecs.all, self.query_terms).items():
            posting = self._postings.get(tid)
            if not posting:
                continue
            for sid in itertools.islice(reversed(posting), self.posting_cap):
                hits[sid] = hits.get(sid, 0.0) + w
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[: self.max_candidates]
        return [self._live[sid] for sid, _ in ranked]

    def _score(self, story: _Story) -> float:
        """Similarity of all terms, blended with that of the names alone (the event split).

        Reads the article from the dense buffers `add` filled.
        """
        mix, beta = self.member_mix, self.name_mix
        p = story.packed
        assert p is not None
        buf, nbuf = self._buf, self._name_buf
        full = float(buf[p.c_idx] @ p.c_val)
        names = float(nbuf[p.n_idx] @ p.n_val)
        if mix > 0 and p.k:
            best = np.bincount(p.m_seg, weights=buf[p.m_idx] * p.m_val, minlength=p.k).max()
            full = (1 - mix) * full + mix * float(best)
            if len(p.mn_idx):
                best = np.bincount(p.mn_seg, weights=nbuf[p.mn_idx] * p.mn_val, minlength=p.k).max()
                names = (1 - mix) * names + mix * float(best)
            else:
                names = (1 - mix) * names
        return (1 - beta) * full + beta * names

    @staticmethod
    def _date_gap(d: date, story: _Story) -> int:
        if story.first_date is None or story.last_date is None:
            return 0
        if d < story.first_date:
            return days_between(d, story.first_date)
        if d > story.last_date:
            return days_between(d, story.last_date)
        return 0

    def _clash(self, page: date | None, story: _Story) -> bool:
        """Whether the article's dates speak against the story's (evidence against a match, not a veto).

        A dated story is compared by page dates; an undated one by the years
        its texts name: a page dated in a year none of the story's texts
        mention is most likely about another, look-alike event. (Judging an
        undated article by the years its text names was tried and lost on
        ECB+ train: background years are too common.)
        """
        if page is None:
            return False
        if story.first_date is not None:
            return self._date_gap(page, story) > self.date_window_days
        return bool(story.years) and page.year not in story.years

    def _date_note(self, page: date, story: _Story, months: Counter[int]) -> str:
        if story.first_date is None:
            named = ", ".join(str(y) for y in sorted(story.years, reverse=True)[:3])
            return f"page dated {page.isoformat()} but its story's texts name other years ({named})"
        story_span = describe_month(story.first_date)
        if story.last_date and describe_month(story.last_date) != story_span:
            story_span += f" to {describe_month(story.last_date)}"
        named = ""
        if months.get(story.first_date.month, 0) > months.get(page.month, 0):
            named = f", and its text names {describe_month(story.first_date).split()[0]}"
        return f"page dated {page.isoformat()} but the text's events are of {story_span} (its story's dates{named})"

    # -- story bookkeeping -------------------------------------------------------------------------

    def _open(self, vec: _Vecs, d: date | None, years: set[int]) -> _Story:
        story = _Story(id=f"{self.story_prefix}{self._next_story:06d}")
        self._next_story += 1
        self._live[story.id] = story
        self._join(story, vec, d, years)
        return story

    def _join(self, story: _Story, vecs: _Vecs, d: date | None, years: Iterable[int]) -> None:
        story.sums, story.norm = _accumulate(story.sums, vecs.all, self.centroid_terms)
        story.name_sums, story.name_norm = _accumulate(story.name_sums, vecs.names, self.centroid_terms)
        story.size += 1
        story.members.append(_Vecs(top_terms(vecs.all, self.member_terms), top_terms(vecs.names, self.member_terms)))
        if len(story.members) > self.max_members:
            story.members.popleft()
        story.packed = _Packed.of(story)
        self._touch(story, d, years)
        self._reindex(story)

    def _touch(self, story: _Story, d: date | None, years: Iterable[int]) -> None:
        story.last_seq = self._seq
        story.active = self._now()
        story.years.update(years)
        if d is not None:
            story.years.add(d.year)
        if d is not None:
            story.first_date = d if story.first_date is None else min(story.first_date, d)
            story.last_date = d if story.last_date is None else max(story.last_date, d)
        self._live.move_to_end(story.id)

    def _reindex(self, story: _Story) -> None:
        terms = tuple(sorted(top_terms(story.sums, self.index_terms)))
        self._unindex(story)
        for tid in terms:
            self._postings.setdefault(tid, {})[story.id] = None  # re-inserted: now the most recent
        story.indexed = terms

    def _unindex(self, story: _Story) -> None:
        """Take a story out of the candidate index (before re-indexing it, or for good)."""
        for tid in story.indexed:
            posting = self._postings.get(tid)
            if posting is not None:
                posting.pop(story.id, None)
                if not posting:
                    del self._postings[tid]

    def _file_copy(self, doc: str, sig: np.ndarray, story: _Story) -> None:
        self._dups.add(doc, sig)
        self._story_of[doc] = story.id
        story.docs.append(doc)
        if len(story.docs) > self.copies_per_story:
            # A story that never goes quiet must not hold every body it ever saw.
            old = story.docs.popleft()
            self._dups.remove(old)
            self._story_of.pop(old, None)

    def _tick(self, d: date) -> None:
        if len(self._clock) == self._clock.maxlen:
            old = self._clock[0]
            del self._clock_sorted[bisect.bisect_left(self._clock_sorted, old)]
        self._clock.append(d)
        bisect.insort(self._clock_sorted, d)

    def _now(self) -> date | None:
        """The stream's present: the median of recent page dates, robust to a few misdated pages."""
        if not self._clock_sorted:
            return None
        return self._clock_sorted[len(self._clock_sorted) // 2]

    def _retire(self) -> None:
        """Drop stories from the front of the activity order while they are stale.

        Activity is measured on the stream's clock, not on a story's own page
        dates, so undated stories age too and the front is always the oldest.
        """
        now = self._now()
        while self._live:
            story = next(iter(self._live.values()))
            stale = (
                len(self._live) > self.max_live
                or self._seq - story.last_seq > self.retire_articles
                or (now is not None and story.active is not None and (now - story.active).days > self.retire_days)
            )
            if not stale:
                break
            self._drop(story)

    def _drop(self, story: _Story) -> None:
        del self._live[story.id]
        self._unindex(story)
        for doc in story.docs:
            self._dups.remove(doc)
            self._story_of.pop(doc, None)
        self.retired += 1


def group(articles: Iterable[StoryInput], **settings) -> Iterator[Assignment]:
    """Assign each article in turn; `settings` are `StoryGrouper`'s keyword arguments."""
    grouper = StoryGrouper(**settings)
    for article in articles:
        yield grouper.add(article)
