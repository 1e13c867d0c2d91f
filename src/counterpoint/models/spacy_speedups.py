"""The same annotations from two spaCy components, without their per-token Python work.

Profiling `analyse` showed spaCy's attribute ruler (179 one- and two-token patterns that turn
tags into parts of speech and morphology) and its rule lemmatizer taking a fifth of the time,
nearly all of it in generic loops: the Matcher walks every pattern state for every token, and
the lemmatizer builds a Token and a MorphAnalysis for every word it has already lemmatized, and
looks each candidate form up in a list of thousands.
Both are replaced here by table lookups over the doc's attribute arrays that give exactly what
they gave: the ruler's matches, in the order it applies them, each set on its token as the ruler
sets it; and the lemmatizer's lemma for each (word, part of speech, morphology), computed once by
the lemmatizer itself, with its word lists held as sets. `tests/test_spacy_speedups.py` checks
every token's annotation against spaCy's own pipeline on real text.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}


class _TokenTest:
    """One token of a pattern: each attribute equal to / in / not in a set of values, or matching a regex."""

    def __init__(self, spec: dict[str, Any], strings) -> None:
        self.strings = strings
        self.tests: list[tuple[int, str, Any]] = []
        self.tags: frozenset[int] | None = None  # the tags it needs, when it names them
        for attr, want in spec.items():
            column = _COLUMNS[attr]
            if attr == "IS_SPACE":
                self.tests.append((column, "in", frozenset([int(bool(want))])))
                continue
            op, values = next(iter(want.items())) if isinstance(want, dict) else ("IN", [want])
            if op == "REGEX":
                self.tests.append((column, "regex", re.compile(values)))
                continue
            hashes = frozenset(strings.add(v) if v else 0 for v in values)
            self.tests.append((column, "in" if op == "IN" else "not_in", hashes))
            if attr == "TAG" and op == "IN":
                self.tags = hashes

    def __call__(self, token: tuple[int, ...]) -> bool:
        for column, op, arg in self.tests:
            value = token[column]
            if op == "in":
                if value not in arg:
                    return False
            elif op == "not_in":
                if value in arg:
                    return False
            elif not arg.search(self.strings[value]):
                return False
        return True


class AttributeMatches:
    """`AttributeRuler.match` by lookups: the same (rule, key, start, end) list, sorted alike.

    A token's one-token matches depend only on its tag, lower-case form, dependency and whether it
    is a space, so they are worked out once per such combination (over the rules that can apply to
    its tag) and remembered; the few two-token rules are tested where they start."""

    def __init__(self, ruler: AttributeRuler) -> None:
        strings = ruler.vocab.strings
        self.by_tag: dict[int, list[tuple[int, int, _TokenTest]]] = {}
        self.any_tag: list[tuple[int, int, _TokenTest]] = []
        self.pairs: list[tuple[int, int, _TokenTest, _TokenTest]] = []
        for attr_id in range(len(ruler.attrs)):
            key = str(attr_id)
            for pattern in ruler.matcher.get(key)[1]:
                tests = [_TokenTest(t, strings) for t in pattern]
                rule = (attr_id, strings[key])
                if len(tests) == 2:
                    self.pairs.append((*rule, *tests))
                elif tests[0].tags is None:
                    self.any_tag.append((*rule, tests[0]))
                else:
                    for tag in tests[0].tags:
                        self.by_tag.setdefault(tag, []).append((*rule, tests[0]))
        # a token's combination -> its one-token matches, and the two-token rules that it can start
        self.known: dict[tuple[int, ...], tuple[list[tuple[int, int]], list]] = {}

    def _lookup(self, token: tuple[int, ...]) -> tuple[list[tuple[int, int]], list]:
        found = self.known.get(token)
        if found is None:
            rules = self.by_tag.get(token[0], []) + self.any_tag
            found = (sorted({(a, k) for a, k, test in rules if test(token)}),
                     [(a, k, second) for a, k, first, second in self.pairs if first(token)])
            self.known[token] = found
        return found

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        if not len(doc):
            return []
        tokens = [tuple(row) for row in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).reshape(len(doc), 4).tolist()]
        out = []
        for i, token in enumerate(tokens):
            singles, starts = self._lookup(token)
            out += [(a, k, i, i + 1) for a, k in singles]
            out += [(a, k, i, i + 2) for a, k, second in starts if i + 1 < len(tokens) and second(tokens[i + 1])]
        return sorted(set(out))


def _set_attributes(ruler: AttributeRuler, doc: Doc, matches: list[tuple[int, int, int, int]]) -> None:
    """`AttributeRuler.set_annotations` without a Span per match: each rule's attributes on its token, in order."""
    for attr_id, _, start, end in matches:
        index = ruler.indices[attr_id]
        set_token_attrs(doc[start + index if index >= 0 else end + index], ruler.attrs[attr_id])


class Lemmas:
    """The rule lemmatizer's annotation: each (word, part of speech, morphology) lemmatized once by it."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.known: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA]).astype(np.uint64).reshape(len(doc), 4)
        lemmas = arr[:, 3].copy()
        strings = doc.vocab.strings
        for i, (orth, pos, morph, lemma) in enumerate(arr.tolist()):
            if lemma and not self.lemmatizer.overwrite:
                continue  # set by the attribute ruler, as the lemmatizer leaves it
            key = (orth, pos, morph)
            if key not in self.known:
                self.known[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = self.known[key]
        doc.from_array([LEMMA], lemmas.astype(np.uint64).reshape(len(doc), 1))
        return doc


class FastEnglishLemmatizer(EnglishLemmatizer):
    """spaCy's English rule lemmatizer, annotating a doc through `Lemmas` (a class of its own, at module level, so
    that a pipeline sent to worker processes by pickling still finds it)."""

    lemmas: Lemmas

    def __call__(self, doc: Doc) -> Doc:
        return self.lemmas(doc)


def speed_up(nlp: Language) -> Language:
    """The pipeline with the attribute ruler's matching and the rule lemmatizer done by the lookups above."""
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        ruler.match = AttributeMatches(ruler)
        ruler.set_annotations = functools.partial(_set_attributes, ruler)
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    if type(lemmatizer) is EnglishLemmatizer and lemmatizer.mode == "rule":
        index = lemmatizer.lookups.get_table("lemma_index", {})
        for pos in list(index):  # "form in index" is the lemmatizer's inner test: a set answers it alike, at once
            index[pos] = frozenset(index[pos])
        lemmatizer.__class__ = FastEnglishLemmatizer  # spaCy calls a component through its type
        lemmatizer.lemmas = Lemmas(lemmatizer)
    return nlp
