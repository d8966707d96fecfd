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
from pipeline.ner.components.lexicon_data import LexiconComponent, pick


@Language.factory("newsgraph_persons", assigns=["doc.spans"], requires=[],
                  default_config={"spans_key": "ng_persons", "max_syllable_len": 6})
def make_persons(nlp: Language, name: str, spans_key: str, max_syllable_len: int) -> "PersonRecogniser":
    return PersonRecogniser(nlp, spans_key, max_syllable_len, name=name)


class PersonRecogniser(LexiconComponent):
    """Writes ``doc.spans[spans_key]`` (PERSON). Lexicon (``initialize``): ``persons``
    (``lexicons.persons()``: its ``korean_surnames``)."""

    def __init__(self, nlp, spans_key, max_syllable_len, name="newsgraph_persons"):
        self.nlp, self.name = nlp, name
        self.spans_key = spans_key
        self.max_syllable_len = max_syllable_len

    def initialize(self, get_examples=None, *, nlp=None, persons=None) -> None:
        """``persons``: a mapping with ``korean_surnames``; None: ``pipeline/data/persons.toml``."""
        data = pick(persons, lexicons.persons, ["korean_surnames"])
        self.set_lexicon({"persons": {"korean_surnames": sorted(set(data.get("korean_surnames", [])))}})

    def _setup(self, data: dict) -> None:
        surnames = data["persons"]["korean_surnames"]
        syl = {"IS_TITLE": True, "IS_ALPHA": True, "LENGTH": {"<=": self.max_syllable_len}}
        low = {"IS_LOWER": True, "IS_ALPHA": True, "LENGTH": {"<=": self.max_syllable_len}}
        self.matcher = Matcher(self.nlp.vocab)
        sur = {"ORTH": {"IN": surnames}}
        self.matcher.add("KOREAN_NAME", [
            [sur, syl, {"ORTH": "-"}, low],  # Ri Son-gwon, Kim Jong-un
            [sur, syl, syl],  # Choe Son Hui, Kim Yo Jong
        ])

    def __call__(self, doc: Doc) -> Doc:
        self._require()
        spans = []
        for _, s, e in self.matcher(doc):
            toks = doc[s:e]
            # a sentence-initial function word is not a given name ("Kim The ...")
            if any(t.is_stop and t.i > s and t.text.lower() not in ("un", "il", "in") for t in toks if t.text != "-"):
                continue
            spans.append(Span(doc, s, e, label="PERSON"))
        doc.spans[self.spans_key] = filter_spans(spans)
        return doc
