"""The type of a statement (SCHEMA.md, "Statement types"): the act it performs, read from the cue and the content.

Rules over the parse, with the words that name each act in
``pipeline/data/statement_types.toml``:

1. a negated or hypothetical cue (`did not reject`, `would welcome`, `may consider`) is COMMENT;
2. a cue that names an act gives it (`rejected`, `urged`, `accused`, `expressed concern`);
3. a neutral cue (`said`, `added`, `issued`) reads the content: the acts named by the main verbs
   of its sentences (root, conjuncts, open complements), negated ones skipped, the most frequent
   wins (the act that dominates a press statement), ties to the first;
4. `warn` is THREATEN when the speaker's own side would act (`we will respond`, `will pay a
   price`), WARN otherwise.

Each type carries its CAMEO code, Goldstein value, tone and PLOVER category.
"""
from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from pipeline.relations.statements import ents_of, of_side, speaker_side
from pipeline.core.lexicons import data_file

NEGATIONS = {"not", "n't", "never", "no"}
HYPOTHETICAL = {"would", "could", "might", "may"}
FIRST_PERSON = {"we", "i", "us", "our", "my"}
OWN_POSSESSIVES = {"its", "our", "my"}  # in reported speech, the speaker's own (`said its strikes had ...`)
COMMITTING = {"vow", "pledge", "promise", "swear", "threaten"}  # with a coercive act: THREATEN
REFUSING = {"refuse", "decline", "fail"}  # with a refusal after it, no refusal (`refused to rule out`)


@dataclass(frozen=True)
class TypeInfo:
    name: str
    cameo: str
    goldstein: float
    tone: str
    plover: str


@dataclass(frozen=True)
class TypeLexicon:
    types: dict[str, TypeInfo]
    acts: tuple[tuple[tuple[str, ...], str], ...]  # (lemma phrase, type), longest phrases first
    coercive: frozenset[str]
    means: tuple[tuple[str, ...], ...]
    wrongs: frozenset[str]
    disapproval: frozenset[str]
    expressing: frozenset[str]
    harms: frozenset[str]
    dangers: frozenset[str]
    agreements: frozenset[str]
    concluding: frozenset[str]
    # first lemma of a phrase -> its positions in ``acts`` (derived)
    acts_by_first: dict[str, tuple[int, ...]] | None = field(default=None, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, list[int]] = {}
        for k, (phrase, _) in enumerate(self.acts):
            index.setdefault(phrase[0], []).append(k)
        object.__setattr__(self, "acts_by_first", {w: tuple(ks) for w, ks in index.items()})


@lru_cache(maxsize=1)
def lexicon() -> TypeLexicon:
    cfg = tomllib.loads(data_file("statement_types.toml").read_text(encoding="utf-8"))
    types = {name: TypeInfo(name, v["cameo"], float(v["goldstein"]), v["tone"], v["plover"])
             for name, v in cfg["types"].items()}
    acts = sorted(((tuple(p.lower().split()), t) for t, phrases in cfg["acts"].items() for p in phrases),
                  key=lambda x: -len(x[0]))
    means = tuple(tuple(m.split()) for m in cfg["coercive"]["means"])
    return TypeLexicon(types, tuple(acts), frozenset(cfg["coercive"]["verbs"]), means, frozenset(cfg["content"]["wrongs"]),
                       frozenset(cfg["content"]["disapproval"]), frozenset(cfg["content"]["expressing"]),
                       frozenset(cfg["content"]["harms"]), frozenset(cfg["content"]["dangers"]),
                       frozenset(cfg["content"]["agreements"]), frozenset(cfg["content"]["concluding"]))


def _lemma(t: Token) -> str:
    return "not" if t.lower_ in NEGATIONS else t.lemma_.lower()


def act_at(tokens: list[Token], lex: TypeLexicon, anchor: Token | None = None) -> str:
    """The act a run of tokens names (a lemma phrase of the lexicon inside it), or "";
    with ``anchor``, only a phrase that holds that verb or its adjective complement (the verb's
    own act, `was not interested`; not a noun after it: `appeared to have no direct rebuke`)."""
    lemmas = [_lemma(t) for t in tokens]
    # only the phrases whose first word is among the lemmas can match: the same first match, in the
    # lexicon's order, without trying the other phrases at every position
    for k in sorted({k for w in set(lemmas) for k in lex.acts_by_first.get(w, ())}):
        phrase, typ = lex.acts[k]
        n = len(phrase)
        for i in range(len(lemmas) - n + 1):
            if tuple(lemmas[i:i + n]) == phrase and (anchor is None or any(
                    t == anchor or (t.dep_ == "acomp" and t.head == anchor) for t in tokens[i:i + n])):
                return typ
    return ""


def _negated_or_hypothetical(head: Token) -> bool:
    kids = list(head.children)
    if any(k.dep_ == "neg" or k.lower_ in NEGATIONS for k in kids):
        return True
    return any(k.dep_ == "aux" and k.lower_ in HYPOTHETICAL for k in kids)


def _phrase(head: Token) -> list[Token]:
    """A verb with its particles, auxiliaries, negation and the first words after it (`call on`,
    `rule out`, `will not tolerate`, `pay a dear price`)."""
    doc = head.doc
    start = min([head.i] + [k.i for k in head.children if k.dep_ in ("aux", "neg", "auxpass") and k.i < head.i])
    end = min(len(doc), head.i + 4)
    return [t for t in doc[start:end] if not t.is_punct]


def _main_verbs(content: Span) -> list[Token]:
    """The head of each sentence's part inside the content (`said [the Houthis would not hesitate]`),
    with its conjuncts and complements."""
    out = []
    doc = content.doc
    for sent in content.sents:
        part = doc[max(sent.start, content.start):min(sent.end, content.end)]
        if not len(part):
            continue
        root = part.root
        heads = [root] + [t for t in root.children if t.dep_ in ("conj", "xcomp", "ccomp") and t.pos_ in ("VERB", "AUX", "ADJ")]
        out.extend(h for h in heads if content.start <= h.i < content.end)
    return out


def _wrong_named(content: Span, lex: TypeLexicon) -> str:
    """ACCUSE when the content names a specific wrong (`a violation`, `war crimes`, `terror`),
    CRITICIZE when it only disapproves (`brutal aggression`, `reckless provocation`)."""
    lemmas = {t.lemma_.lower() for t in content if t.pos_ in ("NOUN", "ADJ", "PROPN")}
    if lemmas & lex.wrongs:
        return "ACCUSE"
    if lemmas & lex.disapproval:
        return "CRITICIZE"
    return ""


def _by_own_side(subj: Token, own: set[str]) -> bool:
    """A doer of the speaker's side: first person, or in a state or body of that side."""
    return (subj.lower_ in FIRST_PERSON and subj.text not in ("US", "U.S.")) or any(
        e.start <= subj.i < e.end and e.label_ in ("STATE", "ORG") and of_side(e, own) for e in ents_of(subj.doc))


def _harm_by_others(content: Span, lex: TypeLexicon, own: set[str]) -> str:
    """ACCUSE when the content reports harm done by others (`Indian air strikes had killed 36 people`,
    `has unjustly detained opposition figures`): a harm word whose doer is not the speaker's side."""
    for t in content:
        if t.lemma_.lower() not in lex.harms:
            continue
        doers = [k for k in t.children if k.dep_ in ("nsubj", "agent", "poss", "amod", "compound")]
        doers += [g for k in t.children if k.dep_ == "agent" for g in k.children if g.dep_ == "pobj"]
        # the doer or its own possessor, modifier or compound: `its strikes`, `Indian strikes`
        doers += [g for k in list(doers) for g in k.children if g.dep_ in ("poss", "amod", "compound")]
        if any(_by_own_side(k, own) or k.lower_ in OWN_POSSESSIVES for k in doers):
            continue  # the speaker's side did it (a doer left unnamed counts as another's: the gold's casualty reports)
        return "ACCUSE"
    return ""


def _agreement_reached(v: Token, lex: TypeLexicon) -> str:
    """AGREE: an agreement reached, signed or worked out (`the agreement had been reached`,
    `had worked out an understanding on stoppage of firing`)."""
    if v.lemma_.lower() in lex.concluding and any(
            k.dep_ in ("dobj", "nsubjpass") and k.lemma_.lower() in lex.agreements for k in v.children):
        return "AGREE"
    return ""


def _danger(content: Span, lex: TypeLexicon) -> str:
    """WARN: a danger ahead, not the speaker's act (`inaction would lead to even greater horrors`,
    `to avoid a bloodbath`, `could face disappointment`): a word of danger with a modal or `avoid`."""
    lemmas = {t.lemma_.lower() for t in content}
    if lemmas & lex.dangers and lemmas & {"will", "would", "could", "may", "might", "avoid", "risk", "prevent"}:
        return "WARN"
    return ""


def _names_means(content: Span, lex: TypeLexicon) -> bool:
    """The content names a means of coercion (`military action`, `the use of force`, `sanctions`)."""
    lemmas = [t.lemma_.lower() for t in content]
    return any(tuple(lemmas[i:i + len(m)]) == m for m in lex.means for i in range(len(lemmas) - len(m) + 1))


def _threat(content: Span, lex: TypeLexicon, any_subject: bool = False, own: set[str] = frozenset()) -> bool:
    """The speaker's own side would act: a coercive verb whose subject is the speaker's side (first
    person, or its state or body named: `Israel must continue to attack`, said by an Israeli minister),
    any subject after a cue of commitment (`vowed to respond`), or `pay a price`."""
    for t in content:
        if t.lemma_.lower() in lex.coercive and t.pos_ == "VERB":
            subj = [k for k in t.children if k.dep_ in ("nsubj", "nsubjpass")]
            if not subj and t.dep_ == "xcomp":
                subj = [k for k in t.head.children if k.dep_ == "nsubj"]  # `Israel must continue to attack`
            if any(_by_own_side(k, own) for k in subj) or (any_subject and t.i - content.start < 4):
                return True
            kids = list(t.children)
            if any(k.dep_ == "auxpass" for k in kids) and any(k.lower_ in ("will", "shall") for k in kids) and \
                    not any(k.dep_ == "agent" for k in kids):
                return True  # `will be annihilated`: the doer unnamed, the speaker's side implied (SCHEMA.md)
            if t.lemma_.lower() == "pay" and any(k.lemma_.lower() == "price" for k in t.subtree):
                return True
    return False


def statement_type(doc: Doc, content: tuple[int, int], cue: tuple[int, int] | None,
                   speaker: tuple[int, int] | None = None) -> str:
    lex = lexicon()
    span = doc[content[0]:content[1]]
    own = speaker_side(doc, speaker)
    typ = ""
    if cue is not None:
        cue_span = doc[cue[0]:cue[1]]
        head = cue_span.root
        if _negated_or_hypothetical(head):
            return "COMMENT"
        # the cue with its verb's particles and a preposition right after it (`call on`, `rule out`)
        extra = [k for k in head.children if k.dep_ == "prt" and k.i >= cue[1]]
        if cue[1] < len(doc) and doc[cue[1]].dep_ in ("prep", "prt") and doc[cue[1]].head.i == head.i:
            extra.append(doc[cue[1]])
        typ = act_at(list(cue_span) + sorted(set(extra), key=lambda t: t.i), lex)
        if not typ and head.lemma_.lower() in lex.expressing:  # `expressed "concern" over ...`
            typ = act_at([head] + [t for t in span[:4] if not t.is_punct], lex)
        if head.lemma_.lower() in COMMITTING and _threat(span, lex, any_subject=True):
            typ = "THREATEN"  # `vowed to respond to the strike`
        if head.lemma_.lower() in REFUSING and act_at(list(span[:4]), lex) in ("REJECT", "DENY"):
            # `refused to rule out`: two refusals keep an option open; a threat when it is coercion
            return "THREATEN" if _names_means(span, lex) else "COMMENT"
    if not typ:
        votes: Counter[str] = Counter()
        order: list[str] = []
        for v in _main_verbs(span):
            a = act_at(_phrase(v), lex, anchor=v) or _agreement_reached(v, lex)
            if a and any(k.dep_ == "neg" for k in v.children) and \
                    a == act_at([t for t in _phrase(v) if t.lower_ not in NEGATIONS], lex, anchor=v):
                continue  # `did not reject`: no act (but `will not tolerate` is one)
            if a:
                votes[a] += 1
                order.append(a)
        if votes:
            best = max(votes.values())
            typ = next(a for a in order if votes[a] == best)
        else:  # a coercive act by the speaker's own side outweighs the words for the other side's wrongs
            typ = "THREATEN" if _threat(span, lex, own=own) else \
                (_wrong_named(span, lex) or _harm_by_others(span, lex, own) or _danger(span, lex))
    if typ == "WARN" and _threat(span, lex, own=own):
        return "THREATEN"  # `warned that we will respond`
    return typ or "COMMENT"


def type_columns(typ: str) -> dict:
    info = lexicon().types[typ]
    return {"type": info.name, "cameo": info.cameo, "goldstein": info.goldstein, "tone": info.tone, "plover": info.plover}
