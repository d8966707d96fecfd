"""Entity resolution: canonical ids for the mentions of a parsed document, and
the cross-document entity table.

Ids follow SCHEMA.md:
- STATE  ``state:ISO3``;
- PERSON ``person:`` + the name's parts, lower-cased, split on spaces and
  hyphens, so spelling variants (`Ri Son-gwon`, `Ri Son Gwon`) share one id in
  every document. A surname-only mention (`Kim`) is resolved to a person named
  in full in the same document: by title first (`leader Kim` is whoever else
  is called `leader` in the document), then by which candidate was mentioned
  last before it; never to a person of another document;
- OFFICE ``office:ISO3:slug`` when the text ties the post to a state (a state
  or demonym before it, `of DPRK` after it, the state of the body it belongs
  to, the state named last in its sentence), else ``office:slug``;
- ORG    ``org:slug`` of the canonical name, qualified by the state for
  state bodies (`org:prk-foreign-ministry`).

Pure functions of a ``Doc``; the ner stage driver does the I/O.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from typing import Iterable

from spacy.tokens import Doc, Span

from . import lexicons


@dataclass
class Mention:
    doc_id: str
    mention_id: str
    start: int  # raw offsets
    end: int
    text: str  # raw text of the span
    label: str
    entity_id: str
    clean_start: int = -1
    clean_end: int = -1
    state: str = ""  # ISO3 the mention's entity belongs to, when known
    source: str = "text"  # text | credit
    canonical: str = ""  # the lexicon's name for the entity, when it has one (`Yonhap` for `Yonhap News agency`)

    def to_json(self) -> dict:
        return asdict(self)


def slug(text: str) -> str:
    s = text.lower().replace("’", "'").replace("'", "")
    s = re.sub(r"[^\w]+", "-", s, flags=re.UNICODE).strip("-")
    return s


def person_parts(text: str) -> tuple[str, ...]:
    return tuple(p for p in re.split(r"[\s\-\u2010\u2011]+", text.lower()) if p)


def person_id(text: str) -> str:
    return "person:" + "-".join(person_parts(text))


# -- context helpers ----------------------------------------------------------

ACTOR_DEPS = {"nsubj", "nsubjpass", "poss"}
_NP_GLUE = {"'s", "’s", "-", "the", "a", "an", "its", "their", "his", "her", "then", "former", "acting"}


def _ents_by_token(doc: Doc) -> dict[int, Span]:
    return {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}


def _demonyms(doc: Doc) -> dict[int, Span]:
    return {i: sp for sp in doc.spans.get("ng_demonyms", []) for i in range(sp.start, sp.end)}


class _DocContext:
    def __init__(self, doc: Doc, org_states: dict[tuple[int, int], str], outlet_state: str):
        self.doc = doc
        self.by_tok = _ents_by_token(doc)
        self.dems = _demonyms(doc)
        self.org_states = org_states
        self.outlet_state = outlet_state
        # the state the document is most about: most often an actor, then most often named
        states = [e for e in doc.ents if e.label_ == "STATE" and e.kb_id_]
        actor = Counter(e.kb_id_ for e in states if e.root.dep_ in ACTOR_DEPS)
        named = Counter(e.kb_id_ for e in states)
        self.dominant = max(named, key=lambda k: (actor[k], named[k], k)) if named else ""

    def left_state(self, span: Span, window: int = 6) -> str | None:
        """State, demonym or state body in the same noun phrase, before the span.

        Returns "" when an international body stands there (`UN Secretary-General`),
        None when nothing does.
        """
        doc = self.doc
        i = span.start - 1
        steps = 0
        while i >= 0 and steps < window:
            t = doc[i]
            ent = self.by_tok.get(i)
            if ent is not None and ent.label_ == "STATE":
                return ent.kb_id_
            if i in self.dems:
                return self.dems[i].kb_id_
            if ent is not None and ent.label_ == "ORG":
                return self.org_states.get((ent.start, ent.end), "")
            if ent is not None and ent.label_ in ("OFFICE",):
                i = ent.start - 1
                steps += 1
                continue
            if t.lower_ in _NP_GLUE or (t.pos_ in ("ADJ", "NOUN", "PROPN") and not t.is_sent_start):
                i -= 1
                steps += 1
                continue
            break
        return None

    def right_state(self, span: Span) -> str | None:
        """`of/for [the] STATE|ORG` right after the span."""
        doc = self.doc
        i = span.end
        if i >= len(doc) or doc[i].lower_ not in ("of", "for"):
            return None
        i += 1
        while i < len(doc) and doc[i].lower_ == "the":
            i += 1
        ent = self.by_tok.get(i)
        if ent is None:
            return None
        if ent.label_ == "STATE":
            # "the Foreign Ministry of the DPRK" / "DPRK Foreign Ministry" both
            return ent.kb_id_
        if ent.label_ == "ORG":
            return self.org_states.get((ent.start, ent.end)) or self.right_state(ent) or None
        return None

    def enclosing_state(self, span: Span) -> str | None:
        """A state that modifies a noun phrase containing the span, up to the clause:
        `the US administration led by President Joe Biden` -> USA; never a state
        merely named elsewhere in the sentence."""
        tok = span.root
        seen = 0
        while tok.head is not tok and seen < 6:
            tok = tok.head
            seen += 1
            if tok.pos_ in ("AUX",) or (tok.pos_ == "VERB" and tok.dep_ not in ("acl", "relcl")):
                if tok.dep_ in ("acl", "relcl"):
                    continue
                break
            for c in tok.children:
                if c.dep_ in ("compound", "amod", "poss", "nmod") and not (span.start <= c.i < span.end):
                    ent = self.by_tok.get(c.i)
                    if ent is not None and ent.label_ == "STATE":
                        return ent.kb_id_
                    if c.i in self.dems:
                        return self.dems[c.i].kb_id_
        return None

    def previous_state(self, span: Span) -> str | None:
        """The state last named as an actor (subject or possessor) before the span, else the last named."""
        before = [e for e in self.doc.ents if e.end <= span.start and e.label_ == "STATE"]
        for ent in reversed(before):
            if ent.root.dep_ in ACTOR_DEPS:
                return ent.kb_id_
        return before[-1].kb_id_ if before else None


# -- per-document resolution -------------------------------------------------

def _org_state(ctx: _DocContext, ent: Span, orgs: dict[str, lexicons.OrgEntry]) -> str:
    """The state a body belongs to ("" for international bodies and news outlets)."""
    name = ent.kb_id_
    entry = orgs.get(name)
    if entry is not None and (entry.kind in ("international", "news") or entry.state):
        return entry.state
    left = ctx.left_state(ent)
    if left:
        return left
    right = ctx.right_state(ent)
    if right:
        return right
    # only a state body named without its state ("the unification ministry") takes the
    # outlet's or the document's state; a party, paper or company (GOP, MSNBC) does not
    if any(t.lower_ in _state_body_heads() for t in ent):
        return ctx.outlet_state or ctx.dominant
    return ""


def resolve_doc(doc: Doc, doc_id: str, credit_state: str = "") -> list[tuple[Span, str, str]]:
    """(span, entity_id, state) for every entity of ``doc``, in text order."""
    orgs = lexicons.org_index()
    org_states: dict[tuple[int, int], str] = {}
    ctx = _DocContext(doc, org_states, credit_state)
    ents = list(doc.ents)
    # organisations first: offices and people take their state from them
    for ent in ents:
        if ent.label_ == "ORG":
            org_states[(ent.start, ent.end)] = ""
    for ent in ents:
        if ent.label_ == "ORG":
            org_states[(ent.start, ent.end)] = _org_state(ctx, ent, orgs)

    out: list[tuple[Span, str, str]] = []
    # people named in full, in order, for surname-only mentions
    full: list[tuple[Span, tuple[str, ...]]] = [(e, person_parts(e.text)) for e in ents if e.label_ == "PERSON" and len(person_parts(e.text)) > 1]
    holder_of = {office.start: person for office, person in office_holders(doc, ctx.by_tok)}
    office_before: dict[int, str] = {}  # person mention start -> office slug right before it
    for o_start, person in holder_of.items():
        office = ctx.by_tok[o_start]
        if person.start >= office.end:  # "leader Kim": the title right before the name
            office_before[person.start] = slug(office.text)
    holders: dict[str, Counter] = defaultdict(Counter)  # office slug -> full-name person ids
    for p, parts in full:
        if p.start in office_before:
            holders[office_before[p.start]]["person:" + "-".join(parts)] += 1
    person_state: dict[str, str] = {}

    resolved_people: list[tuple[int, str]] = []  # (start, id) of person mentions so far
    for ent in ents:
        label = ent.label_
        if label == "STATE":
            out.append((ent, f"state:{ent.kb_id_}", ent.kb_id_))
        elif label == "ORG":
            state = org_states[(ent.start, ent.end)]
            name = ent.kb_id_ or ent.text
            entry = orgs.get(name)
            if entry is not None and (entry.kind in ("international", "news") or entry.state):
                eid = "org:" + slug(name)
            else:
                eid = "org:" + slug(f"{state} {name}" if state else name)
            out.append((ent, eid, state))
        elif label == "OFFICE":
            state = ctx.left_state(ent)
            if state is None:
                state = ctx.right_state(ent)
            if state is None and any(t.lower_ in ("country", "nation") for t in doc[max(0, ent.start - 3):ent.start]):
                state = ctx.previous_state(ent)  # "the country's First Vice Minister"
            if state is None:
                state = ctx.enclosing_state(ent)
            state = state or ""
            s = slug(ent.text)
            eid = f"office:{state}:{s}" if state else f"office:{s}"
            out.append((ent, eid, state))
            holder = holder_of.get(ent.start)
            if holder is not None and state:
                person_state.setdefault(_person_key(holder, full, office_before, holders, doc_id, resolved_people), state)
        elif label == "PERSON":
            pid = _person_key(ent, full, office_before, holders, doc_id, resolved_people)
            resolved_people.append((ent.start, pid))
            # the state of the person's office beats a state that merely stands
            # before the name ("US special envoy for North Korea Sung Kim")
            state = person_state.get(pid) or ctx.left_state(ent) or ""
            if state:
                person_state.setdefault(pid, state)
            out.append((ent, pid, state))
    # people get the state their office or demonym gave them anywhere in the document
    return [(sp, eid, person_state.get(eid, st) if sp.label_ == "PERSON" else st) for sp, eid, st in out]


def office_holders(doc: Doc, by_tok: dict[int, Span] | None = None) -> list[tuple[Span, Span]]:
    """(office mention, the PERSON mention that holds it), where the text says so:
    `leader Kim`, `special envoy for North Korea Sung Kim`, `Kim Yo Jong, vice department director`."""
    by_tok = by_tok if by_tok is not None else _ents_by_token(doc)
    pairs: list[tuple[Span, Span]] = []
    for ent in doc.ents:
        if ent.label_ != "OFFICE":
            continue
        j = ent.end
        # "special envoy for North Korea Sung Kim": the post's own complement comes first
        if j < len(doc) and doc[j].lower_ in ("for", "of") and j + 1 < len(doc):
            nxt = by_tok.get(j + 1)
            if nxt is not None and nxt.label_ in ("STATE", "ORG"):
                j = nxt.end
        nxt = by_tok.get(j)
        if nxt is not None and nxt.label_ == "PERSON":
            pairs.append((ent, nxt))
            continue
        k = ent.start - 1
        while k >= 0 and doc[k].lower_ in ("the", "a", "an"):
            k -= 1
        if k >= 1 and doc[k].text == ",":
            prev = by_tok.get(k - 1)
            if prev is not None and prev.label_ == "PERSON":
                pairs.append((ent, prev))
    return pairs


def annotate(doc: Doc, doc_id: str, credit_state: str = "") -> list[tuple[Span, str, str]]:
    """Resolve ``doc`` and keep the ids on its entities (``Span._.entity_id``, ``Span._.state``)."""
    from .components import extensions  # noqa: F401

    doc._.doc_id = doc_id
    out = resolve_doc(doc, doc_id, credit_state)
    for span, eid, state in out:
        span._.entity_id, span._.state = eid, state
    return out


def _person_key(ent: Span, full, office_before, holders, doc_id: str, resolved: list[tuple[int, str]]) -> str:
    parts = person_parts(ent.text)
    if len(parts) > 1:
        return "person:" + "-".join(parts)
    token = parts[0] if parts else ent.text.lower()
    candidates = {"person:" + "-".join(p): p for sp, p in full if token in (p[0], p[-1])}
    if not candidates:
        # a bare common surname ("Kim") names no one in particular across documents
        if ent.text in _common_surnames():
            return f"person:{doc_id}-{token}"
        return "person:" + token
    if len(candidates) == 1:
        return next(iter(candidates))
    # a title names the person: "leader Kim" -> whoever is the leader here
    title = office_before.get(ent.start)
    if title and holders.get(title):
        best = [pid for pid, _ in holders[title].most_common() if pid in candidates]
        if best:
            return best[0]
    # else the candidate mentioned last before this mention (in full or resolved)
    before = [(start, pid) for start, pid in resolved if start < ent.start and pid in candidates]
    if before:
        return max(before)[1]
    return f"person:{doc_id}-{token}"  # ambiguous and unresolved: kept apart from other documents


def _state_body_heads() -> frozenset[str]:
    return frozenset(lexicons.org_grammar()["heads"])


def _common_surnames() -> frozenset[str]:
    return frozenset(lexicons.persons()["korean_surnames"])


# -- cross-document ----------------------------------------------------------

ENTITY_COLUMNS = ["entity_id", "label", "name", "aliases", "state", "mention_count", "doc_count"]


def entity_table(mentions: Iterable[dict]) -> list[dict]:
    """One row per canonical entity, from the mention records of all documents."""
    texts: dict[str, Counter] = defaultdict(Counter)
    canonical: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, Counter] = defaultdict(Counter)
    states: dict[str, Counter] = defaultdict(Counter)
    docs: dict[str, set] = defaultdict(set)
    for m in mentions:
        eid = m["entity_id"]
        texts[eid][m["text"]] += 1
        if m.get("canonical"):
            canonical[eid][m["canonical"]] += 1
        labels[eid][m["label"]] += 1
        if m.get("state"):
            states[eid][m["state"]] += 1
        docs[eid].add(m["doc_id"])
    names = lexicons.states().names
    rows = []
    for eid in sorted(texts):
        label = labels[eid].most_common(1)[0][0]
        if label == "STATE":
            name = names.get(eid.split(":", 1)[1], texts[eid].most_common(1)[0][0])
        elif canonical[eid]:
            name = canonical[eid].most_common(1)[0][0]
        else:
            # the longest of the most frequent spellings
            name = max(texts[eid].items(), key=lambda kv: (len(kv[0].split()), kv[1], kv[0]))[0]
        state = eid.split(":")[1] if label == "STATE" else (states[eid].most_common(1)[0][0] if states[eid] else "")
        rows.append({
            "entity_id": eid, "label": label, "name": name, "aliases": ";".join(sorted(texts[eid])),
            "state": state, "mention_count": sum(texts[eid].values()), "doc_count": len(docs[eid]),
        })
    return rows
