"""The `counterpoint` command: wiring only. Each subcommand is one stage or one store action."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sized
from pathlib import Path
from typing import TypeVar

import click

from counterpoint import __version__
from counterpoint.errors import InputError
from counterpoint.ingest import IngestOptions, read_sources, read_url_list
from counterpoint.jsonlines import OPTIONAL_STRING, STRING, Contract, Line, dumps, read_lines
from counterpoint.model import SCHEMA_VERSION, Article, Document
from counterpoint.pipeline import extract_many, extract_paths
from counterpoint.textsafe import valid_text
from counterpoint.web.command import serve

T = TypeVar("T")
DEFAULT_DB = "counterpoint.db"

# What each JSON-lines stage accepts on a line (a line that breaks its contract gets {"id", "error"}).
MANIFEST = Contract({"path": STRING, "url": OPTIONAL_STRING}, nonempty=("path",))
STATEMENTS = Contract({"text": STRING, "lang": OPTIONAL_STRING}, required=("text",))
STORIES = Contract({"title": OPTIONAL_STRING, "text": OPTIONAL_STRING, "published": OPTIONAL_STRING,
                    "date": OPTIONAL_STRING})
STANCE = Contract({"claim": STRING, "text": STRING}, required=("claim", "text"))

db_option = click.option(
    "--db", type=click.Path(), default=lambda: os.environ.get("COUNTERPOINT_DB", DEFAULT_DB),
    show_default=f"$COUNTERPOINT_DB or {DEFAULT_DB}",
    help="The database: a SQLite file, or a PostgreSQL URL (postgresql://user@host:port/name).",
)
workers_option = click.option(
    "--workers", "-w", type=click.IntRange(1, 64), default=1, show_default=True,
    help="Work in this many processes on this machine.",
)

cluster_option = click.option(
    "--cluster", metavar="SPEC",
    help="Run on Dask: local:N (N worker processes here) or tcp://HOST:PORT (a running scheduler)."
         " Needs pip install 'counterpoint[scale]'.",
)


def _ingest_options(f):
    for option in reversed([
        click.option("--outlet", help="Name of the outlet, overriding what the pages say (e.g. 'Sputnik')."),
        click.option("--allow-private", is_flag=True, help="Allow fetching loopback and private-network addresses."),
        click.option("--ignore-robots", is_flag=True, help="Fetch pages even where robots.txt disallows it."),
        click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per HTTP request."),
        click.option("--max-mb", type=float, default=50.0, show_default=True, help="Largest document accepted, MB."),
        click.option("--urls", "url_lists", multiple=True, type=click.Path(allow_dash=True),
                     help="A file listing URLs to fetch, one per line ('-': stdin). Repeatable."),
    ]):
        f = option(f)
    return f


def _make_options(outlet, allow_private, ignore_robots, timeout, max_mb) -> IngestOptions:
    return IngestOptions(max_bytes=int(max_mb * 1024 * 1024), timeout=timeout, allow_private=allow_private,
                         respect_robots=not ignore_robots, outlet=outlet)


class _Guarded(click.Group):
    """Every command ends in one line, never a traceback: a database that cannot be used, a file that cannot
    be written, a missing model, or a bug (`COUNTERPOINT_DEBUG=1` shows its traceback)."""

    def invoke(self, ctx: click.Context):
        from counterpoint.models import ModelMissing
        from counterpoint.store import StoreError

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted: what was finished is stored; run the same command to go on", err=True)
            sys.exit(130)
        except (StoreError, ModelMissing, InputError) as exc:
            _fail(str(exc))
        except OSError as exc:  # an output file or folder: full disk, permissions, vanished folder
            where = f"{valid_text(str(exc.filename))}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}")
        except Exception as exc:
            if os.environ.get("COUNTERPOINT_DEBUG"):
                raise
            _fail(f"internal error ({type(exc).__name__}: {valid_text(str(exc))[:300]}); please report it,"
                  " with COUNTERPOINT_DEBUG=1 set for the traceback")


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="counterpoint")
def main() -> None:
    """Compare how news outlets report the same story, claim by claim.

    \b
    The pipeline, each stage usable alone (JSON lines in and out):
      ingest      files, folders, stdin, URLs, RSS/Atom feeds, WARC -> the database
                  (extracts and analyses as it stores)
      extract     HTML or text -> clean article text + metadata, page furniture removed
      statements  text -> who said what: quotes and reported speech with speaker,
                  cue, content, addressee, sourcing chain, hedges and denials
      analyse     find the statements of stored articles not analysed yet
      stories     articles -> stories (same real-world event), streaming
      stance      (claim, text) -> agree / disagree / discuss / unrelated
      compare     the whole job: sources -> stories compared across outlets: disputed,
                  corroborated, contradicted, single-sourced, omitted, framing
                  (terminal summary, --json, --html report, --csv)
      show        what the database holds; one article in full, with its statements
      export      articles or statements as JSONL, CSV or Parquet
      serve       a local web app over the database

    \b
    Start with the bundled example (two outlets on one 2018 story):
      counterpoint compare examples/arms-race-2018 --html report.html
      counterpoint serve

    Every command has its own --help.
    """
    for stream in (sys.stdout, sys.stderr):  # never die on a character the terminal cannot show
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


@main.command()
@click.argument("sources", nargs=-1)
@db_option
@workers_option
@_ingest_options
@click.option("--no-analyse", is_flag=True, help="Store the articles only; find statements later with 'analyse'.")
@cluster_option
@click.option("--partition-size", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Documents per task with --cluster.")
def ingest(sources, db, workers, url_lists, outlet, allow_private, ignore_robots, timeout, max_mb,
           no_analyse, cluster, partition_size) -> None:
    """Read documents, extract them, and store them in the database.

    SOURCES are files, folders (searched recursively), http(s) URLs of pages
    or RSS/Atom feeds, WARC archives (.warc, .warc.gz), JSON lines of
    articles (.jsonl: 'text' or 'html' plus any of title, url, outlet,
    authors, published), or '-' for stdin. .gz files are read as what they
    hold.

    The same document twice is stored once; a re-fetched page whose content
    changed becomes a new version of the same article. A bad document is
    reported and skipped; the exit status is 1 when any document failed.

    \b
    Examples:
      counterpoint ingest examples/arms-race-2018
      counterpoint ingest --urls links.txt --workers 2
      counterpoint ingest https://example.org/feed.xml
      counterpoint ingest CC-NEWS-20180301.warc.gz --db news.db
      counterpoint ingest CC-NEWS-*.warc.gz --cluster local:8 --db postgresql://me@dbhost/news
    """
    if not sources and not url_lists:
        raise click.UsageError("give at least one source (a file, folder, URL or '-'), or --urls FILE")
    from counterpoint.workflow import ingest_sources

    options = _make_options(outlet, allow_private, ignore_robots, timeout, max_mb)
    with _cluster(cluster) as client, _open_store(db) as store:
        report = ingest_sources(store, sources, options, url_lists, workers, analyse=not no_analyse,
                                progress=_progress, cluster=client, partition=partition_size)
    _ingest_summary(report, db)
    _report_errors(report.errors)


@main.command()
@click.argument("sources", nargs=-1)
@db_option
@workers_option
@_ingest_options
@click.option("--json", "json_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the comparison as JSON to this file ('-': stdout, and no summary).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write a self-contained HTML report to this file.")
@click.option("--csv", "csv_dir", type=click.Path(),
              help="Write the claim matrix and the findings as CSV files into this folder.")
@click.option("--outlets", "outlets_file", type=click.Path(dir_okay=False),
              help="CSV describing outlets (columns: outlet, country, ownership, notes) to enrich framing.")
@click.option("--one-story", is_flag=True,
              help="Compare every article given as one story, even those that seem to be about other events.")
@click.option("--no-color", is_flag=True, help="Plain text on the terminal.")
@cluster_option
def compare(sources, db, workers, url_lists, outlet, allow_private, ignore_robots, timeout, max_mb, json_path,
            html_path, csv_dir, outlets_file, one_story, no_color, cluster) -> None:
    """Compare how outlets report a story: disputed, corroborated, left out, framed.

    Runs the whole pipeline on SOURCES (files, folders, URLs, feeds, WARC, as
    for 'ingest'): extracts and analyses each article and compares them across
    their outlets, as one story unless some are plainly about other events
    (then it says how it split them; --one-story keeps them together).
    Everything is kept in the database (--db); without SOURCES, every stored
    article is grouped into stories by the archive grouper and compared again.

    Findings: disputed (asserted by some, denied by another, and on whose
    authority), contradicted details (numbers, dates), single-sourced,
    corroborated, omitted (only in some outlets), and framing (leads,
    hedges and loaded verbs, whose voices). Every finding carries evidence
    spans of the stored text.

    \b
    Examples:
      counterpoint compare examples/arms-race-2018
      counterpoint compare examples/arms-race-2018 --json comparison.json --html report.html
      counterpoint compare a.html b.html --outlets outlets.csv --csv out/
      counterpoint compare --db news.db            # every stored story again
      counterpoint compare --db news.db --cluster local:8   # ... its stories compared in parallel
    """
    from counterpoint.workflow import compare_stored, ingest_sources, read_outlets

    outlets = {}
    if outlets_file:
        try:
            outlets = read_outlets(outlets_file)
        except InputError as exc:
            _fail(str(exc))
    for path in (json_path, html_path):
        if path and path != "-":
            _check_writable(path)
    if csv_dir:
        _check_writable(csv_dir, folder=True)
    options = _make_options(outlet, allow_private, ignore_robots, timeout, max_mb)
    report = None
    with _cluster(cluster) as client, _open_store(db, must_exist=not (sources or url_lists)) as store:
        if sources or url_lists:
            report = ingest_sources(store, sources, options, url_lists, workers, progress=_progress, cluster=client)
            _ingest_summary(report, db)
            ids = report.article_ids
            if not ids:
                _report_errors(report.errors)
                _fail("no article to compare")
        else:
            ids = None
        failures: list[InputError] = []
        comparisons = compare_stored(store, ids, outlets, progress=_progress, failures=failures, one_story=one_story,
                                     cluster=client)
    _write_comparisons(comparisons, json_path, html_path, csv_dir, no_color)
    _report_errors((report.errors if report is not None else []) + failures)


@main.command()
@click.argument("sources", nargs=-1)
@click.option("--manifest", type=click.File("rb"), help='JSON lines {"id", "path", "url"} to extract ("-": stdin).')
@workers_option
@_ingest_options
def extract(sources, manifest, workers, url_lists, outlet, allow_private, ignore_robots, timeout, max_mb) -> None:
    """Extract clean text and metadata, printing one JSON line per document.

    Nothing is stored. With --manifest, each input line gives an id, a path
    (.html, .html.gz or .txt) and optionally the page's URL; the output keeps
    the input's keys and adds text, title, authors, published, outlet, lang,
    url, removed (the furniture taken out) and seconds, in input order. A
    document that fails prints {"id", "error"} and the run goes on.

    \b
    Examples:
      counterpoint extract page.html
      counterpoint extract --manifest pages.jsonl --workers 2 > articles.jsonl
    """
    options = _make_options(outlet, allow_private, ignore_robots, timeout, max_mb)
    if manifest is not None:
        lines = list(read_lines(manifest, MANIFEST, "manifest"))
        results = extract_paths(((line.record["path"], line.record.get("url")) for line in lines if line.ok),
                                workers, options)
        for line in lines:
            if not line.ok:
                _emit(line.error_record())
                continue
            r = next(results)
            base = {k: v for k, v in line.record.items() if k != "error"}
            record = {**base, "error": str(r.error)} if r.error else {**base, **_article_record(r.article)}
            _emit({**record, "seconds": round(r.seconds, 6)})
        return
    if not sources and not url_lists:
        raise click.UsageError("give files, folders, URLs or '-', or --manifest FILE")
    errors: list[InputError] = []
    items = itertools.chain(read_sources(sources, options), *(read_url_list(u, options) for u in url_lists))
    for result in extract_many(_collect_errors(items, errors), workers):
        if result.error:
            errors.append(result.error)
            continue
        _emit({**_article_record(result.article), "seconds": round(result.seconds, 6)})
    _report_errors(errors)


@main.command()
@click.option("--input", "-i", "infile", type=click.File("rb"), default="-", show_default="stdin",
              help='JSON lines with at least {"id", "text"}.')
@workers_option
def statements(infile, workers) -> None:
    """Find who said what in texts: one JSON line of statements per input line.

    Reads JSON lines {"id", "text", ...} and prints each with "statements"
    added: direct, indirect and mixed quotes, each with content, cue and
    source as {"start", "end", "text"} character offsets into the given text
    (a list of spans for a split quote), the resolved speaker, the addressee,
    the sourcing chain ("via", outermost first), nested relations marked
    "nested": true with their "parent", and the markers hedged, denial,
    confirmation and cue_connotation. A text that cannot be analysed (empty,
    not English, or past the time limit per document) gets "statements": []
    and an "error"; a line that cannot be read prints {"id", "error"}.

    \b
    Example:
      echo '{"id": 1, "text": "Peskov said the report was not true."}' | counterpoint statements
    """
    from counterpoint.analyse import analyse_many

    lines: deque[Line] = deque()  # read but not yet written, in input order

    def texts() -> Iterator[tuple[str, str, str | None]]:
        for line in read_lines(infile, STATEMENTS):
            lines.append(line)
            if line.ok:
                yield line.record["text"], f"input {line.id!r}", line.record.get("lang")

    def unreadable() -> None:
        while lines and not lines[0].ok:
            _emit(lines.popleft().error_record())

    for result in _progress(analyse_many(texts(), workers=workers), "Analysing"):
        unreadable()
        record = lines.popleft().record
        if isinstance(result, InputError):
            record = {**record, "statements": [], "error": str(result)}
        else:
            record = {**record, "statements": [st.to_dict() for st in result.statements],
                      "speakers": [sp.to_dict() for sp in result.speakers]}
        _emit({**record, "schema_version": SCHEMA_VERSION})
    unreadable()


@main.command()
@click.option("--input", "-i", "infile", type=click.File("rb"), default="-", show_default="stdin",
              help='JSON lines {"id", "title", "text", "published"} ("date" is accepted for "published").')
def stories(infile) -> None:
    """Group articles into stories (the same real-world event), as they arrive.

    Prints {"id", "story", "duplicate_of", "date_conflict"} per input line, in
    order: each article joins the story it matches or opens a new one, in
    constant time per article however long the stream. "duplicate_of" names
    an earlier article this one copies (a wire story republished), and
    "date_conflict" explains a page date the text contradicts; such an
    article still joins its story. A line that cannot be read prints
    {"id", "error"}.

    \b
    Example:
      counterpoint stories < articles.jsonl > stories.jsonl
    """
    from counterpoint.stories import StoryGrouper, StoryInput

    grouper = StoryGrouper()
    for line in read_lines(infile, STORIES):
        if not line.ok:
            _emit(line.error_record())
            continue
        record = line.record
        published = record.get("published") or record.get("date")
        try:
            assignment = grouper.add(StoryInput(id=str(line.id), title=record.get("title"),
                                                text=record.get("text") or "", published=published))
        except Exception as exc:  # one record's failure is its own error line; the stream goes on
            _emit({"id": line.id, "error": f"input line {line.number}: cannot group ({type(exc).__name__}: {exc})"})
            continue
        _emit({"id": line.id, **{k: v for k, v in assignment.to_dict().items() if k != "id"}})


@main.command()
@click.option("--input", "-i", "infile", type=click.File("rb"), default="-", show_default="stdin",
              help='JSON lines {"id", "claim", "text"}.')
@click.option("--batch", type=click.IntRange(1, 4096), default=256, show_default=True,
              help="Pairs classified together (bigger is faster, uses more memory).")
def stance(infile, batch) -> None:
    """Classify how a text stands towards a claim: agree, disagree, discuss or unrelated.

    Prints {"id", "stance", "scores": {"agree", "disagree", "discuss",
    "unrelated"}} per input line, in order. A line that cannot be read, or
    whose claim or text is missing or not a string, prints {"id", "error"}
    (the id when it can be recovered, else the line number); every valid line
    gets a stance (an empty claim or text is "unrelated").

    \b
    Example:
      echo '{"id": 1, "claim": "Trump told Putin he would win an arms race",
             "text": "The Kremlin denied that Trump said it."}' | counterpoint stance
    """
    from counterpoint.compare.stance import classify_stance

    def flush(pending: list[Line]) -> None:
        good = [line for line in pending if line.ok]
        pairs = [(line.record["claim"], line.record["text"]) for line in good]
        try:
            results = dict(zip((id(line) for line in good), classify_stance(pairs), strict=True))
        except Exception:  # find the one pair that fails; the others still get their stance
            results = {}
            for line, pair in zip(good, pairs, strict=True):
                try:
                    results[id(line)] = classify_stance([pair])[0]
                except Exception as exc:
                    line.problem = f"cannot classify ({type(exc).__name__}: {exc})"
        for line in pending:
            if not line.ok:
                _emit(line.error_record())
            else:
                result = results[id(line)]
                _emit({"id": line.id, "stance": result.stance, "scores": result.scores})

    pending: list[Line] = []
    for line in read_lines(infile, STANCE):
        pending.append(line)
        if len(pending) >= batch:
            flush(pending)
            pending = []
    if pending:
        flush(pending)


@main.command()
@db_option
@workers_option
@click.option("--all", "redo", is_flag=True, help="Analyse every article again, not only the new ones.")
def analyse(db, workers, redo) -> None:
    """Find the statements in stored articles that have not been analysed yet."""
    from counterpoint.workflow import analyse_pending

    with _open_store(db, must_exist=True) as store:
        n, errors = analyse_pending(store, workers, redo, progress=_progress)
    click.echo(f"{n} articles analysed, {len(errors)} not analysed", err=True)
    _report_errors(errors)


@main.command()
@click.argument("articles", nargs=-1)
@db_option
@click.option("--all", "show_all", is_flag=True, help="Show every stored article in full.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of text.")
def show(articles, db, show_all, as_json) -> None:
    """List the stored articles, or show some in full with their statements.

    ARTICLES are ids (a unique prefix is enough), URLs or the paths they
    were ingested from. Without any, a table of the latest version of every
    article; with --all, every article in full.

    \b
    Examples:
      counterpoint show
      counterpoint show 919c88
      counterpoint show examples/arms-race-2018/sputnik.txt
      counterpoint show --all --json > everything.jsonl
    """
    from counterpoint.report.terminal import print_article, print_articles

    with _open_store(db, must_exist=True) as store:
        if not articles and not show_all:
            rows = list(store.articles(with_analysis=as_json))  # the table needs no statements
            if as_json:
                for a in rows:
                    click.echo(json.dumps(_article_record(a), ensure_ascii=False))
            else:
                print_articles(rows)
            return
        found = list(store.articles()) if show_all else []
        for ref in articles:
            article = store.article(ref)
            if article is None:
                _fail(f"{ref}: no such article in {store.name} (see 'counterpoint show' for the list)")
            found.append(article)
        for article in found:
            if as_json:
                click.echo(json.dumps(_article_record(article), ensure_ascii=False))
            else:
                print_article(article)


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), required=True, help="File to write.")
@click.option("--all-versions", is_flag=True, help="Every stored version, not only the latest of each article.")
@click.option("--statements", "what", flag_value="statements",
              help="Export the statements (one row each: outlet, speaker, cue, content, markers) instead.")
def export(db, fmt, output, all_versions, what) -> None:
    """Write the stored articles, or their statements, as JSON lines, CSV or Parquet.

    The database itself is plain SQLite too: open it with Datasette
    (`datasette counterpoint.db`) or any SQLite tool.

    \b
    Examples:
      counterpoint export --format csv -o articles.csv
      counterpoint export --statements --format parquet -o statements.parquet
    """
    from counterpoint.store import export_articles, export_rows

    _check_writable(output)
    with _open_store(db, must_exist=True) as store:
        if what == "statements":
            n = export_rows(store.statement_rows(), Path(output), fmt)
        else:
            n = export_articles(store.articles(all_versions), Path(output), fmt)
    click.echo(f"{n} {what or 'articles'} -> {output}", err=True)


@main.command()
@click.argument("source")
@click.argument("destination")
def copy(source, destination) -> None:
    """Copy everything stored in SOURCE into DESTINATION: documents, articles, analyses, stories, errors.

    Either may be a SQLite file or a PostgreSQL URL, so a project started on a
    laptop moves to a server (and back) unchanged. Each document is copied whole in
    one transaction and documents DESTINATION already has are skipped, so an
    interrupted copy is simply run again; stories are replaced by SOURCE's.

    \b
    Examples:
      counterpoint copy counterpoint.db postgresql://me@dbhost:5432/news
      counterpoint copy postgresql://me@dbhost:5432/news backup.db
    """
    with _open_store(source, must_exist=True) as src, _open_store(destination) as dst:
        if src.name == dst.name:
            _fail(f"{src.name}: SOURCE and DESTINATION are the same database")
        ids = src.document_ids()
        copied = sum(src.copy_document_to(dst, doc_id) for doc_id in _progress(ids, "Copying documents"))
        stories = src.story_ids()
        for story_id in _progress(stories, "Copying stories", unit="stories"):
            src.copy_story_to(dst, story_id)
        errors = src.copy_errors_to(dst)
    click.echo(f"{copied} documents copied ({len(ids) - copied} already there), {len(stories)} stories,"
               f" {errors} logged errors  ->  {dst.name}", err=True)


@main.command()
@db_option
@workers_option
def reextract(db, workers) -> None:
    """Re-run extraction on every stored document (after an upgrade), keeping versions, then re-analyse."""
    from counterpoint.workflow import analyse_pending

    errors: list[InputError] = []
    n = 0
    with _open_store(db, must_exist=True) as store:
        for result in _progress(extract_many(store.documents(), workers), "Re-extracting"):
            if result.error:
                errors.append(result.error)
            else:
                store.replace_article(result.article)  # its old analysis goes with it (ON DELETE CASCADE)
                n += 1
        analysed, _ = analyse_pending(store, workers, progress=_progress)
    click.echo(f"{n} articles re-extracted, {len(errors)} failed; {analysed} analysed", err=True)
    _report_errors(errors)


main.add_command(serve)


# -- helpers ---------------------------------------------------------------


@contextlib.contextmanager
def _cluster(spec: str | None):
    """A Dask client for --cluster (None without it), or a one-line error and exit status 2."""
    if spec is None:
        yield None
        return
    from counterpoint.cluster import ClusterError, connect

    try:
        with connect(spec) as client:
            yield client
    except ClusterError as exc:
        _fail(str(exc))


def _open_store(db: str, must_exist: bool = False):
    """The database, or a one-line error and exit status 2."""
    from counterpoint.store import Store, StoreError, is_server_url

    if must_exist and not is_server_url(db) and not Path(db).exists():
        _fail(f"{db}: no such database; create it with 'counterpoint ingest SOURCES --db {db}'")
    try:
        return Store(db, on_wait=lambda message: click.echo(message, err=True))
    except StoreError as exc:
        _fail(str(exc))


def _ingest_summary(report, db: str) -> None:
    from counterpoint.store import display_url

    click.echo(
        f"{report.added} added, {report.new_version} new versions, {report.unchanged} already stored,"
        f" {len(report.errors)} failed; {report.analysed} analysed  ->  {display_url(db)}", err=True,
    )
    for err in report.not_analysed:
        click.echo(f"  not analysed: {err}", err=True)


def _write_comparisons(comparisons, json_path, html_path, csv_dir, no_color: bool) -> None:
    from rich.console import Console

    from counterpoint.report.json_report import comparison_document
    from counterpoint.report.terminal import print_comparison

    document = comparison_document(comparisons)
    if json_path:
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if json_path == "-":
            click.echo(text)
        else:
            Path(json_path).write_text(text + "\n", encoding="utf-8")
    if html_path:
        from counterpoint.report.html import render_html

        Path(html_path).write_text(render_html(comparisons), encoding="utf-8")
    if csv_dir:
        from counterpoint.report.csv_export import write_csv

        write_csv(comparisons, Path(csv_dir))
    if json_path != "-":
        console = Console(no_color=no_color or None, highlight=False)
        if not comparisons:
            console.print("Nothing to compare.")
        for c in comparisons:
            print_comparison(c, console)
            console.print()
    for label, path in (("JSON", json_path), ("HTML report", html_path), ("CSV", csv_dir)):
        if path and path != "-":
            click.echo(f"{label} -> {path}", err=True)


def _check_writable(path: str, folder: bool = False) -> None:
    """Fail now, before any work, when an output cannot be written there."""
    target = Path(path)
    if target.exists():
        if folder != target.is_dir():
            _fail(f"{path}: {'not a folder' if folder else 'is a folder'}; give {'a folder' if folder else 'a file'}"
                  " to write to")
        if not os.access(target, os.W_OK):
            _fail(f"{path}: not writable (permission denied)")
        return
    parent = target.parent if str(target.parent) else Path(".")
    if not folder and not parent.is_dir():
        _fail(f"{path}: cannot write there: the folder {parent} does not exist")
    existing = next((p for p in [parent, *parent.parents] if p.exists()), Path("."))
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        _fail(f"{path}: cannot write there: {existing} is not a writable folder")


def _emit(record: dict) -> None:
    """One output line of a JSON-lines stage (valid UTF-8, one line, whatever the record holds)."""
    click.echo(dumps(record))


def _article_record(a: Article) -> dict:
    d = a.to_dict()
    d.pop("source_text")
    d.pop("id")  # the content hash; manifest ids belong to the caller
    return {"article_id": a.id, **d, "schema_version": SCHEMA_VERSION, "counterpoint_version": __version__}


def _collect_errors(items: Iterable[Document | InputError], errors: list[InputError]) -> Iterator[Document]:
    for item in items:
        if isinstance(item, InputError):
            errors.append(item)
        else:
            yield item


def _progress(items: Iterable[T], label: str, unit: str = "documents") -> Iterator[T]:
    """A progress bar on stderr when a person is watching (with the total when it is known); silent in pipes
    and CI."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    total = len(items) if isinstance(items, Sized) else None
    count = "{task.completed}" + (f" of {total}" if total is not None else "") + f" {unit}"
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn(count), TimeElapsedColumn(), transient=True) as progress:
        task = progress.add_task(label, total=total)
        for item in items:
            yield item
            progress.advance(task)


def _report_errors(errors: list[InputError]) -> None:
    if not errors:
        return
    click.echo(f"{len(errors)} document(s) failed:", err=True)
    for err in errors:
        click.echo(f"  {err}", err=True)
    sys.exit(1)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)
