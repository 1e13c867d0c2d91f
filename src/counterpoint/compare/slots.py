"""Values tied to what they measure and whose they are: the slots a contradiction is read in.

"The quake killed one" and "killing four" are one slot (the people killed) with two values;
"Laci, 23" and "Scott, 32" are two slots (two people's ages); "29 of 34 passes for 364 yards"
holds three slots. Two reports contradict each other only on values of one slot, and the
words next to a number do not say which slot it is in: the parse does. So every value (a
number or number word, an amount, a percentage, a date, a weekday, a clock time) is tied to:

* its *measure*: the noun it counts or the unit it is in ("people", "days", "kilometers",
  "magnitude"), through `nummod` / `quantmod` / compounds, or a noun it is the object of;
* its *predicate*: the verb that governs that noun ("killed", "injured", "damaged");
* its *holder*: whose value it is — the noun an age or measure is attached to ("26-year-old
  teacher" -> teacher), or the predicate's subject ("Charles rushed for 226 yards" -> Charles).

Only the sentences of units that carry a value are parsed, with the spaCy pipeline the
analysis already loaded, so this costs little per story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# "Feb. 22" is "February 22": each abbreviation news style uses, to its month
_MONTH_OF = {m.lower()[:n]: m.lower() for m in _MONTHS.split("|") for n in (3, 4, len(m))}
_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?|" + _MONTHS
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # in the week's order
NUMBER_WORDS = {w: n for n, w in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "bn": 1_000_000_000,
          "m": 1_000_000, "trillion": 1_000_000_000_000}
_APPROX = {"about", "around", "nearly", "almost", "roughly", "approximately", "some", "over", "more", "than", "least",
           "up", "to", "under", "fewer", "less", "estimated", "an", "as", "many", "much"}
# The words before a figure that make it a floor or a ceiling rather than the figure itself.
_MIN_BOUND = re.compile(r"\b(?:more than|over|at least|upwards of|in excess of|above|exceeding)\s*$", re.I)
_MAX_BOUND = re.compile(r"\b(?:less than|fewer than|under|up to|nearly|almost|at most|below|as many as)\s*$", re.I)
# Every word a value can be made of: two texts that share all of theirs cannot give one slot two values,
# so the parse that finds the slots can be skipped for them.
_TENS = ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "dozens?"]
_HINT = re.compile(r"\d[\d.,:]*|\b(?:" + "|".join(
    [*NUMBER_WORDS, *_SCALE, *sorted(_WEEKDAYS), *_TENS, *_MONTH_OF]) + r")\b", re.I)
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
_SHORT_SCALE = {"m", "bn"}  # a million or billion after money or before things counted ("5 m" may be metres)
_CURRENCY = re.compile(r"[A-Z]{0,2}[$€£]")  # "$", "€", "US$", "HK$"
# "0845 125 2222", "(555) 123-4567", "+44 20 7946 0958": one telephone number, not three counts
_PHONE = re.compile(r"(?<![\w.,])(?:\+\d{1,3}[ -]?)?(?:\(\d{2,5}\)[ -]?|\d{2,5}[ -])"
                    r"(?:\d{2,5}[ -]){0,2}\d{3,8}(?!\w|[.,]\d)")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")


@dataclass(frozen=True, slots=True)
class Value:
    """One value a text states, with its slot."""

    kind: str  # number, amount, percentage, year, date, weekday, time, phone
    key: str  # the value, normalised: "1000", "$800000000", "friday", "7:42"
    start: int  # offsets into the text that was parsed
    end: int
    measure: str  # lemma of what it counts or the unit it is in ("" when unknown)
    predicate: str  # lemma of the verb that governs it ("" when none)
    holder: str  # lemma of whose value it is ("" when unknown)
    approximate: bool  # "about 300", "more than 26,000", "at least 10"
    bound: str = ""  # "min": "more than 1,000", "at least 10", "early Saturday"; "max": "up to 2,000", "late Friday"

    @property
    def slot(self) -> tuple[str, str]:
        return self.kind, self.measure


def _number(text: str) -> float | None:
    t = text.lower().replace(",", "").replace(" ", "").lstrip("$€£")
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def _currency(text: str) -> str:
    """The currency a token names, as a key writes it ("" for none): "US$" is "$"; "A$" and "C$" are other
    dollars and stay apart."""
    if not _CURRENCY.fullmatch(text):
        return ""
    return "$" if text == "US$" else text


def _measure(tok: Token) -> tuple[Token | None, str]:
    """The noun a number counts (or the unit it is in), and how it got there."""
    node = tok
    for _ in range(3):
        if node.dep_ in ("nummod", "quantmod", "compound", "amod", "npadvmod", "nmod") and node.head is not node:
            node = node.head
            if node.pos_ in ("NOUN", "PROPN") and not node.like_num:
                return node, "modifies"
        else:
            break
    # "a magnitude of 6.1", "a depth of 12 miles": the noun the "of" hangs on
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ == "of" and \
            tok.head.head.pos_ in ("NOUN", "PROPN"):
        return tok.head.head, "of"
    if tok.dep_ in ("dobj", "pobj", "attr", "nsubj", "nsubjpass", "appos") and tok.pos_ in ("NUM",):
        return None, tok.dep_
    return None, ""


_SAME_MEASURE = {"people": "person", "persons": "person", "kilometre": "kilometer", "km": "kilometer",
                 "metre": "meter", "percent": "%", "per": "%"}


# Predicates news uses for one count: a death toll is "killed", "died" or "dead"; a quake "struck" or "hit".
_SAME_PREDICATE = {"die": "die", "kill": "die", "perish": "die", "dead": "die", "claim": "die",
                   "injure": "injure", "wound": "injure", "hurt": "injure",
                   "arrest": "arrest", "detain": "arrest", "strike": "hit", "hit": "hit", "jolt": "hit",
                   "rock": "hit", "shake": "hit"}


def _lemma(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    return _SAME_MEASURE.get(lemma, lemma)


def _predicate_name(pred: Token | None) -> str:
    lemma = pred.lemma_.lower() if pred is not None else ""
    return _SAME_PREDICATE.get(lemma, lemma)


def _measure_name(noun: Token) -> str:
    """The measure with its compound modifiers: "career points" is not "points", "death toll" not "toll"."""
    mods = [c.lemma_.lower() for c in noun.children if c.dep_ == "compound" and not c.like_num and c.is_alpha]
    return " ".join([*mods, _lemma(noun)])


def _predicate(noun: Token | None, tok: Token) -> Token | None:
    node = noun if noun is not None else tok
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX") and node.dep_ != "amod":
            return node
        if node.head is node:
            return None
        node = node.head
    return None


def _holder(noun: Token | None, tok: Token, predicate: Token | None) -> str:
    """Whose value: an age's or measure's noun ("26-year-old teacher"), else the predicate's subject."""
    if noun is not None and noun.lemma_.lower() in ("year", "old", "month", "week", "day") and noun.head is not noun:
        node = noun.head  # "26-year-old teacher": year -> old -> teacher
        for _ in range(3):
            if node.pos_ in ("NOUN", "PROPN") or node.head is node:
                break
            node = node.head
        return node.lemma_.lower() if node.pos_ in ("NOUN", "PROPN") else ""
    if predicate is not None:
        for child in predicate.children:
            if child.dep_ in ("nsubj", "nsubjpass") and not child.like_num:
                if child.lower_ in ("who", "which", "that") and predicate.dep_ == "relcl":
                    return predicate.head.lemma_.lower()  # "Hansbrough, who needed nine points": Hansbrough's
                return child.lemma_.lower()
    return ""


def _resultative(pred: Token | None) -> Token | None:
    """"A quake that left 31,000 people dead" says how many died: the state the verb leaves them in."""
    if pred is None or pred.lemma_.lower() != "leave":
        return pred
    for node in (pred, *pred.children):
        for child in node.children:
            if child.dep_ in ("oprd", "acomp", "xcomp", "amod", "ccomp") and child.lemma_.lower() in _SAME_PREDICATE:
                return child
    return pred


def _phones(doc: Doc, taken: set[int]) -> list[Value]:
    """Telephone numbers, read before the numbers so that their digit groups are not counted (`taken`)."""
    out = []
    for m in _PHONE.finditer(doc.text):
        digits = re.sub(r"\D", "", m.group())
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        shortest = 7 if m.group()[0] in "+(0" else 9  # a year range "1990-1995" is no number to call
        if span is None or not shortest <= len(digits) <= 13:
            continue
        pred = _predicate(None, span.root)
        # its measure is its area code: "the police on 0845 ..." and "Crimestoppers on 0800 ..." are two lines,
        # "0845 125 222" and "0845 125 2222" one line misprinted
        out.append(Value("phone", digits, m.start(), m.end(), f"phone {digits[:4]}", _predicate_name(pred),
                         _holder(None, span.root, pred), False))
        taken.update(range(span.start, span.end))
    return out


def values_of(doc: Doc) -> list[Value]:
    """Every value of a parsed text, with its slot."""
    taken: set[int] = set()
    out: list[Value] = _phones(doc, taken)
    for ent in doc.ents:
        if ent.label_ == "DATE":
            m = re.search(rf"\b(?:{_MONTH_WORD})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTH_WORD})(?!\w)", ent.text)
            if m:
                parts = m.group().split()
                month, day = (parts[0], parts[1]) if not parts[0].isdigit() else (parts[1], parts[0])
                month = _MONTH_OF[month.lower().rstrip(".")]
                pred = _predicate(None, ent.root)
                out.append(Value("date", f"{month} {int(day)}", ent.start_char + m.start(),
                                 ent.start_char + m.end(), "date", _predicate_name(pred), _holder(None, ent.root, pred),
                                 False))
                taken.update(range(ent.start, ent.end))
    for tok in doc:
        if tok.i in taken:
            continue
        low = tok.text.lower()
        if low in _WEEKDAYS:
            pred = _predicate(None, tok)
            near = doc[max(0, tok.i - 2):tok.i + 2].text.lower()
            edge = "max" if re.search(r"\blate\b|\bnight\b|\bovernight\b", near) else \
                "min" if re.search(r"\bearly\b", near) else ""
            out.append(Value("weekday", low, tok.idx, tok.idx + len(tok), "day", _predicate_name(pred), "", False,
                             edge))
            continue
        if _TIME.match(tok.text):
            pred = _predicate(None, tok)
            out.append(Value("time", tok.text, tok.idx, tok.idx + len(tok), "time", _predicate_name(pred), "", False))
            continue
        if not (tok.like_num or low in NUMBER_WORDS) or (low == "one" and any(c.dep_ == "prep" for c in tok.children)):
            continue  # "one of the officials"
        if (tok.i > 0 and doc[tok.i - 1].like_num) or tok.i in taken:
            continue  # the second word of "26 000"
        value = _number(tok.text)
        if value is None:
            continue
        start, end, kind = tok.idx, tok.idx + len(tok), "number"
        last = tok.i
        # "120, 000" (scraped text with a space after the thousands comma) is one number
        while last + 2 < len(doc) and doc[last + 1].text == "," and re.fullmatch(r"\d{3}", doc[last + 2].text):
            value = value * 1000 + float(doc[last + 2].text)
            last += 2
            end = doc[last].idx + len(doc[last])
            taken.add(last)
        nxt = doc[last + 1] if last + 1 < len(doc) else None
        prev = doc[tok.i - 1] if tok.i > 0 else None
        currency = _currency(prev.text) if prev is not None else ""
        scale = nxt.text.lower().rstrip(".") if nxt is not None else ""
        # "£88m." and "5m people" are millions; "a 12 m crater" and "5 m high" are metres
        after = doc[nxt.i + 1] if nxt is not None and nxt.i + 1 < len(doc) else None
        counted = after is not None and after.tag_ in ("NNS", "NNPS")
        if scale in _SCALE and (currency or counted or scale not in _SHORT_SCALE):
            value *= _SCALE[scale]
            end = nxt.idx + len(nxt.text.rstrip("."))  # type: ignore[union-attr]
            head_tok = nxt
        else:
            head_tok = tok
        if currency:
            kind, start = "amount", prev.idx  # type: ignore[union-attr]
        if nxt is not None and nxt.text in ("%", "percent", "per"):
            kind = "percentage"
        if kind == "number" and _YEAR.match(tok.text) and not (nxt is not None and nxt.pos_ == "NOUN"):
            kind = "year"
        noun, _ = _measure(head_tok)
        if noun is not None and noun.text.lower() in _SCALE:
            noun, _ = _measure(noun)
        pred = _predicate(noun, tok)
        measure = _measure_name(noun) if noun is not None else ""
        if kind == "number" and not measure:
            # "magnitude 6.1", "a 6.1-magnitude quake": the noun right before or after stands in
            for near in (prev, nxt):
                if near is not None and near.pos_ in ("NOUN", "PROPN") and not near.like_num:
                    measure = _lemma(near)
                    break
        approximate = any(w.text.lower() in _APPROX for w in doc[max(0, tok.i - 3):tok.i])
        before = doc[max(0, tok.i - 3):tok.i].text if kind != "amount" else doc[max(0, tok.i - 4):tok.i - 1].text
        bound = "min" if _MIN_BOUND.search(before) else "max" if _MAX_BOUND.search(before) else ""
        key = f"{value:g}" if kind != "amount" else f"{currency}{value:g}"
        out.append(Value(kind, key, start, end, measure, _predicate_name(_resultative(pred)),
                         _holder(noun, tok, pred), approximate, bound))
    return out


def value_words(text: str) -> frozenset[str]:
    """The words of a text that could state a value (digits, number words, weekdays, months), lower-cased."""
    return frozenset(m.group().lower().rstrip(".,:") for m in _HINT.finditer(text))


def parse_values(texts: Sequence[str]) -> list[list[Value]]:
    """The values of each text (offsets into that text), parsed with the shared spaCy pipeline."""
    from counterpoint.models import spacy_pipeline

    if not texts:
        return []
    nlp = spacy_pipeline()
    return [values_of(doc) for doc in nlp.pipe(texts, batch_size=32)]


def _one_slot(a: Value, b: Value) -> bool:
    """The same kind and measure, neither a different predicate nor a different holder, and the same
    predicate or the same holder to tie the two to one fact."""
    if a.kind != b.kind:
        return False
    if a.kind in ("number", "amount", "percentage", "phone") and (not a.measure or a.measure != b.measure):
        return False
    if a.predicate and b.predicate and a.predicate != b.predicate:
        return False
    if a.holder and b.holder and a.holder != b.holder:
        return False
    if a.kind == "phone":  # the area code already ties two numbers to one line
        return True
    return bool((a.predicate and a.predicate == b.predicate) or (a.holder and a.holder == b.holder))


def _money(key: str) -> tuple[str, str]:
    """An amount's key split into its currency and its figure: "A$1.5e+06" -> ("A$", "1.5e+06")."""
    i = next((k for k, c in enumerate(key) if c.isdigit() or c == "."), len(key))
    return key[:i], key[i:]


def conflict(a: Value, b: Value) -> bool:
    """Two values of one slot that cannot both be right.

    One slot: the same kind and measure, neither a different predicate ("killed" and "died" are one)
    nor a different holder, and the same predicate or the same holder to tie them to one fact.
    Not a conflict: the same value, two roundings of one ("about 300" / "300" within 10%), or a figure
    within the other's bound ("about 1,500" / "more than 1,000"). Two floors ("more than 26,000" /
    "more than 31,000") still are: each outlet gives its own figure.
    """
    return a.key != b.key and _one_slot(a, b) and _figures_differ(a, b)


def differ(a: Value, b: Value) -> bool:
    """Two figures of one kind and measure that cannot both be right, whatever their predicates and holders:
    too loose a tie to call a contradiction ("outside for nine minutes" / "re-entered ten minutes later" may
    be one fact or two), enough to doubt that two reports agree."""
    return (a.key != b.key and a.kind == b.kind and bool(a.measure) and a.measure == b.measure
            and _figures_differ(a, b))


def _figures_differ(a: Value, b: Value) -> bool:
    if a.kind == "weekday" and b.kind == "weekday" and _across_midnight(a, b):
        return False
    if a.kind == "amount" and _money(a.key)[0] != _money(b.key)[0]:
        return False  # "£88m" and "€103 million" may be one sum: two currencies are not compared
    x, y = _number(_money(a.key)[1]), _number(_money(b.key)[1])
    if x is not None and y is not None and a.bound != b.bound and _within(a, x, y) and _within(b, y, x):
        return False
    return not (x is not None and y is not None and (a.approximate or b.approximate) and
                abs(x - y) <= 0.1 * max(abs(x), abs(y)))


def _within(v: Value, own: float, other: float) -> bool:
    """Does the other figure keep within this value's bound (always, when it has none)?"""
    return v.bound == "" or (v.bound == "min" and other >= own) or (v.bound == "max" and other <= own)


def _across_midnight(a: Value, b: Value) -> bool:
    """"Late Friday" and "early Saturday" may be one night told from two time zones: next days, the first late
    (a weekday's `bound` "max": late, at night) or the second early ("min")."""
    if a.key not in _WEEKDAYS or b.key not in _WEEKDAYS:
        return False
    gap = (_WEEKDAYS.index(b.key) - _WEEKDAYS.index(a.key)) % 7
    if gap not in (1, 6):
        return False
    first, second = (a, b) if gap == 1 else (b, a)
    return first.bound == "max" or second.bound == "min"
