"""Stage 3 extractors: a parsed ``Doc`` -> :class:`Statement` records (speaker, cue, content).

Pure functions; the relations stage driver does the I/O. Extractors:

- ``quotes``: direct quotations (curly or straight marks, several paragraphs
  long, cue before, after or in the middle, unbalanced marks tolerated) with
  their cue and speaker;
- ``syntax``: reported speech from the cue lexicon (``pipeline/data/cues.toml``)
  and the dependency parse: `X said (that) ...`, `offered to ...`,
  `dismissed any talks`, `called for ...`, `according to X, ...`,
  `X was quoted as saying ...`, `X's statement that ...`;
- ``colon``: verbatim texts introduced by a colon (`released the following
  press statement: ...`), running to the end of the text;
- ``tagger``: spans from the statistical attribution tagger (PolNeAR), for the
  many attributions no rule covers.

Statements found by several extractors are merged (content overlap >= 0.5).
Offsets are token offsets into the Doc.
"""
from __future__ import annotations

import re
import tomllib
import weakref
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from spacy.tokens import Doc, Span, Token

from pipeline.core import lexicons
from pipeline.core.lexicons import data_file
from pipeline.relations.attribution.tagger import TaggedSpan

SPEAKER_DEPS = ("nsubj", "nsubjpass")
# `the spokeswoman` is the person introduced with that title, if the text named one; else her body
# (speakers.py); `X let his spokesperson say ...` is X (``subject_of``)
SPOKES_NOUNS = {"spokesman", "spokeswoman", "spokesperson"}
FIRST_PERSON = {"i", "we", "you", "me", "us"}


def is_first_person(tok: Token) -> bool:
    """`we`, `us`, `I`, `you` (the speaker's side), not `US` (the United States)."""
    return tok.lower_ in FIRST_PERSON and tok.text not in ("US", "U.S.")
OPEN_QUOTES = "\u201c\""
CLOSE_QUOTES = "\u201d\""


@dataclass
class Statement:
    content: tuple[int, int]
    cue: tuple[int, int] | None = None
    speaker: tuple[int, int] | None = None
    kind: str = "indirect"  # direct | indirect | mixed
    origin: str = "syntax"  # quote | syntax | colon | tagger
    speaker_office: str = ""  # office id when the speaker is named only by an office (see relations.py)
    speaker_resolution: dict | None = None  # how coref chose the speaker (coref.Resolution.to_json)


@dataclass(frozen=True)
class CueLexicon:
    clause: frozenset[str]
    to: frozenset[str]
    obj: frozenset[str]
    particles: frozenset[str]
    nouns: frozenset[str]
    press_verbs: frozenset[str]
    press_nouns: frozenset[str]
    document_nouns: frozenset[str]
    body_end_openers: tuple[str, ...]
    body_end_phrases: tuple[str, ...]
    headline_genres: frozenset[str]
    cognition: frozenset[str]
    source_nouns: frozenset[str]
    targets: dict[str, frozenset[str]]  # actor_nouns, own_state_nouns, possessives (coref.targets)
    tagger_cue_words: frozenset[tuple[str, str]] = frozenset()  # (lemma, VERB|NOUN|ADJ) often a cue in PolNeAR train
    not_speakers: frozenset[str] = frozenset()  # head nouns that are data, not speakers ("polls show")
    phrasal_only: frozenset[str] = frozenset()  # verbs that are cues only with their particle ("turn down")
    adjectives: frozenset[str] = frozenset()  # stances: "was concerned about", "critical of"
    evidence: frozenset[str] = frozenset()  # "suggest", "show": cues only with a speaker that can speak
    speaker_nouns: frozenset[str] = frozenset()  # common nouns for people and bodies who speak
    tagger_not_cues: frozenset[str] = frozenset()  # attempts and plans the tagger takes for cues
    territory_nouns: frozenset[str] = frozenset()  # what a territorial claim claims ("the islands it claims")
    inference_verbs: frozenset[str] = frozenset()  # ", raising concerns that ...": the journalist's inference
    agent_only: frozenset[str] = frozenset()  # judgements, cues only as a passive with an agent ("viewed by X as")
    reaction: frozenset[str] = frozenset()  # "drew protest from X": a reaction noun received from a speaker
    reaction_verbs: frozenset[str] = frozenset()  # ... and the verbs that receive it
    make_adjectives: frozenset[str] = frozenset()  # "made clear", "made it clear", "made public"
    agentless: frozenset[str] = frozenset()  # "has been accused of ...": a charge with no speaker named
    stance_holders: frozenset[str] = frozenset()  # "member states were critical of": nouns that hold a stance
    verbs: frozenset[str] = frozenset()  # every cue verb: clause | to | object | cognition
    # the string hashes (as ``Doc.to_array`` gives them) of the words ``syntax`` looks for: `according`
    # and stance adjectives, cue verbs, clause verbs, cue nouns (derived)
    hashes: tuple = field(default=(), compare=False, hash=False)

    def __post_init__(self) -> None:
        import numpy as np
        from spacy.strings import get_string_id

        def hashes(words: Iterable[str]):
            return np.array(sorted({get_string_id(w) for w in words}), dtype=np.uint64)

        verbs = self.clause | self.to | self.obj | self.cognition
        object.__setattr__(self, "verbs", verbs)
        object.__setattr__(self, "hashes", (hashes({"according"} | self.adjectives),
                                            hashes(verbs | self.agent_only | {"quote", "make"}),
                                            hashes(self.clause), hashes(self.nouns | self.reaction)))


@lru_cache(maxsize=1)
def cue_lexicon() -> CueLexicon:
    cfg = tomllib.loads(data_file("cues.toml").read_text(encoding="utf-8"))
    v = cfg["verbs"]
    return CueLexicon(
        clause=frozenset(v["clause_quote"]), to=frozenset(v["to"]), obj=frozenset(v["object"]),
        particles=frozenset(v["particles"]), nouns=frozenset(cfg["nouns"]["clause"]),
        press_verbs=frozenset(cfg["press"]["verbs"]),
        press_nouns=frozenset(n.split()[-1] for n in cfg["press"]["nouns"]),
        document_nouns=frozenset(cfg["press"]["document_nouns"]),
        body_end_openers=tuple(cfg["press"]["body_end_openers"]), body_end_phrases=tuple(cfg["press"]["body_end_phrases"]),
        headline_genres=frozenset(cfg["press"]["headline_genres"]),
        cognition=frozenset(v["cognition"]),
        source_nouns=frozenset(cfg["phrases"]["source_nouns"]),
        targets={k: frozenset(v) for k, v in cfg["targets"].items()},
        tagger_cue_words=_cue_rates(cfg["tagger"]["min_rate"], cfg["tagger"]["min_cue"]),
        not_speakers=frozenset(cfg["tagger"]["not_speakers"]),
        phrasal_only=frozenset(v["phrasal_only"]),
        adjectives=frozenset(cfg["adjectives"]["stance"]),
        evidence=frozenset(v["evidence"]), speaker_nouns=frozenset(cfg["phrases"]["speaker_nouns"]),
        tagger_not_cues=frozenset(cfg["tagger"]["not_cues"]),
        territory_nouns=frozenset(v["territory_nouns"]), inference_verbs=frozenset(v["inference"]),
        agent_only=frozenset(v.get("agent_only", ())), reaction=frozenset(cfg["nouns"].get("reaction", ())),
        reaction_verbs=frozenset(cfg["nouns"].get("reaction_verbs", ())),
        make_adjectives=frozenset(cfg["phrases"].get("make_adjectives", ())),
        stance_holders=frozenset(cfg["adjectives"].get("stance_holders", ())),
        agentless=frozenset(v.get("agentless", ())),
    )


def _cue_rates(min_rate: float, min_cue: int) -> frozenset[tuple[str, str]]:
    """Words that are a cue at least ``min_rate`` of the times they occur in PolNeAR train
    (``pipeline/data/cue_rates.csv``, built by ``scripts/build_cue_rates.py``)."""
    import csv

    with data_file("cue_rates.csv").open(encoding="utf-8") as fh:
        return frozenset((r["lemma"], r["pos"]) for r in csv.DictReader(fh)
                         if float(r["rate"]) >= min_rate and int(r["n_cue"]) >= min_cue)


# -- helpers --------------------------------------------------------------------

# What extractors read of a document again and again, computed once per document. The memo lives
# as long as the document (a weak reference, not an ``id()``).
_MEMO: "weakref.WeakKeyDictionary[Doc, dict]" = weakref.WeakKeyDictionary()


def _memo(doc: Doc, key: str, make):
    memo = _MEMO.setdefault(doc, {})
    if key not in memo:
        memo[key] = make()
    return memo[key]


def ents_of(doc: Doc) -> tuple:
    """``doc.ents``, read once per document: spaCy builds the spans anew on every access, and the
    extractors ask for them per statement and per token. The relations stage reads documents whose
    entities the ner stage has fixed; :func:`forget_ents` drops the memo if a caller sets new entities."""
    return _memo(doc, "ents", lambda: tuple(doc.ents))


def ent_table(doc: Doc) -> tuple[tuple[int, int, str], ...]:
    """(start, end, label) of each entity of :func:`ents_of` (a ``Span``'s label is a string lookup
    on every access)."""
    return _memo(doc, "ent_table", lambda: tuple((e.start, e.end, e.label_) for e in ents_of(doc)))


def model_label(tok: Token) -> str:
    """The pretrained recogniser's label of a token (`DATE`, `TIME`, `GPE`, `LOC`, ...; "" for none). Our
    ``newsgraph_entities`` replaces ``doc.ents`` (so ``Token.ent_type_`` holds only STATE, PERSON, ORG,
    OFFICE) and keeps the model's own entities in ``doc.spans["model_ents"]``."""
    doc = tok.doc

    def labels() -> dict[int, str]:
        return {i: sp.label_ for sp in doc.spans.get("model_ents", ()) for i in range(sp.start, sp.end)}

    return _memo(doc, "model_labels", labels).get(tok.i, "")


TIME_LABELS = ("DATE", "TIME")


def _cut_trailing_date(doc: Doc, s: int, e: int) -> int:
    """`put forward a proposal on Monday`, `... a provocation on May 28`: the end of a content without
    the date (and its preposition) that closes it: when, not what."""
    k = e
    while k - s > 2 and model_label(doc[k - 1]) in TIME_LABELS:
        k -= 1
    if k < e and k - 1 > s and doc[k - 1].lower_ in ("on", "in", "at", "during", "since"):
        k -= 1
    return k


def forget_ents(doc: Doc) -> None:
    memo = _MEMO.get(doc, {})
    memo.pop("ents", None)
    memo.pop("ent_table", None)


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per document: spaCy joins every token's text on every access, and
    a document's text never changes (retokenizing keeps it)."""
    return _memo(doc, "text", lambda: doc.text)


def sent_starts(doc: Doc) -> list[int]:
    """``doc[i].sent.start`` for every token ``i``, from one pass over the sentences (``Token.sent``
    scans the tokens back and forth on every call). Not cached: a caller that changes the sentence
    boundaries calls it again. Raises as ``Token.sent`` does when the document has no sentences."""
    if doc.user_hooks or doc.user_token_hooks or doc.user_span_hooks:
        return [t.sent.start for t in doc]  # custom sentence hooks: ask them
    out = [0] * len(doc)
    for sent in doc.sents:
        out[sent.start:sent.end] = [sent.start] * (sent.end - sent.start)
    return out

def _trim(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """Drop spaces and punctuation at the edges, but keep closing quote marks and a final full stop inside quotes."""
    while s < e and (doc[s].is_space or (doc[s].is_punct and doc[s].text not in OPEN_QUOTES + "\u2018'")):
        s += 1
    while e > s and (doc[e - 1].is_space or (doc[e - 1].is_punct and doc[e - 1].text not in CLOSE_QUOTES + "\u2019'")
                     or (doc[e - 1].pos_ == "CCONJ" and e - s > 1)):
        e -= 1  # also a conjunction left dangling by a cut ("... to negotiations but")
    return s, e


def _subtree_span(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def _has_quote(doc: Doc, s: int, e: int) -> bool:
    return any(t.text in ("\u201c", "\u201d", '"') for t in doc[s:e])


def _kind(doc: Doc, s: int, e: int) -> str:
    if e - s >= 2 and doc[s].text in OPEN_QUOTES and doc[e - 1].text in CLOSE_QUOTES + "\u2019" and not _has_quote(doc, s + 1, e - 1):
        return "direct"
    return "mixed" if _has_quote(doc, s, e) else "indirect"


def subject_of(verb: Token) -> Token | None:
    """The subject of a cue verb, inherited through conjunctions, participles and xcomps."""
    seen = 0
    tok = verb
    while tok is not None and seen < 4:
        subjects = [c for c in tok.children if c.dep_ in SPEAKER_DEPS]
        if seen == 0 and any(c.dep_ == "auxpass" for c in tok.children) and tok.lemma_ != "quote":
            # "the poll was described as illegitimate by X": X speaks, not the poll; no agent, no speaker
            return next((g for c in tok.subtree if c.lower_ == "by" and c.dep_ in ("agent", "prep")
                         for g in c.children if g.dep_ == "pobj"), None)
        if subjects:
            # a name the parse split ("Minister Ri Son - gwon") leaves two subjects: the nearer one is the name
            before = [c for c in subjects if c.i < tok.i]
            subj = max(before, key=lambda c: c.i) if before else subjects[0]
            if subj.lemma_.lower() in SPOKES_NOUNS and tok.dep_ in ("ccomp", "xcomp") and tok.head.lemma_ in ("let", "have"):
                # "X let his spokesperson make public his stand", "had his spokesman say ...": X speaks
                subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), subj)
            return subj
        for c in tok.children:  # passive "by X"
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        # coordinated verbs share a subject ("urged ... and called for ..."), and so do
        # participles ("issued a statement, saying ...") and infinitives ("offered to meet")
        if seen == 0 and _bare_participle(tok):
            break  # "Asked about the report, Lin said ...": the subject is the one asked, not the asker
        verbs = cue_lexicon().verbs
        if tok.tag_ == "VBG" and tok.dep_ in ("ccomp", "conj") and tok.lemma_ in verbs and tok.left_edge.i > 0 \
                and tok.doc[tok.left_edge.i - 1].lower_ in ("and", "but"):
            # "saying X and warning that Y": a second participle cue the parse hung inside the first one's
            # content; it shares the subject of the participle it is coordinated with
            up = tok.head
            while up.head is not up and up.lemma_ not in verbs and up.dep_ in ("ccomp", "conj", "xcomp", "acomp"):
                up = up.head
            if up.lemma_ in verbs and up.tag_ == "VBG" and up.i < tok.i:
                tok = up
                seen += 1
                continue
        if tok.tag_ == "VBG" and tok.dep_ == "pcomp" and tok.head.lower_ in GERUND_PREPS \
                and tok.head.head.pos_ in ("VERB", "AUX") and tok.head.head is not tok.head:
            # "ruffled feathers by claiming that ...", "after saying ...": the gerund has no subject of its own;
            # it is the one of the verb the preposition hangs on (not "accused X of saying", "criticised X for
            # saying": there the object is the one who said it)
            tok = tok.head.head
            seen += 1
            continue
        if tok.dep_ in ("conj", "xcomp") or (tok.dep_ in ("advcl", "acl") and tok.tag_ in ("VBG", "VBN")):
            if tok.head is tok:
                break
            if tok.dep_ == "advcl" and tok.tag_ == "VBG" and tok.lemma_ in cue_lexicon().verbs:
                # "Scholz said Germany would send X, adding that ...": the parse hung the participle on
                # the reported clause; the one adding is the speaker of the cue whose content holds it
                up = tok.head
                while up.head is not up and up.dep_ in ("ccomp", "conj", "xcomp", "acomp") and up.head.lemma_ not in cue_lexicon().verbs:
                    up = up.head
                if up.dep_ == "ccomp" and up.head.lemma_ in cue_lexicon().verbs and up.head.i < tok.i:
                    tok = up.head
                    seen += 1
                    continue
            # "X said that A was B but pointed out C": a cue verb parsed as a conjunct
            # inside the content belongs with the reporting verb
            if tok.dep_ == "conj" and tok.lemma_ in verbs and tok.head.lemma_ not in verbs \
                    and tok.head.dep_ in ("ccomp", "pcomp", "pobj", "xcomp", "dobj", "acomp", "attr"):
                # ... also "accused X of sabotaging Y and said Z": up to the cue verb whose content holds it
                up = tok.head
                while up.head is not up and up.lemma_ not in verbs and up.dep_ in ("ccomp", "pcomp", "pobj", "prep", "xcomp", "dobj", "acomp", "attr"):
                    up = up.head
                tok = up if up.lemma_ in verbs else tok.head.head
            else:
                tok = tok.head
            seen += 1
            continue
        break
    return None


def _territorial_claim(doc: Doc, verb: Token, content: tuple[int, int], lex: CueLexicon) -> bool:
    """`Kashmir is claimed by both`, `claims the islands as its territory`: a claim to a thing, no statement
    (ANNOTATION.md 17): a passive `claim`, or a content without a verb that is a state or place or
    holds, or is followed by, a territory noun (``territory_nouns``); `claimed the attack` stays."""
    if any(c.dep_ == "auxpass" for c in verb.children):
        return True
    s, e = content
    if any(t.pos_ in ("VERB", "AUX") and t.tag_ != "VBN" for t in doc[s:e]):
        return False
    root = doc[s:e].root  # what is claimed: a place (`claims Crimea`), not a place named in it (`an attack on Tel Aviv`)
    places = root.ent_type_ == "STATE" or model_label(root) in ("GPE", "LOC")
    return places or any(t.lemma_.lower() in lex.territory_nouns for t in doc[s:min(len(doc), e + 4)])


def _bare_participle(tok: Token) -> bool:
    """`Asked about the report, ...`: a past participle opening a clause without `has`/`had`/`was`, i.e. a
    passive whose subject is the one acted on (not `While China has long called for ...`)."""
    return tok.tag_ == "VBN" and tok.dep_ in ("advcl", "acl") and not any(c.dep_ in ("aux", "auxpass") for c in tok.children)


RELATIVE = {"who", "which", "that", "whom"}
# prepositions whose gerund takes the subject of the verb they hang on ("by claiming", "after saying")
GERUND_PREPS = {"by", "after", "before", "while", "when", "upon", "in", "through", "since"}
# verbs of asking someone for comment (an outlet that asks makes no statement)
REQUEST_VERBS = {"ask", "contact", "reach", "request", "approach", "seek"}
TOPIC_VERBS = {"comment", "talk", "speak", "discuss", "exchange", "touch", "dwell"}
QUESTIONERS = {"q", "question", "reporter", "reporters", "moderator", "audience", "interviewer"}


def antecedent(tok: Token) -> Token:
    """`the director ..., which brushed off ...`: a relative pronoun stands for the noun its clause modifies."""
    if tok.lower_ in RELATIVE:
        verb = tok.head
        while verb.dep_ == "conj" and verb.head is not verb:
            verb = verb.head
        if verb.dep_ == "relcl":
            return verb.head
    return tok


def _has_word(doc: Doc, s: int, e: int) -> bool:
    """Whether tokens ``[s, e)`` hold a letter or a digit (not only quote marks, punctuation, symbols)."""
    return any(any(ch.isalnum() for ch in t.text) for t in doc[s:e])


def speaker_span(doc: Doc, head: Token) -> tuple[int, int] | None:
    """The speaker as written: a named person inside the phrase, else the noun phrase without clauses;
    None when that holds no word (a stray quote mark or symbol the parse took for the subject)."""
    s, e = _speaker_phrase(doc, head)
    return (s, e) if s < e and _has_word(doc, s, e) else None


def _speaker_phrase(doc: Doc, head: Token) -> tuple[int, int]:
    head = antecedent(head)
    s, e = _subtree_span(head)
    group = _coordination(doc, head)
    if group is not None:  # "Costa Rica, Ecuador and Panama said", "the minister and his deputy said"
        return group
    # "Finance Minister A and Defense Minister B said": names joined by "and" however the parse nests them
    table = ent_table(doc)
    names = [(a, b) for a, b, label in table if label == "PERSON" and s <= a and b <= e]
    clause = min([c.left_edge.i for c in head.rights if c.dep_ in ("relcl", "acl", "advcl")] + [e])
    names = [n for n in names if n[1] <= clause]
    if len(names) >= 2 and any(t.lower_ == "and" for t in doc[names[0][1]:names[-1][0]]) and \
            not any(t.tag_ == "POS" or t.text in (";", ":") for t in doc[names[0][1]:names[-1][0]]):
        return _trim(doc, s, names[-1][1])
    for a, b, label in table:  # the head is part of a name: the whole name (even when the parse split it)
        if label in ("PERSON", "ORG", "STATE") and a <= head.i < b:
            return a, b
    # "the leader's sister Kim Yo Jong": the name that is not a possessor
    names = [(a, b) for a, b, label in table if label == "PERSON" and s <= a and b <= e
             and not (b < len(doc) and doc[b].tag_ == "POS") and a > head.i - 1]
    if names and head.i < names[0][0] <= head.i + 2:
        return names[0]
    # "A spokesman for the embassy, Liu Pengyu, said": the name in apposition
    for c in head.rights:
        if c.dep_ == "appos":
            named = [(a, b) for a, b, label in table if label == "PERSON" and a <= c.i < b]
            if named:
                return named[0]
    # cut relative clauses, appositions and trailing punctuation
    for c in head.rights:
        if c.dep_ in ("relcl", "appos", "acl", "punct", "advcl") or c.text == ",":
            e = min(e, c.left_edge.i)
            break
    for c in head.lefts:
        if c.dep_ in ("punct",) and c.i >= s and c.text not in ("-", "\u2010", "\u2011", "\u2013"):
            s = c.i + 1
    names = [(a, b) for a, b, label in table if label == "PERSON" and s <= a and b <= e
             and not (b < len(doc) and doc[b].tag_ == "POS")]
    if names:
        return names[-1]
    return _trim(doc, s, e)


def _coordination(doc: Doc, head: Token) -> tuple[int, int] | None:
    """The span of a coordinated speaker (`A, B and C`), from the first conjunct to the last; None
    when the head has no coordinated noun."""
    conjs = [c for c in head.rights if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")]
    if not conjs:
        return None
    s = head.left_edge.i
    last = conjs[-1]
    while True:
        nxt = [c for c in last.rights if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")]
        if not nxt:
            break
        last = nxt[-1]
    e = last.i + 1
    for ent in ents_of(doc):  # the last conjunct's whole name
        if ent.start <= last.i < ent.end:
            e = max(e, ent.end)
    return _trim(doc, s, e)


# -- quotes ------------------------------------------------------------------------

_QUOTE_MARK = re.compile("[\u201c\u201d\"]")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of double-quoted passages, marks included.

    Works paragraph by paragraph (``\\n\\n``): a quote left open at a paragraph's
    end continues when the next paragraph opens with a quote mark (the
    convention for quotes over several paragraphs), else it ends there.
    Straight quotes open after a space or the start and close otherwise.
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text)]
    # after a paragraph's first character only quote marks do anything: go from one to the next
    marks = [m.start() for m in _QUOTE_MARK.finditer(text)]
    for k, (ps, pe) in enumerate(paras):
        i = ps
        skip_first_open = open_at is not None
        while i < pe:
            c = text[i]
            if skip_first_open and i == ps and c in OPEN_QUOTES:
                skip_first_open = False  # the opening mark of a quote's next paragraph
            elif c == "\u201c" or (c == '"' and open_at is None and (i == ps or not text[i - 1].isalnum() or text[i - 1] in "([\u2014-")):
                if skip_first_open and i == ps:
                    skip_first_open = False
                elif open_at is None:
                    open_at = i
                # an opening mark inside an open quote: unbalanced copy; keep the first
            elif c in "\u201d\"" and open_at is not None:
                spans.append((open_at, i + 1))
                open_at = None
            nxt = bisect_right(marks, i)
            i = marks[nxt] if nxt < len(marks) and marks[nxt] < pe else pe
            if i > ps and skip_first_open and not text[ps] in OPEN_QUOTES:
                skip_first_open = False
        if open_at is not None:
            nxt = paras[k + 1][0] if k + 1 < len(paras) else None
            if nxt is None or text[nxt] not in OPEN_QUOTES:
                spans.append((open_at, pe))
                open_at = None
    return spans


def _token_span(doc: Doc, s: int, e: int) -> tuple[int, int] | None:
    sp = doc.char_span(s, e, alignment_mode="expand")
    return (sp.start, sp.end) if sp is not None and len(sp) else None


def _cue_near(doc: Doc, qs: int, qe: int, lex: CueLexicon) -> tuple[Token, Token | None] | None:
    """A cue verb for the quote [qs, qe): after it in its sentence, else before it."""
    sent_end = doc[qe - 1].sent.end if qe < len(doc) else len(doc)
    # a quote that closes a sentence ('... support."') takes no cue after it: what follows is a new sentence
    closes = qe - qs >= 2 and doc[qe - 2].text in (".", "!")
    # after: '"...," she added' / '..." said the official' / "... the agency quoted Kim as saying"
    for t in doc[qe:qe if closes else min(sent_end, qe + 40)]:  # past a long apposition ("X, the ..., said")
        if t.text in OPEN_QUOTES and t.i > qe:
            break
        if t.pos_ in ("VERB", "AUX") and t.lemma_ in lex.clause:
            if t.lemma_ == "quote":
                obj = next((c for c in t.children if c.dep_ in ("dobj", "nsubjpass")), None)
                if obj is not None:
                    return t, obj
            subj = subject_of(t)
            if subj is None or qs <= subj.i < qe:
                # the parse took a word of the quote: the speaker stands between quote and verb
                # ('"...," the official added') or right after the verb ('..." said the official')
                between = [w for w in doc[qe:t.i] if w.pos_ in ("NOUN", "PROPN", "PRON")
                           and w.dep_ not in ("pobj", "poss", "compound")]  # the head, not "of the EU"
                after = [w for w in doc[t.i + 1:sent_end] if w.pos_ in ("NOUN", "PROPN", "PRON")][:1]
                cand = between[-1] if between else (after[0] if after and doc[t.i + 1].pos_ in ("DET", "PROPN", "NOUN", "ADJ") else None)
                subj = cand
            return t, subj
    # before: 'X said: "..."', 'X said, "..."', 'X told reporters "..."'
    sent_start = doc[qs].sent.start
    for t in reversed(doc[sent_start:qs]):
        if t.pos_ in ("VERB", "AUX") and t.lemma_ in lex.clause:
            if any(qs <= d.i < qe for d in t.subtree) or doc[qs - 1].text in (":", ",") or t.i >= qs - 4:
                if t.lemma_ == "quote":
                    obj = next((c for c in t.children if c.dep_ in ("dobj", "nsubjpass")), None)
                    return t, obj
                return t, subject_of(t)
    # a quote standing alone, its cue in the next sentence: '"..." With such a stance, X responded.'
    if qs == doc[qs].sent.start and qe >= doc[qe - 1].sent.end - 1 and qe < len(doc):
        nxt = doc[qe].sent if not doc[qe].is_space else (doc[qe + 1].sent if qe + 1 < len(doc) else None)
        if nxt is not None and nxt.start >= qe:
            for t in nxt:
                own = any(c.dep_ in ("ccomp", "xcomp", "dobj") and c.i > t.i for c in t.children)
                if t.dep_ == "ROOT" and t.lemma_ in lex.clause and not own:  # not "X added that ...": its own content
                    subj = subject_of(t)
                    if subj is not None and subj.pos_ != "PRON":
                        return t, subj
    return None


def quotes(doc: Doc, lex: CueLexicon) -> list[Statement]:
    out: list[Statement] = []
    for cs, ce in quote_spans(doc_text(doc)):
        ts = _token_span(doc, cs, ce)
        if ts is None:
            continue
        qs, qe = ts
        words = [t for t in doc[qs:qe] if t.is_alpha]
        if not words:
            continue  # a stray quote mark
        before = doc[qs - 1] if qs > 0 else None
        embedded = before is not None and not before.is_space and before.sent == doc[qs].sent and \
            (before.is_alpha or before.text in ("’s", "'s")) and before.lower_ not in ("said", "says", "say", "added", "adds")
        if embedded and len(words) < 12:
            continue  # a partial quote inside a clause: part of a mixed statement
        found = _cue_near(doc, qs, qe, lex)
        if len(words) < 4 and (found is None or qs != doc[qs].sent.start):
            continue  # a scare quote; a short quote that opens its sentence with a cue is a statement
        prev = out[-1] if out else None
        dash = _dash_name(doc, qe) if found is None else None
        if dash is not None:  # '"..." ― Sonya Herridge'
            (ds, de), name = dash
            out.append(Statement(content=(qs, qe), cue=(ds, de), speaker=name, kind="direct", origin="quote"))
            continue
        if found is None:
            # '"X," he said. "Y."': a quote right after another one continues it
            if prev is not None and prev.origin == "quote" and _gap_is_cue_only(doc, prev, qs):
                prev.content = (prev.content[0], qe)
                prev.kind = "direct"
            continue
        verb, subj = found
        cue = _cue_phrase(doc, verb, lex)
        st = Statement(content=(qs, qe), cue=cue, kind="direct", origin="quote")
        if subj is not None and not is_first_person(subj):
            st.speaker = speaker_span(doc, subj)
        # '"X," he said, "Y."': the second piece shares the cue
        if prev is not None and prev.origin == "quote" and prev.cue == cue:
            prev.content = (prev.content[0], qe)
            continue
        out.append(st)
    return out


DASHES = {"\u2015", "\u2014", "\u2013", "-", "--"}


def _dash_name(doc: Doc, qe: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A quote signed at the end of its line: '"..." ― Name' -> ((dash), (name))."""
    i = qe
    while i < len(doc) and doc[i].is_space and "\n" not in doc[i].text:
        i += 1
    if i >= len(doc) or doc[i].text not in DASHES:
        return None
    j = i + 1
    while j < len(doc) and doc[j].is_space and "\n" not in doc[j].text:
        j += 1
    k = j
    while k < len(doc) and k - j < 5 and (doc[k].is_title or doc[k].is_upper or doc[k].text in ("-", ".")) \
            and "\n" not in doc[k].text and not doc[k].is_space:
        k += 1
    while k > j and doc[k - 1].text in (".", "-"):
        k -= 1
    line_end = k >= len(doc) or "\n" in doc[k].text_with_ws or doc[k].is_space or doc[k].text in (".", ",")
    if k - j < 1 or not line_end or not any(t.is_alpha for t in doc[j:k]):
        return None
    return (i, i + 1), (j, k)


@lru_cache(maxsize=1)
def _outlet_names() -> frozenset[str]:
    """Names and aliases of news outlets: in a briefing transcript, their lines are questions."""
    return frozenset(n for e in lexicons.orgs() if e.kind == "news" for n in (e.name, *e.aliases))


def _space_tokens(doc: Doc) -> list[int]:
    """The indices of the whitespace tokens (``Token.is_space``), from the token array."""
    from spacy.attrs import IS_SPACE

    if not len(doc):
        return []
    return doc.to_array(IS_SPACE).nonzero()[0].tolist()


def speaker_colon(doc: Doc) -> list[Statement]:
    """`PENCE: Well, ...` in a transcript, and a headline `Pence: Flowers Won't Be at Debate`:
    a line opened by a name and a colon is what that name said."""
    out = []
    line_starts = [0] + [i + 1 for i in _space_tokens(doc) if "\n" in doc[i].text and i + 1 < len(doc)]
    # a transcript has several `NAME:` lines; one capitalised word and a colon is a dateline ("ISTANBUL: ...")
    def caps_at(st: int) -> bool:
        st += 1 if st < len(doc) and doc[st].text in OPEN_QUOTES else 0  # '"PENCE: ...' in a quoted transcript
        return st + 1 < len(doc) and doc[st].is_upper and doc[st].is_alpha and doc[st + 1].text == ":"

    def name_at(start: int) -> tuple[int, int] | None:
        i = start + (1 if start < len(doc) and doc[start].text in OPEN_QUOTES else 0)
        j = i
        while j < len(doc) and j - i < 4 and (doc[j].is_title or doc[j].is_upper or doc[j].text == ".") and doc[j].text != ":":
            j += 1
        if j == i or j >= len(doc) or doc[j].text != ":" or not any(t.is_alpha for t in doc[i:j]):
            return None
        return i, j

    n_caps = sum(1 for st in line_starts if caps_at(st))
    # a briefing transcript in title case: several paragraphs opened by `Lin Jian:`, `AFP:` (not genres)
    genres = cue_lexicon().headline_genres
    named_lines = [nm for st in line_starts[1:] if (nm := name_at(st)) and doc[nm[0]:nm[1]].text.lower() not in genres]
    briefing = len(named_lines) >= 2
    outlets = _outlet_names()
    for n, start in enumerate(line_starts):
        found = name_at(start)
        if found is None:
            continue
        i, j = found
        name = doc[i:j].text
        caps = all(t.is_upper for t in doc[i:j] if t.is_alpha)
        transcript = (caps and n_caps >= 2) or (briefing and n > 0 and name.lower() not in genres)
        line_end = j + 1
        while line_end < len(doc) and not (doc[line_end].is_space and "\n" in doc[line_end].text):
            line_end += 1
        question = name.lower() in QUESTIONERS or name in outlets or name.upper() in outlets or \
            any(t.text == "?" for t in doc[max(j, line_end - 2):line_end])
        if transcript and question:
            continue  # a reporter's or moderator's question is no statement (ANNOTATION.md 17)
        if transcript and any(model_label(t) in ("GPE", "LOC") for t in doc[i:j]):
            continue  # a dateline ("ISTANBUL: ..."), not a speaker
        headline = n == 0 and doc[i:j].text.lower() not in cue_lexicon().headline_genres  # not "Analysis: ..."
        if not (transcript or headline):
            continue
        end = j + 1
        while end < len(doc) and not (doc[end].is_space and "\n" in doc[end].text):
            end += 1
        s, e = _trim(doc, j + 1, end)
        if e - s < 3:
            continue
        out.append(Statement(content=(s, e), cue=(j, j + 1), speaker=(i, j), kind=_kind(doc, s, e), origin="quote"))
    return out


def _gap_is_cue_only(doc: Doc, prev: Statement, qs: int) -> bool:
    """Between the previous quote and this one stands only that quote's cue sentence."""
    gap = doc[prev.content[1]:qs]
    if len(gap) > 60 or prev.cue is None or not any(prev.cue[0] <= t.i < prev.cue[1] for t in gap):
        return False
    # '"X," said Shin, a senior analyst at the forum. "Y."', '"X," said Ri, who was appointed in 2020. "Y."':
    # no other verb than the cue in between, except inside the speaker's apposition or relative clause
    speaker = set(range(*prev.speaker)) if prev.speaker else set()
    head = doc[prev.speaker[0]:prev.speaker[1]].root if prev.speaker else None
    own = set(t.i for t in head.subtree) if head is not None else set()
    return not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") and not (prev.cue[0] <= t.i < prev.cue[1])
                   and t.i not in own and t.i not in speaker for t in gap)


# -- reported speech -----------------------------------------------------------------

def _cue_phrase(doc: Doc, verb: Token, lex: CueLexicon) -> tuple[int, int]:
    """The verb and its particle: `pointed out`, `turns down`, `called for`, `looks forward to`."""
    e = verb.i + 1
    for c in verb.children:
        phrasal = c.dep_ == "prt" or (c.dep_ == "advmod" and c.lower_ in lex.particles) or (
            c.dep_ == "prep" and c.lower_ in CONTENT_PREPS and verb.lemma_ in lex.obj | lex.to)
        if c.i == e and phrasal:
            e = c.i + 1
            nxt = doc[e] if e < len(doc) else None
            if c.lower_ == "forward" and nxt is not None and nxt.lower_ == "to":
                e += 1
    return verb.i, e


def _entity_before(doc: Doc, verb: Token, window: int = 5) -> Token | None:
    """`North Korean leader Kim on Friday said`: the parse found no subject; the entity right before the verb is it."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    for ent in reversed([e for e in ents_of(doc) if e.end <= verb.i and verb.i - e.end <= window]):
        between = doc[ent.end:verb.i]
        if ent.sent == verb.sent and not any(t.pos_ in ("VERB", "AUX") or t.text in (",", ";", ":") for t in between):
            if ent.label_ in ("PERSON", "ORG", "STATE", "OFFICE"):
                return ent.root
    return None


def _speaker_of(doc: Doc, verb: Token, subj: Token | None = None) -> tuple[int, int] | None:
    """The speaker phrase of a cue verb (``subj``: its subject, when already found)."""
    subj = subj or subject_of(verb) or _entity_before(doc, verb)
    if subj is None or is_first_person(subj) or subj.dep_ == "expl":
        return None
    return speaker_span(doc, antecedent(subj))


def _syntax_candidates(doc: Doc, lex: CueLexicon) -> list[int]:
    """The tokens where ``syntax`` can find a statement (a superset, from the token arrays: the
    others would be passed over by every branch, or rejected at once by ``_verb_statement`` for a
    lemma that is no cue verb): `according`, a stance adjective, a cue verb, a cue noun."""
    import numpy as np
    from spacy.attrs import LEMMA, LOWER, POS
    from spacy.symbols import AUX, NOUN, VERB

    if not len(doc):
        return []
    words, verbs, clause, nouns = lex.hashes
    arr = doc.to_array([LOWER, LEMMA, POS])
    lower, lemma, pos = arr[:, 0], arr[:, 1], arr[:, 2]
    mask = np.isin(lower, words) | ((pos == VERB) & np.isin(lemma, verbs)) | \
        ((pos == AUX) & np.isin(lemma, clause)) | ((pos == NOUN) & np.isin(lemma, nouns))
    return np.flatnonzero(mask).tolist()


def syntax(doc: Doc, lex: CueLexicon) -> list[Statement]:
    out: list[Statement] = []
    made: list[Statement] = []
    for i in _syntax_candidates(doc, lex):
        tok = doc[i]
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            st = _according_to(doc, tok)
            if st is not None:
                out.append(st)
        elif tok.lower_ in lex.adjectives and (tok.pos_ == "ADJ" or tok.tag_ == "VBN"):
            st = _adjective_statement(doc, tok)
            if st is not None:
                out.append(st)
        elif tok.pos_ == "VERB" and tok.lemma_ == "make":
            st = _make_statement(doc, tok, lex)
            if st is not None:
                out.append(st)
                made.append(st)
        elif tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.lemma_ in lex.clause):
            st = _verb_statement(doc, tok, lex)
            if st is not None:
                out.append(st)
                out.extend(_second_agent(doc, tok, st))
        elif tok.pos_ == "NOUN" and tok.lemma_ in lex.reaction and tok.lemma_ not in lex.nouns:
            st = _reaction_statement(doc, tok, lex)
            if st is not None:
                out.append(st)
        elif tok.pos_ == "NOUN" and tok.lemma_ in lex.nouns:
            st = _noun_statement(doc, tok)
            if st is not None:
                out.append(st)
    if made:
        # "made public its stand that X": one statement, the phrase's (ANNOTATION.md 16), not also the noun's
        out = [st for st in out if st in made or not any(
            st.cue is not None and st.cue[1] - st.cue[0] == 1 and doc[st.cue[0]].pos_ == "NOUN" and
            m.cue[1] <= st.cue[0] < m.content[0] and overlap_ratio(m.content, st.content) >= 0.5 for m in made)]
    return out


def _second_agent(doc: Doc, verb: Token, first: Statement) -> list[Statement]:
    """`was described as illegitimate by X and as a "farce" by Y`: a second judgement with its own agent,
    coordinated with the first one, is a statement of its own with the same cue."""
    if first.speaker is None or not any(c.dep_ == "auxpass" for c in verb.children):
        return []
    out = []
    # the parse hangs the second `as` on the first agent or on the first `as`
    for first_as in (c for c in verb.children if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "as")):
        for conj in (c for c in first_as.children if c.dep_ == "conj" and c.lower_ == "as"):
            by = next((t for t in conj.subtree if t.lower_ == "by" and t.dep_ in ("prep", "agent")), None)
            who = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
            if who is None or by.i - conj.i < 2:
                continue
            s, e = _trim(doc, conj.i, by.i)
            speaker = speaker_span(doc, antecedent(who))
            if e - s >= 2 and speaker is not None:
                out.append(Statement(content=(s, e), cue=first.cue, speaker=speaker, kind=_kind(doc, s, e)))
    return out


def _make_statement(doc: Doc, verb: Token, lex: CueLexicon) -> Statement | None:
    """`made clear that ...`, `made it clear that ...`, `made public its stand`, `made known its position`:
    `make` with `clear`, `public` or `known` is a cue phrase (ANNOTATION.md 16: `made public`), the clause
    or noun phrase after it what was said."""
    k = verb.i + 1
    if k < len(doc) and doc[k].lower_ == "it":
        k += 1
    if k >= len(doc) or doc[k].lower_ not in lex.make_adjectives or not (doc[k].head.i == verb.i or
                                                                        doc[k].head.head.i == verb.i):
        return None
    adj = doc[k]
    if any(c.dep_ == "neg" for c in verb.children) or any(c.dep_ == "mark" and c.lower_ in ("if", "unless")
                                                            for c in verb.children):
        return None  # "did not make clear whether ...": nothing was said
    subj = subject_of(verb)
    if subj is None or is_first_person(subj) or subj.dep_ == "expl" or subj.lower_ in ("it", "this", "that", "which"):
        return None  # "It makes it clear to our enemies that ...": an act or event, no speaker
    speaker = _speaker_of(doc, verb, subj)
    if speaker is None:
        return None
    # what follows the phrase: the adjective's own dependents and the verb's after it (the parse hangs
    # the clause or the object on either)
    parts = [c for c in list(adj.children) + list(verb.children) if c.i > adj.i and not c.is_punct
             and c.dep_ not in ("cc", "conj", "advcl") or (c.i > adj.i and c.dep_ == "advcl" and c.head.i == adj.i)]
    # "made it clear to Seoul that ...": the addressee is no content; "on Monday": when, not what
    parts = [c for c in parts if not (c.dep_ in ("prep", "npadvmod") and (
        c.lower_ == "to" or any(model_label(t) in TIME_LABELS for t in (c, *c.children))))]
    if not parts:
        return None
    s, e = min(_subtree_span(c)[0] for c in parts), max(_subtree_span(c)[1] for c in parts)
    s = max(s, adj.i + 1)
    # "made public its stand that ...": the clause of a statement noun is what was made public (the parse
    # hangs it on the noun or on the verb, right after the noun)
    noun = next((c for c in sorted(parts, key=lambda c: c.i) if c.pos_ == "NOUN" and c.lemma_ in lex.nouns), None)
    if noun is not None:
        clause = next((c for c in list(noun.children) + parts if c.dep_ in ("acl", "ccomp") and c.i > noun.i
                       and (c.head.i == noun.i or c.left_edge.i == _subtree_span(noun)[1])
                       and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)), None)
        if clause is not None:
            s, e = _subtree_span(clause)
    # "... on May 28": a date at the end is when, not what
    e = _cut_trailing_date(doc, s, e)
    if any(doc[i].text == ":" for i in range(s, e)) or (e < len(doc) and doc[e].text == ":"):
        return None  # "made public the following press statement: ...": a verbatim text (``colon``)
    s, e = _cut_medium(doc, *_cut_free_relative(doc, *_cut_participle(doc, s, e)))
    s, e = _trim(doc, s, e)
    if e - s < 2:
        return None
    e = _close_quote(doc, s, _through_quote(doc, e))
    return Statement(content=(s, e), cue=(verb.i, adj.i + 1), speaker=speaker, kind=_kind(doc, s, e))


def _reaction_statement(doc: Doc, noun: Token, lex: CueLexicon) -> Statement | None:
    """`the arms sale drew sharp protest from Beijing`, `the plan has drawn criticism from Germany`: a
    reaction received from a speaker; the receiver is what was reacted to, the noun the cue
    (ANNOTATION.md 16)."""
    verb = noun.head
    if noun.dep_ != "dobj" or verb.lemma_ not in lex.reaction_verbs or any(c.dep_ == "neg" for c in verb.children):
        return None
    src = next((p for p in list(noun.children) + list(verb.children) if p.dep_ == "prep" and p.lower_ == "from"
                and p.i > noun.i), None)
    who = next((c for c in src.children if c.dep_ == "pobj"), None) if src is not None else None
    if who is None or not _can_speak(doc, who):
        return None
    patient = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if patient is None or patient.pos_ not in ("NOUN", "PROPN"):
        return None  # "which drew protest from ...": the relative has no words of its own
    s, e = _trim(doc, *_subtree_span(patient))
    if e <= s:
        return None
    return Statement(content=(s, e), cue=(noun.i, noun.i + 1), speaker=speaker_span(doc, antecedent(who)),
                     kind=_kind(doc, s, e))


def _adjective_statement(doc: Doc, adj: Token) -> Statement | None:
    """A stated stance: `X was concerned about Y`, `member states were critical of Z` (an adjective after
    a copula, or the adjectival passive the parser may make of it)."""
    if adj.dep_ == "acomp" and adj.head.lemma_ in ("be", "remain", "feel", "appear", "seem"):
        verb = adj.head
    elif adj.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in adj.children):
        verb = adj
    else:
        return None
    if any(c.dep_ == "neg" for c in verb.children):
        return None  # "was not concerned"
    comp = next((c for c in adj.children if (c.dep_ == "prep" and c.lower_ in ("about", "of", "over", "at", "with"))
                 or c.dep_ == "ccomp"), None)
    subj = next((c for c in verb.children if c.dep_ in SPEAKER_DEPS), None)
    if comp is None or subj is None or is_first_person(subj) or subj.dep_ == "expl":
        return None
    named = subj.pos_ == "PRON" or any(e.label_ in ("PERSON", "ORG", "STATE", "OFFICE") and
                                       e.start <= subj.i < e.end or subj.left_edge.i <= e.start <= subj.i for e in ents_of(doc))
    if not named:
        lex = cue_lexicon()
        # "all member states were critical about ...", "officials are concerned that ...": a described speaker
        named = subj.pos_ == "NOUN" and (subj.lemma_.lower() in lex.stance_holders or subj.lemma_.lower() in lex.speaker_nouns) \
            and subj.lemma_.lower() not in lex.not_speakers
    if not named:
        return None  # "farmers were angry about ...": a stance needs a named or described speaker
    s, e = _trim(doc, *_subtree_span(comp))
    if e - s < 2:
        return None
    be = next((c for c in list(verb.children) + [verb] if c.lemma_ == "be" and c.i == adj.i - 1), None)
    cue = (be.i, adj.i + 1) if be is not None else (adj.i, adj.i + 1)
    return Statement(content=(s, e), cue=cue, speaker=speaker_span(doc, subj), kind=_kind(doc, s, e))


def _verb_statement(doc: Doc, verb: Token, lex: CueLexicon) -> Statement | None:
    lemma = verb.lemma_
    if lemma == "quote":
        return _quoted_as_saying(doc, verb, lex)
    if lemma in lex.agent_only and lemma not in lex.verbs:
        # "are viewed by Washington as allies": a judgement is a statement only with its judge named
        agent = next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
        if agent is None or not any(c.dep_ == "auxpass" for c in verb.children) or \
                agent.pos_ not in ("NOUN", "PROPN", "PRON") or agent.lemma_.lower() in lex.not_speakers:
            return None  # "seen by satellites as ...": data, not a judge
    elif lemma not in lex.verbs:
        return None
    subj = subject_of(verb)
    if subj is not None and (is_first_person(subj) or subj.dep_ == "expl"):
        return None  # the speaker's own assertions inside its statement are not statements
    if verb.dep_ == "xcomp" and (verb.head.pos_ == "ADJ" or verb.head.lemma_ == "be" or verb.head.lemma_ not in lex.verbs
                                 or verb.head.lemma_ in lex.to):
        return None  # "it is too early to conclude", "tried to denounce", "urged X to guarantee": part of another act
    if lemma in lex.phrasal_only and not any(c.dep_ in ("prt", "advmod", "prep") and c.lower_ in lex.particles
                                             and c.i == verb.i + 1 for c in verb.children):
        return None  # "turned a blind eye": only "turned down" is a cue
    if lemma in lex.cognition and (subj is None or subj.pos_ == "PRON"):
        return None
    if lemma in lex.cognition and any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children):
        return None  # "Seoul should realize that ...": a demand on someone's thoughts, not a stated view
    if lemma in lex.evidence and subj is not None and not _can_speak(doc, subj):
        return None  # "the timing suggested", "satellite images show": no speaker (ANNOTATION.md 17)
    if _bare_participle(verb) and not any(c.dep_ == "agent" for c in verb.children):
        return None  # "Asked about the report, ...": a reporter's question is no statement (ANNOTATION.md 17)
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in verb.children):
        return None  # "if Moscow rejected a ceasefire": a hypothetical act (SCHEMA.md statement types)
    if lemma in ("ask", "request") and any(t.lemma_ in ("name", "identify") and any(c.dep_ == "neg" for c in t.children)
                                           for t in verb.subtree):
        return None  # "who asked not to be named": a condition of the source, no statement
    if lemma in NEGATED_NOT_SAID and any(c.dep_ == "neg" for c in verb.children):
        return None  # "did not say when", "has not commented": no statement (ANNOTATION.md 17)
    speaker = _speaker_of(doc, verb, subj)
    children = list(verb.children)
    content: tuple[int, int] | None = None
    if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in children) and \
            (any(c.dep_ == "agent" for c in children) or (subj is not None and subj.head.i == verb.i)) \
            and verb.i < verb.head.i and speaker is not None:
        # "As already warned by X, CONTENT", "As President X has pointed out, CONTENT": the main clause
        main = verb.head
        a, b = _subtree_span(verb)
        s2, e2 = _trim(doc, b, main.right_edge.i + 1)
        if e2 - s2 >= 3 and s2 <= main.i:
            return Statement(content=(s2, e2), cue=_cue_phrase(doc, verb, lex), speaker=speaker,
                             kind=_kind(doc, s2, e2))
    if verb.dep_ == "parataxis" and lemma in lex.clause and speaker is not None \
            and not any(c.dep_ == "ccomp" for c in children):
        # "The talks failed, he said." / "Even if A, Mr. Morgan said, B": the sentence around the cue
        sent = verb.sent
        a, b = _subtree_span(verb)
        if b >= sent.end - 1:
            content = (sent.start, a)
        elif a > sent.start:
            content = (sent.start, sent.end)
    if content is None and (lemma in lex.clause or lemma in lex.cognition):
        comp = next((c for c in children if c.dep_ == "ccomp" and c.i > verb.i), None)
        if comp is None and subj is not None:
            # fronted content: "Dialogue is the best way ..., an official said"
            comp = next((c for c in children if c.dep_ == "ccomp" and c.i < subj.i), None)
        if comp is None:
            # "said in a television interview that ...": the parse hung the clause on the adjunct
            comp = next((c for c in verb.subtree if c.i > verb.i and c.dep_ in ("ccomp", "acl", "relcl")
                         and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)
                         and all(a.dep_ in ("prep", "pobj", "compound", "amod") or a.i == verb.i
                                 for a in _ancestors_to(c, verb))), None)
        if comp is not None:
            content = _dangling_conjunct(doc, *_subtree_span(comp))
            # "... cannot be seen as positive but pointed out that ...": the conjunct cue is another statement
            # ... unless the clause's own subject can speak and the conjunct reports no clause of its own:
            # `said Seoul has offered talks and looks forward to a reply` shares Seoul (one content)
            conj = next((t for t in comp.children if t.dep_ == "conj" and t.lemma_ in lex.verbs and t.i > comp.i
                         and not any(c.dep_ in SPEAKER_DEPS for c in t.children)
                         and not _shares_subject(doc, comp, t)), None)
            if conj is not None:
                cc = [c.i for c in comp.children if c.dep_ in ("cc", "punct") and comp.i < c.i < conj.i]
                content = (content[0], min(cc) if cc else conj.left_edge.i)
            sent_end = verb.sent.end
            rest = doc[content[1]:sent_end]
            # ... but not over a participle clause of the cue ("..., expressing concern") or an absolute
            # "with" ("..., with X indicating ...")
            words = [t for t in rest if not t.is_punct]
            participle = any(t.pos_ in ("VERB", "AUX") and not (content[0] <= t.head.i < sent_end) for t in rest) or \
                bool(words and words[0].lower_ == "with")
            if conj is None and content[0] > verb.i and not participle and \
                    not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in rest):
                content = (content[0], sent_end)  # a list that the parse left outside the clause
    if content is None and lemma in lex.to:
        x = next((c for c in children if c.dep_ in ("xcomp", "ccomp") and c.i > verb.i
                  and any(a.lower_ == "to" for a in c.children)), None)
        if x is not None:
            # "urged Pyongyang to stop": the complement; the addressee is a target (ANNOTATION.md 15)
            content = _subtree_span(x)
    if content is None:
        # "called for X", "looks forward to X", "turns down X"
        prep = next((c for c in children if c.dep_ == "prep" and c.i > verb.i and
                     (c.lower_ in CONTENT_PREPS or (c.lower_ == "of" and lemma in ("warn", "caution")))), None)
        fwd = next((c for c in children if c.lower_ == "forward"), None)
        if fwd is not None:
            prep = next((c for c in list(children) + list(fwd.children) if c.dep_ == "prep" and c.lower_ == "to"), prep)
        if prep is not None and lemma in lex.obj | lex.to | {"look"}:
            pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
            # "slammed Israel for intercepting ...": with an object before `for`, the object and its
            # complement are what was said (below), as with "accused X of Y"
            object_first = prep.lower_ == "for" and lemma in lex.obj and \
                any(c.dep_ == "dobj" and c.i < prep.i for c in children)
            if pobj is not None and prep.i <= verb.i + 3 and not object_first:
                content = _subtree_span(pobj)
    if content is None and lemma in lex.obj | lex.agent_only and speaker is not None:
        # "which the UN has described as ...", "was described as illegitimate by X": no object in
        # place, the complement is what was said
        obj = next((c for c in children if c.dep_ == "dobj"), None)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in children)
        if (obj is not None and obj.lower_ in RELATIVE) or (obj is None and passive):
            preps = [c for c in children if c.dep_ == "prep" and c.lower_ in OBJECT_PREPS and c.i > verb.i]
            if not preps and passive:
                # "are viewed by the opposition as allies": the parse hangs `as` on the agent
                preps = [c for a in children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"
                         for c in g.children if c.dep_ == "prep" and c.lower_ == "as"]
                if preps and speaker[0] < preps[0].i < speaker[1]:
                    speaker = _trim(doc, speaker[0], preps[0].i)  # ... and the judge ends before it
            if preps:
                a, b = _subtree_span(preps[0])
                by = next((t.i for t in doc[a:b] if t.lower_ == "by" and speaker is not None and t.i < speaker[0]), b)
                content = (a, by)  # "as illegitimate by X": the agent is the speaker, not the content
            elif passive and obj is None:
                # "the strikes were condemned by Egypt": what was condemned is the passive subject
                patient = next((c for c in children if c.dep_ == "nsubjpass"), None)
                if patient is not None and patient.pos_ in ("NOUN", "PROPN"):
                    content = _subtree_span(patient)
    if content is None and lemma in lex.obj and speaker is not None and \
            not any(c.dep_ == "dobj" for c in children):
        # "slammed what he said was aggression": a free relative object, its clause is what was slammed
        rel = next((c for c in children if c.dep_ in ("ccomp", "xcomp") and c.i > verb.i
                    and doc[c.left_edge.i].tag_ == "WP" and doc[c.left_edge.i].lower_ == "what"
                    and c.left_edge.i <= verb.i + 2), None)
        if rel is not None:
            content = _dangling_conjunct(doc, *_subtree_span(rel))
    if content is None and lemma in lex.obj:
        obj = next((c for c in children if c.dep_ == "dobj" and c.i > verb.i), None)
        if obj is None and any(c.dep_ == "oprd" for c in children):
            # "calling them a rehearsal for invasion": the parse makes the object a dative
            obj = next((c for c in children if c.dep_ == "dative" and c.i > verb.i), None)
        if obj is not None and speaker is not None and (obj.pos_ in ("NOUN", "PROPN") or
                                                        (obj.dep_ == "dative" and obj.pos_ == "PRON")) \
                and model_label(obj) not in TIME_LABELS:
            content = _subtree_span(obj)
            content = (content[0], _cut_trailing_date(doc, *content))
            # "announced plans to ban X, targeting ...": a participle clause after a comma is not said
            for c in obj.subtree:
                if c.dep_ in ("acl", "advcl", "relcl") and c.tag_ == "VBG" and c.i > obj.i and doc[c.left_edge.i - 1].text == ",":
                    content = (content[0], min(content[1], c.left_edge.i - 1))
            # "terming X a violation of ...", "accused X of Y", "described X as Y", "slammed X for Y":
            # the object's predicate or complement belongs to it
            pred = [c for c in children if c.i > obj.i and (c.dep_ in ("oprd", "xcomp", "ccomp") or
                                                           (c.dep_ == "prep" and c.lower_ in OBJECT_PREPS))]
            if pred:
                content = (content[0], max(_subtree_span(c)[1] for c in pred))
    unattributed = False
    if speaker is None and lemma in lex.agentless and \
            any(c.dep_ == "auxpass" for c in children) and not any(c.dep_ == "agent" for c in children) and \
            not any(c.dep_ == "neg" for c in children) and verb.dep_ not in ("amod", "acl", "relcl"):
        # "his government has often been accused of rigging votes": the charge, with no speaker
        prep = next((c for c in children if c.dep_ == "prep" and c.lower_ in OBJECT_PREPS and c.i > verb.i), None)
        if prep is not None and any(c.dep_ in ("pobj", "pcomp") for c in prep.children):
            content, unattributed = content or _subtree_span(prep), True
    if content is None or (speaker is None and verb.dep_ not in ("advcl", "conj", "xcomp") and not unattributed):
        return None
    if lemma == "claim" and _territorial_claim(doc, verb, content, lex):
        return None
    content = _cut_medium(doc, *_cut_free_relative(doc, *_cut_participle(doc, *content)))
    if speaker is not None:
        left = min(speaker[0], subj.left_edge.i) if subj is not None else speaker[0]
        content = _across_interruption(doc, verb, (left, speaker[1]), content)
    s, e = _trim(doc, *content)
    single = e - s == 1 and doc[s].pos_ in ("NOUN", "PROPN") and lemma in lex.obj | lex.to
    if e - s < 2 and not single:
        return None  # "called for restraint", "denied involvement": one noun is enough for an object cue
    e = _close_quote(doc, s, _through_quote(doc, e))
    k = _cut_trailing_date(doc, s, e)
    if k < e and doc[k - 1].text in CLOSE_QUOTES and doc[k].is_title:
        # `... "any contact with the US" A day earlier`: a sentence the parse did not split opens with a date
        # after the closing quote (not `... "guidance" in March`: when it was done)
        e = k
    cue = _cue_phrase(doc, verb, lex)
    if cue[0] < e and cue[1] > s and (s > verb.i or doc[s].lower_ in ("what", "that", "which")):
        # "what X said was Y", "a boat that Washington said was carrying drugs" -> "was ..."
        s = cue[1]
        if e - s < 2:
            return None
    return Statement(content=(s, e), cue=cue, speaker=speaker, kind=_kind(doc, s, e))


def _shares_subject(doc: Doc, comp: Token, conj: Token) -> bool:
    """`(said) the US was concerned about X and called for Y`: a cue verb coordinated with a finite
    clause whose subject can speak, and with no clause of its own, is that subject's act, inside what
    was said (not `... cannot be seen as positive but pointed out that ...`)."""
    subj = next((c for c in comp.children if c.dep_ in SPEAKER_DEPS and c.i < comp.i), None)
    if subj is None or comp.tag_ not in ("VBD", "VBZ", "VBP") and not any(
            c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in comp.children):
        return False
    if any(c.dep_ == "ccomp" for c in conj.children):
        return False
    return _can_speak(doc, subj) and not is_first_person(subj)


def _dangling_conjunct(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """`... was "aggression" aimed at X and pressuring it to stop Y`: a clause ending in a conjunction
    whose second conjunct the parse hung outside it (on the cue verb) goes on through that conjunct,
    unless it is a cue verb of its own (`..., saying X and warning that Y`)."""
    if e - s < 3 or e >= len(doc) or doc[e - 1].dep_ != "cc" or not (s <= doc[e - 1].head.i < e):
        return s, e
    nxt = doc[e]
    if nxt.pos_ != "VERB" or s <= nxt.head.i < e or nxt.lemma_ in cue_lexicon().verbs or nxt.sent != doc[s].sent:
        return s, e
    if any(c.dep_ in SPEAKER_DEPS for c in nxt.children):
        return s, e  # a clause with its own subject is another sentence's worth
    return s, nxt.right_edge.i + 1


def _close_quote(doc: Doc, s: int, e: int) -> int:
    """`rejected the claims as "groundless".`: a content that opens a quote mark ends after it closes."""
    marks = [t for t in doc[s:e] if t.text in ("\u201c", "\u201d", '"')]
    if not marks or (len(marks) % 2 == 0 and marks[-1].text != "\u201c"):
        return e
    for t in doc[e:doc[e - 1].sent.end]:
        if t.text in CLOSE_QUOTES:
            return t.i + 1
    return e


def _ancestors_to(tok: Token, top: Token) -> list[Token]:
    """The tokens between ``tok`` and its ancestor ``top`` (``top`` included)."""
    out = []
    t = tok
    while t.head is not t and t.i != top.i:
        t = t.head
        out.append(t)
    return out


def _can_speak(doc: Doc, tok: Token) -> bool:
    """A subject that can state something: a name, a pronoun for one, or a person or body noun."""
    if tok.pos_ == "PRON" or any(e.start <= tok.i < e.end for e in ents_of(doc)):
        return True
    if any(e.start >= tok.left_edge.i and e.end <= tok.i + 1 for e in ents_of(doc)) and tok.lemma_.lower() not in cue_lexicon().not_speakers:
        return True  # "the Chinese military", "the ministry's report"
    return tok.lemma_.lower() in cue_lexicon().speaker_nouns


def _across_interruption(doc: Doc, verb: Token, speaker: tuple[int, int] | None, content: tuple[int, int]) -> tuple[int, int]:
    """`The pollution had become so bad, Mr. Obama noted, that the park was closed`, `Hawaii, as one of
    his advisers pointed out, normally does not get storms`: an interrupted clause runs across the
    interruption (ANNOTATION.md 15) — from the start of the sentence when the cue and its speaker stand
    between commas right before the content."""
    if speaker is None:
        return content
    sent = verb.sent
    left = speaker[0]
    while left > sent.start and doc[left - 1].lower_ == "as":
        left -= 1
    after = verb.i + 1
    while after < len(doc) and doc[after].dep_ in ("prt", "advmod") and after < content[0]:
        after += 1
    if left - 1 <= sent.start or doc[left - 1].text != "," or after >= len(doc) or doc[after].text != ",":
        return content
    if not (after < content[0] <= after + 2) or verb.i > content[0]:
        return content
    return sent.start, content[1]


def _cut_medium(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """`called for more school investment in a statement`, `... on Twitter`: where it was said is no
    part of what was said."""
    words = [t.lower_ for t in doc[s:e]]
    last = True
    for k in range(len(words) - 1, 1, -1):
        if words[k - 1] in ("in", "on", "during", "via") and k - 1 > 0:
            tail = doc[s + k:e]
            # "... in a letter published on Sunday": an earlier phrase whose subtree closes the content
            closes = last or doc[s + k - 1].right_edge.i + 1 >= e - (1 if doc[e - 1].is_punct else 0)
            if closes and tail.root.lemma_.lower() in MEDIUM_NOUNS and all(not t.is_punct or t.text in "." for t in tail) \
                    and not any(t.text in OPEN_QUOTES + CLOSE_QUOTES for t in tail):
                return s, s + k - 1
            if not last or any(t.text in OPEN_QUOTES + CLOSE_QUOTES or t.is_punct and t.text != "." for t in tail):
                break
            last = False
    return s, e


MEDIUM_NOUNS = {"statement", "interview", "post", "tweet", "twitter", "x", "facebook", "briefing", "conference",
                "letter", "speech", "address", "broadcast", "video", "message", "release", "communique", "op-ed",
                "column", "podcast", "telegram", "debate", "hearing", "rally",
                # "announced the news on his social media platform", "... on the ministry's website"
                "platform", "website", "account", "channel", "blog"}


def _cut_free_relative(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """`... on Saturday in what Netanyahu said was a direct response`: an embedded statement with its own
    speaker ends the clause before it (ANNOTATION.md 15)."""
    clause = cue_lexicon().clause
    for i in range(s + 2, e - 2):
        if doc[i].lower_ != "what":
            continue
        if any(t.lemma_ in clause and t.pos_ == "VERB" and any(c.dep_ in SPEAKER_DEPS and c.i != i for c in t.children)
               for t in doc[i + 1:min(e, i + 12)]):
            cut = i - 1 if doc[i - 1].dep_ == "prep" or doc[i - 1].pos_ == "ADP" else i
            return s, cut
    return s, e


def _cut_participle(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """A clause ends before `, expressing concern` / `, adding that ...` / `, with X indicating ...`: a
    participle of a cue verb after a comma starts another statement; before `, raising concerns ...`
    (the journalist's inference, ``inference_verbs``) and `, while X reported ...` (another speaker).
    Other participle clauses stay (`..., with the minister speaking to both sides`)."""
    verbs = cue_lexicon().verbs
    inside_quote = False
    for i in range(s + 2, e - 1):
        if doc[i].text in OPEN_QUOTES or doc[i].text in CLOSE_QUOTES:
            inside_quote = not inside_quote if doc[i].text == '"' else doc[i].text in OPEN_QUOTES
        # "..., though she acknowledged it was unlikely": the reporter's concession, not what was said
        if not inside_quote and doc[i].text == "," and doc[i + 1].lower_ in ("though", "although") \
                and doc[i + 1].dep_ == "mark" and not (s <= doc[i + 1].head.i < i):
            return s, i
        # "... of sabotaging the talks and said the group ...": a cue verb joined by a conjunction
        # (not `said Seoul has offered talks and looks forward to ...`: `_shares_subject`)
        if doc[i].pos_ == "CCONJ" and doc[i + 1].pos_ == "VERB" and doc[i + 1].lemma_ in verbs \
                and doc[i + 1].dep_ == "conj" and doc[i + 1].head.i < i and \
                not (s <= doc[i + 1].head.i and _shares_subject(doc, doc[i + 1].head, doc[i + 1])):
            return s, i
        if doc[i].text != ",":
            continue
        nxt = doc[i + 1]
        if nxt.pos_ == "ADV" and nxt.dep_ == "advmod" and i + 2 < e and doc[i + 2].tag_ == "VBG" and nxt.head.i == i + 2:
            nxt = doc[i + 2]  # "..., specifically highlighting ...": an adverb before the participle
        if nxt.lower_ == "according" and i + 2 < e and doc[i + 2].lower_ == "to":
            return s, i  # "..., according to local officials": another source's words
        if not inside_quote and nxt.tag_ == "VBG" and nxt.lemma_.lower() in cue_lexicon().inference_verbs:
            return s, i  # "..., raising concerns that ...": the journalist's inference (ANNOTATION.md 17)
        if not inside_quote and nxt.lower_ in ("while", "whereas") and any(
                t.pos_ == "VERB" and t.lemma_ in verbs and any(c.dep_ in SPEAKER_DEPS for c in t.children)
                for t in doc[i + 2:min(e, i + 10)]):
            return s, i  # "..., while the army reported ...": another speaker's statement
        if (nxt.tag_ == "VBG" and nxt.dep_ in ("advcl", "acl", "conj") and nxt.lemma_ in verbs) or \
                (nxt.lower_ == "with" and any(t.tag_ == "VBG" and t.lemma_ in verbs for t in nxt.subtree)):
            return s, i
    return s, e


CONTENT_PREPS = {"for", "to", "about"}
# verbs of saying that, negated, report that nothing was said
NEGATED_NOT_SAID = {"say", "comment", "mention", "specify", "elaborate", "disclose", "respond", "reply", "tell",
                    "explain", "detail", "identify", "name"}
OBJECT_PREPS = {"of", "as", "for", "over"}


def _quoted_as_saying(doc: Doc, verb: Token, lex: CueLexicon) -> Statement | None:
    """`Xinhua quoted Wang Yi as saying that ...` / `Lavrov was quoted by RIA as saying that ...`: the one
    quoted speaks (cue `quoted`); the clause after `saying` is the content. A quotation next to the
    cue is handled with the quote."""
    person = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
    saying = next((t for t in verb.subtree if t.lemma_ in ("say", "tell", "add") and t.i > verb.i and t.tag_ == "VBG"), None)
    if person is None or saying is None:
        return None
    comp = next((c for c in saying.children if c.dep_ in ("ccomp", "xcomp")), None)
    if comp is None or any(t.text in OPEN_QUOTES for t in doc[saying.i + 1:saying.i + 3]):
        return None
    s, e = _trim(doc, *_subtree_span(comp))
    if e - s < 2:
        return None
    return Statement(content=(s, e), cue=(verb.i, verb.i + 1), speaker=speaker_span(doc, person),
                     kind=_kind(doc, s, e))


def _through_quote(doc: Doc, e: int) -> int:
    """Extend a content span over a quotation that follows it directly ("to meet ... “anywhere, anytime,”")."""
    if e < len(doc) and doc[e].text in OPEN_QUOTES:
        sent_end = doc[e].sent.end
        for t in doc[e + 1:sent_end]:
            if t.text in CLOSE_QUOTES:
                return t.i + 1
    return e


def _according_to(doc: Doc, tok: Token) -> Statement | None:
    to = doc[tok.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    if not (pobj.ent_type_ or any(e.start <= pobj.i < e.end for e in ents_of(doc)) or pobj.lemma_.lower() in cue_lexicon().source_nouns):
        return None  # "defined according to the direction": no source
    sp = speaker_span(doc, pobj)
    sent = tok.sent
    # the content is the rest of the sentence, without "according to X ,"
    a, b = _subtree_span(pobj)
    if tok.i == sent.start:
        s, e = b, sent.end
    else:
        s, e = sent.start, tok.i
        # "Hamas said it was studying the offer, as strikes killed 38 people, according to health officials":
        # when the sentence before holds another speaker's cue, the source vouches for the clause it
        # attaches to, not for the other speaker's words
        head = tok.head
        clause_verbs = cue_lexicon().clause
        other_cue = any(t.lemma_ in clause_verbs and t.pos_ == "VERB" and any(c.dep_ in SPEAKER_DEPS for c in t.children)
                        and not (head.left_edge.i <= t.i <= head.i) for t in doc[sent.start:tok.i])
        if other_cue and head.pos_ in ("VERB", "AUX") and head.i < tok.i:
            s = head.left_edge.i
            while s < e and (doc[s].dep_ == "mark" or doc[s].is_punct):
                s += 1
    s, e = _trim(doc, s, e)
    if e - s < 3:
        return None
    return Statement(content=(s, e), cue=(tok.i, tok.i + 2), speaker=sp, kind=_kind(doc, s, e))


def _noun_statement(doc: Doc, noun: Token) -> Statement | None:
    comp = next((c for c in noun.children if c.dep_ in ("acl", "ccomp", "relcl", "appos")
                 and any(m.lower_ == "that" and m.dep_ in ("mark", "nsubj", "dobj") and m.i < c.i for m in c.children)), None)
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if comp is None or poss is None:
        return None
    s, e = _trim(doc, *_cut_medium(doc, *_subtree_span(comp)))  # "X's claim that ... in a letter": not what was claimed
    return Statement(content=(s, e), cue=(noun.i, noun.i + 1), speaker=speaker_span(doc, poss),
                     kind=_kind(doc, s, e))


# -- verbatim texts after a colon -------------------------------------------------------

def _body_end(doc: Doc, start: int, lex: CueLexicon) -> int:
    """Where a verbatim text ends: the end of the document, or the first later paragraph that is the
    reporter's again (`Meanwhile, the ministry said in a separate statement ...`, `..., KCNA reported.`)."""
    text = doc_text(doc)
    first = text.find("\n\n", doc[start].idx)  # the body's first paragraph always belongs to it
    while first != -1:
        para_start = first + 2
        nxt = text.find("\n\n", para_start)
        para = text[para_start:nxt if nxt != -1 else len(text)].strip().lower()
        if para and (para.startswith(tuple(o + " " for o in lex.body_end_openers) + tuple(o + "," for o in lex.body_end_openers))
                     or any(ph in para for ph in lex.body_end_phrases)):
            sp = doc.char_span(first, first + 1, alignment_mode="expand")
            return sp.start if sp is not None else len(doc)
        first = nxt
    return len(doc)


def colon(doc: Doc, lex: CueLexicon) -> list[Statement]:
    """`X released the following press statement (titled "T") on DATE: TEXT` -> TEXT to the end."""
    out = []
    for sent in doc.sents:
        k = sent.end - 1  # the sentence's last token that is not whitespace
        while k >= sent.start and doc[k].is_space:
            k -= 1
        if k < sent.start or doc[k].text != ":":
            continue
        last = [t for t in sent if not t.is_space]
        # "released the following press statement": the noun within a few words of the verb
        # (a quoted title can derail the parse of the object)
        verb = next((t for t in sent if t.lemma_ in lex.press_verbs and t.pos_ == "VERB"
                     and any(w.lemma_ in lex.press_nouns for w in doc[t.i + 1:min(t.i + 7, sent.end)])), None)
        if verb is None:
            continue
        start = last[-1].i + 1
        # a quoted title in the introducing sentence starts the statement
        title = next((t.i for t in sent if t.text in OPEN_QUOTES and t.i > verb.i), None)
        if title is not None:
            start = title
        s, e = start, _body_end(doc, start, lex)
        while s < e and doc[s].is_space:
            s += 1
        while e > s and doc[e - 1].is_space:
            e -= 1  # the verbatim text keeps its final full stop
        if e - s < 3:
            continue
        speaker = _speaker_of(doc, verb)
        cue_end = verb.i + 2 if verb.i + 1 < len(doc) and doc[verb.i + 1].lower_ == "public" else verb.i + 1
        out.append(Statement(content=(s, e), cue=(verb.i, cue_end), speaker=speaker,  # "made public"
                             kind=_kind(doc, s, e), origin="colon"))
    return out


# -- combining ----------------------------------------------------------------------------

def overlap_ratio(a: tuple[int, int], b: tuple[int, int]) -> float:
    ov = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return ov / max(a[1] - a[0], b[1] - b[0], 1)


def merge(*groups: Iterable[Statement], by_cue: bool = True) -> list[Statement]:
    """Statements of earlier groups win; a later one is kept unless it is the same statement.

    With ``by_cue``, statements with different cues are different statements even
    when their contents overlap (nested: "said that the ministry welcomes ...");
    without it, content overlap alone decides (for the tagger, which adds what
    the rules missed).
    """
    out: list[Statement] = []

    def same_cue(a: Statement, b: Statement) -> bool:
        return a.cue is None or b.cue is None or (a.cue[0] < b.cue[1] and b.cue[0] < a.cue[1])

    def is_same(o: Statement, st: Statement) -> bool:
        ratio = overlap_ratio(o.content, st.content)
        if not by_cue:
            return ratio >= 0.5
        return same_cue(o, st) and (ratio >= 0.5 or (o.cue is not None and st.cue is not None and ratio > 0))

    for group in groups:
        for st in group:
            same = next((o for o in out if is_same(o, st)), None)
            if same is None:
                out.append(st)
            elif same.speaker is None and st.speaker is not None and same.origin == "syntax":
                same.speaker = st.speaker
    out.sort(key=lambda s: (s.content[0], s.content[1]))
    return out


def _quotes_in_clauses(doc: Doc, quoted: list[Statement], clauses: list[Statement]) -> list[Statement]:
    """A quotation that is part of a reported clause is that clause (`X said it remained "deeply
    concerned"`, `said her chief was "kidnapped" on Wednesday "by armed men"`, `"...," unless ..., Y said`):
    where the syntax rules found a clause with the quotation's cue that holds the quotation and other words,
    or that ends at most five tokens before it in the same sentence with no verb between, the quoted
    statement takes the whole clause (kind mixed). A quotation without a speaker whose cue lies inside
    another reported clause holding it is part of that statement and is left out."""
    out = []
    for q in quoted:
        if q.cue is None:
            out.append(q)
            continue
        c, d = q.content
        for x in clauses:
            if x.cue is None or not (x.cue[0] < q.cue[1] and q.cue[0] < x.cue[1]):
                continue
            a, b = x.content
            if a <= c + 1 and b >= d - 1 and any(t.is_alpha for t in list(doc[a:c]) + list(doc[d:b])):
                q.content = (min(a, c), max(b, d))
            elif b <= c and c - b <= 5 and doc[b - 1].sent == doc[c].sent and \
                    not any(t.pos_ in ("VERB", "AUX") for t in doc[b:c]):
                q.content = (a, d)
        if q.content != (c, d):
            q.kind = _kind(doc, *q.content)
        if q.speaker is None and any(x.content[0] <= q.content[0] and q.content[1] <= x.content[1]
                                     and x.content[0] <= q.cue[0] < x.content[1] for x in clauses):
            continue
        out.append(q)
    return out


SCOPES = ("speech", "attribution")


def extract(doc: Doc, tagged: list | None = None, scope: str = "speech") -> list[Statement]:
    """Every statement of ``doc`` from the rules and the attribution tagger's spans ``tagged``.

    ``scope`` is what counts as a statement:

    * ``speech`` (SCHEMA.md, ANNOTATION.md): rules first, then the tagger's
      statements where no rule found one and only those that are speech by a
      speaker (``tagger_rejection``: not attitudes, plans, polls or topics);
    * ``attribution`` (PolNeAR's definition: speech, and also beliefs,
      intentions, polls and agentless attributions): everything the tagger
      found (its boundaries follow that definition), then the rules' statements
      where the tagger found nothing.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown statement scope {scope!r} (one of {', '.join(SCOPES)})")
    return _well_formed(doc, _extract(doc, tagged, scope))


def _well_formed(doc: Doc, statements: list[Statement]) -> list[Statement]:
    """Statements whose spans are token ranges of ``doc`` that later stages can map: a content of at
    least one token (else no statement), a cue of at least one, a speaker with a word (else none)."""
    n = len(doc)
    out = []
    for st in statements:
        s, e = st.content
        if not 0 <= s < e <= n:
            continue
        if st.cue is not None and not 0 <= st.cue[0] < st.cue[1] <= n:
            st.cue = None
        if st.speaker is not None and not (0 <= st.speaker[0] < st.speaker[1] <= n and _has_word(doc, *st.speaker)):
            st.speaker = None
        out.append(st)
    return out


def _extract(doc: Doc, tagged: list | None, scope: str) -> list[Statement]:
    lex = cue_lexicon()
    clauses = syntax(doc, lex)
    rule_based = merge(colon(doc, lex), speaker_colon(doc), _quotes_in_clauses(doc, quotes(doc, lex), clauses), clauses)
    if not tagged:
        return rule_based
    if scope == "attribution":
        chosen = merge(tagger_statements(doc, tagged, min_tokens=1, fallback_subject=True), by_cue=False)
        rest = [st for st in rule_based if not any(
            overlap_ratio(c.content, st.content) > 0 or _cues_overlap(c, st) for c in chosen)]
        return sorted(chosen + rest, key=lambda x: (x.content[0], x.content[1]))
    verbatim = [st for st in rule_based if st.origin in ("colon", "quote")]
    rule_cues = [st.cue for st in rule_based if st.cue]
    added = []
    for st in tagger_statements(doc, tagged):
        if st.cue and any(c[0] < st.cue[1] and st.cue[0] < c[1] for c in rule_cues):
            continue  # a rule already took this cue
        if st.cue and st.speaker:
            src, cue = doc[st.speaker[0]:st.speaker[1]].root, doc[st.cue[0]:st.cue[1]].root
            if src.dep_ == "compound" and src.head.i == cue.i:
                continue  # "Press Statement of ...": one noun compound, not a source and its cue
        if tagger_rejection(doc, st, lex):
            continue
        around = next((v for v in verbatim if v.content[0] <= st.content[0] and st.content[1] <= v.content[1]), None)
        if around is not None:
            src = doc[st.speaker[0]:st.speaker[1]] if st.speaker else None
            cue_lemma = doc[st.cue[0]:st.cue[1]].root.lemma_ if st.cue else ""
            if src is None or any(is_first_person(t) for t in src) or cue_lemma not in lex.clause or \
                    _names_own_side(doc, src, around):
                continue  # the speaker's own acts inside its verbatim statement; speech it reports of others stays
        added.append(st)
    kept = [st for st in added if not any(overlap_ratio(r.content, st.content) >= 0.5 for r in rule_based)]
    return sorted(rule_based + merge(kept, by_cue=False), key=lambda x: (x.content[0], x.content[1]))


def speaker_side(doc: Doc, speaker: tuple[int, int] | None) -> set[str]:
    """Entity ids and states of the entities in a speaker span (`Israel's defence minister`:
    the minister, Israel, ISR)."""
    if speaker is None:
        return set()
    side = set()
    for e in ents_of(doc):
        if speaker[0] <= e.start and e.end <= speaker[1]:
            side.update(x for x in (e._.entity_id, e._.state) if x)
    return side


def of_side(ent: Span, side: set[str]) -> bool:
    """An entity of that side: one of its entities, or a state or body of its state."""
    return ent._.entity_id in side or (ent.label_ in ("STATE", "ORG") and ent._.state in side)


def _names_own_side(doc: Doc, src: Span, verbatim: Statement) -> bool:
    """A source inside a verbatim statement that names the statement's own speaker or that speaker's
    state, as government statements name themselves in the third person (`which the DPRK has
    demanded`, `the Russian side has repeatedly stated`): the speaker's own act."""
    side = speaker_side(doc, verbatim.speaker)
    return bool(side) and any(src.start <= e.start and e.end <= src.end and e.label_ in ("STATE", "ORG", "PERSON")
                              and of_side(e, side) for e in ents_of(doc))


def _cues_overlap(a: Statement, b: Statement) -> bool:
    return a.cue is not None and b.cue is not None and a.cue[0] < b.cue[1] and b.cue[0] < a.cue[1]


PERSONAL_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}
# coming to know: with `will` or `would` a forecast of someone's knowledge (`they will know`), unlike
# `we would hope`, `I would expect`, which state a position
KNOWING = {"know", "understand", "learn", "realize", "realise"}


def tagger_rejection(doc: Doc, st: Statement, lex: CueLexicon) -> str:
    """Why a statement of the statistical tagger is not a plausible attribution ("" when it is).

    Its source must be a speaker: a noun phrase or a personal pronoun, not a relative
    pronoun without antecedent, a determiner, a possessive ending (`'s`) or data
    (`polls show`); its cue must hold a cue word (the cue lexicon, or a word that is a
    cue often enough in PolNeAR train; ``cue_lexicon().tagger_cue_words``)."""
    if st.speaker is None:
        return "no source"
    src = doc[st.speaker[0]:st.speaker[1]]
    if st.cue and doc[st.cue[0]:st.cue[1]].text == ":" and st.speaker[1] == st.cue[0] and \
            (src.start == 0 or "\n" in doc[src.start - 1].text) and not _is_data(src, lex):
        return ""  # a line opened by its speaker and a colon: `PENCE: Well, ...`, `Pence: Flowers Won't Be at Debate`
    named = any(e.start < src.end and src.start < e.end and e.label_ in ("PERSON", "ORG", "STATE", "OFFICE") for e in ents_of(doc))
    root = antecedent(src.root)
    if root.lower_ in RELATIVE and root is src.root:
        return "relative pronoun without antecedent"
    if src[0].tag_ == "POS" or src[0].text in ("'s", "\u2019s"):
        return f"source {src.text!r} is a possessive fragment"
    if src[-1].pos_ in ("ADP", "DET", "CCONJ", "SCONJ") and len(src) > 1:
        return f"source {src.text!r} is cut inside a phrase"  # "China on", "the talks between"
    if _is_data(src, lex):
        return f"source {root.text!r} is data, not a speaker"  # "an AFP tally of official figures"
    if not named:
        if root.pos_ == "PRON" and root.lower_ not in PERSONAL_PRONOUNS:
            return f"source {root.text!r} is not a personal pronoun"
        if root.pos_ not in ("NOUN", "PROPN", "PRON"):
            return f"source {src.text!r} is not a noun phrase"
    if st.cue is None:
        return "no cue"
    if "\n\n" in doc[st.content[0]:st.content[1]].text and not _has_quote(doc, *st.content):
        return "content runs across paragraphs"
    cue_words = [t for t in doc[st.cue[0]:st.cue[1]] if t.is_alpha]
    modals = {c.lower_ for c in cue_words[-1].children if c.dep_ == "aux" and c.tag_ == "MD"} if cue_words else set()
    lemma = cue_words[-1].lemma_.lower() if cue_words else ""
    if lemma in lex.cognition and (modals - {"will", "would"} or (modals and lemma in KNOWING)):
        return "a demand on or a forecast of someone's thoughts ('should know', 'they will know'), not a statement"
    if any(t.lemma_.lower() in TOPIC_VERBS for t in cue_words) and doc[st.cue[1] - 1].lower_ in ("on", "about", "of"):
        return "topic only ('commented on the visit'), not a statement (ANNOTATION.md 17)"
    if any(t.lemma_.lower() in lex.tagger_not_cues for t in cue_words):
        return "an attempt, plan or question, not a statement"  # "has sought to", "responding to a question"
    if cue_words and _bare_participle(cue_words[0]) and \
            not any(c.dep_ == "agent" for c in cue_words[0].children):
        return "a passive participle: the speaker was asked, not asking"  # "Asked about X, Lin said"
    head = cue_words[-1] if cue_words else None
    if head is not None and head.tag_ == "VBN" and head.dep_ in ("acl", "amod") and \
            not any(c.dep_ in ("agent", "aux", "auxpass") for c in head.children):
        return "a participle modifying a noun ('the submarine revealed during the visit'), not a statement"
    if head is not None and head.lemma_.lower() in lex.evidence and head.pos_ in ("VERB", "AUX"):
        subj = subject_of(head)
        if subj is not None and not _can_speak(doc, subj) and \
                subj.lemma_.lower() not in lex.document_nouns | lex.source_nouns and \
                not (subj.left_edge.i <= st.speaker[0] and st.speaker[1] <= subj.right_edge.i + 1) and \
                not subj.i < st.speaker[0] < head.i:
            # ... unless the source is part of the subject phrase or stands between it and the cue (the parse
            # took a subject from another clause): "X were barred while a report by a rights group suggested"
            return f"{subj.text!r} cannot speak: evidence, not a statement"  # "the operation shows" (ANNOTATION.md 17)
    if head is not None and head.lemma_.lower() == "cite":
        content = doc[st.content[0]:st.content[1]]
        if content.root.lemma_.lower() in lex.source_nouns | lex.document_nouns or \
                any(e.root.i == content.root.i and e.label_ in ("PERSON", "ORG") for e in ents_of(doc)):
            return "citing a source names where the words come from, not what was said"
    if head is not None and head.lemma_.lower() in REQUEST_VERBS and \
            _outlet_names() & {src.text, *(e.text for e in ents_of(doc) if src.start <= e.start and e.end <= src.end)}:
        return "the outlet asking for comment is no statement (ANNOTATION.md 17)"  # "CNN has asked X for a response"
    if cue_words and any(c.dep_ == "auxpass" for c in cue_words[-1].children) and \
            any(c.dep_ == "nsubjpass" and st.speaker[0] <= c.i < st.speaker[1] for c in cue_words[-1].children):
        return "the passive subject is the one acted on, not the speaker"  # "X has been accused of ..."
    if any(t.lower_ in ("should", "must", "ought") for t in doc[st.cue[0]:st.cue[1]]) or \
            any(a.lower_ == "had" and b.lower_ == "better" for a, b in zip(doc[st.cue[0]:st.cue[1]], doc[st.cue[0] + 1:st.cue[1]])):
        return "a directive ('had better think twice'), not a statement"
    content = doc[st.content[0]:st.content[1]]
    if cue_words and cue_words[-1].lemma_.lower() == "claim" and not any(t.pos_ in ("VERB", "AUX") for t in content):
        return "a claim to a thing ('the island it claims as its territory'), not a statement (ANNOTATION.md 17)"
    if any(t.lower_ in ("reportedly", "allegedly") for t in cue_words):
        return "the journalist's hedge, not a cue"  # "Kim reportedly ordered the test" (ANNOTATION.md 17)
    if any(t.lemma_ in NEGATED_NOT_SAID for t in cue_words) and any(t.dep_ == "neg" or t.lower_ in ("not", "n't", "never")
                                                                     for t in doc[st.cue[0]:st.cue[1]]):
        return "negated: nothing was said"
    ok = any((t.pos_ != "NOUN" and (t.lemma_.lower() in lex.verbs or t.lemma_.lower() == "accord")) or
             (t.pos_ == "NOUN" and t.lemma_.lower() in lex.nouns) or
             (t.lemma_.lower(), t.pos_ if t.pos_ in ("NOUN", "ADJ") else "VERB") in lex.tagger_cue_words
             for t in cue_words)
    return "" if ok else f"cue {doc[st.cue[0]:st.cue[1]].text!r} holds no cue word"


def _governing_cue(doc: Doc, content, cues: list, ss: list[int], lex: CueLexicon):
    """The cue a tagged content hangs on in the parse, when the tagger did not tag it: the content's
    syntactic head's head, over at most two prepositions or particles (`complained about X`), a cue verb
    (the cue lexicon, or often a cue in PolNeAR train) of the content's own sentence that no tagged cue
    covers and that has a subject (`Trump tweeted that ... and [encouraged] Americans to "check out" ...`).
    None otherwise: the caller takes the nearest tagged cue."""
    root = doc[content.start:content.end].root
    gov = root.head
    hops = 0
    while gov.pos_ in ("ADP", "PART", "SCONJ") and gov.head is not gov and hops < 2:
        gov = gov.head
        hops += 1
    if gov is root or content.start <= gov.i < content.end or ss[gov.i] not in (ss[content.start], ss[content.end - 1]):
        return None
    if gov.pos_ != "VERB" or _bare_participle(gov) or any(q.start <= gov.i < q.end for q in cues):
        return None  # `Dubbed "A", ...`, `Asked about A, ...`: the one acted on, nobody speaking
    lemma = gov.lemma_.lower()
    if lemma in lex.verbs or (lemma, "VERB") in lex.tagger_cue_words:
        cue = TaggedSpan("CUE", gov.i, gov.i + 1)
        return cue if _cue_subject(doc, cue) is not None else None
    return None


def _join_pieces(doc: Doc, cue, pieces: list, sources: list, subj: Token | None) -> tuple[int, int]:
    """One statement's content from the tagged pieces given to its cue: the piece nearest the cue, and the
    others that continue it, i.e. that no verb separates from it other than the cue's own and those of a
    source or the cue's subject phrase (`"...," he said on Monday. "..."`, `said X, who heads Y,`). A piece
    that another clause separates (`Dubbed "A", the drills are taking place after the US announced B`) is
    not part of what the cue reports, and is left out."""
    def dist(c) -> int:
        return min(abs(cue.start - c.end), abs(c.start - cue.end))

    ordered = sorted(pieces, key=lambda c: (dist(c), c.start))
    start, end = ordered[0].start, ordered[0].end
    glue = set(range(cue.start, cue.end))
    for q in sources:
        glue.update(range(q.start, q.end))
    if subj is not None:
        glue.update(range(subj.left_edge.i, subj.right_edge.i + 1))

    def joins(a: int, b: int) -> bool:
        return not any(t.pos_ in ("VERB", "AUX") and t.i not in glue for t in doc[a:b])

    for c in ordered[1:]:
        lo, hi = min(start, cue.start), max(end, cue.end)
        if (c.start >= hi and joins(hi, c.start)) or (c.end <= lo and joins(c.end, lo)) or (c.start < hi and c.end > lo):
            start, end = min(start, c.start), max(end, c.end)
    return start, end


def _quote_goes_on(doc: Doc, content: tuple[int, int], cue, cues: list) -> tuple[int, int]:
    """`"We will not back down," the mayor said. "The city deserves better."`: a quoted content whose cue
    follows it in its sentence goes on through the quotation that opens the next sentence of the paragraph
    when that sentence has no cue of its own (the tagger often leaves the second quotation untagged)."""
    s, e = content
    if doc[e - 1].text not in CLOSE_QUOTES or cue.start < e:
        return content
    k = doc[cue.start].sent.end
    while k < len(doc) and doc[k].is_space and "\n" not in doc[k].text:
        k += 1
    if k >= len(doc) or doc[k].text not in OPEN_QUOTES:
        return content
    nxt = doc[k].sent
    if any(nxt.start <= q.start < nxt.end for q in cues):
        return content
    for t in doc[k + 1:]:
        if "\n" in t.text:
            return content
        if t.text in CLOSE_QUOTES:
            return (s, t.i + 1)
    return content


def _cue_subject(doc: Doc, cue) -> Token | None:
    """The active subject of a tagged cue's head verb (`Flynn [said]`), the agent of a passive one
    (`was [condemned] by Egypt`), else the subject the verb inherits (``subject_of``)."""
    head = doc[cue.start:cue.end].root
    for k in head.children:
        if k.dep_ == "nsubj":
            return k
        if k.dep_ == "agent":
            return next((g for g in k.children if g.dep_ == "pobj"), None)
    if head.pos_ in ("VERB", "AUX"):
        # no subject of its own: the one it shares through a conjunction, a participle or an infinitive
        # (`accusing her of ...`, `promising to lift ...`, `to admit ...`), as the rules' ``subject_of``
        inherited = subject_of(head)
        if inherited is not None:
            return antecedent(inherited)
    return None


def _group_before(doc: Doc, a: int, b: int, table) -> int:
    """`India and [Pakistan] have accused ...` where the parse broke the group apart (the first name and
    `and` left outside the clause): a name of the same kind right before `and` at the start of the
    sentence or paragraph is part of the speaker (ANNOTATION.md 12, group speakers)."""
    if a < 2 or doc[a - 1].lower_ != "and":
        return a
    own = next((label for es, ee, label in table if es == a and ee <= b), None)
    if own not in ("STATE", "ORG", "PERSON"):
        return a
    for es, ee, label in table:
        if ee == a - 1 and label == own:
            first = doc[es]
            at_start = es == 0 or doc[es - 1].is_space or "\n" in doc[es - 1].text or first.is_sent_start
            broken = doc[a - 1].dep_ != "cc" or doc[es:ee].root.dep_ == "ROOT"
            if at_start and broken:
                return es
    return a


def _is_data(src: Span, lex: CueLexicon) -> bool:
    """`polls show`, `an AFP tally of official figures`: a source whose head is data, not a speaker
    (unless the head is inside a name, or is someone's: `the study's authors`)."""
    root = antecedent(src.root)
    doc = src.doc
    in_name = any(e.start <= root.i < e.end for e in ents_of(doc))
    possessor = any(c.tag_ == "POS" for c in root.children)  # "the study's authors": the head is outside
    return not in_name and not possessor and root.lemma_.lower() in lex.not_speakers


def _words_before(doc: Doc) -> list[int]:
    """How many tokens before each position (0 to ``len(doc)``) are neither punctuation nor space."""
    import numpy as np
    from spacy.attrs import IS_PUNCT, IS_SPACE

    if not len(doc):
        return [0]
    flags = doc.to_array([IS_PUNCT, IS_SPACE])
    words = (flags[:, 0] == 0) & (flags[:, 1] == 0)
    return [0] + np.cumsum(words, dtype=np.int64).tolist()


def tagger_statements(doc: Doc, spans: list, min_tokens: int = 2, fallback_subject: bool = False) -> list[Statement]:
    """Attach tagged content spans to a cue (and that cue's source): the untagged cue verb the content hangs
    on in the parse (``_governing_cue``), else the nearest tagged cue of the content's own sentence, else one
    within three tokens across a sentence end, else one in the sentence before or after within the
    paragraph; the pieces a cue receives make one content where they continue each other (``_join_pieces``).
    Content of fewer than ``min_tokens`` word tokens is dropped. With ``fallback_subject``, a cue without a
    tagged source in its sentence takes its grammatical subject."""
    lex = cue_lexicon()
    cues = [s for s in spans if s.role == "CUE"]
    tagged_cues = set(cues)
    sources = [s for s in spans if s.role == "SRC"]
    pieces: dict[tuple[int, int], tuple[object, list]] = {}  # cue -> (cue, its content pieces), in text order
    ss: list[int] | None = None  # sentence start of every token (``doc[i].sent.start``), read once
    words_before: list[int] | None = None  # words (not punctuation, not space) before each token
    for c in (s for s in spans if s.role == "CNT"):
        if words_before is None:
            words_before = _words_before(doc)
        if words_before[c.end] - words_before[c.start] < min_tokens:
            continue
        if ss is None:
            ss = sent_starts(doc)
        sent_ids = {ss[c.start], ss[c.end - 1]}
        cue = _governing_cue(doc, c, cues, ss, lex)
        if cue is None:
            # the nearest cue of the content's own sentence; a cue just across a sentence end only when its
            # sentence has none (`..., sources said. But ... decided ..., a source said.`: two statements)
            near = [q for q in cues if ss[q.start] in sent_ids] or \
                [q for q in cues if abs(q.start - c.end) <= 3 or abs(c.start - q.end) <= 3]
            if not near:  # a piece that goes on from the sentence before or after: `"...," he said. "..."`
                around = {ss[c.start - 1] if c.start > 0 else -1, ss[c.end] if c.end < len(doc) else -1}
                near = [q for q in cues if ss[q.start] in around and
                        "\n" not in doc[min(q.end, c.end):max(q.start, c.start)].text]  # within the paragraph
            cue = min(near, key=lambda q: min(abs(q.start - c.end), abs(c.start - q.end)), default=None)
        if cue is not None:
            pieces.setdefault((cue.start, cue.end), (cue, []))[1].append(c)
    out: list[Statement] = []
    for key, (cue, cue_pieces) in pieces.items():
        subj = _cue_subject(doc, cue)
        content = _join_pieces(doc, cue, cue_pieces, sources, subj)
        in_sent = [s for s in sources if ss[s.start] == ss[cue.start]]
        if cue not in tagged_cues:  # a cue of the parse: the tagged source that holds its subject, or none
            in_sent = [s for s in in_sent if subj is not None and s.start <= subj.i < s.end]
        # the tagged source that holds the cue's grammatical subject, else the nearest one in the sentence
        src = next((s for s in in_sent if subj is not None and s.start <= subj.i < s.end), None) or \
            min(in_sent, key=lambda s: min(abs(s.start - cue.end), abs(cue.start - s.end)), default=None)
        speaker = None
        if src is not None:
            a, b = src.start, src.end
            table = ent_table(doc)
            for es, ee, _ in table:  # a tagged source that starts inside a name starts at the name
                if es < a < ee:
                    a = es
            root = doc[a:b].root
            if root.dep_ == "conj" and root.head.i < a and root.head.pos_ in ("PROPN", "NOUN") and b > a:
                a = root.head.left_edge.i  # "India and [Pakistan]": the whole group
            else:
                a = _group_before(doc, a, b, table)
            names = [(es, ee) for es, ee, label in table if a <= es and ee <= b and label in ("PERSON", "ORG", "STATE")]
            if len(names) == 1 and names[0][0] <= doc[a:b].root.i < names[0][1]:
                a, b = names[0]  # "Ukrainian President Volodymyr Zelenskiy": the name (rule 9)
            speaker = (a, b)
        elif fallback_subject and subj is not None and subj.pos_ in ("NOUN", "PROPN", "PRON") and \
                not (cue.start <= subj.i < cue.end):
            a, b = subj.left_edge.i, subj.right_edge.i + 1  # no tagged source: the cue's subject phrase
            speaker = (a, b) if b - a <= 12 else (subj.i, subj.i + 1)
        if speaker is not None:
            a, b = speaker
            head = doc[cue.start:cue.end].root
            if any(k.dep_ == "auxpass" for k in head.children) and not any(k.dep_ == "agent" for k in head.children) \
                    and any(k.dep_ == "nsubjpass" and a <= k.i < b for k in head.children):
                speaker = None  # "peacekeepers have been blamed for ...": the one acted on, not a source
        out.append(Statement(content=_quote_goes_on(doc, content, cue, cues), cue=key, origin="tagger",
                             speaker=speaker))
    out.sort(key=lambda st: st.content)
    for st in out:
        s, e = st.content
        st.kind = _kind(doc, s, e)
    return out
