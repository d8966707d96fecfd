"""Scoring the output tables against gold: SCHEMA.md gold files, or PolNeAR-style attributions.

    python -m pipeline evaluate --gold GOLD_DIR --output OUT_DIR [--run] [--rules-only]

GOLD_DIR is either a directory of ``<doc_id>.json`` gold files (SCHEMA.md) or a
PolNeAR-style directory with ``text/`` and ``attributions/`` (BRAT standoff);
for the latter the statement metrics of ``shared/eval/score_attributions.py``
are computed (content, content+source, content+cue, content_exact, token).

With ``--run`` the gold texts themselves are the input: they are written to
``OUT_DIR/raw`` and every stage runs on them first. Scores are printed and
written to ``OUT_DIR/scores.json`` and ``OUT_DIR/scores.txt``.

The metrics are those of ``shared/eval/score_gold.py`` (its docstring defines
them; a test checks that both give the same numbers): exact-span entity P/R/F1
per label, overlap F1, state-id accuracy, pairwise person clustering,
statement content / speaker / speaker_id / targets / content_exact, statement
type and tone (when the gold has types; the predicted ``type`` and ``tone``
columns are optional), type_on_matched, HOLDS_OFFICE pairs.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from pipeline.core.storage import read_rows

LABELS = ("PERSON", "STATE", "OFFICE", "ORG")

# the tone of each statement type (SCHEMA.md, "Statement types"), as in score_gold.py
TONE = {"COMMENT": "neutral", "WARN": "neutral", "SUPPORT": "cooperative", "AGREE": "cooperative",
        "CONCEDE": "cooperative", "APPEAL": "cooperative", "DEMAND": "conflictual", "CRITICIZE": "conflictual",
        "ACCUSE": "conflictual", "REJECT": "conflictual", "DENY": "conflictual", "THREATEN": "conflictual"}


def prf(tp: float, n_pred: float, n_gold: float) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp, "pred": n_pred, "gold": n_gold}


def _int(v) -> int | None:
    return None if v is None or str(v).strip() == "" else int(float(v))


def _overlap(a0, a1, b0, b1) -> int:
    if None in (a0, a1, b0, b1):
        return 0
    return max(0, min(a1, b1) - max(a0, b0))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without the non-alphanumeric characters at its edges (spaces, punctuation, quotes)."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _ids(v) -> list[str]:
    return [x.strip() for x in str(v or "").split(";") if x.strip()]


def _match(pred: list, gold: list, score) -> list[tuple[int, int]]:
    """One-to-one pairs, best score first (ties: later indices first, as in the reference)."""
    cands = sorted(((s, i, j) for i, p in enumerate(pred) for j, g in enumerate(gold) if (s := score(p, g)) > 0), reverse=True)
    used_p, used_g, pairs = set(), set(), []
    for _, i, j in cands:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def _entity_keys(golds: dict[str, dict], mentions: list[dict]) -> tuple[dict, dict]:
    """(doc, start, end, label) -> gold id, and -> predicted entity_id."""
    gold_ents = {(d, e["start"], e["end"], e["label"]): e["id"] for d, g in golds.items() for e in g["entities"]}
    pred_ents = {(m["doc_id"], _int(m["start"]), _int(m["end"]), m["label"]): m.get("entity_id", "") for m in mentions}
    return gold_ents, pred_ents


def _id_map(gold_ents: dict, pred_ents: dict) -> dict[str, str]:
    """Predicted ids -> gold ids, by majority over exactly matched mentions."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for k, gid in gold_ents.items():
        if pred_ents.get(k):
            votes[pred_ents[k]][gid] += 1
    return {pid: c.most_common(1)[0][0] for pid, c in votes.items()}


def load_gold(gold_dir: Path) -> dict[str, dict]:
    golds = {}
    for f in sorted(Path(gold_dir).glob("*.json")):
        g = json.loads(f.read_text(encoding="utf-8"))
        golds[g["doc_id"]] = g
    return golds


def score(golds: dict[str, dict], tables: Path) -> dict:
    mentions = [m for m in read_rows(tables / "mentions.csv") if m.get("doc_id") in golds]
    statements = [s for s in read_rows(tables / "statements.csv") if s.get("doc_id") in golds]
    relations = read_rows(tables / "relations.csv")
    out: dict = {"docs": len(golds)}

    gold_ents, pred_ents = _entity_keys(golds, mentions)
    labels = sorted({k[3] for k in gold_ents} | set(LABELS))
    ents = {}
    for lab in labels:
        g = {k for k in gold_ents if k[3] == lab}
        p = {k for k in pred_ents if k[3] == lab}
        ents[lab] = prf(len(g & p), len(p), len(g))
    ents["ALL"] = prf(len(set(gold_ents) & set(pred_ents)), len(pred_ents), len(gold_ents))
    out["entities"] = ents

    tp = 0
    for d in golds:
        for lab in labels:
            gl = [k for k in gold_ents if k[0] == d and k[3] == lab]
            pl = [k for k in pred_ents if k[0] == d and k[3] == lab]
            tp += len(_match(pl, gl, lambda p, g: _overlap(p[1], p[2], g[1], g[2])))
    out["entities_overlap"] = {"ALL": prf(tp, len(pred_ents), len(gold_ents))}

    idmap = _id_map(gold_ents, pred_ents)

    def mapped(pid: str) -> str:
        if not pid:
            return ""
        return pid if pid.startswith("state:") else idmap.get(pid, "pred:" + pid)

    states = [(k, gid) for k, gid in gold_ents.items() if k[3] == "STATE" and k in pred_ents]
    ok = sum(pred_ents[k] == gid for k, gid in states)
    out["state_ids"] = {"acc": round(ok / len(states), 4) if states else 0.0, "n": len(states)}

    people = [(gid, pred_ents[k]) for k, gid in gold_ents.items() if k[3] == "PERSON" and k in pred_ents]
    tp = n_g = n_p = 0
    for i in range(len(people)):
        for j in range(i + 1, len(people)):
            same_g = people[i][0] == people[j][0]
            same_p = bool(people[i][1]) and people[i][1] == people[j][1]
            n_g += same_g
            n_p += same_p
            tp += same_g and same_p
    out["person_clusters"] = prf(tp, n_p, n_g)

    n_pred, n_gold = len(statements), sum(len(g["statements"]) for g in golds.values())
    c_tp = s_tp = sid_tp = t_tp = t_pred = t_gold = ex_tp = ty_tp = tone_tp = 0
    n_gold_typed = sum(1 for g in golds.values() for gs in g["statements"] if gs.get("type"))
    typed_pairs: list[tuple[str, str]] = []  # (gold type, predicted type) of matched pairs
    for d, g in golds.items():
        gl = g["statements"]
        pl = [s for s in statements if s["doc_id"] == d]

        def content_score(p, gs):
            p0, p1 = _int(p.get("content_start")), _int(p.get("content_end"))
            g0, g1 = gs["content"]["start"], gs["content"]["end"]
            ratio = _overlap(p0, p1, g0, g1) / max((p1 or 0) - (p0 or 0), g1 - g0, 1)
            return ratio if ratio >= 0.5 else 0

        for i, j in _match(pl, gl, content_score):
            p, gs = pl[i], gl[j]
            c_tp += 1
            sp = gs.get("speaker") or {}
            ps0, ps1 = _int(p.get("speaker_start")), _int(p.get("speaker_end"))
            s_tp += (_overlap(ps0, ps1, sp["start"], sp["end"]) > 0) if sp.get("text") else ps0 is None
            psid = {mapped(x) for x in _ids(p.get("speaker_id"))}
            gsid = set(gs.get("speaker_ids") or ([gs["speaker_id"]] if gs.get("speaker_id") else []))
            sid_tp += psid == gsid
            gspan = _trimmed(g["text"], gs["content"]["start"], gs["content"]["end"])
            ex_tp += gspan == _trimmed(g["text"], _int(p.get("content_start")) or 0, _int(p.get("content_end")) or 0)
            if gs.get("type"):
                ptype = (p.get("type") or "").strip().upper()
                ptone = (p.get("tone") or "").strip().lower() or TONE.get(ptype, "")
                typed_pairs.append((gs["type"], ptype))
                ty_tp += ptype == gs["type"]
                tone_tp += ptone == TONE[gs["type"]]
            pt = {mapped(x) for x in _ids(p.get("target_ids"))}
            gt = set(gs.get("targets") or [])
            t_tp, t_pred, t_gold = t_tp + len(pt & gt), t_pred + len(pt), t_gold + len(gt)
    out["statements"] = {
        "content": prf(c_tp, n_pred, n_gold), "speaker": prf(s_tp, n_pred, n_gold),
        "speaker_id": prf(sid_tp, n_pred, n_gold), "targets": prf(t_tp, t_pred, t_gold),
        "content_exact": prf(ex_tp, n_pred, n_gold),
    }
    if n_gold_typed:
        out["statements"]["type"] = prf(ty_tp, n_pred, n_gold_typed)
        out["statements"]["tone"] = prf(tone_tp, n_pred, n_gold_typed)
        n = len(typed_pairs)
        # macro-F1: the mean of the (rounded) per-type F1 over the types present in the gold
        f1s = [prf(sum(gt == t and pt == t for gt, pt in typed_pairs), sum(pt == t for _, pt in typed_pairs),
                   sum(gt == t for gt, _ in typed_pairs))["f1"] for t in sorted({gt for gt, _ in typed_pairs})]
        out["type_on_matched"] = {"acc": round(ty_tp / n, 4) if n else 0.0,
                                  "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
                                  "tone_acc": round(tone_tp / n, 4) if n else 0.0, "n": n}

    gold_rel = {(r["source"], r["target"]) for g in golds.values() for r in g.get("relations", []) if r["relation"] == "HOLDS_OFFICE"}
    pred_rel = {(mapped(r["source_id"]), mapped(r["target_id"])) for r in relations
                if r.get("relation") == "HOLDS_OFFICE" and (not r.get("doc_id") or r["doc_id"] in golds)}
    out["relations"] = {"HOLDS_OFFICE": prf(len(gold_rel & pred_rel), len(pred_rel), len(gold_rel))}
    return out


def format_table(res: dict) -> str:
    rows = [f"documents: {res['docs']}", f"{'metric':32} {'P':>6} {'R':>6} {'F1':>6}  (tp/pred/gold)"]

    def row(name, m):
        rows.append(f"{name:32} {m['p']:6.3f} {m['r']:6.3f} {m['f1']:6.3f}  ({m['tp']}/{m['pred']}/{m['gold']})")

    for lab, m in res["entities"].items():
        row(f"entities.{lab}", m)
    row("entities_overlap.ALL", res["entities_overlap"]["ALL"])
    rows.append(f"{'state_ids (accuracy)':32} {res['state_ids']['acc']:6.3f}  (n={res['state_ids']['n']})")
    row("person_clusters (pairwise)", res["person_clusters"])
    for k, m in res["statements"].items():
        row(f"statements.{k}", m)
    if "type_on_matched" in res:
        t = res["type_on_matched"]
        rows.append(f"{'type on matched (acc, macro-F1)':32} {t['acc']:6.3f} {t['macro_f1']:6.3f}  tone {t['tone_acc']:.3f} (n={t['n']})")
    row("relations.HOLDS_OFFICE", res["relations"]["HOLDS_OFFICE"])
    return "\n".join(rows)


# -- the speaker resolver alone ----------------------------------------------------------

PRONOUNS = {"he", "she", "it", "they", "him", "her", "them", "we", "i"}


def score_speakers(golds: dict[str, dict], output_dir: Path) -> dict:
    """Accuracy of ``coref.SpeakerResolver`` on the gold statements' own speaker phrases.

    The gold speaker and content spans are given to the resolver (in text
    order, so it keeps its history), and its ids are compared with the gold
    speaker ids (predicted ids mapped to gold ids through the mentions, as in
    ``score``). Speakers are grouped by their phrase: a pronoun (`she`), a
    named one (the gold marks a PERSON, ORG or STATE inside: `Ri Son Gwon`,
    `the DPRK vice minister`), a nominal (`the official`), or none.
    """
    import spacy
    from spacy.tokens import DocBin

    from pipeline.ner.components import extensions  # noqa: F401
    from pipeline.relations.speakers import SpeakerResolver
    from pipeline.core.document import OffsetMap
    from pipeline.relations.statements import Statement

    mentions = [m for m in read_rows(output_dir / "tables" / "mentions.csv") if m.get("doc_id") in golds]
    idmap = _id_map(*_entity_keys(golds, mentions))
    vocab = spacy.blank("en").vocab
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors = []
    for doc_id, g in golds.items():
        path = output_dir / "nlp" / f"{doc_id}.spacy"
        if not path.exists():
            continue
        (doc,) = list(DocBin().from_disk(path).get_docs(vocab))
        om = OffsetMap.from_json(doc._.source["offset_map"])

        def tok_span(start: int, end: int):
            c = om.to_clean(start, end)
            sp = doc.char_span(c[0], c[1], alignment_mode="expand") if c else None
            return (sp.start, sp.end) if sp is not None and len(sp) else None

        items = []
        for gs in g["statements"]:
            content = tok_span(gs["content"]["start"], gs["content"]["end"])
            if content is None:
                continue
            sp = gs["speaker"]
            speaker = tok_span(sp["start"], sp["end"]) if sp.get("text") else None
            items.append((content, speaker, gs))
        items.sort(key=lambda x: x[0])
        resolver = SpeakerResolver(doc)
        prev = None
        for content, speaker, gs in items:
            st = Statement(content=content, speaker=speaker, origin="quote" if gs["kind"] == "direct" else "syntax")
            ids = {idmap.get(x, x) if not x.startswith("state:") else x for x in resolver.resolve(st, prev)}
            prev = st
            gold = set(gs.get("speaker_ids") or ([gs["speaker_id"]] if gs.get("speaker_id") else []))
            text = gs["speaker"].get("text", "")
            sp = gs["speaker"]
            named = any(e["label"] in ("PERSON", "ORG", "STATE") and sp.get("start", 0) <= e["start"] and e["end"] <= sp.get("end", 0)
                        for e in g["entities"]) if text else False
            kind = "none" if not text else "pronoun" if text.lower() in PRONOUNS else "named" if named else "nominal"
            counts[kind][1] += 1
            counts["all"][1] += 1
            if ids == gold:
                counts[kind][0] += 1
                counts["all"][0] += 1
            else:
                errors.append({"doc_id": doc_id, "speaker": text, "gold": sorted(gold), "pred": sorted(ids)})
    return {k: {"acc": round(c / n, 4) if n else 0.0, "correct": c, "n": n} for k, (c, n) in sorted(counts.items())} | {"errors": errors}


def format_speakers(res: dict) -> str:
    rows = ["speaker resolver on the gold speaker phrases (accuracy)"]
    for k in ("pronoun", "nominal", "named", "none", "all"):
        if k in res:
            rows.append(f"  {k:8} {res[k]['acc']:6.3f}  ({res[k]['correct']}/{res[k]['n']})")
    return "\n".join(rows)


# -- PolNeAR-style attribution gold ----------------------------------------------------

def _int_or_none(v) -> int | None:
    """A cell as score_attributions.py reads it: empty or ``nan`` -> None."""
    if v is None:
        return None
    v = str(v).strip()
    return None if v == "" or v.lower() == "nan" else int(float(v))


def _span(start, end) -> tuple[int, int] | None:
    s, e = _int_or_none(start), _int_or_none(end)
    return (s, e) if s is not None and e is not None and e > s else None


def _pred_rows(path: Path) -> list[dict]:
    """The predicted rows, read as score_attributions.py reads them (pandas, every cell a string)."""
    if not Path(path).exists():
        return []
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")


def _prf_attr(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "n_pred": n_pred, "n_gold": n_gold}


def score_attributions(gold_dir: Path, statements_csv: Path) -> dict:
    """The metrics of ``shared/eval/score_attributions.py`` for a predicted ``statements.csv``."""
    import re

    from pipeline.relations.attribution.polnear import read_split

    gold = {d.doc_id: d for d in read_split(gold_dir)}
    preds: dict[str, list[dict]] = {}
    unknown = 0
    for row in _pred_rows(statements_csv):
        doc_id = str(row["doc_id"])
        if doc_id not in gold:
            unknown += 1
            continue
        preds.setdefault(doc_id, []).append({
            "content": _span(row.get("content_start"), row.get("content_end")),
            "speaker": _span(row.get("speaker_start"), row.get("speaker_end")),
            "cue": _span(row.get("cue_start"), row.get("cue_end"))})

    def ov(a, b) -> int:
        return max(0, min(a[1], b[1]) - max(a[0], b[0]))

    n_pred = n_gold = tp = tp_src = tp_cue = tp_exact = tok_tp = tok_pred = tok_gold = skipped = 0
    for doc_id, gd in gold.items():
        ps, gs = preds.get(doc_id, []), gd.attributions
        skipped += gd.skipped
        n_pred, n_gold = n_pred + len(ps), n_gold + len(gs)
        gext = [(min(s for s, _ in g.content), max(e for _, e in g.content)) for g in gs]
        cands = []
        for i, p in enumerate(ps):
            if p["content"] is None:
                continue
            for j, g in enumerate(gext):
                o = ov(p["content"], g)
                if o:
                    ratio = o / max(p["content"][1] - p["content"][0], g[1] - g[0])
                    if ratio >= 0.5:
                        cands.append((-ratio, -o, i, j))
        used_p, used_g = set(), set()
        for _, _, i, j in sorted(cands):
            if i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            tp += 1
            p, g = ps[i], gs[j]
            tp_src += bool((g.source and p["speaker"] and any(ov(p["speaker"], f) for f in g.source)) or (not g.source and p["speaker"] is None))
            tp_cue += bool((g.cue and p["cue"] and any(ov(p["cue"], f) for f in g.cue)) or (not g.cue and p["cue"] is None))
        # exact boundaries (trimmed of non-alphanumerics), one-to-one, in prediction order
        exact_gold = [_trimmed(gd.text, *g) for g in gext]
        for p in ps:
            if p["content"] is not None and (span := _trimmed(gd.text, *p["content"])) in exact_gold:
                exact_gold.remove(span)
                tp_exact += 1
        tokens = [m.span() for m in re.finditer(r"\S+", gd.text)]
        pt = {k for k, t in enumerate(tokens) if any(ov(t, p["content"]) for p in ps if p["content"])}
        gt = {k for k, t in enumerate(tokens) if any(ov(t, g) for g in gext)}
        tok_tp, tok_pred, tok_gold = tok_tp + len(pt & gt), tok_pred + len(pt), tok_gold + len(gt)
    return {"n_docs": len(gold), "n_gold": n_gold, "n_pred": n_pred, "gold_without_content_skipped": skipped,
            "pred_rows_unknown_doc": unknown, "content": _prf_attr(tp, n_pred, n_gold),
            "content+source": _prf_attr(tp_src, n_pred, n_gold), "content+cue": _prf_attr(tp_cue, n_pred, n_gold),
            "content_exact": _prf_attr(tp_exact, n_pred, n_gold), "token": _prf_attr(tok_tp, tok_pred, tok_gold)}


def format_attr_table(res: dict) -> str:
    lines = [f"docs={res['n_docs']} gold={res['n_gold']} pred={res['n_pred']} "
             f"(gold without content skipped={res['gold_without_content_skipped']}, "
             f"pred rows with unknown doc_id={res['pred_rows_unknown_doc']})",
             f"{'metric':<16}{'P':>8}{'R':>8}{'F1':>8}{'TP':>9}{'#pred':>9}{'#gold':>9}"]
    for key in ("content", "content+source", "content+cue", "content_exact", "token"):
        m = res[key]
        lines.append(f"{key:<16}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['tp']:>9}{m['n_pred']:>9}{m['n_gold']:>9}")
    return "\n".join(lines)


def write_gold_texts(golds: dict[str, dict], raw_dir: Path) -> None:
    """The gold texts as raw input files (same characters, so the same offsets)."""
    from pipeline.core.storage import write_text_atomic

    raw_dir.mkdir(parents=True, exist_ok=True)
    for doc_id, g in golds.items():
        write_text_atomic(raw_dir / f"{doc_id}.txt", g["text"])
