"""Speaker coreference: which entity a statement's speaker mention refers to.

No neural coreference model can be installed offline (see README), so this is
a small, tested resolver of its own:

- a speaker phrase that names entities takes the most specific one: a person;
  else the holder of the office it names, where the text names the holder; else
  a body (ORG); else the state(s) (`the US and South Korea` -> both);
- a pronoun (`she added`, `it urged`) takes the most recent compatible
  antecedent: the speaker of an earlier statement first, then the last entity
  mention of the right kind (person for he/she, body or state for it/they);
- a nominal (`the official said`, `the ministry official`, `the minister`)
  takes the entity of the last earlier speaker phrase with the same head noun,
  else the holder or state of the last office mention with that head;
- a statement with no speaker phrase continuing a quote takes the previous
  statement's speaker.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span

from .resolve import office_holders
from .statements import Statement, cue_lexicon

PERSON_PRONOUNS = {"he", "she", "him", "her"}
THING_PRONOUNS = {"it"}
PLURAL_PRONOUNS = {"they", "them"}


def _ents_in(doc: Doc, s: int, e: int) -> list[Span]:
    """Entities inside the phrase, or overlapping it (a phrase cut inside a long name)."""
    return [ent for ent in doc.ents if ent.start < e and s < ent.end and ent._.entity_id]


def _head_lemma(doc: Doc, s: int, e: int) -> str:
    span = doc[s:e]
    return span.root.lemma_.lower() if len(span) else ""


class SpeakerResolver:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.office_holder: dict[str, str] = {}  # office id -> person id, by the text's own links
        for office, person in office_holders(doc):
            if office._.entity_id and person._.entity_id:
                self.office_holder.setdefault(office._.entity_id, person._.entity_id)
        self.history: list[tuple[int, str, list[str]]] = []  # (token, head lemma, ids) of resolved speakers
        self.unresolved_office: str = ""  # office id of the last speaker named only by an office

    def ids_for_phrase(self, s: int, e: int) -> list[str]:
        ents = _ents_in(self.doc, s, e)
        people = [x._.entity_id for x in ents if x.label_ == "PERSON"]
        if people:
            return list(dict.fromkeys(people))
        for x in ents:
            if x.label_ == "OFFICE" and x._.entity_id in self.office_holder:
                return [self.office_holder[x._.entity_id]]
        unheld = [x for x in ents if x.label_ == "OFFICE" and x._.state]
        if unheld:
            # "North Korea's foreign minister": the holder may be named in another
            # document; the relations stage looks there (resolve_office_speakers)
            self.unresolved_office = unheld[0]._.entity_id
        orgs = [x._.entity_id for x in ents if x.label_ == "ORG"]
        if orgs:
            return [orgs[0]]
        states = [x._.entity_id for x in ents if x.label_ == "STATE"]
        if states:
            return list(dict.fromkeys(states))
        if unheld:
            return [f"state:{unheld[0]._.state}"]
        # "the Japanese official": a demonym ties an unnamed speaker to its state
        dems = [d for d in self.doc.spans.get("ng_demonyms", []) if s <= d.start and d.end <= e]
        if dems:
            return [f"state:{dems[0].kb_id_}"]
        return []

    def _pronoun(self, word: str, before: int) -> list[str]:
        want = "PERSON" if word in PERSON_PRONOUNS else "OTHER"
        for tok, _, ids in reversed(self.history):
            if tok < before and ids and ((want == "PERSON") == ids[0].startswith("person:")):
                return ids
        for ent in reversed([x for x in self.doc.ents if x.end <= before and x._.entity_id]):
            if want == "PERSON" and ent.label_ == "PERSON":
                return [ent._.entity_id]
            if want == "OTHER" and ent.label_ in ("ORG", "STATE") and ent.root.dep_ in ("nsubj", "nsubjpass"):
                return [ent._.entity_id]
        return []

    def _nominal(self, head: str, before: int) -> list[str]:
        for tok, lemma, ids in reversed(self.history):
            if tok < before and lemma == head and ids:
                return ids
        for ent in reversed([x for x in self.doc.ents if x.end <= before and x.label_ == "OFFICE"]):
            if ent.root.lemma_.lower() == head:
                if ent._.entity_id in self.office_holder:
                    return [self.office_holder[ent._.entity_id]]
                if ent._.state:
                    return [f"state:{ent._.state}"]
        return []

    def resolve(self, st: Statement, previous: Statement | None) -> list[str]:
        doc = self.doc
        self.unresolved_office = ""
        if st.speaker is None:
            # a quote with no speaker of its own continues the one before it; anything else stays unattributed
            if previous is not None and st.origin == "quote" and previous.speaker is not None:
                ids = self.history[-1][2] if self.history else []
                return ids
            return []
        s, e = st.speaker
        ids = self.ids_for_phrase(s, e)
        words = [t.lower_ for t in doc[s:e] if not t.is_punct]
        head = _head_lemma(doc, s, e)
        if not ids and len(words) == 1 and words[0] in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS:
            ids = self._pronoun(words[0], s)
        elif not ids and head:
            ids = self._nominal(head, s)
        self.history.append((s, head, ids))
        return ids


def targets(doc: Doc, st: Statement, speaker_ids: list[str]) -> list[str]:
    """Entities the statement is about: named in its content (states, people, bodies), `his country` and
    the like resolved to the speaker's state, demonyms standing for a state's actors; never the speaker."""
    s, e = st.content
    out: list[str] = []
    for ent in doc.ents:
        if s <= ent.start and ent.end <= e and ent.label_ in ("STATE", "PERSON", "ORG") and ent._.entity_id:
            out.append(ent._.entity_id)
    cfg = cue_lexicon().targets
    speaker_state = _speaker_state(doc, speaker_ids)
    for t in doc[s:e]:
        if t.lower_ in cfg["own_state_nouns"] and any(c.lower_ in cfg["possessives"] for c in t.children):
            if speaker_state:
                out.append(speaker_state)
    for dem in doc.spans.get("ng_demonyms", []):
        if s <= dem.start and dem.end <= e and dem.root.head.lemma_.lower() in cfg["actor_nouns"]:
            out.append(f"state:{dem.kb_id_}")
    speakers = set(speaker_ids)
    return [x for x in dict.fromkeys(out) if x not in speakers]


def _speaker_state(doc: Doc, speaker_ids: list[str]) -> str:
    for sid in speaker_ids:
        if sid.startswith("state:"):
            return sid
        for ent in doc.ents:
            if ent._.entity_id == sid and ent._.state:
                return f"state:{ent._.state}"
    return ""
