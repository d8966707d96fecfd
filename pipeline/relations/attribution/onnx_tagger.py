"""The transformer attribution tagger at run time: an ONNX model read by onnxruntime.

``TransformerTagger`` tags source, cue and content (BIO) on every token of a
parsed ``Doc``: the document's text is encoded once into word pieces, read in
overlapping windows (``wordpieces.windows``) batched across documents, each
spaCy token takes the logits of the piece that starts it, and a BIO Viterbi
decoder picks the tags. The model is fine-tuned from all-MiniLM-L6-v2 on
PolNeAR (``train_transformer.py``, ``make train-attribution``); torch is not
needed here.

As a spaCy component (``newsgraph_attribution_tagger``) it assigns
``doc.spans["attribution"]`` (labels SRC, CUE, CNT) and ``doc._.attribution_tags``.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.relations.attribution.labels import TAGS
from pipeline.relations.attribution.wordpieces import batch_inputs, encode, load_tokenizer, log_softmax, stitch, token_pieces, viterbi, windows
from pipeline.core.executor import available_cpus

MODEL_FILES = ("model.int8.onnx", "model.onnx")
SPANS_KEY = "attribution"


class TaggerModelError(RuntimeError):
    """The model directory is missing, incomplete or unreadable (a one-line message)."""


def is_transformer_dir(path: Path) -> bool:
    return (Path(path) / "meta.json").exists() and any((Path(path) / f).exists() for f in MODEL_FILES)


class TransformerTagger:
    def __init__(self, model_dir: Path, threads: int = 0, batch_size: int = 16, stride: int | None = None,
                 precision: str = "int8"):
        model_dir = Path(model_dir)
        if not model_dir.is_dir():
            raise TaggerModelError(f"attribution model directory {model_dir} does not exist")
        try:
            self.meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TaggerModelError(f"attribution model {model_dir}: meta.json unreadable ({exc})") from None
        if list(self.meta.get("tags", [])) != list(TAGS):
            raise TaggerModelError(f"attribution model {model_dir}: its tags {self.meta.get('tags')} are not {list(TAGS)}")
        names = MODEL_FILES if precision == "int8" else MODEL_FILES[::-1]
        model = next((model_dir / f for f in names if (model_dir / f).exists()), None)
        if model is None:
            raise TaggerModelError(f"attribution model {model_dir}: no {' or '.join(MODEL_FILES)}")
        try:
            self.tokenizer = load_tokenizer(model_dir / "tokenizer.json")
        except Exception as exc:
            raise TaggerModelError(f"attribution model {model_dir}: tokenizer.json unreadable ({type(exc).__name__})") from None
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or available_cpus()
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise TaggerModelError(f"attribution model {model}: not a readable ONNX model ({msg[:160]})") from None
        self.model_path = model
        # tag bigram log-probabilities of the training data, weighted, added to the Viterbi decoder
        trans = self.meta.get("transitions")
        self.transitions = (float(self.meta.get("transition_weight", 1.0)) * np.asarray(trans, dtype=np.float64)
                            if trans is not None else None)
        self.window = int(self.meta.get("window", 256)) - 2
        self.stride = stride or self.window * 3 // 4
        self.batch_size = batch_size
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        h = hashlib.sha256(json.dumps([self.meta.get("dev_scores", {}), self.meta.get("transition_weight")],
                                      sort_keys=True).encode())
        h.update(f"{model.name}:{model.stat().st_size}:{self.window}:{self.stride}".encode())
        self.fingerprint = h.hexdigest()[:16]

    # -- the model ----------------------------------------------------------
    def logits(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": mask})[0]

    def piece_logits(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(logits per piece, piece offsets) of each text; windows are batched across the texts."""
        encoded = [encode(self.tokenizer, t) for t in texts]
        jobs = [(i, span) for i, (ids, _) in enumerate(encoded) for span in windows(len(ids), self.window, self.stride)
                if len(ids)]
        out: list[list[np.ndarray]] = [[] for _ in texts]
        for b in range(0, len(jobs), self.batch_size):
            chunk = jobs[b:b + self.batch_size]
            ids, mask = batch_inputs([encoded[i][0][s:e] for i, (s, e) in chunk], self.cls_id, self.sep_id)
            for (i, _), lg in zip(chunk, self.logits(ids, mask)):
                out[i].append(lg)
        result = []
        for i, (ids, offsets) in enumerate(encoded):
            if not len(ids):
                result.append((np.zeros((0, len(TAGS)), dtype=np.float32), offsets))
                continue
            spans = windows(len(ids), self.window, self.stride)
            result.append((stitch(len(ids), spans, out[i]), offsets))
        return result

    # -- documents ----------------------------------------------------------
    def tags_batch(self, docs: Sequence[Doc]) -> list[list[str]]:
        out = []
        for doc, (lg, offsets) in zip(docs, self.piece_logits([d.text for d in docs])):
            out.append(tags_for_tokens([(t.idx, t.idx + len(t)) for t in doc], lg, offsets,
                                       breaks=[t.is_space and "\n" in t.text for t in doc], transitions=self.transitions))
        return out

    def tags(self, doc: Doc) -> list[str]:
        return self.tags_batch([doc])[0]


def tags_for_tokens(token_spans: Sequence[tuple[int, int]], piece_logits: np.ndarray, offsets: np.ndarray,
                    breaks: Sequence[bool] | None = None, transitions: np.ndarray | None = None) -> list[str]:
    """BIO tags of tokens from the logits of their pieces (Viterbi). A token without a piece of its
    own (a space, a character the tokenizer drops) constrains nothing; a line break (``breaks``) is
    outside every span: no PolNeAR content fragment runs across a paragraph (1 in 19,832 in train),
    and the word pieces do not see the break."""
    first = token_pieces(token_spans, offsets)
    # a token without a piece: no evidence, but a span does not restart on it
    scores = np.tile(np.asarray([-1e-3 if t.startswith("B-") else 0.0 for t in TAGS], dtype=np.float32),
                     (len(token_spans), 1))
    has = first >= 0
    if has.any():
        scores[has] = log_softmax(piece_logits[first[has]])
    if breaks is not None and any(breaks):
        names = np.asarray(TAGS)
        scores[np.asarray(breaks, dtype=bool)] = np.where(names == "O", 0.0, -1e4)
        inside = [(TAGS.index(f"B-{t[2:]}"), i) for i, t in enumerate(TAGS) if t.startswith("I-")]
        after = False
        for i in range(len(token_spans)):
            if breaks[i]:
                after = True
            elif after and has[i]:  # a span that goes on after the break starts again: I-X counts as B-X
                for b, k in inside:
                    scores[i, b] = np.logaddexp(scores[i, b], scores[i, k])
                after = False
    return [TAGS[i] for i in viterbi(scores, transitions=transitions)]


# -- the spaCy component -------------------------------------------------------
@Language.factory("newsgraph_attribution_tagger", assigns=["doc.spans", "doc._.attribution_tags"],
                  default_config={"model": None, "threads": 0, "batch_size": 16})
def make_attribution_tagger(nlp: Language, name: str, model: str | None, threads: int, batch_size: int):
    return AttributionTaggerComponent(Path(model) if model else default_model_dir(), threads, batch_size)


def default_model_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("pipeline") / "models" / "attribution-transformer"))


class AttributionTaggerComponent:
    def __init__(self, model_dir: Path, threads: int = 0, batch_size: int = 16):
        if not Doc.has_extension("attribution_tags"):
            Doc.set_extension("attribution_tags", default=None)
        self.tagger = TransformerTagger(model_dir, threads=threads, batch_size=batch_size)

    def _assign(self, doc: Doc, tags: list[str]) -> Doc:
        from pipeline.relations.attribution.tagger import decode

        doc._.attribution_tags = tags
        doc.spans[SPANS_KEY] = [Span(doc, s.start, s.end, label=s.role) for s in decode(tags, doc)]
        return doc

    def __call__(self, doc: Doc) -> Doc:
        return self._assign(doc, self.tagger.tags(doc))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 8) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from (self._assign(d, t) for d, t in zip(batch, self.tagger.tags_batch(batch)))
                batch = []
        if batch:
            yield from (self._assign(d, t) for d, t in zip(batch, self.tagger.tags_batch(batch)))
