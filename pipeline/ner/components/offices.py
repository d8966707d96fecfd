"""``newsgraph_offices``: public posts, without the state and the holder's name.

A grammar over the lexicon of ``offices.toml``: modifiers, a head, and a
complement that is part of the post's name (`First Vice Minister of Foreign
Affairs`, `vice-minister for International Organizations`) but stops at a
state, an organisation or a person (`Vice Foreign Minister` of `DPRK`).
Heads such as `spokesman` count only when tied to a body (`spokesman for
the Foreign Ministry`, `Foreign Ministry spokesman`), as a title before a
name (`Speaker Nancy Pelosi`), or as `the spokesman` once the document has
tied that post to a body; never after `his`/`her` alone (`her security
chief`) nor as a role outside the state (`opposition leader`). A complement
stops before the holder's name, which goes to ``doc.spans["ng_holders"]``
(`High Commissioner for Human Rights` + `Volker Turk`).
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.core import lexicons
from pipeline.ner.components.lexicon_data import LexiconComponent, pick

# the keys of offices.toml the recogniser uses
OFFICE_KEYS = ("heads", "modifiers", "needs_body", "exclude_words", "complement_preps", "not_office_before",
               "personal_determiners", "personal_heads")


@Language.factory("newsgraph_offices", assigns=["doc.spans"],
                  requires=["doc.spans", "doc.ents", "token.ent_iob", "token.ent_type"],  # and token.pos (attribute_ruler)
                  default_config={
    "spans_key": "ng_offices", "states_key": "ng_states", "orgs_key": "ng_orgs", "persons_key": "ng_persons",
    "max_complement": 4, "holders_key": "ng_holders",
})
def make_offices(nlp: Language, name: str, spans_key: str, states_key: str, orgs_key: str, persons_key: str,
                 max_complement: int, holders_key: str) -> "OfficeRecogniser":
    return OfficeRecogniser(nlp, spans_key, states_key, orgs_key, persons_key, max_complement, holders_key, name=name)


class OfficeRecogniser(LexiconComponent):
    """Writes ``doc.spans[spans_key]`` (OFFICE) and ``doc.spans[holders_key]`` (PERSON, a holder's name
    after a post); reads the spans of ``newsgraph_states``, ``newsgraph_orgs``, ``newsgraph_persons``
    and the model's ``doc.ents``. Lexicon (``initialize``): ``offices`` (``lexicons.offices()``:
    heads, modifiers, needs_body, exclude_words, complement_preps, not_office_before,
    personal_determiners, personal_heads)."""

    def __init__(self, nlp, spans_key, states_key, orgs_key, persons_key, max_complement, holders_key="ng_holders",
                 name="newsgraph_offices"):
        self.nlp, self.name = nlp, name
        self.keys = (states_key, orgs_key, persons_key)
        self.spans_key = spans_key
        self.holders_key = holders_key
        self.max_complement = max_complement

    def initialize(self, get_examples=None, *, nlp=None, offices=None) -> None:
        """``offices``: a mapping of the keys of ``offices.toml``; None: ``pipeline/data/offices.toml``."""
        self.set_lexicon({"offices": pick(offices, lexicons.offices, OFFICE_KEYS)})

    def _setup(self, data: dict) -> None:
        data = data["offices"]
        heads = [h.lower() for h in data.get("heads", [])]
        single = sorted({h for h in heads if " " not in h and "-" not in h})
        self.needs_body = set(data.get("needs_body", []))
        self.exclude = set(data.get("exclude_words", []))
        self.preps = set(data.get("complement_preps", []))
        self.not_before = set(data.get("not_office_before", []))
        self.personal = set(data.get("personal_determiners", []))
        self.personal_heads = set(data.get("personal_heads", []))
        words = sorted(set(data.get("modifiers", [])) | set(single))
        self.heads = set(single)
        self.words = set(words)
        self.matcher = Matcher(self.nlp.vocab)
        # (modifier | head | hyphen)* head
        self.matcher.add("OFFICE", [[{"LOWER": {"IN": words + ["-"]}, "OP": "*"}, {"LOWER": {"IN": single}}]])
        # a title in the plural before the names of its holders: "their respective Prime Ministers Narendra Modi and ..."
        self.plurals = {h + "s": h for h in single}
        self.matcher.add("OFFICE_PLURAL", [[{"LOWER": {"IN": words + ["-"]}, "OP": "*"},
                                            {"LOWER": {"IN": sorted(self.plurals)}, "IS_TITLE": True}]])

    def __call__(self, doc: Doc) -> Doc:
        self._require()
        blocked = {}
        for key in self.keys:
            for sp in doc.spans.get(key, []):
                for i in range(sp.start, sp.end):
                    blocked[i] = sp.label_
        for ent in doc.ents:  # the model's people
            if ent.label_ == "PERSON":
                for i in range(ent.start, ent.end):
                    blocked.setdefault(i, ent.label_)
        spans, holders = [], []
        rejected: set[int] = set()  # ends of posts rejected as roles outside the state
        tied_heads: set[str] = set()  # heads the document has tied to a body ("spokesperson for the ministry")
        for _, s, e in sorted(self.matcher(doc), key=lambda m: (m[1], -m[2])):
            while s < e and (doc[s].text == "-" or doc[s].lower_ in self.exclude or (blocked.get(s) in ("STATE", "ORG", "PERSON"))):
                s += 1
            if s >= e:
                continue
            if doc[e - 1].lower_ in self.plurals and doc[e - 1].lower_ not in self.heads:
                if not doc[s].is_title or not self._before_name(doc, e, blocked):
                    continue  # "foreign ministers", "defense chiefs": no post
            elif doc[e - 1].lower_ not in self.heads:
                continue
            if any(blocked.get(i) in ("STATE", "ORG", "PERSON") for i in range(s, e)):
                continue
            if e in rejected:
                continue  # no shorter post inside a rejected one ("opposition party leader" -> not "party leader")
            if s > 0 and doc[s - 1].is_lower and doc[s - 1].lower_ in self.not_before:
                rejected.add(e)
                continue  # "opposition leader" (not "Union Home Minister": a capitalised word is part of the title)
            e2, holder = self._complement(doc, e, blocked)
            span = Span(doc, s, e2, label="OFFICE")
            head = self.plurals.get(doc[e - 1].lower_, doc[e - 1].lower_) if doc[e - 1].lower_ not in self.heads else doc[e - 1].lower_
            personal = s > 0 and doc[s - 1].lower_ in self.personal and (head in self.needs_body or (e2 - s == 1 and head in self.personal_heads))
            if head in self.needs_body or personal:
                if self._tied_to_body(doc, s, e2, blocked):
                    tied_heads.add(head)
                elif doc[s].is_title and self._before_name(doc, e2, blocked) and not personal:
                    pass  # a title before its holder's name: "Speaker Nancy Pelosi"
                elif personal:
                    continue  # "his spokesperson", "her security chief"
                elif head in tied_heads and s > 0 and doc[s - 1].lower_ == "the" and e - s == 1:
                    pass  # "the spokesperson" after "a spokesperson for the Foreign Ministry"
                elif not any(t.lower_ in self.words for t in doc[s:e - 1]):
                    # with a modifier it names a post ("vice department director",
                    # "secretary-general"); alone it needs a body
                    continue
            spans.append(span)
            if holder is not None:
                holders.append(holder)
        doc.spans[self.spans_key] = filter_spans(spans)
        doc.spans[self.holders_key] = filter_spans(holders)
        return doc

    @staticmethod
    def _before_name(doc: Doc, e: int, blocked: dict) -> bool:
        return e < len(doc) and blocked.get(e) == "PERSON"

    def _complement(self, doc: Doc, e: int, blocked: dict) -> tuple[int, Span | None]:
        """Extend over `of/for [the] Capitalised...` when it names the post's domain.

        A domain is one or two words (`of Foreign Affairs`, `for Human Rights`);
        two capitalised words after a longer run that the sentence goes on
        from are the holder's name (`for Human Rights Volker Turk said`)."""
        if e >= len(doc) or doc[e].lower_ not in self.preps:
            return e, None
        i = e + 1
        if i < len(doc) and doc[i].lower_ == "the":
            return e, None  # "of the Central Committee": a body, not part of the post
        j = i
        while j < len(doc) and j - i < self.max_complement and doc[j].is_title and j not in blocked:
            j += 1
        if j == i or (j < len(doc) and doc[j].is_title and j not in blocked):
            return e, None  # nothing, or a name that runs on into something else
        if j - i >= 3 and (j == len(doc) or not doc[j].is_title) and all(doc[k].pos_ == "PROPN" for k in (j - 2, j - 1)) \
                and doc[j - 2].ent_iob_ != "I" and not any(doc[k].ent_type_ in ("GPE", "LOC", "FAC", "ORG", "NORP") for k in (j - 2, j - 1)) \
                and (j == len(doc) or doc[j].pos_ in ("VERB", "AUX", "PUNCT", "PART")):
            return j - 2, Span(doc, j - 2, j, label="PERSON")
        return j, None

    def _tied_to_body(self, doc: Doc, s: int, e: int, blocked: dict) -> bool:
        if s > 0 and blocked.get(s - 1) == "ORG":
            return True  # "Foreign Ministry spokesman"
        if e < len(doc) and doc[e].lower_ in self.preps:
            k = e + 1
            while k < len(doc) and doc[k].lower_ in ("the",):
                k += 1
            while k < len(doc) and (blocked.get(k) == "STATE" or doc[k].text in ("'s", "’s")):
                k += 1  # "spokesman for Pakistan's Ministry of Foreign Affairs"
            return k < len(doc) and blocked.get(k) == "ORG"
        return False
