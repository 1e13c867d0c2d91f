"""Articles on the terminal, with rich: readable at 80 columns, clean when piped."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from counterpoint.model import Article, Comparison, Evidence, Finding, Statement, confidence_words


def print_articles(articles: list[Article], console: Console | None = None) -> None:
    console = console or Console()
    if not articles:
        console.print("No articles stored yet. Add some with: counterpoint ingest SOURCES")
        return
    table = Table(title=f"{len(articles)} articles", title_justify="left", expand=False)
    table.add_column("id", no_wrap=True)
    table.add_column("outlet")
    table.add_column("published", no_wrap=True)
    table.add_column("title", ratio=1)
    table.add_column("words", justify="right")
    for a in articles:
        table.add_row(a.id[:10], escape(a.outlet or "?"), (a.published or "")[:10], escape(a.title or _lead(a.text)),
                      str(len(a.text.split())))
    console.print(table)


def print_article(a: Article, console: Console | None = None) -> None:
    console = console or Console()
    console.rule(escape(a.title or f"{a.outlet or 'untitled'}: {_lead(a.text)}"))
    facts = [
        ("outlet", a.outlet), ("authors", ", ".join(a.authors) or None), ("published", a.published),
        ("language", a.lang), ("url", a.url), ("source", a.source), ("id", a.id),
    ]
    for label, value in facts:
        if value:
            console.print(f"[bold]{label:>10}[/bold]  {escape(value)}")
    console.print()
    for paragraph in a.text.split("\n"):
        if paragraph.strip():
            console.print(escape(paragraph.strip()))
            console.print()
    if a.analysis is not None:
        print_statements(a, console)
    if a.removed:
        console.rule(f"page furniture removed ({len(a.removed)} blocks)", style="dim")
        for r in a.removed:
            snippet = r.span.text.strip().replace("\n", " / ")
            snippet = snippet if len(snippet) <= 100 else snippet[:97] + "..."
            console.print(f"[dim]- {escape(r.reason)}: {escape(snippet)}[/dim]")


def print_statements(a: Article, console: Console) -> None:
    """Who said what in the article: one entry per statement, nested ones indented under their parent."""
    statements = a.analysis.statements if a.analysis else []
    console.rule(f"statements ({len(statements)})", style="dim")
    if not statements:
        console.print("[dim]No reported speech found.[/dim]")
        return
    for st, depth in _tree_order(statements):
        indent = "    " * depth
        who = st.speaker.name if st.speaker else "(no source)"
        if st.speaker and st.speaker.role:
            who += f", {st.speaker.role}"
        flags = [f for f, on in (("hedged", st.hedged), ("denial", st.denial), ("confirms", st.confirmation),
                                 ("loaded cue", st.cue_connotation == "loaded")) if on]
        cue = " … ".join(c.text for c in st.cue)
        head = f"{indent}[bold]{escape(who)}[/bold] [dim]{escape(cue)}[/dim] ({st.kind})"
        if st.addressee:
            head += f" [dim]to[/dim] {escape(st.addressee.text)}"
        if flags:
            head += "  [yellow]" + escape(", ".join(flags)) + "[/yellow]"
        console.print(head)
        if st.via:
            console.print(f"{indent}  [dim]via {escape(' > '.join(v.name for v in st.via))}[/dim]")
        content = st.content_text.replace("\n", " ")
        content = content if len(content) <= 300 else content[:297] + "..."
        console.print(f"{indent}  {escape(content)}")


def _tree_order(statements: list[Statement]) -> list[tuple[Statement, int]]:
    """Statements in reading order, each nested one right under its parent, with its depth."""
    children: dict[str | None, list[Statement]] = {}
    known = {st.id for st in statements}
    for st in statements:
        children.setdefault(st.parent if st.parent in known else None, []).append(st)
    out: list[tuple[Statement, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for st in sorted(children.get(parent, []), key=lambda s: s.content[0].start if s.content else 0):
            if any(st is seen for seen, _ in out):
                continue
            out.append((st, depth))
            walk(st.id, depth + 1)

    walk(None, 0)
    return out


def _lead(text: str, width: int = 60) -> str:
    """The opening words of an untitled article (plain text has no title), to tell it apart."""
    words = " ".join(text.split())
    return words if len(words) <= width else words[: width - 1].rsplit(" ", 1)[0] + "…"


# -- comparisons ------------------------------------------------------------------------------

_FINDING_TITLES = {
    "disputed": "Disputed", "contradicted": "Contradicted details", "single_sourced": "Single-sourced",
    "corroborated": "Corroborated", "omitted": "Left out by some outlets", "framing": "Framing",
}
_STATUS_MARK = {"asserted": "✔ asserted", "hedged": "~ hedged", "denied": "✘ denied", "absent": "· absent"}


def print_comparison(c: Comparison, console: Console | None = None, max_per_type: int = 8) -> None:
    """A story at a glance: outlets, findings by type (disputed first) with short evidence, who is quoted."""
    console = console or Console()
    title = next((a.title for a in c.articles if a.title), None) or _lead(c.articles[0].text if c.articles else "")
    console.rule(f"[bold]{escape(title)}[/bold]")
    console.print(f"[dim]story {escape(c.story)} · {len(c.articles)} articles · {len(c.claims)} claims · "
                  f"{len(c.statements)} statements[/dim]")
    for a in c.articles:
        extra = []
        if a.published:
            extra.append(a.published[:10])
        if a.outlet_info and (a.outlet_info.country or a.outlet_info.ownership):
            extra.append(", ".join(x for x in (a.outlet_info.country, a.outlet_info.ownership) if x))
        if a.duplicate_of:
            extra.append(f"copy of {a.duplicate_of[:10]}")
        line = f"  [bold]{escape(a.outlet)}[/bold] — {escape(a.title or _lead(a.text))}"
        console.print(line + (f" [dim]({escape('; '.join(extra))})[/dim]" if extra else ""))
        for note in a.notes:
            console.print(f"    [yellow]note:[/yellow] {escape(note)}")
    for note in c.notes:
        console.print(f"  [yellow]note:[/yellow] {escape(note)}")
    texts = {a.id: a for a in c.articles}
    outlet_of = {a.id: a.outlet for a in c.articles}
    for kind, label in _FINDING_TITLES.items():
        found = [f for f in c.findings if f.type == kind]
        if not found:
            continue
        console.print()
        console.rule(f"{label} ({len(found)})", style="bold" if kind == "disputed" else "dim", align="left")
        for f in found[:max_per_type]:
            console.print(f"[bold]{escape(f.id)}[/bold] {escape(f.summary)} [dim](confidence {f.confidence:.2f}:"
                          f" {confidence_words(f.confidence)})[/dim]")
            if kind == "disputed":
                _print_dispute(c, f, outlet_of, console)
            elif kind in {"contradicted", "corroborated"}:
                for e in _quotes(f.evidence, texts):
                    outlet = escape(outlet_of.get(e.article, "?"))
                    console.print(f"    [dim]{outlet}:[/dim] “{escape(_clip(e.span.text))}”")
        if len(found) > max_per_type:
            console.print(f"[dim]… and {len(found) - max_per_type} more (see --json or --html)[/dim]")
    if c.speakers:
        console.print()
        table = Table(title="Who is quoted, by outlet", title_justify="left", expand=False)
        table.add_column("speaker", ratio=1)
        for o in c.outlets:
            table.add_column(escape(o), justify="right")
        for sp in c.speakers[:12]:
            name = sp.name + (f", {sp.role}" if sp.role and sp.role.lower() not in sp.name.lower() else "")
            table.add_row(escape(name), *(str(sp.outlets.get(o, 0) or "·") for o in c.outlets))
        console.print(table)
    if len(c.outlets) > 1 and c.claims:
        shared = [cl for cl in c.claims if sum(s != "absent" for s in cl.outlets.values()) > 1]
        if shared:
            console.print()
            table = Table(title="Claims more than one outlet carries", title_justify="left", expand=False)
            table.add_column("claim", ratio=1)
            for o in c.outlets:
                table.add_column(escape(o))
            for cl in shared[:10]:
                marks = (_STATUS_MARK[cl.outlets.get(o, "absent")] for o in c.outlets)
                table.add_row(escape(_clip(cl.text, 70)), *marks)
            console.print(table)


_QUOTE_MARKS = "\"'“”‘’ ,"


def _print_dispute(c: Comparison, f: Finding, outlet_of: dict[str, str], console: Console) -> None:
    """Per article: how it words the claim, and the denial it reports."""
    by_id = {cs.id: cs for cs in c.statements}
    own_words = {e.article: e.span.text for e in _quotes(f.evidence, {a.id: a.text for a in c.articles})}
    for a in c.articles:
        mine = [by_id[s] for s in f.statements if s in by_id and by_id[s].article == a.id]
        # A quotation shows best what was said; otherwise the fullest report of it.
        claim = max((cs.statement for cs in mine if not cs.statement.denial),
                    key=lambda st: (st.kind == "direct", len(st.content_text)), default=None)
        denial = max((cs.statement for cs in mine if cs.statement.denial),
                     key=lambda st: len(st.content_text), default=None)
        outlet = escape(outlet_of.get(a.id, "?"))
        if claim is None and denial is None:
            # an outlet's own words (a debunk in its own voice): the longest passage the finding points at
            if said := own_words.get(a.id):
                console.print(f"    [dim]{outlet} says:[/dim] “{escape(_clip(said.strip(_QUOTE_MARKS), 120))}”")
            continue
        if claim is not None:
            cue = " ".join(x.text for x in claim.cue)
            quote = escape(_clip(claim.content_text.strip(_QUOTE_MARKS)))
            console.print(f"    [dim]{outlet} reports:[/dim] “{quote}” [dim]({escape(cue)})[/dim]")
        if denial is not None:
            who = denial.speaker.name if denial.speaker else "?"
            cue = " ".join(x.text for x in denial.cue)
            console.print(f"    [dim]{outlet} reports the denial:[/dim] {escape(who)} {escape(cue)} "
                          f"“{escape(_clip(denial.content_text.strip(_QUOTE_MARKS), 120))}”")


def _quotes(evidence: list[Evidence], texts: dict) -> list[Evidence]:
    """One content (or sentence) span per article, the longest: a short quote a reader can check."""
    best: dict[str, Evidence] = {}
    for e in evidence:
        if e.role not in {"content", "sentence"} or e.article not in texts:
            continue
        if e.article not in best or len(e.span.text) > len(best[e.article].span.text):
            best[e.article] = e
    return list(best.values())


def _clip(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
