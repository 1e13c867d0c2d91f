"""Articles on the terminal, with rich: readable at 80 columns, clean when piped."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from counterpoint.model import Article, Statement


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
