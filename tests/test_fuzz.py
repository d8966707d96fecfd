"""Fuzzing the whole pipeline, stage by stage (issue 13).

Hypothesis mixes realistic news sentences with hostile pieces (bidi controls,
zero-width characters, combining marks, emoji and their ZWJ sequences and
flags, NUL and other C0 controls, U+2028/U+2029, a BOM in the middle, CR,
CRLF, form feeds), quote marks of every kind unbalanced and nested, very long
lines and very long sentences, and checks:

- no exception escapes a stage;
- every document ends ``ok``, ``skipped`` or ``error``, with a one-line reason
  when it is not ``ok``;
- every reported span (mentions, statement content, speaker and cue, relations)
  lies inside its raw text and reads the same characters there.

Two profiles: ``ci`` (the default: small, derandomised, about a minute on two
cores) and ``fuzz`` (many more examples, random each run), chosen with
``HYPOTHESIS_PROFILE=fuzz`` (``make fuzz``).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, note, settings, strategies as st
from conftest import check_offset_map as check_map_invariants

from pipeline.clean.rules import clean_text
from pipeline.core.config import Settings
from pipeline.core.document import CleanDocument, OffsetMap, read_raw_text

# -- profiles -------------------------------------------------------------------------------------

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True,
                          suppress_health_check=_QUIET)
settings.register_profile("fuzz", deadline=None, print_blob=True, suppress_health_check=_QUIET)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "fuzz"):
    PROFILE = "ci"
# examples per test in each profile: the cheap stage tests, the parsing ones, end to end
EXAMPLES = {
    "ci": {"clean": 300, "bytes": 300, "ner": 150, "relations": 100, "end_to_end": 12},
    "fuzz": {"clean": 3000, "bytes": 3000, "ner": 500, "relations": 500, "end_to_end": 50},
}[PROFILE]


def profile(kind: str) -> settings:
    return settings(settings.get_profile(PROFILE), max_examples=EXAMPLES[kind])


# -- strategies -----------------------------------------------------------------------------------

# made-up but realistic news sentences: reported and direct speech, titles, states, bodies
SENTENCES = [
    "The foreign minister of Norway said on Tuesday that talks would resume.",
    '"We will not accept this," President Adeyemi told reporters.',
    "The ministry accused the rebels of violating the ceasefire, according to a statement.",
    '"There is no alternative to dialogue," she said. "None at all."',
    "Chancellor Weber warned that Berlin would respond if the sanctions were extended.",
    "A spokesman for the Foreign Ministry said the embassy in Nairobi had been closed.",
    "The United Nations called on both sides to exercise restraint.",
    'Prime Minister Okafor rejected the proposal, calling it "an insult to our people."',
    '"Are we to believe them?" asked Senator Mar\u00eda Gonz\u00e1lez.',
    "Officials in Ankara said they were not consulted.",
    "The White House denied the report on Wednesday.",
    "Japan's defence ministry said two missiles landed outside its exclusive economic zone.",
    "According to the agency, the president will visit Brazil next month.",
    'Ms. Lindqvist, the EU envoy, told the BBC: "The door remains open."',
    "Analysts said the move could backfire.",
    "Kim Yo Jong said in a statement carried by KCNA that Seoul would \u201cpay dearly\u201d.",
    "Protesters chanted 'No more war' outside the parliament in Kyiv.",
    "President Zelenskyy urged the allies to speed up deliveries, saying \u00abtime is running out\u00bb.",
    "The Kremlin has offered to host the next round of negotiations.",
    "\u201cWe condemn this attack in the strongest terms,\u201d the African Union said in a statement.",
    "Mr. Dubois, 54, said he had not been told of the decision.",
    "North Korea fired a ballistic missile into the sea on Thursday, South Korea's military said.",
]
SPEAKERS = ["the minister", "President Adeyemi", "she", "a senior official", "the Foreign Ministry",
            "Chancellor Weber", "Mexico", "the spokeswoman for the State Department", "Ri Son Gwon", "they"]
CUES = ["said", "told reporters", "added", "warned", "insisted", "denied", "wrote on social media", "asked"]
CONTENTS = ["we will not accept this", "the talks have failed", "there is no alternative to dialogue",
            "Washington must lift the sanctions first", "our door remains open", "this is a violation of the treaty",
            "nobody will be punished", "we are ready to meet at any time"]

BIDI = [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)] + ["\u200e", "\u200f", "\u061c"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u034f"]
EMOJI = ["\U0001F600", "\U0001F44D\U0001F3FD", "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466",
         "\U0001F3F3\ufe0f\u200d\U0001F308", "\U0001F1F3\U0001F1F4", "\U0001F1F0\U0001F1F5", "\U0001F1FA",
         "1\ufe0f\u20e3", "\u2764\ufe0f", "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
         "\U0001F9D1\U0001F3FF\u200d\u2695\ufe0f"]
CONTROLS = [chr(c) for c in range(0x20) if c != 0x0A] + ["\x7f", "\x85", "\x9b"]
BREAKS = ["\u2028", "\u2029", "\r", "\r\n", "\f", "\v", "\n", "\n\n\n", "\r\r\n", "\x1c", "\x1e"]
QUOTES = ['"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e", "\u201a", "\u2039", "\u203a",
          "\u300c", "\u300d", "\u300e", "\u300f", "``", "''", "\u301d", "\u301e", "\uff02", "\u201b", "\u201f", "\u2033"]
FURNITURE = ["SEOUL, Aug. 20 (Yonhap) -- ", "GENEVA, March 3 (Reuters) - ", "(END)", "-0-", "(AP)",
             "| 29 February 2024, Thursday |", "By Jane Doe", "Photo: AFP", "<p>", "&amp;", "&#x27;"]

any_char = st.characters(exclude_categories=("Cs",))
combining = st.text(st.characters(categories=("Mn", "Me")), min_size=1, max_size=6)
quote_mark = st.sampled_from(QUOTES)
hostile = st.one_of(
    st.sampled_from(BIDI), st.sampled_from(ZERO_WIDTH), st.sampled_from(EMOJI), st.sampled_from(CONTROLS),
    st.sampled_from(BREAKS), quote_mark, combining, st.text(any_char, min_size=1, max_size=8),
    st.builds(lambda s, n: s * n, st.sampled_from(BIDI + ZERO_WIDTH + QUOTES + EMOJI + BREAKS), st.integers(2, 30)),
)


@st.composite
def quoted_sentences(draw) -> str:
    """A quote with marks drawn independently (so often unbalanced), maybe with a quote nested inside."""
    content = draw(st.sampled_from(CONTENTS))
    if draw(st.booleans()):
        inner = draw(st.sampled_from(CONTENTS))
        content = f"{content}, and {draw(quote_mark)}{inner}{draw(quote_mark)} too"
    open_, close = draw(quote_mark), draw(st.one_of(quote_mark, st.just("")))
    speaker, cue = draw(st.sampled_from(SPEAKERS)), draw(st.sampled_from(CUES))
    form = draw(st.integers(0, 3))
    if form == 0:
        return f"{open_}{content.capitalize()},{close} {speaker} {cue}."
    if form == 1:
        return f"{speaker.capitalize()} {cue}: {open_}{content.capitalize()}.{close}"
    if form == 2:
        return f"{speaker.capitalize()} {cue} that {open_}{content}{close}."
    return f"{open_}{content.capitalize()}{close} {open_}{draw(st.sampled_from(CONTENTS))}.{close}"


@st.composite
def long_pieces(draw) -> str:
    """A very long line (a sentence repeated without a newline), a very long sentence, a very long word."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return " ".join([draw(st.sampled_from(SENTENCES))] * draw(st.integers(20, 250)))
    if kind == 1:  # one sentence of up to ~1,500 words
        clause = draw(st.sampled_from(CONTENTS))
        speaker = draw(st.sampled_from(SPEAKERS)).capitalize()
        return f"{speaker} said that " + ", and ".join([clause] * draw(st.integers(10, 250))) + "."
    if kind == 2:
        return draw(st.sampled_from(["a", "Ab", "\u00e9", "-", "\u201c", "x\u0301"])) * draw(st.integers(500, 5000))
    return "".join([draw(quote_mark)] * draw(st.integers(50, 500)))


WORDS = ["the", "minister", "said", "talks", "will", "resume", "we", "reject", "Norway", "President", "Adeyemi",
         "told", "reporters", "that", "not", "accept", "this", ",", ".", ":", "--", "(", ")", "don't", "ministers'",
         "U.S.", "according", "to", "\u2014", "...", "?", "!", "KCNA", "Yonhap"]


@st.composite
def quote_soup(draw) -> str:
    """Words and quote marks of every kind in any order, spaced or glued: open quotes never closed,
    closing marks never opened, quotes over paragraph breaks."""
    items = draw(st.lists(st.one_of(st.sampled_from(WORDS), quote_mark, st.sampled_from(["\n\n", "\n"])),
                          min_size=1, max_size=40))
    return "".join(x + draw(st.sampled_from([" ", " ", ""])) for x in items)


# statements after a colon and press statements over several paragraphs, their quotes left open
PRESS = [
    "The Foreign Ministry released the following press statement:\n\n\u201cThe so-called talks are a farce.\n\n"
    "\u201cWe will respond in kind.",
    "SPOKESMAN: We have nothing to add.",
    'The minister said: "The sanctions must end,\n\n"and they must end now," she added.',
    "\u00abNous ne c\u00e9derons pas\u00bb, a d\u00e9clar\u00e9 le ministre. \u201eWir auch nicht\u201c, sagte er.",
    "\u300cWe will not accept this\u300d, the envoy said. \u300eNever\u300f.",
]
sentence = st.one_of(st.sampled_from(SENTENCES), quoted_sentences(), st.sampled_from(PRESS), quote_soup())
separator = st.sampled_from([" ", " ", "\n", "\n\n", "\r\n", "\r\n\r\n", "  ", "\t", "\n \n"])


@st.composite
def articles(draw, max_parts: int = 10, long: bool = True, min_sentences: int = 0) -> str:
    """Realistic sentences and furniture, hostile pieces inserted at random positions, now and then a
    long repetition (a long line, a long sentence, a long word)."""
    n = draw(st.integers(max(1, min_sentences), max(1, max_parts)))
    parts = [draw(sentence) for _ in range(min_sentences)]
    parts += [draw(st.one_of(sentence, sentence, sentence, hostile, st.sampled_from(FURNITURE)))
              for _ in range(n - len(parts))]
    parts = draw(st.permutations(parts))
    if long and draw(st.integers(0, 3)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(long_pieces()))
    text = ""
    for p in parts:
        text += p + draw(separator)
    for _ in range(draw(st.integers(0, 8))):  # hostile pieces anywhere, inside words too
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(hostile) + text[pos:]
    return text


def universal_newlines(text: str) -> str:
    """What ``open(path, encoding=...).read()`` makes of the line ends."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- span checks ----------------------------------------------------------------------------------

# what cleaning drops or turns into spaces (format characters, controls, soft hyphen): not letters
_SKIP = re.compile("[\\x00-\\x1f\\x7f-\\x9f\u00ad\u034f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_TAG = re.compile(r"<!--.*?-->|<\s*/?\s*[A-Za-z][^<>]{0,500}?>", re.S)


def _letters(s: str) -> str:
    """The letters and digits of a text, without accents or case: what a span must keep from raw to clean."""
    s = unicodedata.normalize("NFKD", _SKIP.sub("", s))
    return "".join(ch for ch in s if ch.isalnum()).casefold()


def reads_same(raw_piece: str, clean_piece: str) -> bool:
    """Whether a raw span and the clean span it was mapped from hold the same letters (cleaning may have
    changed spaces, quote marks, invisible characters, entities and mojibake in between)."""
    if _letters(raw_piece) == _letters(clean_piece):
        return True
    import html

    from ftfy import fix_encoding

    untagged = _TAG.sub(" ", raw_piece)  # HTML tags become spaces or paragraph breaks
    for fix in (fix_encoding, lambda s: re.sub(r"\S+", lambda m: fix_encoding(m.group()), s)):  # whole, word by word
        repaired = _ENTITY.sub(lambda m: html.unescape(m.group()), fix(untagged))
        if _letters(repaired) == _letters(clean_piece) or _letters(fix(repaired)) == _letters(clean_piece):
            return True
    return False


def kept(raw: str, om: OffsetMap, rs: int, re_: int, clean: str, cs: int, ce: int, sep: str = "") -> str:
    """The raw span ``[rs, re_)`` of the clean span ``[cs, ce)`` with what cleaning altered strictly
    inside it as the clean text has it (a deleted caption or credit as ``sep``, paragraph breaks made of
    a run of blank lines, a tag): what is left to compare are its two ends, where a wrong map would take
    in raw text the span does not hold."""
    out, pos = [], rs
    for c0, c1, r0, r1 in om.regions:
        if cs < c0 and c1 < ce and rs <= r0 and r1 <= re_:
            out.append(raw[pos:r0] + (clean[c0:c1] if c1 > c0 else sep))
            pos = r1
    out.append(raw[pos:re_])
    return "".join(out)


def reads_same_kept(raw: str, om: OffsetMap, rs: int, re_: int, clean: str, cs: int, ce: int) -> bool:
    """:func:`reads_same` on :func:`kept` (a deletion as nothing or as a space: it may have separated
    words when mojibake was repaired, ``\\x1f`` being white space to the cleaner's word split)."""
    return any(reads_same(kept(raw, om, rs, re_, clean, cs, ce, sep), clean[cs:ce]) for sep in ("", " "))


def check_clean_span(raw: str, clean: str, om: OffsetMap, cs: int, ce: int, rs: int, re_: int, what: str) -> None:
    """A clean span ``[cs, ce)`` reported at raw ``[rs, re_)``: inside the raw text, the same characters
    where cleaning did not alter it, the same letters where it did."""
    assert 0 <= cs <= ce <= len(clean), (what, cs, ce, len(clean))
    assert 0 <= rs <= re_ <= len(raw), (what, rs, re_, len(raw))
    assert (rs, re_) == om.to_raw(cs, ce), (what, (rs, re_), om.to_raw(cs, ce))
    if ce > cs:
        assert re_ > rs, (what, clean[cs:ce])
    if clean[cs:ce].strip() == clean[cs:ce]:  # no space taken in at either end
        assert raw[rs:re_].strip() == raw[rs:re_], (what, raw[rs:re_], clean[cs:ce])
    if om.is_unaltered(cs, ce):
        assert raw[rs:re_] == clean[cs:ce], (what, raw[rs:re_], clean[cs:ce])
    else:
        assert reads_same_kept(raw, om, rs, re_, clean, cs, ce), (what, raw[rs:re_], clean[cs:ce])


def check_offset_map(raw: str, clean: str, om: OffsetMap) -> None:
    check_map_invariants(raw, clean, om)
    starts = [om.start_to_raw(i) for i in range(len(clean) + 1)]
    for i in range(len(clean)):  # every copied character reads the same
        if om.is_unaltered(i, i + 1):
            assert raw[starts[i]] == clean[i], (i, raw[starts[i]], clean[i])
    # every word of the clean text maps inside the raw text and reads the same there
    for m in re.finditer(r"\S+", clean):
        rs, re_ = om.to_raw(m.start(), m.end())
        check_clean_span(raw, clean, om, m.start(), m.end(), rs, re_, "word")
        back = om.to_clean(rs, re_)
        assert back is not None and back[0] <= m.start() and back[1] >= m.end(), (m.group(), back)
    assert OffsetMap.from_json(json.loads(json.dumps(om.to_json()))) == om


def one_line(reason: str) -> bool:
    return bool(reason) and len(reason.splitlines()) == 1 and reason.strip() == reason


# -- (1) clean ------------------------------------------------------------------------------------


@profile("clean")
@given(articles(max_parts=20), st.sampled_from(["", "kcna_2024-05-29_x.txt", "2021.txt", "\u202e.txt"]))
# found by fuzzing: a replaced quote mark took in the dateline deleted before it and the credit after it
@example("\u201e \x85 SEOUL, Aug. 20 (Yonhap) --  ", "")
@example("SEOUL, Aug. 20 (Yonhap) -- ``We will not accept this,'' President Adeyemi said. ''No.'' (Yonhap)", "")
# found by fuzzing: NFC and mojibake repairs replaced whole tokens, so a word inside took in its neighbours
@example("Resume. A\u0300bAbAbA\u0300bAbAb The end.", "")
@example("Sa\u0301nchez-Pe\u0301rez said \u00e2\u20ac\u0153Kim\u00e2\u20ac\u009d was right. \u00c3\x8e\xa0 The", "")
def test_clean_text_maps_every_span_back_to_the_same_raw_characters(text, filename):
    raw = universal_newlines(text)
    res = clean_text(raw, filename=filename)
    check_offset_map(raw, res.text, res.offset_map)
    for c in res.credits:
        assert 0 <= c.start < c.end <= len(raw) and raw[c.start:c.end].strip(), c
    for r in res.removed:
        assert 0 <= r.start <= r.end <= len(raw) and r.text == raw[r.start:r.end], r
    if res.title:
        assert res.text.startswith(res.title)
    # what README.md promises of the cleaned text: no CR or other control characters, no zero-width
    # characters, paragraphs separated by one blank line, no space at either end
    assert not re.search("[\\x00-\\x09\\x0b-\\x1f\\x7f\u200b\ufeff\u2028\u2029]", res.text), ascii(res.text)
    assert "\n\n\n" not in res.text and res.text == res.text.strip()


def _encoded(text: str, encoding: str, newline: str) -> bytes:
    text = text.replace("\n", newline)
    if encoding == "utf-16":
        return ("\ufeff" + text).encode("utf-16-le", "surrogatepass")
    return text.encode(encoding, "replace")


@st.composite
def raw_bytes(draw) -> bytes:
    """Random bytes, articles in several encodings and line ends, with random bytes spliced in."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.binary(max_size=3000))
    data = _encoded(draw(articles(max_parts=6, long=False)),
                    draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1", "koi8_r", "cp1251"])),
                    draw(st.sampled_from(["\n", "\r\n", "\r"])))
    if kind == 2:
        for _ in range(draw(st.integers(1, 5))):
            pos = draw(st.integers(0, len(data)))
            data = data[:pos] + draw(st.binary(min_size=1, max_size=8)) + data[pos:]
    return data


@profile("bytes")
@given(raw_bytes())
def test_clean_file_never_raises_and_says_why_in_one_line(data):
    from pipeline.clean.stage import clean_file, document_row

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.txt"
        path.write_bytes(data)
        doc = clean_file(path, Settings(input_dir=Path(tmp), output_dir=Path(tmp) / "out"), "fp")
        note(f"status={doc.status} error={doc.error!r} encoding={doc.encoding!r}")
        assert doc.status in ("ok", "skipped", "error")
        # what the driver writes: a JSON record and a table row, both UTF-8
        assert CleanDocument.loads(doc.dumps().encode("utf-8").decode("utf-8")).status == doc.status
        json.dumps(document_row(doc), ensure_ascii=False).encode("utf-8")
        if doc.status != "ok":
            assert one_line(doc.error), repr(doc.error)
            return
        assert doc.error == "" and any(ch.isalpha() for ch in doc.text)
        raw = read_raw_text(str(path), doc.encoding)
        assert doc.n_chars == len(raw)
        check_offset_map(raw, doc.text, doc.offset_map)
        for c in doc.credits:
            assert 0 <= c.start < c.end <= len(raw)


# -- (2) ner --------------------------------------------------------------------------------------


def _clean_document(raw: str, path: Path) -> CleanDocument | None:
    """What stage 1 writes for ``raw`` saved at ``path`` (None when it would skip it: no letters)."""
    res = clean_text(raw, filename=path.name)
    if not any(ch.isalpha() for ch in res.text):
        return None
    return CleanDocument(doc_id=path.stem, source_path=str(path), sha256="", text=res.text, offset_map=res.offset_map,
                         title=res.title, date=res.date, date_source=res.date_source, credit=res.credit,
                         credits=res.credits, removed=res.removed, n_chars=len(raw))


def _parse(nlp, clean: CleanDocument, chunk_chars: int):
    from pipeline.ner.stage import parse

    ((doc, error),) = list(parse(nlp, [clean.text], chunk_chars))
    assert doc is not None and error == "", error
    return doc


def _write_raw(tmp: str, text: str) -> tuple[Path, str]:
    path = Path(tmp) / "fuzz.txt"
    path.write_text(text, encoding="utf-8", newline="")
    return path, read_raw_text(str(path))


@profile("ner")
@given(articles(max_parts=20, min_sentences=3), st.sampled_from([100_000, 100_000, 2_000]))
def test_mentions_lie_inside_the_raw_text_and_read_the_same(nlp, text, chunk_chars):
    from pipeline.ner.stage import _fill_raw_text, doc_mentions

    with tempfile.TemporaryDirectory() as tmp:
        path, raw = _write_raw(tmp, text)
        clean = _clean_document(raw, path)
        assume(clean is not None)
        doc = _parse(nlp, clean, chunk_chars)
        mentions = [m.to_json() for m in doc_mentions(doc, clean)]
        _fill_raw_text(mentions, clean)
        for m in mentions:
            assert 0 <= m["start"] < m["end"] <= len(raw), m
            assert m["text"] == raw[m["start"]:m["end"]]
            if m["source"] == "text":
                check_clean_span(raw, clean.text, clean.offset_map, m["clean_start"], m["clean_end"],
                                 m["start"], m["end"], f"mention {m['label']}")
            else:
                assert m["source"] == "credit" and m["text"].strip(), m


# -- (3) relations --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _tagger():
    from pipeline.relations.stage import load_tagger

    return load_tagger(Settings())


@profile("relations")
@given(articles(max_parts=20, min_sentences=3), st.sampled_from(["speech", "speech", "attribution"]))
# found by fuzzing: a quote mark the parse took for a subject gave an empty speaker span (ValueError);
# a press statement's body over a caption deleted by cleaning, a quote over an HTML tag (a false alarm
# of the test's own check, kept as examples)
@example('The foreign minister of Norway said on Tuesday that talks would resume. the the " \u2039 reject Norway  ', "speech")
@example("The Foreign Ministry released the following press statement:\n\n\u201cThe so-called talks are a farce.\n\n"
         "\u201cWe will respond in kind. The minister said talks would resume.\n(A0)\nThe minister said talks would resume.",
         "speech")
@example('The minister said talks would resume. "We will not accept this, the minister said. The minister said '
         'talks would resume. <p> "We will not accept this," the minister said. The minister said talks would resume.',
         "speech")
@example("The Foreign Ministry released the following press statement:\n\n\u201cThe so-called talks are a farce.\n\n"
         "\u201cWe will respond in kind. The minister said talks would resume. \u200b\n(A0) \n\n the  ", "speech")
def test_statement_spans_lie_inside_the_raw_text_and_read_the_same(nlp, text, scope):
    from spacy.tokens import DocBin

    from pipeline.core.storage import load_msgpack_plugins_once
    from pipeline.ner.stage import doc_mentions
    from pipeline.relations.stage import _records, _vocab, longest_sentence

    with tempfile.TemporaryDirectory() as tmp:
        path, raw = _write_raw(tmp, text)
        clean = _clean_document(raw, path)
        assume(clean is not None)
        doc = _parse(nlp, clean, 100_000)
        doc_mentions(doc, clean)  # ids on the entities, doc._.source
        load_msgpack_plugins_once()
        db = DocBin(store_user_data=True)
        db.add(doc)
        (doc,) = list(DocBin().from_bytes(db.to_bytes()).get_docs(_vocab()))  # as the stage reads it
        if longest_sentence(doc) > Settings().max_sentence_words:
            note("skipped by the stage: a sentence over the word limit")
            return
        rec = _records(doc, _tagger(), None, scope)
    om, ctext = clean.offset_map, clean.text
    for row in rec["statements"]:
        assert row["kind"] in ("direct", "indirect", "mixed"), row
        for field in ("content", "speaker", "cue"):
            text_key = "content" if field == "content" else f"{field}_text"
            start, end = row[f"{field}_start"], row[f"{field}_end"]
            if start == "" and end == "":
                assert field != "content" and row[text_key] == "", row
                continue
            assert 0 <= start < end <= len(raw), (field, row)
            assert row[text_key] == raw[start:end], (field, row)
            back = om.to_clean(start, end)
            assert back is not None, (field, row)
            piece = ctext[back[0]:back[1]]
            assert reads_same_kept(raw, om, start, end, ctext, *back), (field, raw[start:end], piece)
            if piece.strip() == piece:  # no space taken in at either end
                assert raw[start:end].strip() == raw[start:end], (field, raw[start:end], piece)
    for r in rec["relations"]:
        assert 0 <= r["start"] < r["end"] <= len(raw), r


# -- (4) end to end -------------------------------------------------------------------------------

NAMES = ["a", "brief one", "\u00dcberraschung_\u00e9", "=formula", "-dash", "it's", "2024-05-29 kcna", "x\u202ey"]


@st.composite
def corpora(draw) -> dict[str, bytes]:
    """One to three raw files: articles in UTF-8 (with or without BOM), UTF-16, Windows-1252, any line ends,
    now and then random bytes."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    files = {}
    for name in names:
        if draw(st.integers(0, 5)) == 0:
            files[name] = draw(raw_bytes())
            continue
        text = draw(articles(max_parts=12, min_sentences=2))
        encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"]))
        if encoding == "cp1252":
            try:
                text.encode("cp1252")
            except UnicodeEncodeError:
                encoding = "utf-8"
        files[name] = _encoded(text, encoding, draw(st.sampled_from(["\n", "\r\n", "\r"])))
    return files


def _check_tables(out: Path, names: list[str]) -> None:
    from pipeline.core.storage import read_rows

    tables = out / "tables"
    docs = {r["doc_id"]: r for r in read_rows(tables / "documents.csv")}
    assert sorted(docs) == sorted(names)
    raws = {}
    for d in docs.values():
        assert d["status"] in ("ok", "skipped", "error"), d
        if d["status"] == "ok":
            assert d["error"] == "", d
            raws[d["doc_id"]] = read_raw_text(d["source_path"], d["encoding"])
        else:
            assert one_line(d["error"]), d
    ner_rows = {r["doc_id"]: r for r in read_rows(tables / "ner_documents.csv")}
    for name in raws:
        r = ner_rows[name]
        assert r["status"] in ("ok", "skipped", "error") and (r["status"] == "ok" or one_line(r["error"])), r
        shard = out / "relations" / f"{name}.json"
        if r["status"] == "ok":
            rec = json.loads(shard.read_text(encoding="utf-8"))
            assert rec["status"] in ("ok", "skipped", "error"), rec
            assert rec["status"] == "ok" or one_line(rec["error"]), rec
    cleans = {name: CleanDocument.loads((out / "clean" / f"{name}.json").read_text(encoding="utf-8")) for name in raws}

    def same_as_clean(doc_id: str, s: int, e: int) -> bool:
        """The raw span holds the letters of the clean text the model read there."""
        clean = cleans[doc_id]
        back = clean.offset_map.to_clean(s, e)
        return back is not None and reads_same_kept(raws[doc_id], clean.offset_map, s, e, clean.text, *back)

    for m in read_rows(tables / "mentions.csv"):
        raw = raws[m["doc_id"]]
        s, e = int(m["start"]), int(m["end"])
        assert 0 <= s < e <= len(raw) and m["text"] == raw[s:e], m
        assert m["source"] == "credit" or same_as_clean(m["doc_id"], s, e), m
    for row in read_rows(tables / "statements.csv"):
        raw = raws[row["doc_id"]]
        for field, key in (("content", "content"), ("speaker", "speaker_text"), ("cue", "cue_text")):
            s, e = row[f"{field}_start"], row[f"{field}_end"]
            if s == "" and field != "content":
                assert e == "" and row[key] == "", row
                continue
            s, e = int(s), int(e)
            assert 0 <= s < e <= len(raw) and row[key] == raw[s:e], (field, row)
            assert same_as_clean(row["doc_id"], s, e), (field, row)
    for r in read_rows(tables / "relations.csv"):
        s, e = int(r["start"]), int(r["end"])
        assert 0 <= s < e <= len(raws[r["doc_id"]]), r


@profile("end_to_end")
@given(corpora())
def test_every_stage_end_to_end(files):
    from pipeline.clean import stage as clean_stage
    from pipeline.core.executor import LocalExecutor
    from pipeline.export import stage as export
    from pipeline.ner import stage as ner
    from pipeline.relations import stage as relations

    with tempfile.TemporaryDirectory() as tmp:
        raw_dir, out = Path(tmp) / "raw", Path(tmp) / "out"
        raw_dir.mkdir()
        for name, data in files.items():
            (raw_dir / f"{name}.txt").write_bytes(data)
        s = Settings(input_dir=raw_dir, output_dir=out, quiet=True, executor="local")
        for run in (clean_stage.run, ner.run, relations.run, export.run):
            run(s, LocalExecutor())
        _check_tables(out, list(files))
        assert (out / "graph" / "graph.gexf").exists() and (out / "html").is_dir()
