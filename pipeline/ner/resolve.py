"""Entity resolution: canonical ids for the mentions of a parsed document, and
the cross-document entity table.

Ids follow SCHEMA.md:
- STATE  ``state:ISO3``;
- PERSON ``person:`` + the name's parts, lower-cased, accents removed, split
  on spaces and hyphens, without a generational suffix (`Jr.`) or an East
  Slavic patronymic (`Vladimir Vladimirovich Putin` = `Vladimir Putin`), so
  spelling variants (`Ri Son-gwon`, `Ri Son Gwon`, `Orbán` / `Orban`) share
  one id in every document. A surname-only mention (`Kim`) or a shorter form
  (`Gonzalez Urrutia`) is resolved to a person named in full in the same
  document: by title first (`leader Kim` is whoever else is called `leader`
  in the document), then by which candidate was mentioned last before it; a
  single inner part of a longer name (`Lula` of `Luiz Inacio Lula da Silva`)
  and an alias the text gives (`X, better known as Hemedti`) are that name.
  Across documents (:func:`cross_document_ids`, run by the ner stage),
  transliteration variants (`Zelenskiy` / `Zelensky`, given names
  `Volodymyr` / `Vladimir` by ``given_name_variants``) become one id, and a
  surname alone takes the one full name the corpus has for it;
- OFFICE ``office:ISO3:slug`` when the text ties the post to a state (a state
  or demonym before it, `of DPRK` after it, the state of the body it belongs
  to), or the document ties that post to exactly one state; else ``office:slug``;
- ORG    ``org:slug`` of the canonical name; a state body's canonical name is
  the same for its spellings (`Ministry of Foreign Affairs`, `Foreign
  Ministry`, `foreign ministry` -> `foreign-ministry`) and is qualified by its
  state (`org:foreign-ministry-prk`); `the ministry` after a ministry named
  before is that ministry.

Pure functions of a ``Doc``; the ner stage driver does the I/O.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from dataclasses import asdict, dataclass
from typing import Iterable

from spacy.tokens import Doc, Span

from pipeline.core import lexicons


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


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Accents removed: `Orbán` -> `Orban`, `González` -> `Gonzalez`."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def office_slug(text: str) -> str:
    """Slug of a post, in the singular: `Prime Ministers` (before their holders' names) -> `prime-minister`."""
    s = slug(text)
    last = s.rsplit("-", 1)[-1]
    if last.endswith("s") and last[:-1] in _office_heads():
        s = s[:-1]
    return s


@lru_cache(maxsize=65536)
def person_parts(text: str) -> tuple[str, ...]:
    """The parts of a name that make its id: lower case, no accents, no `Jr.`, no patronymic."""
    suffixes, endings = _name_suffixes(), _patronymic_endings()
    text = re.sub(r"[\"“”]\w[^\"“”]*[\"“”]", " ", fold(text))  # a nickname in quotes: Robert "Bobby" Scott
    parts = [q for p in re.split(r"[\s\-\u2010\u2011]+", text.lower()) if (q := re.sub(r"[.'’‘]", "", p))]
    while len(parts) > 1 and parts[-1] in suffixes:
        parts.pop()
    if len(parts) >= 3:  # a middle initial: "Donald J. Trump" = "Donald Trump"
        parts = [parts[0]] + [p for p in parts[1:-1] if len(p) > 1] + [parts[-1]]
    if len(parts) >= 3 and endings:
        parts = [parts[0]] + [p for p in parts[1:-1] if not (len(p) >= 6 and p.endswith(endings))] + [parts[-1]]
    return tuple(parts)


@lru_cache(maxsize=1)
def _office_heads() -> frozenset[str]:
    return frozenset(h.lower() for h in lexicons.offices()["heads"])


@lru_cache(maxsize=1)
def _name_suffixes() -> frozenset[str]:
    return frozenset(x.rstrip(".") for x in lexicons.persons().get("name_suffixes", []))


@lru_cache(maxsize=1)
def _patronymic_endings() -> tuple[str, ...]:
    return tuple(lexicons.persons().get("patronymic_endings", []))


@lru_cache(maxsize=None)
def name_key(part: str) -> str:
    """One form for the Latin spellings of a name part (``persons.toml``, `transliteration`):
    `zelenskiy`, `zelensky`, `zelenskyy` -> `zelensky`; `borrel`, `borrell` -> `borel`."""
    key = fold(part).lower().rstrip(".")
    for pattern, repl in _translit_rules():
        key = pattern.sub(repl, key)
    return key


@lru_cache(maxsize=1)
def _translit_rules() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(p), r) for p, r in lexicons.persons().get("transliteration", []))


@lru_cache(maxsize=1)
def _given_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for group in lexicons.persons().get("given_name_variants", []):
        for variant in group:
            out.setdefault(name_key(variant), name_key(group[0]))
    return out


def given_key(part: str) -> str:
    """One form for the spellings of a given name (``persons.toml``, `given_name_variants`):
    `Volodymyr`, `Vladimir` -> `vladimir`; `Muhammad`, `Mohamed` -> `mohammed`; any other
    name part is its :func:`name_key`."""
    key = name_key(part)
    return _given_names().get(key, key)


def person_key(parts) -> tuple[str, ...]:
    """The key of a name's parts across spellings: the given name (first of two parts or more)
    by :func:`given_key`, the others by :func:`name_key`."""
    return tuple(given_key(p) if i == 0 and len(parts) > 1 else name_key(p) for i, p in enumerate(parts))


def person_id(text: str) -> str:
    return "person:" + "-".join(person_parts(text))


# -- context helpers ----------------------------------------------------------

ACTOR_DEPS = {"nsubj", "nsubjpass", "poss"}
_NP_GLUE = {"'s", "’s", "-", "the", "a", "an", "its", "their", "his", "her", "then", "former", "acting"}


def _ents_by_token(doc: Doc, ents: tuple[Span, ...] | None = None) -> dict[int, Span]:
    return {i: ent for ent in (doc.ents if ents is None else ents) for i in range(ent.start, ent.end)}


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

    def _left_anchor(self, span: Span, window: int = 6) -> tuple[str, object] | None:
        """What stands before the span in its noun phrase, over other posts, adjectives and nouns:
        ("state", ISO3) for a state or a demonym, ("org", span) for a body, None for nothing."""
        doc = self.doc
        i = span.start - 1
        steps = 0
        while i >= 0 and steps < window:
            t = doc[i]
            ent = self.by_tok.get(i)
            if ent is not None and ent.label_ == "STATE":
                return "state", ent.kb_id_
            if i in self.dems:
                return "state", self.dems[i].kb_id_
            if ent is not None and ent.label_ == "ORG":
                return "org", ent
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

    def left_state(self, span: Span, window: int = 6) -> str | None:
        """State, demonym or state body in the same noun phrase, before the span.

        Returns "" when an international body stands there (`UN Secretary-General`),
        None when nothing does.
        """
        anchor = self._left_anchor(span, window)
        if anchor is None:
            return None
        kind, what = anchor
        return what if kind == "state" else self.org_states.get((what.start, what.end), "")

    def left_org(self, span: Span, window: int = 6) -> Span | None:
        """The ORG that :meth:`left_state` stops at before the span (`European Council President`), if any."""
        anchor = self._left_anchor(span, window)
        return anchor[1] if anchor is not None and anchor[0] == "org" else None

    def _of_entity(self, span: Span) -> Span | None:
        """The entity of `of/for [the] X` right after the span."""
        doc = self.doc
        i = span.end
        if i >= len(doc) or doc[i].lower_ not in ("of", "for"):
            return None
        i += 1
        while i < len(doc) and doc[i].lower_ == "the":
            i += 1
        return self.by_tok.get(i)

    def right_org(self, span: Span) -> Span | None:
        """The ORG of `of/for [the] ORG` right after the span (`President of the European Commission`)."""
        ent = self._of_entity(span)
        return ent if ent is not None and ent.label_ == "ORG" else None

    def right_state(self, span: Span) -> str | None:
        """`of/for [the] STATE|ORG` right after the span."""
        ent = self._of_entity(span)
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
    """The state a body belongs to ("" for international bodies, armed groups and news outlets)."""
    name = ent.kb_id_
    entry = orgs.get(name)
    if entry is not None and entry.fixed_state:
        return entry.state
    owner = _owner_body_state(ent.text)
    if owner:  # "Taiwan Affairs Office of the State Council": the State Council's state
        return owner
    left = ctx.left_state(ent)
    if left:
        return left
    right = ctx.right_state(ent)
    if right:
        return right
    # only a state body named without its state ("the unification ministry") takes the
    # outlet's or the document's state; a party, paper or company (GOP, MSNBC) does not
    # a state body of the lexicon named without its state (`Joint Chiefs of Staff` in a Seoul story)
    # is qualified by the document's state context like the others
    if any(t.lower_ in _state_body_heads() for t in ent) or entry is not None \
            or slug(fold(ent.text)) in _short_names():
        return ctx.outlet_state or ctx.dominant
    return ""


def _owner_body_state(text: str) -> str:
    """The state of the lexicon body a name ends on after `of [the]` (`X Office of the State
    Council` -> CHN), when the lexicon gives it one."""
    low = fold(text).lower()
    k = low.find(" of ")
    if k < 0:
        return ""
    tail = low[k + 4:]
    if tail.startswith("the "):
        tail = tail[4:]
    return _body_states_by_alias().get(tail, "")


@lru_cache(maxsize=1)
def _body_states_by_alias() -> dict[str, str]:
    """Lower-case alias -> state of the lexicon bodies that have one (seats aside)."""
    return {a.lower(): e.state for e in lexicons.orgs() if e.state and e.kind != "seat" for a in e.aliases}


@lru_cache(maxsize=1)
def _short_names() -> dict[str, str]:
    """One-word names of state bodies (``orgs.toml``, `short_names`): `Treasury` = `Treasury Department`."""
    return {slug(k): v for k, v in lexicons.org_grammar().get("short_names", {}).items()}


@lru_cache(maxsize=65536)
def org_canonical(name: str) -> str:
    """Slug of a body's canonical name: one for its spellings (``orgs.toml``, `canonical_*`).

    `Ministry of Foreign Affairs`, `Foreign Ministry`, `foreign ministry` -> `foreign-ministry`;
    `Ministry of National Defense`, `defence ministry` -> `defense-ministry`."""
    g = lexicons.org_grammar()
    short = _short_names().get(slug(fold(name)))
    if short:  # "the Treasury" = "Treasury Department"
        name = short
    toks = slug(fold(name)).split("-")
    if toks and toks[0] not in _state_body_heads() and "of" in toks[1:-1] \
            and toks[toks.index("of") - 1] in _state_body_heads():
        # a body of another body ("Taiwan Affairs Office of the State Council"): its name as written
        return "-".join(t for t in toks if t != "the")
    heads = [t for t in toks if t in _state_body_heads()]
    if not heads or len(toks) < 2:
        return "-".join(toks)
    head = heads[0] if toks[0] in heads else heads[-1]
    spelling = g.get("canonical_spelling", {})
    drop = set(g.get("canonical_drop", []))
    words = [spelling.get(t, t) for t in toks if t != head and t not in drop]
    return "-".join(words + [head]) if words else "-".join(toks)


HOSTED_BODIES = {"embassy", "consulate", "consulate-general", "mission", "delegation"}


def _host_place(ent: Span) -> str:
    """`China's embassy in Singapore`: the place a state's mission sits in, which tells it apart from
    the same state's missions elsewhere."""
    doc = ent.doc
    if ent[-1].lower_ not in HOSTED_BODIES or ent.end + 1 >= len(doc) or doc[ent.end].lower_ != "in":
        return ""
    i = ent.end + 1
    while i < len(doc) and doc[i].lower_ == "the":
        i += 1
    j = i
    while j < len(doc) and j - i < 4 and doc[j].pos_ == "PROPN":
        j += 1
    return doc[i:j].text if j > i else ""


def _org_base(ent: Span, orgs: dict[str, lexicons.OrgEntry]) -> str | None:
    """The slug a body's id is built on; None for a lexicon body whose state is fixed (no qualifier)."""
    name = ent.kb_id_ or ent.text
    entry = orgs.get(name)
    if entry is not None and entry.fixed_state:
        return None
    return slug(name) if entry is not None else org_canonical(name)


def _org_id(ent: Span, state: str, orgs: dict[str, lexicons.OrgEntry]) -> str:
    base = _org_base(ent, orgs)
    if base is None:
        return "org:" + slug(ent.kb_id_ or ent.text)
    host = _host_place(ent)
    if host:
        base = f"{base}-{state.lower()}-{slug(host)}" if state else f"{base}-{slug(host)}"
        return f"org:{base}"
    return f"org:{base}-{state.lower()}" if state else f"org:{base}"


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
    aliases = known_as_aliases(doc)

    resolved_people: list[tuple[int, str]] = []  # (start, id) of person mentions so far
    office_bodies: dict[int, str] = {}  # office mention start -> the body whose post it is
    for ent in ents:
        label = ent.label_
        if label == "STATE":
            out.append((ent, f"state:{ent.kb_id_}", ent.kb_id_))
        elif label == "ORG":
            state = org_states[(ent.start, ent.end)]
            antecedent = _org_antecedent(ent, out) if not ent.kb_id_ and len(ent) == 1 else None
            if antecedent is not None:  # "the ministry" after "Taiwan's defence ministry"
                out.append((ent, antecedent[1], antecedent[2]))
                continue
            out.append((ent, _org_id(ent, state, orgs), state))
        elif label == "OFFICE":
            state = ctx.left_state(ent)
            if state is None:
                state = ctx.right_state(ent)
            if state is None and any(t.lower_ in ("country", "nation") for t in doc[max(0, ent.start - 3):ent.start]):
                state = ctx.previous_state(ent)  # "the country's First Vice Minister"
            if state is None:
                state = ctx.enclosing_state(ent)
            state = state or ""
            s = office_slug(ent.text)
            body = "" if state else _office_body(ctx, ent, orgs)
            if body:  # a post of an intergovernmental body or an armed group: "European Commission President"
                office_bodies[ent.start] = body
            eid = f"office:{s}-of-{body}" if body else (f"office:{state}:{s}" if state else f"office:{s}")
            out.append((ent, eid, state))
            holder = holder_of.get(ent.start)
            if holder is not None and state:
                person_state.setdefault(_person_key(holder, full, office_before, holders, doc_id, resolved_people, aliases), state)
        elif label == "PERSON":
            pid = _person_key(ent, full, office_before, holders, doc_id, resolved_people, aliases)
            resolved_people.append((ent.start, pid))
            # the state of the person's office beats a state that merely stands
            # before the name ("US special envoy for North Korea Sung Kim")
            state = person_state.get(pid) or ctx.left_state(ent) or ""
            if state:
                person_state.setdefault(pid, state)
            out.append((ent, pid, state))
    out = _one_state_per_name(out, orgs, office_bodies)
    # people get the state their office or demonym gave them anywhere in the document
    return [(sp, eid, person_state.get(eid, st) if sp.label_ == "PERSON" else st) for sp, eid, st in out]


def _org_antecedent(ent: Span, out: list[tuple[Span, str, str]]) -> tuple[Span, str, str] | None:
    """The body named last before `the ministry` whose name ends with that noun."""
    if ent.text.lower() not in lexicons.org_grammar().get("anaphoric_heads", []):
        return None
    if ent.start == 0 or ent.doc[ent.start - 1].lower_ != "the" or _host_place(ent):
        return None  # "China's embassy", "an embassy", "the embassy in Manila": not a mention of the last one
    for prev in reversed(out):
        sp = prev[0]
        if sp.label_ == "ORG" and sp is not ent and sp[-1].lower_ == ent.text.lower():
            return prev
    return None


def _one_state_per_name(out: list[tuple[Span, str, str]], orgs: dict[str, lexicons.OrgEntry],
                        office_bodies: dict[int, str] | None = None) -> list[tuple[Span, str, str]]:
    """Office and body ids decided per document and name (ANNOTATION.md rule 7).

    A post is qualified by its state when the document ties it to exactly one state,
    in every mention (`Hungary's Prime Minister` ... `the prime minister`); tied to
    several (`Russian President Putin` ... `US President Trump`), each mention keeps
    the state its own text gives. A post of a body (`European Commission President`) carries the
    body (`office:president-of-european-commission`) whatever the others are; a
    mention the text ties to nothing takes the one state or body the document ties
    the post to, and stays bare when there are none or several. A body that the
    document ties to exactly one state is qualified by it in every mention."""
    office_bodies = office_bodies or {}
    office_quals: dict[str, set] = defaultdict(set)  # post -> {("state", ISO3) | ("body", slug)}
    org_states: dict[str, set] = defaultdict(set)

    for sp, eid, st in out:
        if sp.label_ == "OFFICE":
            post = office_slug(sp.text)
            if sp.start in office_bodies:
                office_quals[post].add(("body", office_bodies[sp.start]))
            elif st:
                office_quals[post].add(("state", st))
        elif sp.label_ == "ORG" and (k := _org_base(sp, orgs)) is not None and st:
            org_states[k].add(st)
    fixed = []
    for sp, eid, st in out:
        if sp.label_ == "OFFICE" and sp.start not in office_bodies:
            post = office_slug(sp.text)
            quals = office_quals[post]
            if st:
                # several states: each mention keeps its own for now (the speaker resolver keys a post's
                # holder by the office id alone; bare ids would give `the Hungarian leader` to Xi)
                eid = f"office:{st}:{post}"
            elif len(quals) == 1:
                kind, q = next(iter(quals))
                if kind == "state":
                    st, eid = q, f"office:{q}:{post}"
                else:
                    eid = f"office:{post}-of-{q}"
            else:
                eid = f"office:{post}"
        elif sp.label_ == "ORG" and not st and (k := _org_base(sp, orgs)) is not None and len(org_states.get(k, ())) == 1:
            st = next(iter(org_states[k]))
            eid = _org_id(sp, st, orgs)
        fixed.append((sp, eid, st))
    return fixed


BODY_POST_KINDS = frozenset({"international", "armed_group"})


def _office_body(ctx: _DocContext, ent: Span, orgs: dict[str, lexicons.OrgEntry]) -> str:
    """The slug of the intergovernmental body or armed group whose post the office is, where the
    text ties them (ANNOTATION.md rule 7): the body before the title in its noun phrase (`European
    Council President`, `UN Secretary-General`, `Houthi spokesperson`) or after it (`President of the
    European Commission`, `spokesman for Hamas`); "" when there is none."""
    body = ctx.left_org(ent)
    if body is None:
        body = ctx.right_org(ent)
    if body is None or ctx.org_states.get((body.start, body.end)):
        return ""
    entry = orgs.get(body.kb_id_ or body.text)
    if entry is None or entry.kind not in BODY_POST_KINDS:
        return ""
    return slug(entry.name)


def office_holders(doc: Doc, by_tok: dict[int, Span] | None = None) -> list[tuple[Span, Span]]:
    """(office mention, the PERSON mention that holds it), where the text says so:
    `leader Kim`, `special envoy for North Korea Sung Kim`, `Kim Yo Jong, vice department director`."""
    ents = doc.ents  # built once: Doc.ents makes its spans anew on every access
    by_tok = by_tok if by_tok is not None else _ents_by_token(doc, ents)
    pairs: list[tuple[Span, Span]] = []
    for ent in ents:
        if ent.label_ != "OFFICE":
            continue
        j = ent.end
        # "special envoy for North Korea Sung Kim": the post's own complement comes first
        if j < len(doc) and doc[j].lower_ in ("for", "of") and j + 1 < len(doc):
            nxt = by_tok.get(j + 1)
            if nxt is not None and nxt.label_ in ("STATE", "ORG"):
                j = nxt.end
        # (office holders) "Prime Minister Sir Keir Starmer", "army chief Gen. X": honorifics and ranks
        # between the post and its holder, outside the PERSON span
        h = j
        while h < len(doc) and h - j < 3 and h not in by_tok and doc[h].text in _honorifics():
            h += 1
        nxt = by_tok.get(h)
        if nxt is not None and nxt.label_ == "OFFICE" and nxt.text in _person_titles():
            # "Foreign Minister Prince Faisal bin Farhan": a royal title between the post and its holder
            nxt = by_tok.get(nxt.end)
        if nxt is not None and nxt.label_ == "PERSON":
            pairs.append((ent, nxt))
            continue
        prev = _apposition_holder(doc, ent, by_tok)
        if prev is not None:
            pairs.append((ent, prev))
    return pairs


def _apposition_holder(doc: Doc, office: Span, by_tok: dict[int, Span]) -> Span | None:
    """(office holders) The PERSON an apposition gives the post to: `Kim Yo Jong, vice department director`,
    and with words between the comma and the post (offices.toml `apposition_words`, a state, a demonym, a
    body, an adjective): `Jane Doe, the new chief of ...`, `John Roe, Philippine ambassador to China`,
    `John Roe, Japan's former envoy`."""
    words = _apposition_words()
    dems = _demonyms(doc)
    k, n = office.start - 1, 0
    while k >= 0 and n < 5:
        t, ent = doc[k], by_tok.get(k)
        if ent is not None and ent.label_ in ("STATE", "ORG"):
            n += k - ent.start + 1
            k = ent.start - 1
        elif ent is None and (t.lower_ in words or k in dems or t.pos_ == "ADJ" and not t.is_title):
            n += 1
            k -= 1
        else:
            break
    if k >= 1 and doc[k].text == ",":
        prev = by_tok.get(k - 1)
        if prev is not None and prev.label_ == "PERSON":
            return prev
    return None


@lru_cache(maxsize=1)
def _honorifics() -> frozenset[str]:
    """Honorifics and ranks written before a name and outside it (``persons.toml``, `honorifics`)."""
    return frozenset(lexicons.persons().get("honorifics", []))


@lru_cache(maxsize=1)
def _apposition_words() -> frozenset[str]:
    return frozenset(w.lower() for w in lexicons.offices().get("apposition_words", []))


def annotate(doc: Doc, doc_id: str, credit_state: str = "") -> list[tuple[Span, str, str]]:
    """Resolve ``doc`` and keep the ids on its entities (``Span._.entity_id``, ``Span._.state``)."""
    from pipeline.ner.components import extensions  # noqa: F401

    doc._.doc_id = doc_id
    out = resolve_doc(doc, doc_id, credit_state)
    for span, eid, state in out:
        span._.entity_id, span._.state = eid, state
    return out


def _full_id(parts: tuple[str, ...], full) -> str:
    """The id of a name of several parts: its own, or that of the one longer name in the
    document it ends ("Gonzalez Urrutia" for "Edmundo Gonzalez Urrutia")."""
    keys = tuple(name_key(x) for x in parts)
    longer = {"person:" + "-".join(p) for sp, p in full
              if len(p) > len(parts) and tuple(name_key(x) for x in p[-len(parts):]) == keys}
    if len(longer) == 1:
        return next(iter(longer))
    return "person:" + "-".join(parts)


def _headline(span: Span) -> bool:
    """Is the span in a sentence written in title case (`Hillary Clinton Goes After Trump`)?
    Names there are cut less surely."""
    words = [t for t in span.sent if t.is_alpha]
    return len(words) >= 4 and sum(t.is_title for t in words) >= 0.8 * len(words)


@lru_cache(maxsize=1)
def _particles() -> frozenset[str]:
    return frozenset(lexicons.persons().get("particles", []))


_KNOWN_AS_ADVERBS = {"better", "also", "widely", "commonly", "popularly", "locally", "simply", "universally", "best"}


def known_as_aliases(doc: Doc) -> dict[tuple[str, ...], Span]:
    """`Mohamed Hamdan Dagalo, better known as Hemedti`, `Ali, known as X,`: the alias (its name
    parts) -> the full name it stands for in this document. Only a person's name right before
    `[,] [adverb] known as`, and a person's name right after it."""
    by_tok = _ents_by_token(doc)
    out: dict[tuple[str, ...], Span] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON" or ent.start < 3:
            continue
        i = ent.start - 1
        if doc[i].lower_ != "as" or doc[i - 1].lower_ != "known":
            continue
        i -= 2
        if i >= 0 and doc[i].lower_ in _KNOWN_AS_ADVERBS:
            i -= 1
        if i >= 0 and doc[i].text == ",":
            i -= 1
        full = by_tok.get(i)
        if full is None or full.label_ != "PERSON" or full.end != i + 1 or full is ent:
            continue
        out.setdefault(person_parts(ent.text), full)
    return out


def _person_key(ent: Span, full, office_before, holders, doc_id: str, resolved: list[tuple[int, str]],
                aliases: dict[tuple[str, ...], Span] | None = None) -> str:
    parts = person_parts(ent.text)
    if aliases and parts in aliases and person_parts(aliases[parts].text) != parts:
        named = aliases[parts]
        return _person_key(named, full, office_before, holders, doc_id, resolved)
    if len(parts) > 1:
        return _full_id(parts, full)
    token = parts[0] if parts else ent.text.lower()
    key = name_key(token)
    # the surname is the last part or the first (`Kim Jong Un`, `Xi Jinping`); else the
    # first of two family names (`Gonzalez` of `Edmundo Gonzalez Urrutia`)
    candidates = {_full_id(p, full): p for sp, p in full if key in (name_key(p[0]), name_key(p[-1]))}
    if not candidates:
        candidates = {_full_id(p, full): p for sp, p in full if len(p) >= 3 and key == name_key(p[-2]) and not _headline(sp)}
    if not candidates and len(token) >= 3 and token not in _particles():
        # one inner part of a longer name, the part the person goes by (`Lula` of `Luiz Inacio
        # Lula da Silva`): only where a single name of the document has it
        candidates = {_full_id(p, full): p for sp, p in full if len(p) >= 3 and not _headline(sp)
                      and key in {name_key(x) for x in p[1:-1] if x not in _particles()}}
        if len(candidates) > 1:
            candidates = {}
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
        # the candidate last named as the one acting (a subject), not one named inside another person's
        # apposition: "Kim Yo Jong, the sister of leader Kim Jong Un, said ... Kim claimed" -> Kim Yo Jong
        doc = ent.doc
        acting = [(start, pid) for start, pid in before
                  if doc[start:start + 1].root.head.dep_ in ("nsubj", "nsubjpass") or
                  any(t.dep_ in ("nsubj", "nsubjpass") for t in doc[start:start + 4] if t.ent_iob_ != "O")]
        recent = max(before)
        if acting and max(acting)[1] != recent[1] and _in_apposition(doc, recent[0]) and \
                doc[recent[0]].sent.start == doc[max(acting)[0]].sent.start:
            return max(acting)[1]
        return recent[1]
    return f"person:{doc_id}-{token}"  # ambiguous and unresolved: kept apart from other documents


@lru_cache(maxsize=1)
def _person_titles() -> frozenset[str]:
    """Royal and religious titles before a name (``offices.toml``, `person_titles`)."""
    return frozenset(lexicons.offices().get("person_titles", []))


def _in_apposition(doc: Doc, i: int) -> bool:
    """The token stands in a phrase set off by commas that describes someone else (`, the sister of
    leader Kim Jong Un,`): an apposition or a prepositional object inside one."""
    t = doc[i]
    for _ in range(6):
        if t.dep_ == "appos":
            return True
        if t.head is t:
            return False
        t = t.head
    return False


@lru_cache(maxsize=1)
def _state_body_heads() -> frozenset[str]:
    return frozenset(lexicons.org_grammar()["heads"])


@lru_cache(maxsize=1)
def _common_surnames() -> frozenset[str]:
    return frozenset(lexicons.persons()["korean_surnames"])


@lru_cache(maxsize=1)
def _surname_first() -> frozenset[str]:
    """Surnames of names written surname first (Korean, Chinese), lower case, no accents."""
    rules = lexicons.persons()
    return frozenset(fold(x).lower() for x in rules["korean_surnames"] + rules.get("chinese_surnames", []))


# -- cross-document ----------------------------------------------------------

ENTITY_COLUMNS = ["entity_id", "label", "name", "aliases", "state", "mention_count", "doc_count"]


def cross_document_ids(mentions: Iterable[dict]) -> dict[str, str]:
    """Person ids of the per-document resolution -> the id they share across documents.

    - Transliteration and spelling variants (:func:`name_key`, part by part):
      `person:volodymyr-zelenskiy` and `person:volodymyr-zelensky` become the
      spelling the corpus uses most (ties: the shorter id); so do given-name
      variants of one surname (`person:vladimir-zelensky`, ``given_name_variants``).
    - A name left short in its document, a surname alone (`person:orban`) or
      the last parts of a name (`person:gonzalez-urrutia`), takes the full
      name whose family name it is (the last part; the first for a name written
      surname first, `person:xi` -> `person:xi-jinping`; a given name alone,
      `person:ali`, is never linked) when the corpus has exactly one (the evidence
      for a famous surname: `Orban` and the one `Viktor Orban` of the corpus);
      with two (`Donald Trump`, `Melania Trump`) it stays as it is.
    - Surnames kept apart in their document (`person:<doc_id>-kim`, a common
      Korean surname) are never linked.
    """
    counts: Counter = Counter()
    scoped: set[str] = set()
    for m in mentions:
        eid = m.get("entity_id", "")
        if m.get("label") != "PERSON" or not eid.startswith("person:"):
            continue
        counts[eid] += 1
        if eid.startswith(f"person:{m.get('doc_id', '')}-"):
            scoped.add(eid)
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    spelled: dict[tuple[str, ...], set[str]] = defaultdict(set)  # key -> first parts as written
    for eid in counts:
        if eid in scoped:
            continue
        parts = [p for p in eid.split(":", 1)[1].split("-") if p]
        key = person_key(parts)
        groups[key].append(eid)
        spelled[key].add(parts[0])
    head: dict[tuple[str, ...], str] = {}
    for key, ids in groups.items():
        total = sum(counts[i] for i in ids)
        head[key] = max(ids, key=lambda i: (counts[i], -len(i), i)) if total else ids[0]
    # short forms -> the one longer name they end: the family name (`Orban` of `Viktor Orban`),
    # or, for a name written surname first, its first part (`Xi` of `Xi Jinping`, `Lee` of
    # `Lee Jae-myung`); a given name alone (`Ali`, `Hunter`) is never linked
    surname_first = _surname_first()
    longer_of: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key in groups:
        n = len(key)
        cands = {k for k in groups if len(k) > n and (k[-n:] == key or (
            n == 1 and spelled[key] & spelled[k] and spelled[k] <= surname_first))}
        # a name that is itself the short form of a longer one is the same candidate
        cands = {k for k in cands if not any(len(o) > len(k) and o[-len(k):] == k for o in cands)}
        if len(cands) == 1:
            longer_of[key] = next(iter(cands))
    out: dict[str, str] = {}
    for key, ids in groups.items():
        target = key
        while target in longer_of:
            target = longer_of[target]
        for i in ids:
            if head[target] != i:
                out[i] = head[target]
    return out


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
