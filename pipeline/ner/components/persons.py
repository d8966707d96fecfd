"""``newsgraph_persons``: person names the pretrained model misses or cuts badly.

Korean names written surname first (`Choe Son Hui`, `Ri Son-gwon`, `Kim Yo
Jong`), from the surname list in ``persons.toml``. Honorifics (`Comrade`,
`Mr.`) are not part of a name.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.core import lexicons


@Language.factory("newsgraph_persons", default_config={"spans_key": "ng_persons", "max_syllable_len": 6})
def make_persons(nlp: Language, name: str, spans_key: str, max_syllable_len: int) -> "PersonRecogniser":
    return PersonRecogniser(nlp, spans_key, max_syllable_len)


class PersonRecogniser:
    def __init__(self, nlp, spans_key, max_syllable_len):
        self.spans_key = spans_key
        data = lexicons.persons()
        self.honorifics = set(data["honorifics"])
        surnames = sorted(set(data["korean_surnames"]))
        syl = {"IS_TITLE": True, "IS_ALPHA": True, "LENGTH": {"<=": max_syllable_len}}
        low = {"IS_LOWER": True, "IS_ALPHA": True, "LENGTH": {"<=": max_syllable_len}}
        self.matcher = Matcher(nlp.vocab)
        sur = {"ORTH": {"IN": surnames}}
        self.matcher.add("KOREAN_NAME", [
            [sur, syl, {"ORTH": "-"}, low],  # Ri Son-gwon, Kim Jong-un
            [sur, syl, syl],  # Choe Son Hui, Kim Yo Jong
        ])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for _, s, e in self.matcher(doc):
            toks = doc[s:e]
            # a sentence-initial function word is not a given name ("Kim The ...")
            if any(t.is_stop and t.i > s and t.text.lower() not in ("un", "il", "in") for t in toks if t.text != "-"):
                continue
            spans.append(Span(doc, s, e, label="PERSON"))
        doc.spans[self.spans_key] = filter_spans(spans)
        return doc
