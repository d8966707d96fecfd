"""The transformer attribution tagger: word-piece alignment, BIO decoding, the exported model."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import spacy

from pipeline.relations.attribution.labels import TAGS
from pipeline.relations.attribution.onnx_tagger import TaggerModelError, TransformerTagger, tags_for_tokens
from pipeline.relations.attribution.wordpieces import (batch_inputs, encode, load_tokenizer, log_softmax, piece_labels, stitch,
                                             token_pieces, viterbi, windows)
from pipeline.relations.stage import default_tagger_dir

MODEL = Path(__file__).resolve().parents[2] / "pipeline" / "models" / "attribution-transformer"
needs_model = pytest.mark.skipif(not (MODEL / "meta.json").exists(), reason="no transformer tagger shipped")

HOSTILE = [
    "The minister \U0001F600 said: \u201cWe\u2019re ready \U0001F1FA\U0001F1E6 now.\u201d",
    "Cafe\u0301 owners and the re\u0301sume\u0301 of Zo\u00eb said \u0301 nothing.",  # combining marks, one alone
    "He said " + "x" * 300 + " was " + "Supercalifragilistic" * 8 + ".",  # words longer than word pieces allow
    "\u4e2d\u56fd\u5916\u4ea4\u90e8 said \u0628\u064a\u0627\u0646 and \u200b\u200d zero-width \ufeff marks.",
    "Tabs\tand\u00a0no-break  spaces\n\n\nand blank lines, then \u2028 a line separator.",
]


@pytest.fixture(scope="module")
def tokenizer():
    path = MODEL / "tokenizer.json"
    if not path.exists():
        pytest.skip("no transformer tagger shipped")
    return load_tokenizer(path)


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def valid_bio(tags: list[str]) -> bool:
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            return False
        prev = t
    return True


@needs_model
@pytest.mark.parametrize("text", HOSTILE)
def test_pieces_align_to_the_tokens_that_hold_them(tokenizer, nlp, text):
    doc = nlp(text)
    ids, offsets = encode(tokenizer, text)
    first = token_pieces([(t.idx, t.idx + len(t)) for t in doc], offsets)
    seen = [i for i in first if i >= 0]
    assert seen == sorted(seen), "pieces run backwards"
    for tok, i in zip(doc, first):
        if i >= 0:
            s, e = offsets[i]
            starting = [o for o, _ in offsets if tok.idx <= o < tok.idx + len(tok)]
            if starting:  # the first piece inside the token
                assert s == min(starting), (tok.text, s, e)
            else:  # one piece over several tokens ([UNK] over a flag spaCy splits in two)
                assert s < tok.idx < e, (tok.text, s, e)
        elif not tok.is_space:
            # only a token of characters the word-piece tokenizer drops (combining marks, zero-width) has none
            assert len(encode(tokenizer, tok.text)[0]) == 0, tok.text
    letters = [t for t in doc if any(c.isalpha() for c in t.text)]
    assert all(first[t.i] >= 0 for t in letters), "every word gets a piece (an [UNK] if need be)"


@needs_model
def test_a_very_long_paragraph_is_read_in_windows_that_cover_it(tokenizer, nlp):
    text = " ".join(f"Officials said the plan number {i} would cost {i} dollars, critics said." for i in range(400))
    ids, offsets = encode(tokenizer, text)
    spans = windows(len(ids), 254, 190)
    assert spans[0][0] == 0 and spans[-1][1] == len(ids)
    assert all(b[0] < a[1] for a, b in zip(spans, spans[1:])), "windows overlap"
    assert max(e - s for s, e in spans) <= 254
    # each piece takes the window where it stands furthest from an edge: mark windows by their index
    logits = [np.full((e - s + 2, len(TAGS)), k, dtype=np.float32) for k, (s, e) in enumerate(spans)]
    merged = stitch(len(ids), spans, logits)[:, 0]
    for i in range(len(ids)):
        def margin(s, e):
            return min(i - s if s else len(ids), e - 1 - i if e < len(ids) else len(ids))

        k = int(merged[i])
        assert spans[k][0] <= i < spans[k][1]
        assert margin(*spans[k]) == max(margin(s, e) for s, e in spans if s <= i < e)
    assert min(min(i - s, e - 1 - i) for i in range(len(ids)) for k in [int(merged[i])] for s, e in [spans[k]]
               if 0 < s and e < len(ids)) >= (254 - 190) // 2, "every piece has context on both sides"


def test_windows_of_short_and_empty_documents():
    assert windows(0, 254, 190) == [(0, 0)]
    assert windows(10, 254, 190) == [(0, 10)]
    assert windows(300, 254, 190) == [(0, 254), (46, 300)]


def test_viterbi_never_starts_a_span_inside():
    rng = np.random.default_rng(0)
    for _ in range(50):
        scores = log_softmax(rng.normal(size=(30, len(TAGS))) * 4)
        tags = [TAGS[i] for i in viterbi(scores)]
        assert valid_bio(tags)


def test_viterbi_repairs_an_inside_tag_after_outside():
    # the model says O, I-CNT, I-CNT: the best valid path starts the span with B-CNT or stays outside
    lp = np.log(np.full((3, len(TAGS)), 0.01))
    lp[0, TAGS.index("O")] = np.log(0.9)
    lp[1, TAGS.index("I-CNT")] = np.log(0.6)
    lp[1, TAGS.index("B-CNT")] = np.log(0.3)
    lp[2, TAGS.index("I-CNT")] = np.log(0.9)
    assert [TAGS[i] for i in viterbi(lp)] == ["O", "B-CNT", "I-CNT"]


def test_tokens_without_a_piece_do_not_break_a_span():
    # a paragraph break (a space token, no piece) inside a quoted content carries the span on
    spans = [(0, 3), (3, 5), (5, 9)]
    offsets = np.asarray([[0, 3], [5, 9]])
    lg = np.full((2, len(TAGS)), -5.0, dtype=np.float32)
    lg[0, TAGS.index("B-CNT")] = 5
    lg[1, TAGS.index("I-CNT")] = 5
    assert tags_for_tokens(spans, lg, offsets) == ["B-CNT", "I-CNT", "I-CNT"]


def test_a_paragraph_break_ends_every_span():
    # the pieces do not see the break; the model says content on both sides: two spans, not one
    spans = [(0, 3), (3, 5), (5, 9)]
    offsets = np.asarray([[0, 3], [5, 9]])
    lg = np.full((2, len(TAGS)), -5.0, dtype=np.float32)
    lg[:, TAGS.index("I-CNT")] = 5
    lg[0, TAGS.index("B-CNT")] = 4
    assert tags_for_tokens(spans, lg, offsets, breaks=[False, True, False]) == ["B-CNT", "O", "B-CNT"]


def test_piece_labels_follow_fragments():
    offsets = np.asarray([[0, 3], [4, 8], [8, 10], [11, 15], [16, 20]])
    tags = [TAGS[i] for i in piece_labels(offsets, [("SRC", 0, 3), ("CUE", 4, 10), ("CNT", 11, 20)])]
    assert tags == ["B-SRC", "B-CUE", "I-CUE", "B-CNT", "I-CNT"]


@needs_model
def test_the_exported_model_gives_the_training_frameworks_tags():
    """reference.json: logits and Viterbi tags of the PyTorch model before export, on a few paragraphs."""
    reference = json.loads((MODEL / "reference.json").read_text())
    tagger = TransformerTagger(MODEL)
    for ref in reference:
        ids, _ = encode(tagger.tokenizer, ref["text"])
        i, m = batch_inputs([ids], tagger.cls_id, tagger.sep_id)
        lg = tagger.logits(i, m)[0]
        want = np.asarray(ref["logits"])
        tags = [TAGS[k] for k in viterbi(log_softmax(lg[1:1 + len(ids)]))]
        agree = np.mean([a == b for a, b in zip(tags, ref["tags"])])
        assert agree >= 0.95, (ref["text"], tags, ref["tags"])
        diff = np.abs(lg - want)
        if tagger.model_path.name == "model.int8.onnx":  # int8 weights: logits move a little, tags do not
            assert diff.mean() < 0.15 and diff.max() < 1.0, (diff.mean(), diff.max())
        else:
            assert diff.max() < 1e-3


@needs_model
def test_batching_across_documents_changes_no_tag(nlp):
    tagger = TransformerTagger(MODEL)
    texts = ["\u201cWe will win,\u201d the candidate said on Monday.",
             " ".join(["The governor told reporters that the budget was balanced and that taxes would fall."] * 40),
             "", "Nothing here."]
    docs = [nlp(t) for t in texts]
    assert tagger.tags_batch(docs) == [tagger.tags(d) for d in docs]
    assert tagger.tags(docs[2]) == []


@needs_model
def test_the_tagger_finds_a_reported_statement(nlp):
    doc = nlp("The senator said that the bill would pass next week.")
    tags = TransformerTagger(MODEL).tags(doc)
    assert valid_bio(tags)
    assert tags[1].endswith("SRC") and tags[2] == "B-CUE"
    assert all(t.endswith("CNT") for t in tags[4:10])


@needs_model
@pytest.mark.parametrize("damage", ["missing model", "corrupt model", "missing tokenizer", "corrupt meta", "no directory"])
def test_a_missing_or_corrupt_model_is_a_one_line_error(tmp_path, damage):
    target = tmp_path / "model"
    shutil.copytree(MODEL, target)
    if damage == "missing model":
        for f in target.glob("*.onnx"):
            f.unlink()
    elif damage == "corrupt model":
        for f in target.glob("*.onnx"):
            f.write_bytes(f.read_bytes()[:5000])
    elif damage == "missing tokenizer":
        (target / "tokenizer.json").unlink()
    elif damage == "corrupt meta":
        (target / "meta.json").write_text("{not json")
    else:
        shutil.rmtree(target)
    with pytest.raises(TaggerModelError) as err:
        TransformerTagger(target)
    msg = str(err.value)
    assert "\n" not in msg and str(target) in msg and len(msg) < 300


@needs_model
def test_the_pipeline_uses_the_transformer_tagger_by_default():
    assert default_tagger_dir() == MODEL


@needs_model
def test_the_relations_stage_stops_with_one_line_on_a_corrupt_model(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "model"
    shutil.copytree(MODEL, bad)
    for f in bad.glob("*.onnx"):
        f.write_bytes(b"not a model")
    (tmp_path / "out" / "nlp").mkdir(parents=True)
    r = subprocess.run([sys.executable, "-m", "pipeline", "relations", "--output", str(tmp_path / "out"),
                        "--attribution-model", str(bad)], capture_output=True, text=True)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "not a readable ONNX model" in lines[0], r.stderr


@needs_model
def test_the_spacy_component_assigns_attribution_spans():
    import pipeline.relations.attribution.onnx_tagger  # noqa: F401  (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("newsgraph_attribution_tagger", config={"model": str(MODEL), "threads": 1})
    texts = ["The senator said that the bill would pass next week.", "Nothing to see here."]
    docs = list(nlp.pipe(texts))
    assert docs[0]._.attribution_tags == TransformerTagger(MODEL).tags(nlp.make_doc(texts[0]))
    labels = {s.label_: s.text for s in docs[0].spans["attribution"]}
    assert labels.get("CUE") == "said" and "bill would pass" in labels.get("CNT", "")
    assert nlp.get_pipe_meta("newsgraph_attribution_tagger").assigns == ["doc.spans", "doc._.attribution_tags"]
