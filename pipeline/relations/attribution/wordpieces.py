"""Word pieces for the transformer attribution tagger: windows, labels, alignment, decoding.

Shared by training (``train_transformer.py``, torch) and inference
(``onnx_tagger.py``, onnxruntime); needs only numpy and ``tokenizers``.

* A document is encoded once into word pieces with character offsets into its
  text (``encode``); the model reads windows of at most ``size`` pieces
  (``windows``) that overlap, so every piece is read with context on both sides
  and its logits come from the window where it stands furthest from an edge
  (``stitch``).
* Training labels are per word piece (``piece_labels``): a piece takes the role
  of the fragment covering its first character, ``B-`` where a fragment starts.
* At run time each spaCy token reads the logits of the piece that starts it
  (``token_pieces``); tokens without a piece of their own (spaces, characters
  the tokenizer drops) are ``O``. The BIO constraints are enforced by a Viterbi
  decoder over the tokens (``viterbi``): no ``I-X`` after ``O`` or after another
  role, so every span has a start and a single role.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from pipeline.relations.attribution.labels import TAGS

CLS, SEP, PAD = "[CLS]", "[SEP]", "[PAD]"
TAG_INDEX = {t: i for i, t in enumerate(TAGS)}
IGNORE = -100


def load_tokenizer(path: Path):
    """The word-piece tokenizer (``tokenizer.json``) without truncation or padding."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


def encode(tokenizer, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Word-piece ids and (start, end) character offsets of ``text``, special tokens excluded."""
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids = np.asarray(enc.ids, dtype=np.int64)
    offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    return ids, offsets


def windows(n: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Windows ``[start, end)`` of at most ``size`` pieces every ``stride`` pieces, covering ``0..n``."""
    if n <= size:
        return [(0, n)]
    out = []
    start = 0
    while True:
        end = min(start + size, n)
        out.append((start, end))
        if end == n:
            return out
        start = min(start + stride, n - size)


def batch_inputs(rows: Sequence[np.ndarray], cls_id: int, sep_id: int, pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``input_ids`` and ``attention_mask`` for rows of piece ids (windows, from any documents):
    [CLS] pieces... [SEP], padded to the longest."""
    width = max(len(r) for r in rows) + 2
    input_ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for k, r in enumerate(rows):
        input_ids[k, 0] = cls_id
        input_ids[k, 1:1 + len(r)] = r
        input_ids[k, 1 + len(r)] = sep_id
        mask[k, :len(r) + 2] = 1
    return input_ids, mask


def stitch(n: int, spans: Sequence[tuple[int, int]], logits: Sequence[np.ndarray]) -> np.ndarray:
    """Per-piece logits ``(n, tags)`` from the windows' logits (each ``(width, tags)``, [CLS] first).

    Each piece takes the logits of the window where it is furthest from an edge."""
    out = np.zeros((n, logits[0].shape[-1]), dtype=np.float32)
    best = np.full(n, -1, dtype=np.int64)
    for (s, e), lg in zip(spans, logits):
        idx = np.arange(s, e)
        left = idx - s if s > 0 else np.full(len(idx), n)  # the document's own ends are no window edges
        right = e - 1 - idx if e < n else np.full(len(idx), n)
        margin = np.minimum(left, right)
        take = margin > best[s:e]
        out[idx[take]] = lg[1:1 + e - s][take]
        best[s:e][take] = margin[take]
    return out


def piece_labels(offsets: np.ndarray, roles: Sequence[tuple[str, int, int]]) -> np.ndarray:
    """Tag index of every piece given role fragments ``(role, start, end)`` in characters.

    A piece takes the fragment covering its first character (the earliest-starting
    one where fragments nest, as ``labels.token_tags``); ``B-`` starts each fragment."""
    out = np.zeros(len(offsets), dtype=np.int64)
    frag_of = np.full(len(offsets), -1, dtype=np.int64)
    ordered = sorted(roles, key=lambda r: (r[1], r[2]))
    starts = offsets[:, 0]
    for k, (role, s, e) in enumerate(ordered):
        hit = np.nonzero((starts >= s) & (starts < e) & (frag_of < 0))[0]
        frag_of[hit] = k
        for j in hit:
            first = j == 0 or frag_of[j - 1] != k
            out[j] = TAG_INDEX[("B-" if first else "I-") + role]
    return out


def token_pieces(token_spans: Sequence[tuple[int, int]], offsets: np.ndarray) -> np.ndarray:
    """For each token ``(start, end)`` in characters, the piece that reads it, or -1.

    That is the first piece starting inside the token; failing that, the piece that
    covers the token's start (one [UNK] over a flag emoji spaCy splits in two);
    -1 for a token of characters the tokenizer drops (spaces, lone combining marks)."""
    out = np.full(len(token_spans), -1, dtype=np.int64)
    if not len(token_spans) or not len(offsets):
        return out
    starts, ends = offsets[:, 0], offsets[:, 1]
    ts = np.asarray([s for s, _ in token_spans], dtype=np.int64)
    te = np.asarray([e for _, e in token_spans], dtype=np.int64)
    j = np.searchsorted(starts, ts, side="left")
    jc = np.minimum(j, len(starts) - 1)
    inside = (j < len(starts)) & (starts[jc] < te)
    out[inside] = j[inside]
    k = np.searchsorted(starts, ts, side="right") - 1
    kc = np.maximum(k, 0)
    covering = ~inside & (k >= 0) & (ends[kc] > ts)
    out[covering] = k[covering]
    return out


def allowed_transitions() -> np.ndarray:
    """``allowed[i, j]``: tag j may follow tag i (BIO: ``I-X`` only after ``B-X`` or ``I-X``)."""
    n = len(TAGS)
    allowed = np.ones((n, n), dtype=bool)
    for j, t in enumerate(TAGS):
        if t.startswith("I-"):
            role = t[2:]
            for i, p in enumerate(TAGS):
                allowed[i, j] = p in (f"B-{role}", f"I-{role}")
    return allowed


def allowed_starts() -> np.ndarray:
    return np.asarray([not t.startswith("I-") for t in TAGS])


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


ALLOWED = allowed_transitions()
START_OK = allowed_starts()


def viterbi(scores: np.ndarray, allowed: np.ndarray | None = None, start_ok: np.ndarray | None = None,
            transitions: np.ndarray | None = None) -> np.ndarray:
    """Best tag sequence for per-position log-probabilities ``scores (n, tags)`` under BIO constraints,
    plus ``transitions[i, j]`` (a score for tag j after tag i) where given."""
    n, k = scores.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    allowed = ALLOWED if allowed is None else allowed
    start_ok = START_OK if start_ok is None else start_ok
    trans = np.where(allowed, 0.0 if transitions is None else transitions, -np.inf)
    score = np.where(start_ok, scores[0], -np.inf)
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        cand = score[:, None] + trans  # (from, to)
        back[i] = cand.argmax(axis=0)
        score = cand[back[i], np.arange(k)] + scores[i]
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path
