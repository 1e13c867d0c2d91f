"""Titles before a name ("Det. Aldeson", "Dist. Atty. Steve Cooley") read as one sentence.

spaCy's English tokenizer knows "Mr.", "Gov." and "Sen." but splits "Det.", "Sgt." or "Atty." into a word
and a full stop, and its parser then ends the sentence there: "..., said Det." and "Aldeson." became two
sentences, and "Det" the speaker. Each title becomes one token, and the word after a title never starts
a sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.symbols import ORTH

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Military, police, legal and civic ranks the tokenizer does not already keep whole.
SPLIT_TITLES = ("Col.", "Lt.", "Capt.", "Maj.", "Sgt.", "Cpl.", "Pvt.", "Det.", "Dist.", "Atty.", "Insp.",
                "Supt.", "Cmdr.", "Brig.", "Pres.", "Amb.", "Hon.", "Asst.", "Dep.")
TITLES = frozenset(SPLIT_TITLES) | {"Mr.", "Mrs.", "Ms.", "Dr.", "Gov.", "Sen.", "Rep.", "Gen.", "Prof.", "Rev.",
                                    "Adm."}
COMPONENT = "title_before_name"


@Language.component(COMPONENT)
def title_before_name(doc: Doc) -> Doc:
    """The capitalised word after a title continues its sentence (a constraint the parser keeps)."""
    for t in doc[:-1]:
        if t.text in TITLES and doc[t.i + 1].text[:1].isupper():
            doc[t.i + 1].is_sent_start = False
    return doc


def keep_titles(nlp: Language) -> Language:
    for title in SPLIT_TITLES:
        nlp.tokenizer.add_special_case(title, [{ORTH: title}])
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, before="parser")
    return nlp
