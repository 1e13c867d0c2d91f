"""The whole job against a store: ingest, analyse, group into stories, compare.

The command line and the web app do the same things to a database; they do
them through these functions, so both report errors, skip what is stored and
save comparisons the same way. Each step commits as it goes: a crash loses
at most the document or story in hand.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from counterpoint.errors import InputError, first_line
from counterpoint.ingest import IngestOptions, read_sources, read_url_list
from counterpoint.model import Analysis, Article, Comparison, Document, OutletInfo
from counterpoint.pipeline import Extracted, extract_many

if TYPE_CHECKING:
    from distributed import Client

    from counterpoint.compare.pairs import PairModel
    from counterpoint.compare.salience import SalienceModel
from counterpoint.store import Store, StoreError

T = TypeVar("T")
Progress = Callable[[Iterable[T], str], Iterator[T]]


def _no_progress(items: Iterable[T], label: str) -> Iterator[T]:
    yield from items


@dataclass(slots=True)
class IngestReport:
    """What an ingest did: counts, the articles the sources hold, and every failure."""

    added: int = 0
    new_version: int = 0
    unchanged: int = 0
    article_ids: list[str] = field(default_factory=list)  # new or already stored, in input order
    errors: list[InputError] = field(default_factory=list)
    analysed: int = 0
    not_analysed: list[InputError] = field(default_factory=list)


def ingest_sources(
    store: Store, sources: Sequence[str], options: IngestOptions | None = None, url_lists: Sequence[str] = (),
    workers: int = 1, analyse: bool = True, progress: Progress = _no_progress, cluster: Client | None = None,
    partition: int = 1000,
) -> IngestReport:
    """Read, extract and store documents; the same bytes twice are stored once.

    With a Dask `cluster` (`counterpoint.cluster.connect`), extraction and analysis run there in
    partitions of `partition` documents, and the results are written here in input order.
    """
    options = options or IngestOptions()
    report = IngestReport()
    items = itertools.chain(read_sources(sources, options), *(read_url_list(u, options) for u in url_lists))
    if cluster is not None:
        return _ingest_on_cluster(store, items, report, cluster, analyse, partition, progress)

    def fresh(docs: Iterable[Document | InputError]) -> Iterator[Document]:
        for doc in docs:
            if isinstance(doc, InputError):
                _record(store, report, doc)
            elif store.has_document(doc.id):
                report.unchanged += 1
                report.article_ids.append(doc.id)
            else:
                yield doc

    for result in progress(extract_many(fresh(items), workers), "Extracting"):
        _keep(store, result, report)
    report.article_ids = list(dict.fromkeys(report.article_ids))
    if analyse:
        # Only what these sources hold: a document that failed before (too long, say) must not
        # block every later ingest by being retried each time ('counterpoint analyse' retries it).
        report.analysed, report.not_analysed = analyse_pending(store, workers, progress=progress,
                                                               only=report.article_ids)
    return report


def _ingest_on_cluster(store: Store, items: Iterable[Document | InputError], report: IngestReport, client: Client,
                       analyse: bool, size: int, progress: Progress) -> IngestReport:
    from counterpoint.cluster import Done, extract_analyse_partition, extract_partition, partitions, run_partitions

    seen: set[str] = set()

    def fresh() -> Iterator[Document]:
        for doc in items:
            if isinstance(doc, InputError):
                _record(store, report, doc)
            elif doc.id in seen or store.has_document(doc.id):
                report.unchanged += 1
                report.article_ids.append(doc.id)
            else:
                seen.add(doc.id)
                yield doc

    task = extract_analyse_partition if analyse else extract_partition

    def each() -> Iterator[tuple[Document, Done | None, Exception | None]]:
        """Every document with its result, in input order; with the failure instead when its partition failed
        on the cluster (the partitions after it go on)."""
        for docs, part in run_partitions(client, partitions(fresh(), size), task):
            if isinstance(part, Exception):
                yield from ((doc, None, part) for doc in docs)
            else:
                yield from ((doc, done, None) for doc, done in zip(docs, part, strict=True))

    for doc, done, failure in progress(each(), "Extracting and analysing on the cluster"):
        if done is None:
            _record(store, report, _failed_on_cluster(doc.source, failure))
        elif _keep(store, done.extracted, report) and done.analysis is not None:
            article = done.extracted.article
            assert article is not None
            _save_analysis(store, article.id, article.source or article.id, done.analysis, report)
    report.article_ids = list(dict.fromkeys(report.article_ids))
    if analyse:  # articles stored before without an analysis (an earlier --no-analyse): on the cluster too
        from counterpoint.cluster import analyse_partition

        wanted = set(report.article_ids)
        chunks = list(partitions((a for a in store.unanalysed() if a.id in wanted), size))
        inputs = ([(a.text, a.source or a.id, a.lang) for a in chunk] for chunk in chunks)
        for chunk, (_, results) in zip(chunks, run_partitions(client, inputs, analyse_partition), strict=True):
            if isinstance(results, Exception):
                results = [_failed_on_cluster(a.source or a.id, results) for a in chunk]
            for a, result in zip(chunk, results, strict=True):
                _save_analysis(store, a.id, a.source or a.id, result, report)
    return report


def _failed_on_cluster(source: str, exc: BaseException) -> InputError:
    """A document of a partition that failed for good (its task raised, or it killed every worker it ran on)."""
    return InputError(source, f"failed on the cluster ({type(exc).__name__}: {first_line(exc, 'no message')})")


def _record(store: Store, report: IngestReport, err: InputError) -> None:
    report.errors.append(err)
    store.log_error(err.source, err.problem)


def _keep(store: Store, result: Extracted, report: IngestReport) -> bool:
    """Store one extracted document, counting what happened, or record why there is nothing to store; True
    when its article is in the store."""
    if result.error or result.article is None:
        _record(store, report, result.error or InputError(result.document.source, "no article"))
        return False
    try:
        outcome = store.add(result.document, result.article)
    except StoreError:
        raise  # the database itself (disk full, locked, corrupted): nothing more can be stored
    except Exception as exc:  # this document's data: it alone fails
        _record(store, report, InputError(result.document.source, f"cannot store ({type(exc).__name__}: {exc})"))
        return False
    if outcome == "added":
        report.added += 1
    elif outcome == "new_version":
        report.new_version += 1
    else:
        report.unchanged += 1
    report.article_ids.append(result.article.id)
    return True


def _save_analysis(store: Store, article_id: str, source: str, result: Analysis | InputError,
                   report: IngestReport) -> None:
    if isinstance(result, InputError):
        report.not_analysed.append(result)
        store.log_error(result.source, f"not analysed: {result.problem}")
        return
    try:
        store.save_analysis(article_id, result)
    except StoreError:
        raise
    except Exception as exc:
        err = InputError(source, f"cannot store its analysis ({type(exc).__name__}: {exc})")
        report.not_analysed.append(err)
        store.log_error(err.source, err.problem)
        return
    report.analysed += 1


def analyse_pending(store: Store, workers: int = 1, redo: bool = False, progress: Progress = _no_progress,
                    only: Collection[str] | None = None) -> tuple[int, list[InputError]]:
    """Analyse stored articles (those without an analysis, or all; of `only` when given), saving each as it is done.

    One article's failure is its error (kept in the store's errors table); the others go on.
    """
    from counterpoint.analyse import analyse_many

    articles = list(store.articles(with_analysis=False)) if redo else list(store.unanalysed())
    if only is not None:
        wanted = set(only)
        articles = [a for a in articles if a.id in wanted]
    if not articles:
        return 0, []
    items = ((a.text, a.source or a.id, a.lang) for a in articles)
    report = IngestReport()
    for article, result in zip(articles, progress(analyse_many(items, workers=workers), "Analysing"), strict=True):
        _save_analysis(store, article.id, article.source or article.id, result, report)
    return report.analysed, report.not_analysed


@dataclass(slots=True)
class StoryJob:
    """One story to compare: everything `compare_story` needs, so it can run in another process."""

    articles: list[Article]
    story_id: str
    duplicates: dict[str, str]
    notes: dict[str, list[str]]
    outlets: Mapping[str, OutletInfo] | None
    pair_model: PairModel | None
    calibrated: bool
    salience_ranker: SalienceModel | None = None


def compare_job(job: StoryJob) -> Comparison:
    from counterpoint.compare import compare_story
    from counterpoint.compare.stance import classify_stance

    return compare_story(job.articles, job.story_id, job.duplicates, job.notes, job.outlets, stance=classify_stance,
                         pair_model=job.pair_model, calibrated=job.calibrated, salience_ranker=job.salience_ranker)


def _compare_or_error(job: StoryJob) -> Comparison | Exception:
    try:
        return compare_job(job)
    except Exception as exc:
        return exc


def compare_stored(
    store: Store, article_ids: Collection[str] | None = None, outlets: Mapping[str, OutletInfo] | None = None,
    progress: Progress = _no_progress, failures: list[InputError] | None = None, one_story: bool = False,
    pair_model: PairModel | None = None, calibrated: bool = True, cluster: Client | None = None,
    salience_ranker: SalienceModel | None = None,
) -> list[Comparison]:
    """Group stored articles into stories, compare each story, and store the comparisons.

    With `article_ids` (the files a user named), those articles are compared as one
    story unless some are plainly about another event (`stories.events`; `one_story`
    forces one), and stored stories that held any of them are replaced. Without, every
    latest article is regrouped by the archive grouper and stories that no longer exist
    are dropped. With a `failures` list, a story that cannot be compared is added to it
    and the others go on. `pair_model` and `salience_ranker` replace the shipped claim-pair and salience models, and
    `calibrated=False` leaves confidences raw (training). With a Dask `cluster`, the stories are compared
    there in parallel (grouping stays one pass here) and stored here in the same order.
    """
    from counterpoint.stories import StoryGrouper, StoryInput, events

    wanted = set(article_ids) if article_ids is not None else None
    # Named articles are read one by one: loading every stored analysis to keep a few would not scale.
    articles = list(store.articles()) if wanted is None else [a for a in map(store.article, wanted) if a]
    articles.sort(key=lambda a: (a.published or "", a.id))
    inputs = [StoryInput(a.id, a.title, a.text, a.published) for a in articles]
    grouper = StoryGrouper()
    members: dict[str, list[Article]] = {}
    duplicates: dict[str, str] = {}
    notes: dict[str, list[str]] = {}
    for a, item in zip(articles, inputs, strict=True):
        got = grouper.add(item)  # wire copies and contradicted page dates, whatever the grouping
        members.setdefault(got.story, []).append(a)
        if got.duplicate_of:
            duplicates[a.id] = got.duplicate_of
        if got.date_conflict:
            notes.setdefault(a.id, []).append(got.date_conflict)
    split_note = ""
    if wanted is not None:
        groups = [list(range(len(articles)))] if one_story else events(inputs)
        members = {str(n): [articles[i] for i in g] for n, g in enumerate(groups)}
        if len(groups) > 1:
            split_note = (f"The {len(articles)} articles given were compared as {len(groups)} stories: some share"
                          " almost no names or words with the others, so they are about other events. Add"
                          " --one-story to compare them all as one.")
    comparisons = []
    failed: set[str] = set()  # their stored comparisons, if any, stay as they were
    jobs = [StoryJob(group, story_key(group), {a.id: duplicates[a.id] for a in group if a.id in duplicates},
                     {a.id: notes[a.id] for a in group if a.id in notes}, outlets, pair_model, calibrated,
                     salience_ranker)
            for group in members.values()]
    if cluster is not None:
        from counterpoint.cluster import map_ordered

        results: Iterable[Comparison | Exception] = map_ordered(cluster, compare_job, jobs)
    else:
        results = map(_compare_or_error, jobs)
    for job, c in zip(jobs, progress(results, "Comparing"), strict=True):
        story_id = job.story_id
        if isinstance(c, Exception):  # one story's failure is its own error; the other stories are compared
            if failures is None:
                raise c
            failures.append(InputError(story_id, f"cannot compare ({type(c).__name__}: {c})"))
            failed.add(story_id)
            continue
        if split_note:
            c.notes.insert(0, split_note)
        comparisons.append(c)
    keep = {c.story for c in comparisons} | failed
    if wanted is None:
        store.retire_stories(keep)
    else:
        stale = {s for a in articles for s in store.stories_of(a.id)} - keep
        store.retire_stories(set(store.story_ids()) - stale)
    for c in comparisons:
        store.save_comparison(c)
    return comparisons


def story_key(articles: Sequence[Article]) -> str:
    """A story id that stays the same when the story is compared again: its first article's, hashed."""
    first = min(articles, key=lambda a: (a.published or "", a.id))
    return "story-" + hashlib.sha1(first.id.encode()).hexdigest()[:12]


def process_sources(
    store: Store, sources: Sequence[str], options: IngestOptions | None = None, url_lists: Sequence[str] = (),
    workers: int = 1, outlets: Mapping[str, OutletInfo] | None = None, progress: Progress = _no_progress,
) -> tuple[IngestReport, list[Comparison]]:
    """Everything for a set of sources: ingest, analyse, and compare the stories they make."""
    report = ingest_sources(store, sources, options, url_lists, workers, progress=progress)
    if not report.article_ids:
        return report, []
    return report, compare_stored(store, report.article_ids, outlets, progress)


def read_outlets(path: str) -> dict[str, OutletInfo]:
    """The user's outlets file: CSV with a header naming `outlet` and any of country, ownership, notes."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(path, f"cannot read the outlets file ({exc})") from None
    if rows and "outlet" not in {(k or "").strip().lower() for k in rows[0]}:
        raise InputError(path, "the outlets file needs a header row with an 'outlet' column")
    out = {}
    for row in rows:
        clean = {(k or "").strip().lower(): (v or "").strip() or None for k, v in row.items() if k}
        if clean.get("outlet"):
            out[clean["outlet"]] = OutletInfo(clean["outlet"], clean.get("country"), clean.get("ownership"),
                                              clean.get("notes"))
    return out
