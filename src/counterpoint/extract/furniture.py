"""Page furniture inside an article body: found block by block, removed whole.

Extractors and scrapers leave the page's furniture in the text: "READ MORE"
links, share widgets, time stamps, related headlines, tag lists, newsletter
and donation appeals, comment-section stubs. Left in, every later stage
mistakes them for the article: a related headline becomes a claim, a tag
list a list of sources, a donation appeal the outlet's own voice.

The cleaner works on lines (a line is a block: a paragraph of an extracted
body or a line of scraped text) and only ever removes whole lines, so a
real sentence is never cut. A line goes when it *is* furniture on its own
(a widget label, a time stamp, a "READ MORE:" link, a sentence that only
asks the reader to subscribe), or when its neighbours say so: the links
under a "Related" label, the run of title-case lines and the tag list at
the end of the text, the paragraphs of an appeal after its opening. Each
removal keeps its span in the input and a short reason, so a user can see
what went and why. Anything unsure stays: a missed widget costs a few
words, a dropped sentence loses what an outlet said.

The rules that judge a line by its neighbours are the ones that can run
away: one label or one opening line decides for the lines after it. On a
layout they were not written for (a live blog's dozens of short entries,
an interview's one-line answers) such a run could take most of the text.
So they may never remove more than half of what the line-by-line rules
leave, once that is more than any block of furniture found so far (a
related list of a dozen links, an appeal of a few paragraphs: about 1,000
characters); past that, only the line-by-line removals stand. A short
brief under a long related list still loses the list. On the shared
benchmark the neighbour rules remove at most 13% of a page's text and 250
characters, on the example story 38% and 1,027 characters (the appeal),
so the bound only ever stops a run gone wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from counterpoint.extract.metadata import space_letters_digits
from counterpoint.model import Removal, Span

__all__ = ["clean_text"]


@dataclass(slots=True)
class _Line:
    start: int  # offsets of the stripped line in the input
    end: int
    text: str
    reason: str | None = None
    own: str | None = None  # the reason found in the line alone, without its neighbours


def clean_text(text: str) -> tuple[str, list[Removal]]:
    """The text without furniture blocks, and what was removed (spans of `text`).

    The cleaned text is the input with each removed line cut out together
    with the blank space it stood in, so every kept line is a verbatim slice
    of the input and the spacing between kept paragraphs is the input's.
    """
    lines = _lines(text)
    if not lines:
        return text, []
    _classify(lines)
    if _runaway(lines):
        for line in lines:
            line.reason = line.own
    removed = [line for line in lines if line.reason]
    if not removed:
        return text, []
    return _cut(text, lines), [Removal(Span.of(text, ln.start, ln.end), ln.reason or "") for ln in removed]


MAX_NEIGHBOUR_SHARE = 0.5  # of the text the line-by-line rules keep, what the neighbour rules may remove
MAX_NEIGHBOUR_CHARS = 1500  # ... once they remove more than this (no furniture block seen is longer than ~1,000)


def _runaway(lines: list[_Line]) -> bool:
    """Whether the neighbour rules remove most of the text the line-by-line rules keep, and a lot of it."""
    left = sum(len(line.text) for line in lines if not line.own)
    taken = sum(len(line.text) for line in lines if line.reason and not line.own)
    return taken > MAX_NEIGHBOUR_CHARS and taken > MAX_NEIGHBOUR_SHARE * left


# -- splitting and cutting ---------------------------------------------------------

_LINE = re.compile(r"[^\n]+")


def _lines(text: str) -> list[_Line]:
    out = []
    for m in _LINE.finditer(text):
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            start = m.start() + len(raw) - len(raw.lstrip())
            out.append(_Line(start, start + len(stripped), stripped))
    return out


def _cut(text: str, lines: list[_Line]) -> str:
    """Cut each run of removed lines from the start of its first line to the start of the next kept one.

    A run that ends the text also takes the line breaks before it, so the
    text does not end in blank lines that were not there before.
    """
    pieces: list[str] = []
    pos = 0
    i = 0
    while i < len(lines):
        if not lines[i].reason:
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].reason:
            j += 1
        cut_from = text.rfind("\n", 0, lines[i].start) + 1
        if j < len(lines):
            cut_to = text.rfind("\n", 0, lines[j].start) + 1
        else:
            cut_to = len(text) - 1 if text.endswith("\n") else len(text)
            if i > 0:
                cut_from = len(text[:cut_from].rstrip("\n"))
        pieces.append(text[pos:cut_from])
        pos = cut_to
        i = j
    pieces.append(text[pos:])
    return "".join(pieces)


# -- what a line is, on its own ------------------------------------------------------


def _wordset(*chunks: str) -> frozenset[str]:
    return frozenset(" ".join(chunks).split())


# Lines made only of widget and comment-section labels, glued together or separated by
# punctuation as scrapers leave them ("Community standardsDiscussion", "Share | Tweet | Email").
_WIDGET_PHRASES = (
    r"share(?: this(?: article| story| page| post)?)?(?: on (?:facebook|twitter|whatsapp|linkedin|reddit|email))?"
    r"|share submit|sharing is caring|tweet(?: this)?|pin(?: it)?|e-?mail(?: this)?|print(?: this)?(?: article)?"
    r"|copy(?: the)? link|link copied|get short url|short url|listen live|listen to this(?: article| story)?"
    r"|listen|watch live|watch|play video|video|audio|click to (?:share|tweet|print|email)|save(?: for later)?|like"
    r"|follow us|subscribe(?: now)?|sign up|log ?in|register|facebook|twitter|whatsapp|linkedin|reddit|pinterest"
    r"|instagram|telegram|messenger|flipboard|close|advertisement|advert|sponsored|story continues below"
    r"(?: this)? advertisement|text size|a\s?a|font size|reprints?|order reprints|print article|back to top"
    r"|skip to (?:main )?content|learn more|read more|read less|show more|see more|continue reading|loading"
    r"|like loading|more|next|previous|prev|back to gallery|view gallery|open gallery|gallery|enlarge|expand"
)
_COMMENT_PHRASES = (
    r"community standards|discussion|comments?|post (?:a )?comment(?: \(\+\))?|leave a comment"
    r"|add (?:a )?comment|show comments|view comments|hide comments|join the (?:discussion|conversation)"
    r"|tell us what you think(?:\.\.\.|…)?|comment on this (?:story|article)|reply"
)
_SEP = r"[\s|•·,:;/\-–—!?.…()\[\]+]*"
_WIDGET_LINE = re.compile(rf"(?:{_SEP}(?:\d+\s*)?(?:{_WIDGET_PHRASES}|{_COMMENT_PHRASES}))+{_SEP}", re.I)
_COMMENT_WORD = re.compile(_COMMENT_PHRASES, re.I)
_NOT_COMMENTS = re.compile(r"\b(?:share|tweet|listen|subscribe)\b", re.I)

# "READ MORE: <headline>", "See also: ...", "[Related: ...]", "Also on example.com <headline>"
_READ_MORE = re.compile(
    r"^[\[(]?\s*(?:read more|read also|also read|read next|see also|see more|more on this|more|related"
    r"|related (?:post|story|article|content|coverage|link|reading)s?|recommended|must read|don'?t miss|watch|also"
    r"|leggi anche(?: su)?|lees ook|lesen sie auch|lire aussi|voir aussi|à lire aussi|leia também|veja também"
    r"|lea también|ver también|lee también|читайте также|смотрите также)"
    r"\s*[:|»>–—-]\s*\S"
    r"|^also on \w[\w-]*\.\w{2,}\b"
    r"|^more [\w' ]{1,40}:\s*https?://\S+(?:\s+(?:and|&)\s+https?://\S+)*$",
    re.I,
)
# A label standing alone above a list of links to other stories.
_RELATED_MARKER = re.compile(
    r"^(?:related(?: (?:stories|articles|posts|content|coverage|links|news|reading|topics|videos?))?|read more"
    r"|more(?: (?:stories|news|headlines))?(?: from [\w .'-]{1,40})?|more on this(?: story)?|see also|also|also read"
    r"|recommended(?: for you| stories| reading)?|you (?:may|might) also (?:like|be interested in)|don'?t miss"
    r"|must read|(?:most|more) (?:read|popular|viewed|shared)(?: [\w ]{1,30})?|trending(?: now| stories)?"
    r"|top stories|latest(?: news| stories)?|editor'?s picks|what to read next|read next|popular on [\w .'-]{1,40}"
    r"|more great [\w .'-]{1,30} stories|further reading)\s*[:.…]*$",
    re.I,
)
_TAG_PREFIX = re.compile(r"^(?:tags?|topics?|filed under|keywords?|categories|category)\s*:\s*\S", re.I)
_TAG_MARKER = re.compile(r"^(?:tags?|topics?|keywords?|categories|filed under)\s*:?$", re.I)

# Time stamps: only date and time words, and a date among them, not only a time.
_MONTHS = _wordset(
    "january february march april may june july august september october november december",
    "jan feb mar apr jun jul aug sep sept oct nov dec",
    "januar februar märz mai juni juli oktober dezember janvier février mars avril juin juillet août septembre",
    "octobre novembre décembre enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre",
    "diciembre janeiro fevereiro março maio junho julho setembro outubro novembro dezembro gennaio febbraio",
    "aprile maggio giugno luglio settembre ottobre dicembre",
)
_DATE_WORDS = _MONTHS | _wordset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun",
    "montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi",
    "dimanche lunes martes miércoles jueves viernes sábado domingo segunda terça quarta quinta sexta feira",
    "lunedì martedì mercoledì giovedì venerdì sabato domenica",
    "am pm a m p h hrs st nd rd th published updated posted last modified first created date time on at",
    "ago hour hours minute minutes mins min day days today yesterday",
    "de às las le um alle ore du del el den der and et",
)
_STAMP_LABELS = _wordset("published updated posted modified last")
_DATE_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_ZONE = re.compile(r"^[A-Z]{1,4}T$|^UTC$|^Z$")
# "Published:", or a label in another script ("기사입력 :[ 2018-08-25 15:24 ]")
_STAMP_LABEL = re.compile(r"^[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+)?\s*:\s*[\[(]?\s*(?=\d)")
_STAMP_BYLINE = re.compile(r"\s+by\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}$")

# Sentences that only ask the reader to do something: subscribe, donate, join, follow.
_APPEAL_SENTENCE = re.compile(
    r"^(?:subscribe|sign up|signup|join|support|donate|become a (?:member|subscriber|supporter|patron)"
    r"|get (?:the|our) [\w'’ ]*(?:newsletter|headlines|updates|stories|news)|click here to (?:subscribe|sign up)"
    r"|want more [\w ]{1,30}\?|like this story\?|enjoyed this article\?"
    r"|if you (?:enjoyed|liked|value|like|appreciate) (?:this|our|reading)"
    r"|there'?s plenty more where that came from|thanks for (?:signing up|subscribing|reading)"
    r"|thank you for (?:signing up|subscribing|your support)"
    r"|(?:click here to )?(?:get|download) (?:the|our) [\w ]{0,30}\bapp\b|[\w ]{3,40} by clicking here$)(?!\w)",
    re.I,
)
# First words that only ever ask; others may be nouns ("Support for the bill grew") and need the appeal's context.
_PLAIN_ASKS = _wordset("subscribe sign signup donate become")
# What an appeal talks about, besides its first verb.
_APPEAL_CONTEXT = re.compile(
    r"newsletter|inbox|subscri|member|donat|contribut|paywall|journalism|for free|\bfree\b|today|\bnow\b"
    r"|\byou(?:r)?\b|\bour\b|\bus\b|friend|deals?\b|\bapp\b|podcast|premium|click(?:ing)? here",
    re.I,
)
_SOCIAL_SENTENCE = re.compile(
    r"^(?:follow|connect with|reach|email|contact|write to) [^.!?]{0,120}"
    r"(?:\bon (?:twitter|facebook|instagram|youtube|linkedin|tiktok|threads|bluesky|mastodon)|@\w|\bat \S+@\S+"
    r"|twitter\.com/|\bat https?://)"
    r"|^have a (?:news )?tip\?|^got a (?:news )?tip\?|^[\w .'-]{3,60} (?:may|can) be reached at\b",
    re.I,
)
# A sentence that reports speech is the article's, whatever its first word ("Donate blood, the Red Cross urged.").
_REPORTED = re.compile(
    r"\b(?:said|says|told|tells|urged|urges|added|adds|wrote|writes|asked|asks|according to|announced|claimed)\b",
    re.I,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=\S)")

# Openings of a multi-paragraph donation or membership appeal; the appeal runs on from here.
_APPEAL_OPENER = re.compile(
    r"^(?:a message from [^.!?]{2,60}:?|dear (?:readers?|friends?|subscribers?|visitors?)[,:!]?"
    r"|(?:please )?support (?:independent|our|quality) journalism[.!]?|we need your (?:help|support)[.!]?)$",
    re.I,
)
_APPEAL_WORDS = re.compile(
    r"support|donat|contribut|subscri|member|journalis|reader|remind me|thank you|help|independent|paywall"
    r"|\bwe\b|\bour\b|\bus\b",
    re.I,
)

_CAPTION = re.compile(
    r"^(?:\(?(?:photo|image|picture|video|illustration|photograph|media caption|caption|credit)s?"
    r"(?: credit| copyright| courtesy)?\s*(?::|by\b|©)|image \d+ of \d+$|\d+ (?:of|/) \d+$|\d+of/\d+$"
    r"|media playback is unsupported|this slideshow requires javascript)",
    re.I,
)
_CREDIT_END = re.compile(r"(?:getty images|shutterstock|\bafp\b|\bap photo\b|\breuters\b|\bepa\b|alamy)\)?$", re.I)
_BYLINE = re.compile(r"^(?:by|By|BY)\s+[A-Z][\w.'-]*,?(?:\s+(?:[A-Z][\w.'-]*,?|and|&|de|van|von|da|di|le|la))*$")
_READING_TIME = re.compile(r"^(?:\d+\s*(?:min(?:ute)?s?\.?|mins?)\s+read|reading time\s*:?\s*\d+\s*min\w*)$", re.I)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4}))|\ball rights reserved\b", re.I)

_SMALL_WORDS = _wordset("a an the and or but nor for to of in on at by with from as vs vs. via into onto over per than")
_BULLETS = ("- ", "• ", "* ")


def _line_reason(s: str) -> str | None:
    """Why this line is furniture whatever surrounds it, or None."""
    n = len(s)
    if n <= 120 and _WIDGET_LINE.fullmatch(s):
        return "comments" if _COMMENT_WORD.search(s) and not _NOT_COMMENTS.search(s) else "widget"
    if n <= 250 and _READ_MORE.match(s):
        return "read_more"
    if n <= 400 and _TAG_PREFIX.match(s):
        return "tags"
    if n <= 100 and _is_dateline(s):
        return "dateline"
    if n <= 150 and (_CAPTION.match(s) or (n <= 80 and _CREDIT_END.search(s) and s[-1] not in ".!?")):
        return "caption"
    if n <= 80 and (_BYLINE.match(s) or _READING_TIME.match(s)):
        return "byline"
    if n <= 200 and _COPYRIGHT.search(s) and not _REPORTED.search(s):
        return "copyright"
    if n <= 500:
        return _call_to_action(s)
    return None


def _is_dateline(s: str) -> bool:
    """Only date and time words, naming a date ('20:32 GMT04 August 2020', 'Updated 1:39 am EST, Nov. 20, 2019').

    A stamp may carry a short label ('Published:', a label in another
    script) and end with 'by' and the author's name.
    """
    s = _STAMP_BYLINE.sub("", _STAMP_LABEL.sub("", s, count=1), count=1)
    tokens = _DATE_TOKEN.findall(space_letters_digits(s))
    if len(tokens) < 2:
        return False
    has_date = bool(_NUMERIC_DATE.search(s))
    for tok in tokens:
        if tok.isdigit() or _ZONE.match(tok):
            continue
        low = tok.lower()
        if low not in _DATE_WORDS:
            return False
        has_date = has_date or low in _MONTHS
    return has_date or (tokens[0].lower() in _STAMP_LABELS and any(t.isdigit() for t in tokens))


def _call_to_action(s: str) -> str | None:
    """'appeal' or 'contact' when the line only asks the reader to subscribe, donate, follow, write in.

    Its first sentence must be the ask, every later one an ask too or the
    pitch that goes with it ("Members get all of our content."), and none
    may report speech: "Donate blood, the Red Cross urged." is news.
    """
    if _REPORTED.search(s):
        return None
    sentences = _SENTENCE_SPLIT.split(s)
    ask = _APPEAL_SENTENCE.match(sentences[0])
    first_word = s.split(None, 1)[0].lower()
    if ask and (first_word in _PLAIN_ASKS or _APPEAL_CONTEXT.search(s, len(first_word))):
        kind = "appeal"
    elif _SOCIAL_SENTENCE.match(sentences[0]):
        kind = "contact"
    else:
        return None
    for sentence in sentences[1:]:
        if _APPEAL_SENTENCE.match(sentence):
            kind = "appeal"
        elif not (_SOCIAL_SENTENCE.match(sentence) or _APPEAL_CONTEXT.search(sentence) or len(sentence.split()) <= 3):
            return None
    return kind


# -- what a line is, given its neighbours -------------------------------------------


def _words(s: str) -> list[str]:
    return [w for w in s.split() if any(c.isalpha() for c in w)]


def _unbullet(s: str) -> str:
    return s[2:] if s[:2] in _BULLETS else s


def _headline(s: str) -> tuple[bool, bool]:
    """(shaped like a headline, in title case): a link to a story is a short line without final punctuation."""
    body = _unbullet(s)
    tail = body.rstrip("\"'”’)]")
    if len(body) > 150 or not tail or tail[-1] in ".!?;,:…":
        return False, False
    words = _words(body)
    if not 4 <= len(words) <= 22:
        return False, False
    content = [w for w in words if w.lower().strip("'‘’\"“”([") not in _SMALL_WORDS]
    if not content:
        return True, False
    capital = sum(1 for w in content if w.lstrip("'‘’\"“”([#")[:1].isupper() or w[:1].isdigit())
    return True, capital >= 0.8 * len(content)


def _is_link_text(s: str) -> bool:
    """A link under a 'Related' label: short, no final full stop, in any case."""
    body = _unbullet(s)
    return 2 <= len(_words(body)) <= 25 and len(body) <= 160 and body[-1] not in ".!?;,"


def _is_tag_list(s: str) -> bool:
    """Comma-separated short noun phrases and nothing else ('defense capability, arms race, Russia')."""
    if s[-1] in ".!?:;,…" or len(s) > 400:
        return False
    items = [i.strip() for i in re.split(r"[,;|]", s)]
    if len(items) < 4 or not all(items):
        return False
    return all(len(i.split()) <= 4 and not re.search(r"[.!?:\"“”]", i) and not re.match(r"(?:and|or)\b", i)
               for i in items)


_MAX_LINKS_UNDER_LABEL = 12
_MAX_HEADLINE_RUN = 6  # a longer run of title-case lines is a list of the article's own (a schedule, a roster)


def _classify(lines: list[_Line]) -> None:
    for line in lines:
        line.reason = line.own = _line_reason(line.text)
    n = len(lines)
    i = 0
    while i < n:
        text = lines[i].text
        if _RELATED_MARKER.match(text):  # the label, and the links listed under it
            lines[i].reason = "related_headlines"
            j = i + 1
            while j < n and j - i <= _MAX_LINKS_UNDER_LABEL and (lines[j].reason or _is_link_text(lines[j].text)):
                lines[j].reason = lines[j].reason or "related_headlines"
                j += 1
            i = j
        elif _TAG_MARKER.match(text):  # "Tags" above the tag list
            lines[i].reason = "tags"
            if i + 1 < n and (_is_tag_list(lines[i + 1].text) or len(_words(lines[i + 1].text)) <= 6):
                lines[i + 1].reason = "tags"
            i += 2
        elif _APPEAL_OPENER.match(text):
            i = _mark_appeal(lines, i)
        else:
            i += 1
    _mark_tail(lines)


def _mark_appeal(lines: list[_Line], i: int) -> int:
    """Mark an appeal from its opening to its last line that still speaks of support, readers or 'us'.

    An appeal is several real-looking sentences; what gives it away is the
    opening ("A Message from ...:", "Dear readers,") and that it keeps
    talking about the outlet and the reader, not the news. A line that
    reports speech ("we will keep searching," police said) is news: the
    appeal ended before it, whatever the words it shares with one.
    """
    last = i
    gap = 0
    for j in range(i + 1, len(lines)):
        if not lines[j].reason and _REPORTED.search(lines[j].text):
            break
        if _APPEAL_WORDS.search(lines[j].text) or lines[j].reason:
            last, gap = j, 0
        else:
            gap += 1
            if gap > 2:
                break
    for j in range(i, last + 1):
        if lines[j].reason not in ("widget", "comments"):
            lines[j].reason = "appeal"
    return last + 1


def _mark_tail(lines: list[_Line]) -> None:
    """Related headlines and tag lists trailing the article.

    Scanning back from the end past known furniture, a run of two to six
    headline-shaped lines, mostly in title case, is a list of links to other
    stories, and a comma-separated list of short phrases is the page's tags.
    The scan stops at the first line that reads like the article.
    """
    run: list[tuple[_Line, bool]] = []
    for line in reversed(lines):
        if line.reason:
            continue
        if _is_tag_list(line.text):
            line.reason = "tags"
            continue
        shaped, title_case = _headline(line.text)
        if not shaped:
            break
        run.append((line, title_case))
    titled = sum(t for _, t in run)
    if 2 <= len(run) <= _MAX_HEADLINE_RUN and titled >= max(2, (len(run) + 1) // 2):
        for line, _ in run:
            line.reason = "related_headlines"
