"""Speaker resolution: which entity a statement's speaker mention refers to.

No neural coreference model installs offline (README), so this is an
entity-centric resolver of its own whose every choice can be explained
(:class:`Resolution`: the rule that decided, and for pronouns and nominals the
candidate antecedents with their features and scores).

- A speaker phrase that names entities takes the most specific ones: persons
  (all of them for a group: `A and B said`); else the holder of the office it
  names, where the text names the holder; else a body (ORG); else the state(s).
  Entities inside a relative clause of the phrase do not count (`survivors of
  the attack, which killed 25 Indians`), nor a state glued into an adjective
  (`the Iran-backed group`); `officials in Seoul` are tied to the capital's state.
- A document as speaker (`the statement said`, `a joint declaration`, `the
  post read`) takes whoever issued it: the entity inside the phrase (`a
  statement from the ministry`), else the subject that issued, released or
  published such a document earlier (`X issued a statement`), else the
  possessor (`X's statement`), else the speaker of the paragraph.
- A pronoun takes the best candidate antecedent: person pronouns (he, she)
  score the persons mentioned or speaking before it on being the last
  speaker, the same paragraph, the subject role, recency, and gender
  agreement (from the pronouns already resolved to them and their titles);
  `it` the bodies and states that spoke or acted last; `they` the last group.
- `I` / `we` as a speaker inside a quote or verbatim text is its author.
- A nominal (`the official`, `the Iran-backed group`, `the two nations`) takes
  the entity of the last speaker phrase with the same head noun, else the holder
  or state of the last office with that head, else for a group noun the last
  body that acted, for `both countries` / `the two nations` the last two states
  named together.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from pipeline.core import lexicons
from pipeline.ner.resolve import office_holders
from pipeline.relations.statements import SPOKES_NOUNS, Statement, cue_lexicon, doc_text, is_first_person

MALE = {"he", "him", "his", "himself"}
FIRST_PERSON_FORMS = {"I", "me", "we", "We", "us", "Us"}  # not "US"
FEMALE = {"she", "her", "hers", "herself"}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
THING_PRONOUNS = {"it"}
PLURAL_PRONOUNS = {"they", "them"}
MALE_TITLES = {"mr", "mr.", "sir", "lord", "king", "prince", "mister"}
FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "madam", "madame", "lady", "queen", "princess", "dame"}
# nouns that stand for a body or group, resolved to the last body that acted
GROUP_NOUNS = {"group", "movement", "militia", "rebel", "organization", "organisation", "faction", "party",
               "alliance", "bloc", "coalition", "body", "agency", "network", "force", "ministry", "office",
               "council", "committee", "command", "army", "military", "embassy", "regulator", "department"}
# "the two countries", "both sides": the two states last named together
PAIR_NOUNS = {"country", "nation", "side", "state", "government", "neighbour", "neighbor", "rival", "power"}
# singular posts held by one person at a time: `the chief` is a person, `the official` is not
POST_NOUNS = {"chief", "head", "leader", "president", "minister", "premier", "chancellor", "secretary",
              "commissioner", "director", "chairman", "chairwoman", "chair", "governor", "mayor", "king", "queen",
              "envoy", "ambassador", "general", "commander", "prosecutor", "speaker", "lawmaker", "senator"}
# nouns for a single person who may speak unnamed (`a doctor`, `the official`)
# (not posts such as `diplomat` or `spokesman`, which the text often names elsewhere)
PERSON_NOUNS = {"doctor", "resident", "witness", "nurse", "teacher", "soldier", "source", "analyst", "expert",
                "activist", "lawyer", "survivor", "worker", "farmer", "student", "journalist", "reporter", "man",
                "woman", "mother", "father", "relative", "neighbour", "neighbor", "fighter", "volunteer", "engineer",
                "researcher", "professor", "economist", "villager", "shopkeeper", "driver", "refugee"}
# `officials in Seoul` is South Korea's government; `diplomats in Beijing` are not China's
CAPITAL_NOUNS = {"official", "authority", "government", "administration", "officer", "source"}
FOREIGN_WORDS = {"western", "foreign", "other", "international", "visiting", "european", "arab", "african", "asian",
                 "overseas", "exiled", "opposition"}
GROUP_MODIFIERS = {"rights": "ngo", "aid": "ngo", "humanitarian": "ngo", "charity": "ngo", "advocacy": "ngo",
                   "watchdog": "ngo", "militant": "armed_group", "rebel": "armed_group", "armed": "armed_group",
                   "paramilitary": "armed_group", "insurgent": "armed_group", "jihadist": "armed_group",
                   "terrorist": "armed_group", "opposition": "party", "ruling": "party", "political": "party"}
# "both sides", "the two parties": the parties of a conflict or a negotiation, states or bodies
SIDE_NOUNS = {"side", "party"}
PAIR_STATE_NOUNS = {"country", "nation", "neighbour", "neighbor"}  # "the two countries": two states
# the cue's addressee as the object of a preposition when the content is what it is asked to do
# ("called on X to ...", "prevailed upon X to ...")
ADDRESSEE_PREPS = {"on", "upon"}
# nouns for a group that a statement's content may name by reference (`the rebel group`, `the bloc`)
TARGET_GROUP_NOUNS = {"group", "movement", "militia", "rebel", "faction", "bloc", "alliance", "coalition",
                      "organization", "organisation"}
BODY_MARGIN = 1.0  # the lead a body candidate needs over the next to be a target (as for pronouns)
PERSON_PAIR_NOUNS = {"leader", "minister", "president", "premier", "diplomat", "envoy", "chief", "official", "man",
                     "woman", "counterpart"}
# the kinds of body (orgs.csv) a group noun can stand for: `the group` is no ministry
GROUP_KINDS = {"group": {"armed_group", "party", "ngo", ""}, "movement": {"armed_group", "party", "ngo", ""},
               "militia": {"armed_group", ""}, "rebel": {"armed_group", ""}, "faction": {"armed_group", "party", ""},
               "organization": {"armed_group", "ngo", "international", ""},
               "organisation": {"armed_group", "ngo", "international", ""}, "party": {"party", ""},
               "alliance": {"international", "party", ""}, "bloc": {"international", ""},
               "coalition": {"ngo", "party", "international", ""}, "network": {"ngo", ""},
               "agency": {"government", "agency", "international", "news", ""},
               "ministry": {"government", ""}, "department": {"government", ""}, "office": {"government", "seat", ""},
               "council": {"government", "international", ""}, "committee": {"government", "party", ""},
               "command": {"military", ""}, "army": {"military", ""}, "military": {"military", ""},
               "force": {"military", "armed_group", ""}, "embassy": {"government", ""}, "regulator": {"government", ""},
               "body": {"government", "international", "ngo", ""}}
# posts that are one person's only when a word makes them the top one (`the bloc's top diplomat`, `the chief
# negotiator`; not `a Western diplomat`)
TOP_POST_NOUNS = {"diplomat", "negotiator"}
TOP_WORDS = {"top", "chief"}
# speakers who are no voice of a state: `the ROK media`, `South Korean analysts`, `Chinese experts` are tied to
# a place, not to its government (empty unless a body is named: `BBC reporters`); `state media` is the state's
NON_STATE_NOUNS = {"media", "press", "newspaper", "paper", "outlet", "broadcaster", "tabloid", "analyst", "expert",
                   "observer", "commentator", "scholar", "academic", "pundit", "critic", "netizen", "blogger"}
STATE_VOICE_WORDS = {"state", "official", "government", "state-run", "state-owned", "government-run"}
GOVERNMENT_NOUNS = {"official", "authority", "government", "officer", "administration", "diplomat", "minister",
                    "ministry", "source", "leader", "spokesman", "spokesperson", "spokeswoman"}


@dataclass
class Candidate:
    ids: list[str]
    mention: str  # the text of the mention that proposes it
    token: int
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    def to_json(self) -> dict:
        return {"ids": self.ids, "mention": self.mention, "token": self.token,
                "features": self.features, "score": round(self.score, 3)}


@dataclass
class Resolution:
    """What a speaker mention refers to, and why."""
    ids: list[str]
    rule: str  # named | office-holder | body | state | capital | demonym | document | pronoun | first-person | nominal | continuation | none
    candidates: list[Candidate] = field(default_factory=list)
    office: str = ""  # office id of a speaker named only by an office whose holder this document does not name

    def to_json(self) -> dict:
        return {"ids": self.ids, "rule": self.rule, "candidates": [c.to_json() for c in self.candidates[:5]]}


def _ents_in(doc: Doc, s: int, e: int, ents: tuple[Span, ...] | None = None) -> list[Span]:
    """Entities inside the phrase, or overlapping it (a phrase cut inside a long name), except those
    inside a clause that modifies the phrase (`..., which killed 25 Indians`)."""
    out = []
    for ent in (doc.ents if ents is None else ents):
        if not (ent.start < e and s < ent.end and ent._.entity_id):
            continue
        if _in_clause(ent.root, s, e):
            continue
        out.append(ent)
    return out


def _in_clause(tok: Token, s: int, e: int) -> bool:
    t = tok
    for _ in range(8):
        if t.dep_ in ("relcl", "acl", "advcl", "ccomp") and s <= t.i < e:
            return True
        if t.head is t or not (s <= t.head.i < e):
            return False
        t = t.head
    return False


def _glued_state(doc: Doc, ent: Span | Token) -> bool:
    """`Iran-backed`, `US-led`: the state is part of an adjective, not the speaker's own state."""
    return ent.end + 1 < len(doc) and doc[ent.end].text in ("-", "\u2010", "\u2011") and doc[ent.end + 1].tag_ in ("VBN", "VBD", "JJ")


TITLE_GLUE = {"for", "of", "the", "'s", "\u2019s", "-", "and"}


def _title_tokens(doc: Doc, ent: Span, window: int = 10) -> set[int]:
    """The words that present a person: the noun phrase before the name (`the barred opposition leader
    Machado`, `UN High Commissioner for Human Rights Volker Turk`) and an apposition after it (`Machado,
    the opposition leader,`)."""
    out: set[int] = set()
    i = ent.start - 1
    while i >= 0 and ent.start - i <= window:
        t = doc[i]
        if t.is_space or t.pos_ in ("VERB", "AUX", "PRON", "PUNCT") and t.text not in ("-", "'s", "\u2019s") \
                or (t.ent_type_ == "PERSON"):
            break
        if not (t.pos_ in ("PROPN", "NOUN", "ADJ", "ADV", "DET", "NUM") or t.lower_ in TITLE_GLUE):
            break
        out.add(i)
        i -= 1
    j = ent.end
    if j + 1 < len(doc) and doc[j].text == "," and doc[j + 1].pos_ in ("DET", "ADJ", "NOUN", "PROPN"):
        k = j + 1
        while k < len(doc) and k - j <= window and doc[k].text not in (",", ".", ";") and doc[k].pos_ not in ("VERB", "AUX"):
            out.add(k)
            k += 1
    return out


def _group_kind(head: Token) -> str:
    """The kind of body a modifier asks for: `the rights group` is an NGO, `the militant group` an armed group."""
    for c in head.lefts:
        kind = GROUP_MODIFIERS.get(c.lower_)
        if kind:
            return kind
    return ""


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """Capital -> ISO3, from the state lexicon (`officials in Ankara`)."""
    return {a: iso for a, (iso, kind) in lexicons.states().aliases.items() if kind == "capital"}


@lru_cache(maxsize=1)
def _document_nouns() -> frozenset[str]:
    """Nouns for documents that speak (`the statement said`, `the post read`): cues.toml [press]."""
    return cue_lexicon().press_nouns | cue_lexicon().document_nouns


def _head(doc: Doc, s: int, e: int) -> Token | None:
    span = doc[s:e]
    return span.root if len(span) else None


def _gender(word: str) -> str:
    w = word.lower()
    return "m" if w in MALE else "f" if w in FEMALE else ""


class SpeakerResolver:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.ents = tuple(doc.ents)  # read once: Doc.ents builds its spans anew on every access
        # (start, end, label, entity id, state) of each entity, read once: the ``Span._`` attributes
        # cost a lookup in the document's user data on every access
        self.ent_info = [(x.start, x.end, x.label_, x._.entity_id, x._.state) for x in self.ents]
        self.state_of_id: dict = {}  # entity id -> the state of its first entity that has one
        for _, _, _, eid, state in self.ent_info:
            if state and eid not in self.state_of_id:
                self.state_of_id[eid] = state
        self.person_starts = {x[0] for x in self.ent_info if x[2] == "PERSON"}
        self.demonyms = list(doc.spans.get("ng_demonyms", []))
        self._lower_ids = None  # the lower-case form of every token (string hashes), when asked
        self._persons: list[tuple[int, int, str, str, str]] | None = None  # see _person_mentions
        self._paragraph_of: dict[int, int] = {}  # token -> paragraph number
        self._word_positions: dict = {}  # word list -> the tokens that may be one of its words (see _tokens_among)
        # sentence number of every token, for "sentences back"
        self.sent_no = [0] * len(doc)
        for n, sent in enumerate(doc.sents):
            for i in range(sent.start, sent.end):
                self.sent_no[i] = n
        self.office_holder: dict[str, str] = {}  # office id -> person id, by the text's own links
        for office, person in office_holders(doc):
            if office._.entity_id and person._.entity_id:
                self.office_holder.setdefault(office._.entity_id, person._.entity_id)
        # (token, head lemma, ids, plural) of the speakers resolved so far
        self.history: list[tuple[int, str, list[str], bool]] = []
        self.resolved: list[tuple[tuple[int, int], tuple[int, int], list[str]]] = []  # (content, speaker, ids)
        self.gender: dict[str, str] = {}  # person id -> m | f, from titles and resolved pronouns
        for start, _, label, eid, _ in self.ent_info:
            if label == "PERSON" and start > 0 and eid:
                prev = doc[start - 1].lower_
                if prev in MALE_TITLES:
                    self.gender.setdefault(eid, "m")
                elif prev in FEMALE_TITLES:
                    self.gender.setdefault(eid, "f")
        # what the text calls each person mention: the words of its noun phrase before the name
        # ("the barred opposition leader Machado" -> leader, opposition; "UN High Commissioner ... Turk" -> UN)
        self.titles: list[tuple[int, str, set[str], set[str]]] = []  # (token, person id, title lemmas, entity ids)
        tie_at: dict[int, str] = {start: eid for start, _, label, eid, _ in self.ent_info if eid and label in ("ORG", "STATE")}
        tie_at.update({d.start: f"state:{d.kb_id_}" for d in self.demonyms})
        people_in: dict[int, dict[str, Span]] = {}  # sentence number -> person id -> its first mention
        for ent, (start, _, label, eid, _) in zip(self.ents, self.ent_info):
            if label == "PERSON" and eid:
                span = _title_tokens(doc, ent)
                words = {doc[i].lemma_.lower() for i in span if doc[i].is_alpha}
                ids = {tie_at[i] for i in span if i in tie_at}
                self.titles.append((start, eid, words, ids))
                people_in.setdefault(self.sent_no[start], {}).setdefault(eid, ent)
        # "Kallas said her country ...": a sentence naming one person and then using only `his` or only
        # `her` tells that person's gender
        verbs = cue_lexicon().verbs
        for n, sent in enumerate(doc.sents):
            people = people_in.get(n, {})
            if len(people) != 1:
                continue
            (pid, ent), = people.items()
            after = {t.lower_ for t in doc[ent.end:sent.end]
                     if not (t.dep_ == "nsubj" and t.head.lemma_ in verbs)}  # "..., she said": another speaker
            m, f = bool(after & {"he", "him", "his", "himself"}), bool(after & {"she", "her", "hers", "herself"})
            if m != f:
                self.gender.setdefault(pid, "m" if m else "f")
        self.para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", doc_text(doc))]

    # -- helpers ---------------------------------------------------------------------------

    def paragraph(self, i: int) -> int:
        p = self._paragraph_of.get(i)
        if p is None:
            p = self._paragraph_of[i] = bisect.bisect_right(self.para_starts, self.doc[i].idx) - 1
        return p

    def _person_mentions(self) -> list[tuple[int, int, str, str, str]]:
        """(start, end, id, text, dependency of the root) of the person entities that have an id,
        in text order; read once per document."""
        if self._persons is None:
            self._persons = [(ent.start, ent.end, eid, ent.text, ent.root.dep_)
                             for ent, (_, _, label, eid, _) in zip(self.ents, self.ent_info) if label == "PERSON" and eid]
        return self._persons

    def ids_for_phrase(self, s: int, e: int) -> Resolution:
        doc = self.doc
        ents = _ents_in(doc, s, e, self.ents)
        # a person named as possessor is not the speaker ("Netanyahu's office said", "Putin's spokesman")
        owners = [x for x in ents if x.label_ == "PERSON" and x.end < len(doc) and doc[x.end].tag_ == "POS"
                  and not (x.start <= doc[s:e].root.i < x.end)]
        # ... nor is the post in the possessor's title ("Prime Minister X's office")
        ents = [x for x in ents if x not in owners and not (x.label_ == "OFFICE" and any(0 <= o.start - x.end <= 1 for o in owners))]
        people = [x._.entity_id for x in ents if x.label_ == "PERSON"]
        if people:
            return Resolution(list(dict.fromkeys(people)), "named")
        # "the United States and the European Union said": a group of bodies and states, all of them
        named = [x for x in ents if x.label_ in ("ORG", "STATE") and not _glued_state(doc, x)]
        if len(named) > 1 and len({x.label_ for x in named}) > 1 and \
                all(x.root.dep_ == "conj" or x is named[0] for x in named):
            return Resolution(list(dict.fromkeys(x._.entity_id for x in named)), "group")
        for x in ents:
            if x.label_ == "OFFICE" and x._.entity_id in self.office_holder:
                return Resolution([self.office_holder[x._.entity_id]], "office-holder")
        unheld = [x for x in ents if x.label_ == "OFFICE" and x._.state]
        office = unheld[0]._.entity_id if unheld else ""
        holder = self._role_holder(s, e, ents)
        if holder is not None:
            return holder
        roots = [x for x in ents if x.label_ == "ORG" and not _glued_state(doc, x)]
        if roots:
            # several bodies joined by `and` are a group; otherwise the body the phrase is about: the one
            # holding its head (`the Foreign Ministry`), else the last (`a spokesperson for the White House
            # National Security Council`, `the Houthi-run Al Masirah TV`)
            joint = len(roots) > 1 and all(r.root.dep_ == "conj" or r is roots[0] for r in roots)
            if joint:
                return Resolution(list(dict.fromkeys(r._.entity_id for r in roots)), "body", office=office)
            head = _head(doc, s, e)
            own = [r for r in roots if head is not None and r.start <= head.i < r.end]
            return Resolution([(own or roots)[-1]._.entity_id], "body", office=office)
        head = _head(doc, s, e)
        if head is not None and head.lemma_.lower() in NON_STATE_NOUNS | {"medium"} \
                and not any(t.lower_ in STATE_VOICE_WORDS for t in doc[s:head.i]):
            return Resolution([], "none", office=office)  # "the ROK media": a place, not its government
        states = [x for x in ents if x.label_ == "STATE" and not _glued_state(doc, x)]
        if states:
            return Resolution(list(dict.fromkeys(x._.entity_id for x in states)), "state", office=office)
        if unheld:
            # "the spokesperson" after "a spokesperson for the National Security Council": the same
            # speaker as before, if there is one, else the office's state
            if doc[s].lower_ in ("the", "this") and len(ents) == 1:
                again = self._nominal(s, e)
                if again.ids:
                    again.office = office
                    return again
            return Resolution([f"state:{unheld[0]._.state}"], "state", office=office)
        # "officials in Seoul": a government noun placed in a capital stands for its state, unless the
        # phrase says they are foreign there ("Western diplomats in Beijing", "EU officials in Kyiv")
        head = _head(doc, s, e)
        foreign = any(t.lower_ in FOREIGN_WORDS or (t.ent_type_ and t.i < head.i) for t in doc[s:e]) if head is not None else True
        if head is not None and head.lemma_.lower() in CAPITAL_NOUNS and not foreign:
            for t in doc[s:e]:
                if t.lower_ == "in" and t.head.i == head.i:
                    obj = next((c for c in t.children if c.dep_ == "pobj"), None)
                    if obj is not None:
                        name = doc[obj.left_edge.i:obj.i + 1].text
                        iso = _capitals().get(name) or _capitals().get(obj.text)
                        if iso:
                            return Resolution([f"state:{iso}"], "capital")
        # "the Japanese official": a demonym ties an unnamed speaker to its state
        dems = [d for d in doc.spans.get("ng_demonyms", []) if s <= d.start and d.end <= e
                and not _in_clause(d.root, s, e) and not _glued_state(doc, d)]
        if dems:
            # "the Japanese and South Korean foreign ministers": every state named by a demonym
            joint = len(dems) > 1 and any(t.lower_ == "and" for t in doc[dems[0].end:dems[-1].start])
            ids = list(dict.fromkeys(f"state:{d.kb_id_}" for d in (dems if joint else dems[:1])))
            return Resolution(ids, "demonym")
        owner_states = list(dict.fromkeys(f"state:{x._.state}" for x in owners if x._.state))
        if owner_states:
            return Resolution(owner_states[:1], "state")  # "Putin's spokesman": tied to Putin's state
        if not ents:
            again = self._named_elsewhere(s, e)
            if again is not None:
                return again
        return Resolution([], "none")

    def _named_elsewhere(self, s: int, e: int) -> Resolution | None:
        """`Human rights NGO Laboratorio de Paz reported ...` where the recogniser missed the name here but
        found it (or its first word) elsewhere in the document: the run of proper nouns ending at the head of
        the phrase that holds the words of a person or body of the document takes its id (the longest)."""
        doc = self.doc
        head = _head(doc, s, e)
        if head is None or head.pos_ != "PROPN":
            return None
        a = head.i
        # proper nouns and the short lower-case particles inside a name (`Laboratorio de Paz`)
        while a > s and (doc[a - 1].pos_ == "PROPN" or (doc[a - 1].is_lower and doc[a - 1].is_alpha
                                                         and len(doc[a - 1]) <= 3 and a - 1 > s)):
            a -= 1
        words = [t.text for t in doc[a:head.i + 1]]
        best: tuple[int, str, str] | None = None  # (words matched, id, label)
        for ent, (es, ee, label, eid, _) in zip(self.ents, self.ent_info):
            if not eid or label not in ("PERSON", "ORG"):
                continue
            toks = [t.text for t in ent]
            if len("".join(toks)) >= 4 and any(words[i:i + len(toks)] == toks for i in range(len(words) - len(toks) + 1)):
                if best is None or len(toks) > best[0]:
                    best = (len(toks), eid, label)
        if best is None:
            return None
        return Resolution([best[1]], "named" if best[2] == "PERSON" else "body")

    def _postmodifier_body(self, head: Token, e: int) -> Resolution | None:
        """`an official concerned of the U.S. National Security Council` when the speaker phrase stops at
        `official`: the body its post-modifier names (`concerned of X`, `from X`, `of X`, `at X`)."""
        for c in head.rights:
            if c.i <= head.i or not ((c.dep_ == "prep" and c.lower_ in ("of", "from", "at", "with"))
                               or (c.dep_ == "acl" and c.lemma_.lower() == "concern")):
                continue
            a, b = c.i, c.right_edge.i + 1
            for ent, (es, ee, label, eid, _) in zip(self.ents, self.ent_info):
                if a <= es and ee <= b and label == "ORG" and eid and not _in_clause(ent.root, c.i + 1, b):
                    return Resolution([eid], "body")
        return None

    def _role_holder(self, s: int, e: int, ents: list[Span]) -> Resolution | None:
        """`the opposition leader`, `the UN human rights chief`: a singular post held by one person whom
        the text introduced with that title (and, when the phrase names a body or state, with it)."""
        doc = self.doc
        head = _head(doc, s, e)
        if head is None or head.tag_ in ("NNS", "NNPS"):
            return None
        top = any(c.lower_ in TOP_WORDS for c in head.lefts)
        if head.lemma_.lower() not in POST_NOUNS | SPOKES_NOUNS and not (top and head.lemma_.lower() in TOP_POST_NOUNS):
            return None
        if any(t.lower_ in ("a", "an", "one", "another", "some", "former") for t in doc[s:e]):
            return None  # "a senior official", "a former minister": not the one post-holder
        if any(x.label_ == "PERSON" for x in ents):
            return None
        tied = {x._.entity_id for x in ents if x.label_ in ("ORG", "STATE")}
        tied |= {f"state:{d.kb_id_}" for d in doc.spans.get("ng_demonyms", []) if s <= d.start and d.end <= e}
        lemma = head.lemma_.lower()
        found: dict[str, Candidate] = {}
        for tok, pid, words, ids in self.titles:
            if tok >= s or pid in found:
                continue
            if (lemma in words and (not tied or tied & ids)) or \
                    (lemma in POST_NOUNS and tied and tied <= ids and words & POST_NOUNS):
                found[pid] = Candidate([pid], doc[tok].text, tok, {"title": float(lemma in words),
                                                                     "same_body": float(bool(tied & ids))})
        if len(found) == 1:
            (c,) = found.values()
            c.score = 1.0
            return Resolution(c.ids, "post-holder", [c])
        if not found and top and (doc[s].lower_ in ("the", "its") or any(c.dep_ == "poss" for c in head.children)):
            return self._untitled_holder(s, e)
        return None

    def _untitled_holder(self, s: int, e: int) -> Resolution | None:
        """`the bloc's top diplomat announced ...` ... `Borrell responded ..., saying`: a top post the text
        never pairs with a name stands for the one person near it (three paragraphs either way) who speaks
        under his bare name and is never presented with a post of his own."""
        doc = self.doc
        para = self.paragraph(s)
        verbs = cue_lexicon().verbs
        titled = {pid for _, pid, words, _ in self.titles if words & (POST_NOUNS | SPOKES_NOUNS | TOP_POST_NOUNS
                                                                       | PERSON_NOUNS | {"official", "officer"})}
        found: dict[str, Candidate] = {}
        for ent, (start, end, label, eid, _) in zip(self.ents, self.ent_info):
            if label != "PERSON" or not eid or eid in titled or s <= start < e or abs(self.paragraph(start) - para) > 3:
                continue
            root = ent.root
            if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_ in verbs and root.head.pos_ == "VERB":
                found.setdefault(eid, Candidate([eid], ent.text, start, {"speaks_untitled": 1.0,
                                                                          "paragraphs_apart": float(abs(self.paragraph(start) - para))}, 1.0))
        if len(found) == 1:
            (c,) = found.values()
            return Resolution(c.ids, "post-holder", [c])
        return None

    # -- pronouns ----------------------------------------------------------------------------

    def _person_candidates(self, word: str, before: int, content: tuple[int, int] | None = None) -> list[Candidate]:
        """Persons a pronoun can stand for, scored. A person named only inside the statement's own
        content (`"... Kim Jong Un ...," he said`) is not its speaker."""
        doc = self.doc
        want = _gender(word)
        para = self.paragraph(before)
        # the person who spoke last (a body speaking in between does not take the role)
        last_speaker = next((ids for _, _, ids, _ in reversed(self.history)
                             if len(ids) == 1 and ids[0].startswith("person:")), [])
        cands: dict[str, Candidate] = {}
        mentions: list[tuple[int, str, str, str]] = []  # (token, id, text, role)
        for start, end, eid, text, dep in self._person_mentions():
            if end <= before:
                mentions.append((start, eid, text, dep))
        for (_, (ss, se), ids) in self.resolved:
            if ss < before and len(ids) == 1 and ids[0].startswith("person:"):
                mentions.append((ss, ids[0], doc[ss:se].text, "speaker"))
        for tok, pid, text, role in mentions:
            p = self.paragraph(tok)
            if para - p > 4 or (content is not None and content[0] <= tok < content[1] and role != "speaker"):
                continue
            c = cands.get(pid)
            if c is None or tok > c.token:
                sents_back = self.sent_no[before] - self.sent_no[tok]
                f = {"last_speaker": float(last_speaker == [pid]), "same_paragraph": float(p == para),
                     "subject": float(role in ("nsubj", "nsubjpass", "speaker")),
                     "sentences_back": float(max(0, sents_back)), "paragraphs_back": float(para - p)}
                g = self.gender.get(pid, "")
                f["gender_clash"] = float(bool(want and g and g != want))
                f["gender_match"] = float(bool(want and g and g == want))
                # most people in political news whose gender the text does not tell are men: `she`
                # seldom stands for one of them when a woman is a candidate
                f["unknown_for_she"] = float(want == "f" and not g)
                cands[pid] = Candidate([pid], text, tok, f)
        # "A doctor at the hospital told the BBC ... '...,' she said": an unnamed person who spoke last in
        # this paragraph is a candidate too (resolved to nobody, or to the body it was tied to)
        for (_, (ss, se), ids) in reversed(self.resolved):
            if ss >= before:
                continue
            head = _head(doc, ss, se)
            if self.paragraph(ss) == para and head is not None and head.pos_ == "NOUN" and head.tag_ == "NN" \
                    and head.lemma_.lower() in PERSON_NOUNS and not any(i.startswith("person:") for i in ids):
                f = {"last_speaker": 1.0, "same_paragraph": 1.0, "subject": 1.0, "sentences_back": 0.0,
                     "paragraphs_back": 0.0, "gender_clash": 0.0, "gender_match": 0.0, "unknown_for_she": 0.0}
                cands["unnamed:" + str(ss)] = Candidate(list(ids), doc[ss:se].text, ss, f)
            break
        for c in cands.values():
            f = c.features
            c.score = (3.0 * f["last_speaker"] + 2.0 * f["same_paragraph"] + 1.0 * f["subject"]
                       - 0.4 * min(f["sentences_back"], 6) - 1.0 * f["paragraphs_back"] - 10.0 * f["gender_clash"]
                       + 1.0 * f["gender_match"] - 3.0 * f["unknown_for_she"])
        return sorted(cands.values(), key=lambda c: (-c.score, -c.token))

    def _thing_candidates(self, before: int) -> list[Candidate]:
        doc = self.doc
        para = self.paragraph(before)
        cands: dict[str, Candidate] = {}
        last_speaker = self.history[-1][2] if self.history else []
        items: list[tuple[int, list[str], str, str]] = []
        it_tok = doc[before]
        for ent in self.ents:
            if ent.end <= before and ent.label_ in ("ORG", "STATE") and ent._.entity_id and ent.root.dep_ in ("nsubj", "nsubjpass"):
                items.append((ent.start, [ent._.entity_id], ent.text, "subject"))
            elif ent.end <= before and ent.label_ in ("ORG", "STATE") and ent._.entity_id and ent.root.dep_ == "poss" \
                    and self.sent_no[ent.start] == self.sent_no[before] and ent.root.head.is_ancestor(it_tok) \
                    and not _glued_state(doc, ent):
                # "North Korea's unveiling of what it claims ...", "China's insistence that it ...": the
                # possessor of the noun whose clause holds `it`
                items.append((ent.start, [ent._.entity_id], ent.text, "possessor"))
        # subjects that are bodies by description: "the U.S. administration", "the Chinese government"
        first = self.para_starts[max(0, para - 2)]
        for tok in doc[:before]:
            if tok.idx < first or tok.dep_ not in ("nsubj", "nsubjpass") or tok.pos_ != "NOUN" or tok.tag_ == "NNS":
                continue
            if tok.lemma_.lower() not in GOVERNMENT_NOUNS | GROUP_NOUNS:
                continue
            ids = self.ids_for_phrase(tok.left_edge.i, tok.i + 1).ids
            if len(ids) == 1 and not ids[0].startswith("person:"):
                items.append((tok.left_edge.i, ids, doc[tok.left_edge.i:tok.i + 1].text, "subject"))
        for (_, (ss, se), ids) in self.resolved:
            if ss < before and len(ids) == 1 and not ids[0].startswith("person:"):
                items.append((ss, ids, doc[ss:se].text, "speaker"))
        for tok, ids, text, role in items:
            p = self.paragraph(tok)
            if para - p > 2:
                continue
            key = ids[0]
            if key in cands and cands[key].token > tok:
                continue
            f = {"last_speaker": float(last_speaker == ids), "same_paragraph": float(p == para),
                 "speaker": float(role == "speaker"), "paragraphs_back": float(para - p),
                 "tokens_back": float(before - tok),
                 "possessor": float(role == "possessor" or (key in cands and cands[key].features.get("possessor", 0.0) > 0))}
            cands[key] = Candidate(ids, text, tok, f, 2.0 * f["last_speaker"] + 1.5 * f["same_paragraph"]
                                   + 0.5 * f["speaker"] - 1.0 * f["paragraphs_back"] - 0.01 * min(f["tokens_back"], 100)
                                   + 3.0 * f["possessor"])
        return sorted(cands.values(), key=lambda c: (-c.score, -c.token))

    def _body_candidates(self, before: int, noun: str, kind: str = "") -> list[Candidate]:
        """`the Iran-backed group`, `the movement`: the bodies named before, in any role (`Houthi rebels`),
        of a kind the noun can stand for (a group is no army or ministry); the same paragraph, the
        subject role and recency count."""
        para = self.paragraph(before)
        kinds = lexicons.org_index()
        allowed = {kind, ""} if kind else GROUP_KINDS.get(noun, {""})
        cands: dict[str, Candidate] = {}
        for ent in self.ents:
            if ent.label_ != "ORG" or ent.end > before or not ent._.entity_id:
                continue
            kind = kinds[ent.kb_id_].kind if ent.kb_id_ in kinds else ""
            if kind not in allowed or (kind == "" and noun in ("group", "movement", "militia", "rebel", "faction")
                                       and any(t.lower_ in ("ministry", "department", "army", "forces", "agency")
                                               for t in ent)):
                continue
            p = self.paragraph(ent.start)
            if para - p > 2:
                continue
            f = {"same_paragraph": float(p == para), "subject": float(ent.root.dep_ in ("nsubj", "nsubjpass")),
                 "tokens_back": float(before - ent.end)}
            cands[ent._.entity_id] = Candidate([ent._.entity_id], ent.text, ent.start, f,
                                               1.5 * f["same_paragraph"] + 0.5 * f["subject"] - 0.01 * min(f["tokens_back"], 100))
        return sorted(cands.values(), key=lambda c: (-c.score, -c.token))

    def _plural(self, before: int) -> Resolution:
        """`they`: the last group that spoke (its ids, or none when it was unnamed), else the last two
        states named together."""
        para = self.paragraph(before)
        for tok, _, ids, plural in reversed(self.history):
            if tok < before and (plural or len(ids) > 1) and para - self.paragraph(tok) <= 1:
                return Resolution(list(ids), "pronoun", [Candidate(list(ids), self.doc[tok].text, tok, {"last_group": 1.0}, 1.0)])
        pair = self._last_pair(before)
        if pair:
            return Resolution(pair, "pronoun", [Candidate(pair, "", before, {"states_named_together": 1.0}, 1.0)])
        return Resolution([], "pronoun")

    def _last_pair(self, before: int, labels: tuple[str, ...] = ("STATE",)) -> list[str]:
        """The parties last named together before the token: `talks between X and Y` first, else `X and Y`
        when only one such pair stands in this paragraph and the one before (`Egypt and Qatar mediated
        talks between Israel and Hamas` -> Israel and Hamas)."""
        doc = self.doc
        para = self.paragraph(before)
        ents = [e for e in self.ents if e.label_ in labels and e.end <= before and e._.entity_id]
        pairs: list[tuple[list[str], bool, bool]] = []  # (ids, joined by "between", near)
        for ent in ents:
            if ent.root.dep_ == "conj":
                head = ent.root.head
                other = next((x for x in ents if x.start <= head.i < x.end), None)
                if other is not None and other._.entity_id != ent._.entity_id:
                    between = any(t.lower_ == "between" for t in [head.head, head.head.head])
                    pairs.append(([other._.entity_id, ent._.entity_id], between, para - self.paragraph(ent.start) <= 1))
        if labels == ("PERSON",) and not any(n for _, _, n in pairs):
            # "Merz met Macron in Paris. Both leaders said ...": the two people of the last sentence naming two
            for sent in reversed(list(doc[:before].sents)):
                if para - self.paragraph(sent.start) > 1:
                    break
                ids = list(dict.fromkeys(e._.entity_id for e in ents if sent.start <= e.start < sent.end))
                if len(ids) == 2:
                    return ids
                if len(ids) > 2:
                    break
        near = [(p, b) for p, b, n in pairs if n]
        between = [p for p, b in near if b]
        if between:
            return between[-1]
        if near:
            distinct = {tuple(sorted(p)) for p, _ in near}
            return near[-1][0] if len(distinct) == 1 else []
        # none nearby: the pair the document is about, named together more than once
        counts = Counter(tuple(sorted(p)) for p, _, _ in pairs)
        top = counts.most_common(2)
        if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] > top[1][1]):
            return list(top[0][0])
        return []

    # -- nominals -------------------------------------------------------------------------------

    def _nominal(self, s: int, e: int) -> Resolution:
        doc = self.doc
        head_tok = _head(doc, s, e)
        if head_tok is None:
            return Resolution([], "none")
        head = head_tok.lemma_.lower()
        words = {t.lower_ for t in doc[s:e]}
        if head in _document_nouns():
            return self._document(s, e, head)
        # "a ministry official", "a department spokesperson": the body of that kind named last
        body_word = next((t for t in head_tok.lefts if t.dep_ == "compound" and t.pos_ == "NOUN"
                          and t.lemma_.lower() in GROUP_KINDS), None)
        if body_word is not None:
            body = next((x for x in reversed(self.ents) if x.end <= s and x.label_ == "ORG" and x._.entity_id
                         and x[-1].lemma_.lower() == body_word.lemma_.lower()), None)
            if body is not None:
                return Resolution([body._.entity_id], "nominal",
                                  [Candidate([body._.entity_id], body.text, body.start, {"body_named_before": 1.0}, 1.0)])
        if "year" in words and "old" in words:  # "the 78-year-old said": a person, as for a pronoun
            cands = self._person_candidates("person", s)
            return Resolution(cands[0].ids if cands else [], "nominal", cands)
        if doc[s].lower_ in ("a", "an", "another", "one", "some", "several", "many", "two", "three"):
            return Resolution([], "nominal")  # an indefinite phrase brings in someone new: no antecedent
        if "member" in words | {head} and (head in PAIR_NOUNS or head == "member"):
            # "all member states", "the members": of the international body named last
            orgs = lexicons.org_index()
            body = next((x for x in reversed(self.ents) if x.end <= s and x.label_ == "ORG" and x._.entity_id
                         and x.kb_id_ in orgs and orgs[x.kb_id_].kind == "international"), None)
            if body is not None:
                return Resolution([body._.entity_id], "nominal",
                                  [Candidate([body._.entity_id], body.text, body.start, {"members_of": 1.0}, 1.0)])
        if head in PERSON_PAIR_NOUNS and (words & {"two", "both"}):
            pair = self._last_pair(s, ("PERSON",))
            if pair:
                return Resolution(pair, "nominal", [Candidate(pair, "", s, {"persons_named_together": 1.0}, 1.0)])
        if head in PAIR_NOUNS and (words & {"two", "both"}):
            pair = self._last_pair(s, ("STATE",) if head in ("country", "nation", "state") else ("STATE", "ORG"))
            if pair:
                return Resolution(pair, "nominal", [Candidate(pair, "", s, {"states_named_together": 1.0}, 1.0)])
        group = head in GROUP_NOUNS and head_tok.tag_ != "NNS"
        kind = _group_kind(head_tok)
        bodies = self._body_candidates(s, head, kind) if group else []
        for tok, lemma, ids, _ in reversed(self.history):
            if tok < s and lemma == head and ids:
                if kind and bodies and bodies[0].token > tok and bodies[0].ids != list(ids):
                    break  # "Amnesty International said ... The rights group said": the body of that kind
                return Resolution(list(ids), "nominal", [Candidate(list(ids), doc[tok].text, tok, {"same_head_speaker": 1.0}, 1.0)])
        for ent in reversed([x for x in self.ents if x.end <= s and x.label_ == "OFFICE"]):
            if ent.root.lemma_.lower() == head:
                if ent._.entity_id in self.office_holder:
                    return Resolution([self.office_holder[ent._.entity_id]], "nominal")
                if ent._.state:
                    return Resolution([f"state:{ent._.state}"], "nominal")
        if bodies:
            return Resolution(bodies[0].ids, "nominal", bodies)
        # "her government", "his country": the state of the person the pronoun stands for
        poss = next((c for c in head_tok.children if c.dep_ == "poss" and c.lower_ in ("his", "her")), None)
        if poss is not None and head in ("government", "country", "nation", "administration"):
            cands = self._person_candidates(poss.lower_, s)
            states = [x._.state for x in self.ents if cands and x._.entity_id == cands[0].ids[0] and x._.state] if cands and cands[0].ids else []
            if states:
                return Resolution([f"state:{states[0]}"], "nominal", cands)
        return Resolution([], "nominal")

    def _document(self, s: int, e: int, head: str) -> Resolution:
        """`the statement said`: whoever issued the document."""
        doc = self.doc
        para = self.paragraph(s)
        cands: list[Candidate] = []
        own = _head(doc, s, e)
        for t in doc[:e]:
            if t.lemma_.lower() != head:
                continue
            # "a statement issued by X", "X's statement", "X issued a statement", "X condemned it in a statement"
            agent = next((g for c in t.children if c.dep_ == "acl" for a in c.children if a.dep_ == "agent"
                          for g in a.children if g.dep_ == "pobj"), None)
            poss = next((c for c in t.children if c.dep_ == "poss"), None)
            verb = t.head
            while verb.dep_ in ("prep", "pobj") and verb.head is not verb:
                verb = verb.head
            subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None) \
                if verb.pos_ in ("VERB", "AUX") and verb.i != t.i else None
            src = agent if agent is not None else poss if poss is not None else subj
            if src is None or src.i == t.i or is_first_person(src):
                continue
            if para - self.paragraph(t.i) > 2:
                continue
            ids = self._ids_of_token(src)
            if not ids and own is not None and t.i == own.i and (agent is not None or poss is not None):
                # "a letter signed by 63 lawmakers": the issuer is named, and is no entity
                return Resolution([], "document", [Candidate([], doc[src.left_edge.i:src.i + 1].text, t.i,
                                                             {"this_document": 1.0, "issuer_unnamed": 1.0})])
            if ids:
                p = self.paragraph(t.i)
                this = float(own is not None and t.i == own.i)
                cands.append(Candidate(ids, doc[src.left_edge.i:src.i + 1].text, t.i,
                                       {"this_document": this, "issued_it": 1.0, "paragraphs_back": float(para - p)},
                                       2.0 + 3.0 * this - 0.5 * (para - p)))
        definite = doc[s].lower_ in ("the", "this", "that", "its", "his", "her", "their")
        if not cands and definite:
            # "the statement said": the speaker of the paragraph, the last one resolved in it
            # ("a leaked memo said" names no issuer and stays unresolved)
            for tok, _, ids, _ in reversed(self.history):
                if tok < s and ids and self.paragraph(tok) == para:
                    cands.append(Candidate(list(ids), doc[tok].text, tok, {"paragraph_speaker": 1.0}, 1.0))
                    break
        cands.sort(key=lambda c: (-c.score, -c.token))
        return Resolution(cands[0].ids if cands else [], "document", cands)

    def _ids_of_token(self, tok: Token) -> list[str]:
        s, e = tok.left_edge.i, tok.right_edge.i + 1
        r = self.ids_for_phrase(s, e).ids
        if r:
            return r
        if tok.lower_ in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS:
            for (cs, ce), (ss, se), ids in reversed(self.resolved):
                if ss <= tok.i < se:
                    return ids
        return []

    # -- the entry point --------------------------------------------------------------------------

    def resolve(self, st: Statement, previous: Statement | None) -> list[str]:
        return self.explain(st, previous).ids

    def explain(self, st: Statement, previous: Statement | None) -> Resolution:
        doc = self.doc
        if st.speaker is None:
            # a quote with no speaker of its own continues the one before it; anything else stays unattributed
            if previous is not None and st.origin == "quote" and previous.speaker is not None and self.history:
                return Resolution(list(self.history[-1][2]), "continuation")
            return Resolution([], "none")
        s, e = st.speaker
        words = [t.lower_ for t in doc[s:e] if not t.is_punct]
        head_tok = _head(doc, s, e)
        head = head_tok.lemma_.lower() if head_tok is not None else ""
        plural = head_tok is not None and (head_tok.tag_ in ("NNS", "NNPS") or head_tok.lower_ in PLURAL_PRONOUNS)
        res = Resolution([], "none")
        if len(words) == 1 and doc[s:e].text.strip() in FIRST_PERSON_FORMS:
            res = self._first_person(s)
        elif len(words) == 1 and words[0] in PERSON_PRONOUNS:
            cands = self._person_candidates(words[0], s, st.content)
            res = Resolution(cands[0].ids if cands else [], "pronoun", cands)
            # only a clear choice teaches a gender (one candidate, or a margin of two points)
            if cands and cands[0].ids and _gender(words[0]) and (len(cands) == 1 or cands[0].score - cands[1].score >= 2.0):
                self.gender.setdefault(cands[0].ids[0], _gender(words[0]))
        elif len(words) == 1 and words[0] in THING_PRONOUNS:
            cands = self._thing_candidates(s)
            res = Resolution(cands[0].ids if cands else [], "pronoun", cands)
        elif len(words) == 1 and words[0] in PLURAL_PRONOUNS:
            res = self._plural(s)
        else:
            res = self.ids_for_phrase(s, e)
            if not res.ids and head in _document_nouns():
                res = self._document(s, e, head)
            elif not res.ids and head:
                res = self._nominal(s, e)
            if not res.ids and head_tok is not None and head_tok.lemma_.lower() in GOVERNMENT_NOUNS | POST_NOUNS:
                res = self._postmodifier_body(head_tok, e) or res
        self.history.append((s, head, res.ids, plural))
        self.resolved.append((st.content, st.speaker, res.ids))
        return res

    def _speaker_state(self, speaker_ids: list[str]) -> str:
        """The speaker's state: a state id among ``speaker_ids``, else the state of the first of them
        whose entity has one."""
        for sid in speaker_ids:
            if sid.startswith("state:"):
                return sid
            state = self.state_of_id.get(sid)
            if state:
                return f"state:{state}"
        return ""

    def _tokens_among(self, s: int, e: int, words) -> list[int]:
        """The tokens in ``[s, e)`` whose lower-case form may be one of ``words`` (by string hash,
        a superset: callers compare the text)."""
        if e <= s:
            return []
        import numpy as np
        from spacy.attrs import LOWER
        from spacy.strings import get_string_id

        if self._lower_ids is None:
            self._lower_ids = self.doc.to_array(LOWER) if len(self.doc) else np.zeros(0, dtype=np.uint64)
        key = words if isinstance(words, (tuple, frozenset)) else tuple(words)
        at = self._word_positions.get(key)
        if at is None:  # every token of the document that may be one of the words, once per word list
            want = np.array(sorted({get_string_id(w) for w in words}), dtype=np.uint64)
            at = self._word_positions[key] = np.flatnonzero(np.isin(self._lower_ids, want)).tolist()
        return at[bisect.bisect_left(at, s):bisect.bisect_left(at, e)]

    def _first_person(self, at: int) -> Resolution:
        """`I` / `we` speaking inside a quote or verbatim text: its author."""
        for (cs, ce), _, ids in reversed(self.resolved):
            if cs <= at < ce:
                return Resolution(list(ids), "first-person")
        return Resolution([], "first-person")


    # -- targets -------------------------------------------------------------------------------------

    def targets(self, st: Statement, speaker_ids: list[str]) -> list[str]:
        """Entities the statement is about: named in its content (states, people, bodies) or as the cue's
        addressee (`urged Pyongyang to ...`, `told Reuters`, `called on Venezuelan authorities to ...`),
        `his country`, `his administration` and the like resolved to the speaker's state, demonyms standing
        for a state's actors or acts, posts whose holder the document names, `the two countries` and `both
        sides` (the parties of the statement's own sentence, else the two named together before), `the
        paramilitary` and `the rebel group` (the body of that kind named before), and `him` / `his` / `her`
        when the speaker is no person (the person the pronoun plainly stands for); never the speaker."""
        doc, ents = self.doc, self.ents
        s, e = st.content
        cfg = cue_lexicon().targets
        addressee = self._addressee(st)
        out: list[str] = []
        for ent, (es, ee, label, eid, _) in zip(ents, self.ent_info):
            inside = s <= es and ee <= e
            if (inside or (addressee and ent.root.i in addressee)) and label in ("STATE", "PERSON", "ORG") and eid:
                out.append(eid)
        # `his country`, `our nation`, `his administration`: the speaker's state (the same id however often
        # it is said)
        own_nouns = cfg["own_state_nouns"]
        speaker_state = self._speaker_state(speaker_ids)
        if speaker_state and any(doc[i].lower_ in own_nouns and any(c.lower_ in cfg["possessives"] for c in doc[i].children)
                                 for i in self._tokens_among(s, e, own_nouns) + [i for i in addressee]):
            out.append(speaker_state)
        # demonyms standing for a state's actors or acts, in the content or the addressee
        # (`urged Venezuelan authorities to ...`)
        at = set(addressee)
        for dem in self.demonyms:
            if ((s <= dem.start and dem.end <= e) or dem.root.i in at) \
                    and _demonym_noun(dem).lemma_.lower() in cfg["actor_nouns"]:
                out.append(f"state:{dem.kb_id_}")
        # a post named in the content whose holder the document names ("the Hungarian prime minister's
        # visit"; not a title written with its holder's name, `President Joe Biden`: the name counts itself)
        for es, ee, label, eid, _ in self.ent_info:
            if s <= es and ee <= e and label == "OFFICE" and eid in self.office_holder \
                    and ee not in self.person_starts:
                out.append(self.office_holder[eid])
        out.extend(self._pair_targets(st, speaker_ids))
        out.extend(self._group_targets(st, addressee))
        out.extend(self._pronoun_targets(st, speaker_ids))
        speakers = set(speaker_ids)
        return [x for x in dict.fromkeys(out) if x not in speakers]

    def _addressee(self, st: Statement) -> list[int]:
        """The tokens of the cue's addressee or object outside the content: its object (`urged Pyongyang
        to ...`, `told Reuters`), and the object of `on` / `upon` right before a content that is what the
        addressee is asked to do (`called on Venezuelan authorities to ...`; not `said on Tuesday`,
        `wrote on Telegram`). Preposition phrases inside that object (`the leaders of ...`) are left out."""
        if st.cue is None:
            return []
        doc = self.doc
        s, e = st.content
        verb = doc[st.cue[0]:st.cue[1]].root
        out: list[int] = []
        for c in verb.children:
            if c.dep_ in ("dobj", "dative", "iobj") and not (s <= c.i < e):
                out.extend(range(c.left_edge.i, c.right_edge.i + 1))
        for prep in verb.children:
            if prep.dep_ != "prep" or prep.lower_ not in ADDRESSEE_PREPS or prep.i < verb.i:
                continue
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            b = prep.right_edge.i + 1
            if obj is None or not (b <= s and s - b <= 1 and doc[s].lower_ == "to"):
                continue
            out.extend(i for i in range(obj.left_edge.i, obj.right_edge.i + 1) if not _under_prep(doc[i], obj))
        return out

    def _pair_targets(self, st: Statement, speaker_ids: list[str]) -> list[str]:
        """`the two countries`, `both sides`, `the two parties` in the content: the two parties of the
        statement's own sentence when it names the speaker acting with one other (`North Korea turned
        down an offer by the US, saying ... both sides`: the US and the speaker), else the two named
        together before (a commentator's `both sides` are the parties it comments on)."""
        doc = self.doc
        s, e = st.content
        for i in self._tokens_among(s, e - 1, ("two", "both")):
            nxt = doc[i + 1]
            if doc[i].lower_ not in ("two", "both") or nxt.tag_ not in ("NNS", "NNPS"):
                continue
            noun = nxt.lemma_.lower()
            if noun not in PAIR_STATE_NOUNS and noun not in SIDE_NOUNS:
                continue
            labels = ("STATE",) if noun in PAIR_STATE_NOUNS else ("STATE", "ORG")
            return self._counterpart(st, speaker_ids, labels) or self._last_pair(i, labels)
        return []

    def _counterpart(self, st: Statement, speaker_ids: list[str], labels: tuple[str, ...]) -> list[str]:
        """The one party other than the speaker (or the speaker's state) that the statement's sentence
        names outside the content and the speaker phrase, when the speaker is itself a party (a state or
        body, or a person of a state); [] when there is none or more than one."""
        if not speaker_ids:
            return []
        s, e = st.content
        own = set(speaker_ids)
        state = self._speaker_state(speaker_ids)
        if state:
            own.add(state)
        sent = self.doc[s].sent
        sp = st.speaker or (s, s)
        others = {eid for es, ee, label, eid, _ in self.ent_info
                  if eid and label in labels and sent.start <= es and ee <= sent.end and not (es < e and s < ee)
                  and not (es < sp[1] and sp[0] < ee) and eid not in own and not _glued_state(self.doc, self.doc[es:ee])}
        return sorted(others) if len(others) == 1 else []

    def _group_targets(self, st: Statement, addressee: list[int]) -> list[str]:
        """`the paramilitary`, `the rebel group`, `the bloc's leaders` in the content or the addressee:
        the body of that kind named before, when one stands clearly first among the candidates."""
        doc = self.doc
        s, e = st.content
        out: list[str] = []
        for i in list(range(s, e)) + addressee:
            t = doc[i]
            if t.pos_ not in ("NOUN", "ADJ") or t.tag_ in ("NNS", "NNPS"):
                continue
            lemma = t.lemma_.lower()
            if lemma in GROUP_MODIFIERS and lemma not in GROUP_KINDS:
                noun, kind = "group", GROUP_MODIFIERS[lemma]  # "the paramilitary": an armed group
            elif lemma in TARGET_GROUP_NOUNS:
                noun, kind = lemma, _group_kind(t)
            else:
                continue
            det = next((c for c in t.children if c.dep_ == "det"), None)
            if det is None or det.lower_ not in ("the", "this", "that"):
                continue
            if any(c.dep_ == "poss" or c.pos_ == "PROPN" or (c.dep_ == "compound" and c.lower_ not in GROUP_MODIFIERS)
                   for c in t.children):
                continue  # "Hamas's armed group", "the Wagner group": another body, or a name
            if any(es <= i < ee for es, ee, *_ in self.ent_info):
                continue
            cands = self._body_candidates(i, noun, kind)
            if cands and (len(cands) == 1 or cands[0].score - cands[1].score >= BODY_MARGIN):
                out.extend(cands[0].ids)
        return out

    def _pronoun_targets(self, st: Statement, speaker_ids: list[str]) -> list[str]:
        """`him`, `his`, `her` in the content of a speaker who is no person (`the opposition accused him`,
        `the State Department called for his release`): the person the pronoun plainly stands for (a score
        of one point, a margin of one over the next). A person's own `his` may be himself: left alone."""
        if any(x.startswith("person:") for x in speaker_ids):
            return []
        s, e = st.content
        out: list[str] = []
        for i in self._tokens_among(s, e, ("him", "his", "her")):
            w = self.doc[i].lower_
            if w not in ("him", "his", "her"):
                continue
            cands = [c for c in self._person_candidates(w, s, st.content) if c.ids and c.ids[0] not in speaker_ids]
            if cands and cands[0].score >= 1.0 and (len(cands) == 1 or cands[0].score - cands[1].score >= 1.0):
                out.extend(cands[0].ids)
        return out


def _under_prep(tok: Token, root: Token) -> bool:
    """Whether ``tok`` hangs from ``root`` through a preposition or a clause (`the leaders of both
    countries` under `leaders`, `a conference in Beijing`)."""
    t = tok
    while t.i != root.i and t.head is not t:
        if t.dep_ in ("prep", "relcl", "acl", "advcl"):
            return True
        t = t.head
    return False

def _demonym_noun(dem: Span) -> Token:
    """The noun a demonym modifies, through a coordination (`Indian and Pakistani officials`)."""
    head = dem.root.head
    while head.pos_ == "ADJ" and head.head is not head and head.dep_ in ("conj", "amod"):
        head = head.head
    return head
