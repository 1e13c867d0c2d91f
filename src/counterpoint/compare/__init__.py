"""Comparing coverage across outlets: alignment, stance, findings.

`compare_story` takes the analysed articles of one story and returns a
`Comparison`: canonical speakers across articles, every statement with an id
unique in the story, claims (units aligned across articles, with how each
outlet carries them), findings, and per-outlet framing. It is a pure function
of its inputs; the sentence encoder is passed in (or loaded once, lazily).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace

from counterpoint.compare.align import Encoder, align
from counterpoint.compare.calibration import calibrate
from counterpoint.compare.findings import Context, find_findings
from counterpoint.compare.framing import StanceFn, framing_findings, outlet_framing, stance_findings
from counterpoint.compare.pairs import PairModel
from counterpoint.compare.salience import SalienceModel, salience, salience_model
from counterpoint.compare.speakers import (
    SpeakerModel,
    names_people,
    same_people,
    shown_role,
    speaker_model,
    speaker_scores,
    titles,
)
from counterpoint.compare.units import Unit, article_units, speaker_key
from counterpoint.model import (
    Article,
    CanonicalSpeaker,
    Claim,
    ComparedArticle,
    ComparedStatement,
    Comparison,
    Finding,
    Mention,
    OutletInfo,
    OutletStatus,
    Speaker,
    Statement,
    speaker_id,
)

# Alignment is quadratic in units; past this many a story is compared on each article's first units.
MAX_UNITS = 3000
_STATUS_RANK = {"denied": 3, "hedged": 2, "asserted": 1}
_TYPE_ORDER = {"disputed": 0, "contradicted": 1, "single_sourced": 2, "corroborated": 3, "omitted": 4, "framing": 5}


def compare_story(
    articles: Sequence[Article],
    story: str = "story-1",
    duplicates: Mapping[str, str] | None = None,
    notes: Mapping[str, Sequence[str]] | None = None,
    outlets: Mapping[str, OutletInfo] | None = None,
    encoder: Encoder | None = None,
    stance: StanceFn | None = None,
    pair_model: PairModel | None = None,
    speaker_filter: SpeakerModel | None = None,
    calibrated: bool = True,
    salience_ranker: SalienceModel | None = None,
) -> Comparison:
    """Compare one story's articles (each analysed) across their outlets.

    `duplicates` maps an article id to the article it copies (wire copies count once);
    `notes` holds per-article remarks such as a contradicted page date; `outlets`
    is what the user's outlets file says about each outlet; `stance` (e.g.
    `counterpoint.compare.stance.classify_stance`) adds how each article leans on a disputed claim.
    `pair_model`, `speaker_filter` and `salience_ranker` replace the shipped models (training compares
    held-out stories with models that never saw them).
    """
    duplicates = dict(duplicates or {})
    speaker_filter = speaker_filter or speaker_model()
    outlet_of = _outlet_names(articles)
    info = {k.lower(): v for k, v in (outlets or {}).items()}
    compared = [
        ComparedArticle(
            id=a.id, outlet=outlet_of[a.id], text=a.text, title=a.title, published=a.published, url=a.url,
            lang=a.lang, duplicate_of=duplicates.get(a.id), notes=list((notes or {}).get(a.id, [])),
            outlet_info=info.get(outlet_of[a.id].lower()),
        )
        for a in articles
    ]
    story_notes = []
    if len({a.outlet for a in compared}) < 2:
        story_notes.append("Only one outlet in this story: nothing to compare across outlets.")
    unanalysed = [a for a in articles if a.analysis is None]
    if unanalysed:
        story_notes.append(f"{len(unanalysed)} article(s) have no analysis (not English, or not analysed yet).")

    if encoder is None:
        from counterpoint.models.embeddings import sentence_encoder

        encoder = sentence_encoder()
    scores = {a.id: speaker_scores(a.analysis.speakers, a.analysis.entities, a.analysis.statements, speaker_filter,
                                   encoder)
              for a in articles if a.analysis is not None}
    articles = [_real_speakers_only(a, scores.get(a.id, {}), speaker_filter.keep_at) for a in articles]
    titled: dict[str, list[str]] = {}
    for a in articles:
        for surname, words in titles(a.text, a.analysis.entities if a.analysis else []).items():
            titled.setdefault(surname, []).extend(words)
    people = same_people([sp for a in articles if a.analysis is not None for sp in a.analysis.speakers], titled)
    articles = [_as_named(a, people) for a in articles]
    statements, statement_ids, speakers, speaker_ids = _statements_and_speakers(articles, outlet_of)
    listed = {speaker_id(people[key].key if key in people else key)
              for per in scores.values() for key, p in per.items() if p >= speaker_filter.threshold}
    every_speaker, speakers = speakers, [sp for sp in speakers if sp.id in listed]
    # A wire copy adds no independent report: its original stands for it in the alignment.
    originals = [a for a in articles if a.id not in duplicates]
    if len(originals) < len(articles):
        story_notes.append(f"{len(articles) - len(originals)} article(s) copy another article of the story (wire "
                           "copies or near-duplicates): listed, but compared through their original.")
    units = _units(originals, outlet_of, story_notes)
    if pair_model is None:
        from counterpoint.compare.pairs import pair_model as shipped_pair_model

        pair_model = shipped_pair_model()
    entities = {a.id: a.analysis.entities for a in originals if a.analysis is not None}
    lengths = {a.id: len(a.text) for a in originals}
    alignment = align(units, encoder, pair_model, entities, lengths)
    outlet_list = list(dict.fromkeys(a.outlet for a in compared))
    describe = {o: _describe(o, info.get(o.lower())) for o in outlet_list}
    independent = {a.id: a.duplicate_of is None for a in compared}
    by_id = {sp.id: sp for sp in every_speaker}
    labels = {key: _label(by_id[speaker_id(key)]) for key in _keys(articles)}
    copies = {outlet_of[d]: outlet_of[o] for d, o in duplicates.items() if d in outlet_of and o in outlet_of}
    ctx = Context(units, alignment, outlet_list, independent, statement_ids, speaker_ids, describe, labels,
                  _families(units, originals), copies, entities, _voices(units),
                  list(salience(units, entities, lengths,
                                alignment.content if alignment.content is not None else alignment.similarity,
                                alignment.meaning, salience_ranker or salience_model())))

    claims = _claims(ctx)
    framing = [
        outlet_framing(o, [a for a in articles if outlet_of[a.id] == o], speaker_ids) for o in outlet_list
    ]
    names = {s.id: s.name for s in every_speaker}  # an outlet's most quoted voice may be one not listed
    findings = find_findings(ctx) + framing_findings(ctx, framing, names)
    if stance is not None:
        disputed = [(f, _claim_words(f)) for f in findings if f.type == "disputed"]
        findings += stance_findings(disputed, {a.id: a.text for a in articles}, outlet_of, stance)
    findings = _number(findings, claims)
    if calibrated:  # confidence = the probability that the finding is right (training compares uncalibrated)
        findings = calibrate(findings, len(outlet_list), {a.id: len(a.text) for a in compared})
    _mark_disputed(claims, findings, statements)
    return Comparison(story=story, articles=compared, speakers=speakers, statements=statements, claims=claims,
                      findings=findings, framing=framing, notes=story_notes)


def _real_speakers_only(article: Article, scores: dict[str, float], keep_at: float) -> Article:
    """The article with the speakers that are not people, organisations or groups ("nothing", "the report")
    taken off its statements (their words stay as the statement's source): those the speaker model scores under
    `keep_at`, unless their name says what kind of speaker they are (`names_people`)."""
    analysis = article.analysis
    if analysis is None:
        return article
    real = {k for k, p in scores.items() if p >= keep_at} | {
        sp.key or sp.name for sp in analysis.speakers if names_people(sp)}
    if len(real) == len(analysis.speakers):
        return article
    statements = [s if s.speaker is None or (s.speaker.key or s.speaker.name) in real else replace(s, speaker=None)
                  for s in analysis.statements]
    speakers = [sp for sp in analysis.speakers if (sp.key or sp.name) in real]
    return replace(article, analysis=replace(analysis, statements=statements, speakers=speakers))


def _as_named(article: Article, people: Mapping[str, Speaker]) -> Article:
    """The article with each speaker that another article names more fully replaced by that person."""
    analysis = article.analysis
    if analysis is None or not any(sp.key in people for sp in analysis.speakers):
        return article

    def named(sp: Speaker) -> Speaker:
        if sp.key not in people:
            return sp
        person = people[sp.key]
        return replace(sp, name=person.name, key=person.key, role=sp.role or person.role)

    statements = [s if s.speaker is None else replace(s, speaker=named(s.speaker)) for s in analysis.statements]
    return replace(article, analysis=replace(analysis, statements=statements,
                                             speakers=[named(sp) for sp in analysis.speakers]))


def _outlet_names(articles: Sequence[Article]) -> dict[str, str]:
    """The outlet of each article; without one, the web site, the file name or the JSON-lines record stands in."""
    out = {}
    for n, a in enumerate(articles, 1):
        name = a.outlet
        if not name and a.url:
            m = re.match(r"https?://(?:www\.)?([^/:]+)", a.url)
            name = m.group(1) if m else None
        if not name and a.source:
            # one record of a JSON-lines file ("feed.jsonl#a17" -> "a17", "stdin:3"): the file is a
            # collection, not an outlet, so the record stands for itself
            record = re.search(r"#(.+)$|\.jsonl:\d+$|^stdin:\d+$", a.source)
            last = re.split(r"[\\/]", a.source)[-1]
            name = (record.group(1) or last) if record else (last.split(".")[0] or None)
        out[a.id] = name or f"article {n}"
    return out


def _describe(outlet: str, info: OutletInfo | None) -> str:
    if info is None:
        return outlet
    extra = ", ".join(x for x in (info.country, f"{info.ownership}-owned" if info.ownership else None) if x)
    return f"{outlet} ({extra})" if extra else outlet


def _statements_and_speakers(
    articles: Sequence[Article], outlet_of: dict[str, str]
) -> tuple[list[ComparedStatement], dict[int, str], list[CanonicalSpeaker], dict[int, str]]:
    """Statements with story-unique ids, and speakers merged across articles by their key."""
    prefixes = _prefixes([a.id for a in articles])
    statements: list[ComparedStatement] = []
    statement_ids: dict[int, str] = {}
    speaker_ids: dict[int, str] = {}
    groups: dict[str, list[tuple[str, Speaker, str]]] = {}  # key -> (outlet, speaker, statement id)
    for a in articles:
        for s in a.analysis.statements if a.analysis else []:
            sid = f"{prefixes[a.id]}:{s.id}"
            statement_ids[id(s)] = sid
            if s.speaker is not None:
                key = speaker_key(s.speaker)
                groups.setdefault(key, []).append((outlet_of[a.id], s.speaker, sid))
                speaker_ids[id(s)] = speaker_id(key)
            parent = f"{prefixes[a.id]}:{s.parent}" if s.parent else None
            speaker = s.speaker
            if speaker is not None and (role := shown_role(speaker.role)) != speaker.role:
                speaker = replace(speaker, role=role)  # not "Banksy (rumour that has been)"
            statements.append(ComparedStatement(a.id, replace(s, id=sid, parent=parent, speaker=speaker),
                                                speaker_ids.get(id(s))))
    speakers = []
    for key, members in groups.items():
        names = Counter(sp.name for _, sp, _ in members)
        roles = Counter(role for _, sp, _ in members if (role := shown_role(sp.role)))
        kinds = Counter(sp.kind for _, sp, _ in members)
        speakers.append(CanonicalSpeaker(
            id=speaker_id(key), name=max(names, key=lambda n: (names[n], len(n))),
            role=roles.most_common(1)[0][0] if roles else None, kind=kinds.most_common(1)[0][0],
            outlets=dict(Counter(o for o, _, _ in members)), statements=[sid for _, _, sid in members],
        ))
    speakers.sort(key=lambda s: (-len(s.statements), s.name))
    return statements, statement_ids, speakers, speaker_ids


def _keys(articles: Sequence[Article]) -> set[str]:
    return {speaker_key(s.speaker) for a in articles
            for s in (a.analysis.statements if a.analysis else []) if s.speaker is not None}


def _label(sp: CanonicalSpeaker) -> str:
    return f"{sp.name} ({sp.role})" if sp.role and sp.role.lower() not in sp.name.lower() else sp.name


def _families(units: Sequence[Unit], articles: Sequence[Article]) -> dict[int, set[int]]:
    """For each statement unit, the units of the statements it is nested in and of those nested in it."""
    unit_of = {id(u.statement): i for i, u in enumerate(units) if u.statement is not None}
    by_id = {(a.id, s.id): s for a in articles for s in (a.analysis.statements if a.analysis else [])}
    family: dict[int, set[int]] = {}
    for i, u in enumerate(units):
        s = u.statement
        seen: set[str] = set()
        while s is not None and s.parent and s.parent not in seen:
            seen.add(s.parent)
            s = by_id.get((u.article, s.parent))
            if s is not None and id(s) in unit_of:
                j = unit_of[id(s)]
                family.setdefault(i, set()).add(j)
                family.setdefault(j, set()).add(i)
    return family


def _voices(units: Sequence[Unit]) -> dict[int, list[Speaker]]:
    """For each sentence unit, the speakers of the statements inside it ("LaRue believes that ...")."""
    by_article: dict[str, list[tuple[int, Speaker]]] = {}
    for u in units:
        if u.statement is not None and u.statement.speaker is not None:
            by_article.setdefault(u.article, []).append((u.order, u.statement.speaker))
    out: dict[int, list[Speaker]] = {}
    for i, u in enumerate(units):
        if u.statement is None and u.sentence is not None:
            inside = [sp for at, sp in by_article.get(u.article, ()) if u.sentence.start <= at < u.sentence.end]
            if inside:
                out[i] = inside
    return out


def _prefixes(ids: Sequence[str]) -> dict[str, str]:
    """The shortest id prefixes (8 characters or more) that tell the articles apart."""
    n = 8
    while len({i[:n] for i in ids}) < len(set(ids)):
        n += 4
    return {i: i[:n] for i in ids}


def _units(articles: Sequence[Article], outlet_of: dict[str, str], notes: list[str]) -> list[Unit]:
    per_article = [article_units(a, outlet_of[a.id]) for a in articles]
    total = sum(len(u) for u in per_article)
    if total > MAX_UNITS:
        keep = max(3, MAX_UNITS // max(1, len(per_article)))
        per_article = [u[:keep] for u in per_article]
        notes.append(f"Large story ({len(articles)} articles): compared on the first {keep} statements and "
                     "sentences of each article.")
    return [u for units in per_article for u in units]


def _claims(ctx: Context) -> list[Claim]:
    claims = []
    for n, g in enumerate(ctx.alignment.groups, 1):
        mentions = []
        for i in g:
            u = ctx.units[i]
            s = u.statement
            mentions.append(Mention(
                article=u.article, outlet=u.outlet, status=u.status, text=u.shown, evidence=u.evidence,
                statement=ctx.statement_ids.get(id(s)) if s is not None else None,
                speaker_id=ctx.speaker_ids.get(id(s)) if s is not None else None, via=u.via,
                denied_by=_denier_id(u.denial_of),
            ))
        status: dict[str, OutletStatus] = {o: "absent" for o in ctx.outlets}
        for m in mentions:
            if status[m.outlet] == "absent" or _STATUS_RANK[m.status] > _STATUS_RANK[status[m.outlet]]:
                status[m.outlet] = m.status
        for copier, original in ctx.copies.items():  # an outlet that ran a copy carries what the original does
            if status.get(copier) == "absent" and status.get(original, "absent") != "absent":
                status[copier] = status[original]
        # the claim's wording: the mention most like the others, a full statement over a fragment
        sim = ctx.alignment.similarity
        order = [k for k, i in enumerate(g) if ctx.units[i].status != "denied"] or list(range(len(g)))
        best = max(order, key=lambda k: (round(float(sim[g[k], g].mean()), 2) if len(g) > 1 else 0.0,
                                         min(len(mentions[k].text.split()), 25)))
        claims.append(Claim(id=f"c{n}", text=mentions[best].text, mentions=mentions, outlets=status))
    return claims


def _mark_disputed(claims: list[Claim], findings: list[Finding], statements: list[ComparedStatement]) -> None:
    """In the claim matrix, an outlet that reports the denial of a disputed claim shows it as denied."""
    by_id = {cs.id: cs for cs in statements}
    claims_by_id = {c.id: c for c in claims}
    outlet_of = {m.article: m.outlet for c in claims for m in c.mentions}
    for f in findings:
        if f.type != "disputed":
            continue
        denying = {outlet_of.get(by_id[s].article) for s in f.statements if s in by_id and by_id[s].statement.denial}
        for cid in f.claims:
            claim = claims_by_id.get(cid)
            for outlet in denying:
                if claim is not None and outlet in claim.outlets and claim.outlets[outlet] != "absent":
                    claim.outlets[outlet] = "denied"


def _claim_words(f: Finding) -> str:
    """The disputed claim as a headline-like sentence for the stance model: "Donald Trump told: ..." -> its words."""
    text = f.summary.split(" — on the authority of")[0].split("; reported by")[0]
    return text.replace(": ", " ", 1)


def _denier_id(s: Statement | None) -> str | None:
    return speaker_id(speaker_key(s.speaker)) if s is not None and s.speaker is not None else None


def _number(findings: list[Finding], claims: list[Claim]) -> list[Finding]:
    """Stable order (by type; omissions as ranked, the others by reach, then confidence) and ids; each finding
    names its claims."""
    claim_of_statement = {m.statement: c.id for c in claims for m in c.mentions if m.statement}
    claim_of_span = {(m.article, e.span.start): c.id for c in claims for m in c.mentions for e in m.evidence}
    # omissions keep the order they come in (how much they matter); the others: most widely carried first
    ordered = sorted(findings, key=lambda f: (_TYPE_ORDER[f.type], 0 if f.type == "omitted" else -len(f.outlets),
                                              0.0 if f.type == "omitted" else -f.confidence))
    out = []
    counts: Counter[str] = Counter()
    for f in ordered:
        counts[f.type] += 1
        ids = [claim_of_statement[s] for s in f.statements if s in claim_of_statement]
        spans = [(e.article, e.span.start) for e in f.evidence]
        ids += [claim_of_span[k] for k in spans if k in claim_of_span]
        out.append(replace(f, id=f"{f.type}-{counts[f.type]}", claims=list(dict.fromkeys(ids))))
    return out


__all__ = ["compare_story"]
