"""Stage 4, export: the tables of ``tables/`` -> the knowledge graph and pictures.

Writes under ``graph/``: ``graph.gexf`` (GEXF 1.3, dynamic: entities and
statement edges carry their dates for Gephi's timeline), ``graph.graphml``,
``states.gexf`` (who speaks about whom between states), Gephi's spreadsheet
pair ``nodes.csv`` / ``edges.csv``, ``preview.png`` and ``graph.html`` (both graphs in
one interactive, self-contained page: :mod:`pipeline.export.graph_html`); under
``html/``: one page per document with its entities and statements (each statement's
table row has the statement id as its element id, highlighted when the address names
it: ``<page>.html#<statement_id>``), and ``index.html``.

Everything is built from the tables with pandas group-bys (no Python loop over
statements), so a million statements export in minutes. networkx writes the
GEXF; its known faults (SCHEMA: shared/gexf-schema/README.md) are avoided by
sanitising attributes (no ``None``, no lists, dates as ISO strings, no
XML-illegal characters) and fixing the two things it writes wrong (a graph
name, which GEXF 1.3 does not allow, and the 1.3 xsi namespace).

Article text is hostile input (issue 13, safe outputs):

- XML: networkx serialises through ElementTree, which escapes ``& < > "`` (and
  tab / newline / CR in attribute values), but writes characters that XML 1.0
  forbids (C0 controls but tab, newline, CR; U+FFFE, U+FFFF; lone surrogates)
  as they are, which leaves a file no XML parser reads. :func:`xml_safe` drops
  them: from every cell of the tables as export reads them (so ids stay the same
  in every output) and, for a graph built elsewhere, from the graph it serialises.
- HTML: every value is escaped (``html.escape``; displaCy escapes the text it
  marks, not the labels, which are escaped here); the only links built from data
  are the index's links to document pages, relative file names, URL-quoted (so
  never ``javascript:`` and never out of ``html/``); the other links are constants
  (``../graph/graph.html``, ``index.html``); every page carries a
  Content-Security-Policy that runs no script at all. ``graph.html`` runs one
  script, its own (see :mod:`pipeline.export.graph_html` for how it keeps the same
  guarantees).
- Paths: a page's file name comes from its document id (an input file name);
  :func:`page_names` keeps it one plain file name (not ``index.html``, not too
  long), :func:`child_path` refuses one that would leave its folder, and every
  output path is checked to be under the output directory before it is written.
"""
from __future__ import annotations

import hashlib
import html as _html
import logging
import os
import re
import warnings
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

import networkx as nx
import pandas as pd

from pipeline.core.config import Settings
from pipeline.core.document import read_raw_text
from pipeline.core.executor import StageError, StageReport
from pipeline.core.storage import read_table as storage_read_table, spreadsheet_safe, write_bytes_atomic
from pipeline.export.database import write_database
from pipeline.export.graph_html import DATASETTE_URL, graph_html
from pipeline.export.parquet import write_parquet

log = logging.getLogger("newsgraph.export")

NODE_ATTRS = ["label", "type", "state", "mention_count", "doc_count", "first_seen", "last_seen"]
RELATIONS = ("HOLDS_OFFICE", "OFFICE_OF", "PART_OF", "AFFILIATED_WITH")
# the characters XML 1.0 forbids (its Char production allows tab, newline, CR, U+0020-U+D7FF,
# U+E000-U+FFFD and U+10000 up): C0 controls, lone surrogates, U+FFFE and U+FFFF
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# -- reading --------------------------------------------------------------------

def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (the one place export removes them)."""
    return _XML_ILLEGAL.sub("", text)


# columns that name files on disk: kept as they are (a path without its control characters is another path)
_PATH_COLUMNS = ("source_path",)


def read_table(tables: Path, name: str, columns: list[str]) -> pd.DataFrame:
    """A table of ``tables/``, every cell a string without XML-illegal characters (:func:`xml_safe`;
    ``source_path`` excepted), so that ids, names and text are the same in every output."""
    path = tables / name
    if not path.exists():
        return pd.DataFrame(columns=columns)
    df = storage_read_table(path)
    for c in columns:
        if c not in df.columns:
            df[c] = ""
    for c in df.columns:
        # one scan of the whole column first: the per-cell pass only runs when there is something to drop
        if c not in _PATH_COLUMNS and len(df) and _XML_ILLEGAL.search("\n".join(df[c])):
            df[c] = df[c].map(xml_safe)
    return df


def _ids(series: pd.Series) -> pd.Series:
    return series.str.split(";")


# -- building -------------------------------------------------------------------

def _iso(dates: pd.Series) -> pd.Series:
    """The ISO 8601 dates (YYYY-MM-DD, what clean-text writes), anything else NaN: only such a date
    goes into the graphs' timeline, which GEXF types as a date."""
    return dates.where(dates.fillna("").astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}"))


def entity_dates(mentions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """first_seen / last_seen of each entity: the dates of the documents that mention it."""
    m = mentions[["doc_id", "entity_id"]].drop_duplicates().merge(documents[["doc_id", "date"]], on="doc_id", how="left")
    m = m[_iso(m["date"]).notna()]
    if m.empty:
        return pd.DataFrame(columns=["entity_id", "first_seen", "last_seen"])
    g = m.groupby("entity_id")["date"]
    return pd.DataFrame({"first_seen": g.min(), "last_seen": g.max()}).reset_index()


PAIR_COLUMNS = ["statement_id", "source", "target", "cue_text", "kind", "date", "content", "type", "goldstein", "tone"]
TONE_COLUMNS = ["types", "goldstein_mean", "cooperative", "conflictual"]


def _tone_aggregates(p: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per edge: counts per statement type (`REJECT:2;COMMENT:1`), the mean Goldstein value and the
    numbers of cooperative and conflictual statements (each statement once per edge)."""
    p = p.drop_duplicates(["statement_id"] + keys)
    gold = pd.to_numeric(p["goldstein"], errors="coerce")
    p = p.assign(g=gold, coop=(p["tone"] == "cooperative").astype(int), conf=(p["tone"] == "conflictual").astype(int))
    g = p.groupby(keys)
    out = g.agg(goldstein_mean=("g", "mean"), cooperative=("coop", "sum"), conflictual=("conf", "sum")).reset_index()
    # `TYPE:n` per type, by type name: counted in one group-by (a Python function per edge took
    # 41 s of 117 at 200,000 statements)
    t = p[p["type"] != ""].groupby(keys + ["type"]).size().reset_index(name="n").sort_values(keys + ["type"])
    t["tn"] = t["type"] + ":" + t["n"].astype(str)
    types = t.groupby(keys, sort=False)["tn"].agg(";".join).rename("types").reset_index()
    out = out.merge(types, on=keys, how="left")
    out["types"] = out["types"].fillna("")
    out["goldstein_mean"] = out["goldstein_mean"].round(3)
    return out


def statement_pairs(statements: pd.DataFrame) -> pd.DataFrame:
    """One row per (statement, speaker, target), self-pairs dropped."""
    s = statements[(statements["speaker_id"] != "") & (statements["target_ids"] != "")].copy()
    if s.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    s["source"] = _ids(s["speaker_id"])
    s = s.explode("source")
    s["target"] = _ids(s["target_ids"])
    s = s.explode("target")
    s = s[(s["source"] != "") & (s["target"] != "") & (s["source"] != s["target"])]
    return s[PAIR_COLUMNS]


def _join_unique(x: pd.Series) -> str:
    return ";".join(sorted({v for v in x if v}))


def statement_edges(pairs: pd.DataFrame) -> pd.DataFrame:
    if pairs.empty:
        return pd.DataFrame(columns=["source", "target", "weight", "cues", "kinds", "first_date", "last_date",
                                     "statement_ids", "content"] + TONE_COLUMNS)
    pairs = pairs.assign(cue=pairs["cue_text"].str.lower().str.strip(), dated=_iso(pairs["date"]))
    g = pairs.groupby(["source", "target"], sort=True)
    out = g.agg(weight=("statement_id", "nunique"), cues=("cue", _join_unique), kinds=("kind", _join_unique),
                first_date=("dated", "min"), last_date=("dated", "max"),
                statement_ids=("statement_id", _join_unique), content=("content", "first")).reset_index()
    out = out.merge(_tone_aggregates(pairs, ["source", "target"]), on=["source", "target"], how="left")
    return out.fillna({"first_date": "", "last_date": ""})


def relation_edges(relations: pd.DataFrame) -> pd.DataFrame:
    r = relations[relations["relation"].isin(RELATIONS)]
    if r.empty:
        return pd.DataFrame(columns=["source", "target", "relation", "weight"])
    out = r.groupby(["source_id", "relation", "target_id"]).size().reset_index(name="weight")
    return out.rename(columns={"source_id": "source", "target_id": "target"})


def state_of(entities: pd.DataFrame) -> dict[str, str]:
    """entity id -> ISO3 of its state (a state is its own)."""
    out = dict(zip(entities["entity_id"], entities["state"]))
    return {k: (k.split(":", 1)[1] if k.startswith("state:") else v) for k, v in out.items()}


def state_edges(pairs: pd.DataFrame, entities: pd.DataFrame) -> pd.DataFrame:
    """Statements counted from the speaker's state to each target state (self-loops dropped)."""
    if pairs.empty:
        return pd.DataFrame(columns=["source", "target", "weight", "first_date", "last_date"] + TONE_COLUMNS)
    states = state_of(entities)

    def to_state(ids: pd.Series) -> pd.Series:
        direct = ids.where(ids.str.startswith("state:")).str.slice(6)
        return direct.fillna(ids.map(states)).fillna("")

    p = pairs.assign(s=to_state(pairs["source"]), t=to_state(pairs["target"]))
    p = p[(p["s"] != "") & (p["t"] != "") & (p["s"] != p["t"])]
    p = p.drop_duplicates(["statement_id", "s", "t"]).assign(dated=lambda d: _iso(d["date"]))
    g = p.groupby(["s", "t"])
    out = g.agg(weight=("statement_id", "nunique"), first_date=("dated", "min"), last_date=("dated", "max")).reset_index()
    out = out.merge(_tone_aggregates(p, ["s", "t"]), on=["s", "t"], how="left")
    return out.rename(columns={"s": "source", "t": "target"}).fillna({"first_date": "", "last_date": ""})


def _clean(v):
    """A value GEXF and GraphML accept: scalars only, no None, no XML-illegal characters."""
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, (list, tuple, set)):
        v = ";".join(str(x) for x in v)
    if isinstance(v, str):
        return xml_safe(v)
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def _type_of(entity_id: str) -> str:
    return {"state": "STATE", "person": "PERSON", "office": "OFFICE", "org": "ORG"}.get(entity_id.split(":", 1)[0], "")


def build_graph(entities: pd.DataFrame, dates: pd.DataFrame, s_edges: pd.DataFrame, r_edges: pd.DataFrame) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="newsgraph")
    nodes = entities.merge(dates, on="entity_id", how="left")
    for rec in nodes.to_dict("records"):
        attrs = {"label": rec["name"] or rec["entity_id"], "type": rec["label"], "state": rec["state"],
                 "mention_count": int(rec["mention_count"] or 0), "doc_count": int(rec["doc_count"] or 0),
                 "first_seen": rec.get("first_seen") or "", "last_seen": rec.get("last_seen") or ""}
        attrs["first_seen"] = _clean(attrs["first_seen"]) or ""
        attrs["last_seen"] = _clean(attrs["last_seen"]) or ""
        if attrs["first_seen"]:
            attrs["start"], attrs["end"] = attrs["first_seen"], attrs["last_seen"]
        G.add_node(rec["entity_id"], **{k: c for k, v in attrs.items() if (c := _clean(v)) is not None})
    for rec in s_edges.to_dict("records"):
        attrs = {"relation": "STATEMENT", "weight": float(rec["weight"]), "cues": rec["cues"], "kinds": rec["kinds"],
                 "first_date": rec["first_date"], "last_date": rec["last_date"], "statement_ids": rec["statement_ids"],
                 "content": rec["content"], **_tone_attrs(rec)}
        if rec["first_date"]:
            attrs["start"], attrs["end"] = rec["first_date"], rec["last_date"]
        _add_edge(G, rec["source"], rec["target"], "STATEMENT", attrs)
    for rec in r_edges.to_dict("records"):
        _add_edge(G, rec["source"], rec["target"], rec["relation"], {"relation": rec["relation"], "weight": float(rec["weight"])})
    return G


def _tone_attrs(rec: dict) -> dict:
    """types, goldstein_mean (0.0 when no statement is typed), cooperative, conflictual: one type per attribute
    across every edge, as GEXF needs."""
    g = rec.get("goldstein_mean")
    return {"types": rec.get("types") or "", "goldstein_mean": 0.0 if g is None or pd.isna(g) else float(g),
            "cooperative": int(rec.get("cooperative") or 0), "conflictual": int(rec.get("conflictual") or 0)}


def _add_edge(G: nx.MultiDiGraph, s: str, t: str, key: str, attrs: dict) -> None:
    for n in (s, t):
        if n not in G:
            G.add_node(n, label=n, type=_type_of(n), state="", mention_count=0, doc_count=0, first_seen="", last_seen="")
    G.add_edge(s, t, key=key, **{k: _clean(v) for k, v in attrs.items() if _clean(v) is not None})


def build_state_graph(edges: pd.DataFrame, names: dict[str, str]) -> nx.DiGraph:
    G = nx.DiGraph(name="newsgraph states")
    for rec in edges.to_dict("records"):
        for n in (rec["source"], rec["target"]):
            if n not in G:
                G.add_node(n, label=_clean(names.get(n, n)), type="STATE")
        attrs = {"weight": float(rec["weight"]), "first_date": rec["first_date"], "last_date": rec["last_date"],
                 **_tone_attrs(rec)}
        if rec["first_date"]:
            attrs["start"], attrs["end"] = rec["first_date"], rec["last_date"]
        G.add_edge(rec["source"], rec["target"], **attrs)
    return G


# -- writing --------------------------------------------------------------------

def _xml_graph(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` whose node ids, edge keys and attribute values have no XML-illegal character
    (:func:`xml_safe`): the graphs export builds from the tables have none, a graph built elsewhere may
    (ElementTree writes a control character as it is and a lone surrogate as ``&#55296;``: not XML either way)."""
    def safe(v):
        return xml_safe(v) if isinstance(v, str) else v

    H = G.__class__()
    H.graph.update({k: safe(v) for k, v in G.graph.items()})
    H.add_nodes_from((safe(n), {k: safe(v) for k, v in d.items()}) for n, d in G.nodes(data=True))
    if G.is_multigraph():
        H.add_edges_from((safe(u), safe(v), safe(k), {a: safe(x) for a, x in d.items()})
                         for u, v, k, d in G.edges(keys=True, data=True))
    else:
        H.add_edges_from((safe(u), safe(v), {a: safe(x) for a, x in d.items()}) for u, v, d in G.edges(data=True))
    return H


def gexf_bytes(G: nx.Graph) -> bytes:
    """GEXF 1.3 that the official schema accepts (see the module docstring)."""
    G = _xml_graph(G)
    G.graph["name"] = G.graph.get("name") or "newsgraph"
    dynamic = any("start" in d for _, d in G.nodes(data=True)) or any("start" in d for *_, d in G.edges(data=True))
    G.graph["mode"] = "dynamic" if dynamic else "static"
    text = "\n".join(nx.generate_gexf(G, version="1.3"))
    # networkx 3.x writes a wrong XML Schema instance namespace for 1.3, and a
    # graph `name`, which the 1.3 schema does not allow
    text = re.sub(r'xmlns:xsi="[^"]*"', 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', text, count=1)
    text = re.sub(r'(<graph\b[^>]*?) name="[^"]*"', r"\1", text, count=1)
    return (text + "\n").encode("utf-8")


def graphml_bytes(G: nx.Graph) -> bytes:
    G = _xml_graph(G)
    for _, d in G.nodes(data=True):
        d.pop("start", None), d.pop("end", None)
    for *_, d in G.edges(data=True):
        d.pop("start", None), d.pop("end", None)
    return ("\n".join(nx.generate_graphml(G)) + "\n").encode("utf-8")


safe_cell = spreadsheet_safe  # Gephi's CSVs are opened in spreadsheets too


def gephi_tables(G: nx.MultiDiGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    nodes = pd.DataFrame([{"Id": n, "Label": d.get("label", n), **{k: d.get(k, "") for k in NODE_ATTRS if k != "label"}}
                          for n, d in G.nodes(data=True)], columns=["Id", "Label"] + [k for k in NODE_ATTRS if k != "label"])
    edges = pd.DataFrame([{"Source": s, "Target": t, "Type": "Directed", "Weight": d.get("weight", 1.0), "relation": k,
                           "cues": d.get("cues", ""), "kinds": d.get("kinds", ""), "first_date": d.get("first_date", ""),
                           "last_date": d.get("last_date", ""), "statement_ids": d.get("statement_ids", ""),
                           "content": d.get("content", "")}
                          for s, t, k, d in G.edges(keys=True, data=True)],
                         columns=["Source", "Target", "Type", "Weight", "relation", "cues", "kinds", "first_date",
                                  "last_date", "statement_ids", "content"])
    return nodes.map(safe_cell), edges.map(safe_cell)


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")  # UTF-8 without BOM


# -- pictures -------------------------------------------------------------------

TYPE_COLOURS = {"STATE": "#4C72B0", "PERSON": "#DD8452", "ORG": "#55A868", "OFFICE": "#8172B3", "": "#999999"}


def preview_png(states: nx.DiGraph, G: nx.MultiDiGraph, top: int = 20) -> bytes:
    """The state-level graph and the most mentioned entities, side by side."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(18, 9), dpi=110)
    top_states = _top_states(states, 15)
    state_title = "Who speaks about whom: states" + (f" (top {top_states.number_of_nodes()} of {states.number_of_nodes()})"
                                                      if top_states.number_of_nodes() < states.number_of_nodes() else "")
    for ax, (title, H) in zip(axes, ((state_title, top_states), (f"Top {top} entities", _top(G, top)))):
        ax.set_title(title, fontsize=15)
        ax.axis("off")
        if H.number_of_nodes() == 0:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", fontsize=14, transform=ax.transAxes)
            continue
        simple = nx.DiGraph()
        simple.add_nodes_from(H.nodes(data=True))
        for s, t, d in H.edges(data=True):
            w = simple.get_edge_data(s, t, {}).get("weight", 0) + d.get("weight", 1)
            simple.add_edge(s, t, weight=w, goldstein_mean=float(d.get("goldstein_mean", 0.0) or 0.0))
        if simple.number_of_nodes() <= 20:
            # few nodes: on a circle, grouped by type, every label stays readable (a spring layout
            # packs a hub and its satellites into one knot when the graph falls into pieces)
            order = sorted(simple, key=lambda n: (str(H.nodes[n].get("type", "")), str(H.nodes[n].get("label", n))))
            pos = nx.circular_layout(order)
        else:
            # started from a circle and given room, hubs do not pull everything into one knot
            pos = nx.spring_layout(simple, pos=nx.circular_layout(simple), seed=7,
                                   k=4.0 / max(1, simple.number_of_nodes()) ** 0.5, weight=None, iterations=500)
        ax.margins(0.18)
        weights = [d["weight"] for *_, d in simple.edges(data=True)] or [1]
        wmax = max(weights)
        states_panel = title.startswith("Who")
        if states_panel:  # state pairs coloured from conflict (red) to cooperation (green) by mean Goldstein value
            cmap, norm = plt.get_cmap("RdYlGn"), matplotlib.colors.Normalize(vmin=-5, vmax=5)
            colours = [cmap(norm(d["goldstein_mean"])) for *_, d in simple.edges(data=True)]
            fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, orientation="horizontal",
                         fraction=0.04, pad=0.02, label="mean Goldstein value: conflict (−) … cooperation (+)")
        nx.draw_networkx_edges(simple, pos, ax=ax, width=[1 + 5 * w / wmax for w in weights],
                               alpha=0.85 if states_panel else 0.5,
                               edge_color=colours if states_panel else "#555555", arrows=True, arrowsize=14,
                               connectionstyle="arc3,rad=0.12")
        sizes = [300 + 60 * min(40, H.nodes[n].get("mention_count", 0) or H.degree(n)) for n in simple]
        nx.draw_networkx_nodes(simple, pos, ax=ax, node_size=sizes,
                               node_color=[TYPE_COLOURS.get(H.nodes[n].get("type", ""), "#999999") for n in simple])
        nx.draw_networkx_labels(simple, pos, ax=ax, labels={n: str(H.nodes[n].get("label", n))[:28] for n in simple},
                                font_size=10, clip_on=False,
                                bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 0.6})
        if title.startswith("Who") and simple.number_of_edges() <= 40:
            nx.draw_networkx_edge_labels(simple, pos, ax=ax, edge_labels={(s, t): int(d["weight"]) for s, t, d in simple.edges(data=True)},
                                         font_size=8, label_pos=0.4)
    handles = [plt.Line2D([0], [0], marker="o", color="w", markerfacecolor=c, markersize=11, label=k)
               for k, c in TYPE_COLOURS.items() if k]
    fig.legend(handles=handles, loc="lower center", ncol=4, frameon=False, fontsize=11)
    buf = io.BytesIO()
    with warnings.catch_warnings():  # labels with emoji: the font lacks the glyph, the picture is fine
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _top_states(S: nx.DiGraph, n: int) -> nx.DiGraph:
    """The ``n`` states with the most statement weight, in or out."""
    strength = {x: S.in_degree(x, weight="weight") + S.out_degree(x, weight="weight") for x in S}
    return _induced(S, sorted(S, key=lambda x: (-strength[x], x))[:n])


def _induced(G: nx.Graph, nodes: list) -> nx.Graph:
    """The subgraph of ``G`` on ``nodes``, nodes in the order given and edges in ``G``'s order
    (``G.subgraph`` iterates a set: its order, and so the picture, would change with the hash seed)."""
    keep = set(nodes)
    H = G.__class__()
    H.graph.update(G.graph)
    H.add_nodes_from((x, G.nodes[x]) for x in nodes)
    if G.is_multigraph():
        H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if u in keep and v in keep)
    else:
        H.add_edges_from((u, v, d) for u, v, d in G.edges(data=True) if u in keep and v in keep)
    return H


def _top(G: nx.MultiDiGraph, n: int) -> nx.MultiDiGraph:
    """The ``n`` best connected entities (by distinct neighbours, then mentions), isolated ones left out."""
    simple = nx.Graph(G)
    ranked = sorted((x for x in simple if simple.degree(x) > 0),
                    key=lambda x: (-simple.degree(x), -(G.nodes[x].get("mention_count") or 0), x))[:n]
    H = _induced(G, ranked)
    H.remove_nodes_from([x for x in list(H) if H.degree(x) == 0])
    return H


# -- HTML -----------------------------------------------------------------------

# the pages run no script and load nothing: inline styles only (displaCy's), links to other pages
_CSP = ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
        'base-uri \'none\'; form-action \'none\'">')
INDEX_PAGE = "index.html"
GRAPH_PAGE = "../graph/graph.html"  # graph.html, from a page in html/
# a page's file name at most this long (bytes): the temporary file write_bytes_atomic writes first
# adds 14 bytes to it, and file systems allow 255
_PAGE_NAME_BYTES = 200


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def page_names(doc_ids: Iterable[str]) -> dict[str, str]:
    """Document id -> the file name of its page in ``html/``: ``<doc_id>.html``, but an id too long for a
    file name is cut, and one whose page would take the name of ``index.html`` or of an earlier page (compared
    case-insensitively, as macOS and Windows do) gets ``~<hash of the id>`` added. Whether the name stays in
    its folder is :func:`child_path`'s check."""
    taken = {INDEX_PAGE}
    out: dict[str, str] = {}
    for doc_id in doc_ids:
        if doc_id in out:
            continue
        name = f"{doc_id}.html"
        if len(name.encode("utf-8", "surrogatepass")) > _PAGE_NAME_BYTES or name.casefold() in taken:
            cut = doc_id.encode("utf-8", "surrogatepass")[:_PAGE_NAME_BYTES - 20].decode("utf-8", "ignore")
            name = f"{cut}~{_short_hash(doc_id)}.html"
        taken.add(name.casefold())
        out[doc_id] = name
    return out


def child_path(folder: Path, name: str) -> Path:
    """``folder / name``; ValueError when ``name`` is not one plain file name, so that the path would
    leave ``folder`` or not be a file in it (a separator, ``..``, an absolute path, a NUL)."""
    seps = {"/", "\\", os.sep} | ({os.altsep} if os.altsep else set())
    if not name or name in (".", "..") or "\x00" in name or any(sep in name for sep in seps):
        raise ValueError(f"{name!r} is not a plain file name: it would not stay inside {folder}")
    path = Path(folder) / name
    if os.path.dirname(os.path.abspath(path)) != os.path.abspath(folder):
        raise ValueError(f"{name!r} would leave {folder}")
    return path


def datasette_link(doc_id: str | None = None) -> str:
    """The Datasette view of the statements (of one document): the server ``make serve`` starts by default
    (a page opened from disk cannot know another address; a constant host, the id URL-quoted)."""
    return DATASETTE_URL + ("" if doc_id is None else "?doc_id=" + quote(str(doc_id), safe=""))


def _explore_links(doc_id: str | None = None) -> str:
    """The line on every page that leads to the interactive graph and to the database views."""
    what = "this document's statements" if doc_id is not None else "the statements"
    return (f'<p class="explore"><a href="{GRAPH_PAGE}">Interactive graph</a> (entities and states) &middot; '
            f'<a href="{_html.escape(datasette_link(doc_id))}">{what} in Datasette</a> '
            f'(start it first: <code>make serve</code>)</p>')


def _inside(path: Path, folder: Path) -> bool:
    a, f = os.path.abspath(path), os.path.abspath(folder)
    return os.path.commonpath([a, f]) == f and a != f


LABEL_COLOURS = {"PERSON": "#f7c59f", "STATE": "#a3c4f3", "OFFICE": "#cdb4db", "ORG": "#b9fbc0",
                 "SPEAKER": "#ffd6a5", "CUE": "#ffadad", "CONTENT": "#fdffb6"}


def document_html(doc_id: str, text: str, title: str, mentions: pd.DataFrame, statements: pd.DataFrame) -> str:
    """One document: its entities (displaCy) and its statements (speaker, cue, content, targets)."""
    from spacy import displacy

    # displaCy escapes the text it marks, not the labels
    ents = [{"start": int(m.start), "end": int(m.end), "label": _html.escape(m.label)} for m in mentions.itertuples()
            if m.start != "" and int(m.end) <= len(text)]
    ent_html = displacy.render({"text": text, "ents": sorted(ents, key=lambda e: e["start"]), "title": None},
                               style="ent", manual=True, page=False, options={"colors": LABEL_COLOURS})
    spans, taken = [], []
    for s in statements.itertuples():
        for label, a, b in (("SPEAKER", s.speaker_start, s.speaker_end), ("CUE", s.cue_start, s.cue_end),
                            ("CONTENT", s.content_start, s.content_end)):
            if a != "" and b != "":
                a, b = int(a), int(b)
                if b <= len(text) and not any(a < y and x < b for x, y in taken):
                    spans.append({"start": a, "end": b, "label": label})
                    taken.append((a, b))
    st_html = displacy.render({"text": text, "ents": sorted(spans, key=lambda e: e["start"]), "title": None},
                              style="ent", manual=True, page=False, options={"colors": LABEL_COLOURS})
    rows = "".join(
        f"<tr id=\"{_html.escape(s.statement_id)}\"><td>{_html.escape(s.speaker_text)}<br><small>{_html.escape(s.speaker_id)}</small></td>"
        f"<td>{_html.escape(s.cue_text)}</td><td>{_html.escape(s.content)}</td><td>{_html.escape(s.kind)}</td>"
        f"<td><small>{'<br>'.join(_html.escape(t) for t in s.target_ids.split(';'))}</small></td></tr>"
        for s in statements.itertuples())
    esc = _html.escape
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">{_CSP}<title>{esc(title or doc_id)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.5}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ddd;padding:6px;vertical-align:top}}
th{{background:#f4f4f4}}h2{{margin-top:2em}}tr{{scroll-margin-top:3em}}
tr:target td{{background:#fff3b0}}tr:target{{outline:3px solid #f0b400}}</style></head><body>
<p><a href="{INDEX_PAGE}">&larr; all documents</a></p>{_explore_links(doc_id)}
<h1>{esc(title or doc_id)}</h1><p><code>{esc(doc_id)}</code></p>
<h2>Entities</h2>{ent_html}
<h2>Statements</h2>{st_html}
<table><tr><th>speaker</th><th>cue</th><th>content</th><th>kind</th><th>targets</th></tr>{rows}</table>
</body></html>
"""


def _page_link(doc_id: str, title: str, pages: dict[str, str]) -> str:
    """A link to a document's page: its file name, URL-quoted whole (no ``/``, no ``:``: a relative
    path inside ``html/``, never a scheme such as ``javascript:``); the title alone when it has no page."""
    esc = _html.escape
    if doc_id not in pages:
        return esc(title or doc_id)
    return f'<a href="{esc(quote(pages[doc_id], safe=""))}">{esc(title or doc_id)}</a>'


def index_html(documents: pd.DataFrame, counts: dict[str, tuple[int, int]], pages: dict[str, str] | None = None) -> str:
    """The list of documents; ``pages``: doc id -> the file name of its page (default: ``<doc_id>.html``
    for each document in ``counts``)."""
    esc = _html.escape
    if pages is None:
        pages = page_names(counts)
    rows = "".join(
        f"<tr><td>{_page_link(d.doc_id, d.title, pages)}</td><td>{esc(d.date)}</td>"
        f"<td>{esc(d.credit)}</td><td>{counts.get(d.doc_id, (0, 0))[0]}</td><td>{counts.get(d.doc_id, (0, 0))[1]}</td></tr>"
        for d in documents.itertuples() if d.status == "ok")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">{_CSP}<title>newsgraph: documents</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ddd;padding:6px}}th{{background:#f4f4f4}}</style>
</head><body><h1>Documents</h1>{_explore_links()}
<p>The graph: <code>../graph/graph.gexf</code> (Gephi), <code>../graph/preview.png</code>.</p>
<table><tr><th>title</th><th>date</th><th>credit</th><th>entity mentions</th><th>statements</th></tr>{rows}</table>
</body></html>
"""


# -- the stage ------------------------------------------------------------------

DATABASE = "newsgraph.db"


def run(settings: Settings, executor=None) -> StageReport:
    tables = settings.tables_dir
    if not (tables / "entities.csv").exists():
        raise StageError(f"{tables}/entities.csv does not exist: run ner and relations first (make relations)")
    documents = read_table(tables, "documents.csv", ["doc_id", "source_path", "title", "date", "credit", "status", "encoding"])
    mentions = read_table(tables, "mentions.csv", ["doc_id", "start", "end", "label", "entity_id"])
    entities = read_table(tables, "entities.csv", ["entity_id", "label", "name", "state", "mention_count", "doc_count"])
    statements = read_table(tables, "statements.csv", ["statement_id", "doc_id", "date", "speaker_id", "speaker_text",
                                                       "speaker_start", "speaker_end", "cue_text", "cue_start", "cue_end",
                                                       "content", "content_start", "content_end", "kind", "target_ids",
                                                       "type", "goldstein", "tone"])
    relations = read_table(tables, "relations.csv", ["source_id", "relation", "target_id", "doc_id"])
    report = StageReport("export")

    pairs = statement_pairs(statements)
    G = build_graph(entities, entity_dates(mentions, documents), statement_edges(pairs), relation_edges(relations))
    names = {k.split(":", 1)[1]: v for k, v in zip(entities["entity_id"], entities["name"]) if k.startswith("state:")}
    S = build_state_graph(state_edges(pairs, entities), names)
    graph_dir = settings.output_dir / "graph"
    nodes, edges = gephi_tables(G)
    outputs = {
        graph_dir / "graph.gexf": gexf_bytes(G), graph_dir / "graph.graphml": graphml_bytes(G),
        graph_dir / "states.gexf": gexf_bytes(S), graph_dir / "nodes.csv": _csv_bytes(nodes),
        graph_dir / "edges.csv": _csv_bytes(edges), graph_dir / "preview.png": preview_png(S, G),
    }
    html_dir = settings.output_dir / "html"
    counts = {}
    by_doc_m = dict(tuple(mentions.groupby("doc_id"))) if not mentions.empty else {}
    by_doc_s = dict(tuple(statements.groupby("doc_id"))) if not statements.empty else {}
    ok = documents[documents["status"] == "ok"]
    names, pages = page_names(ok["doc_id"]), {}
    for d in ok.itertuples():
        if d.doc_id in counts:
            continue  # the same id twice in documents.csv: one page
        try:
            page = child_path(html_dir, names[d.doc_id])
        except ValueError as exc:
            log.error("%s: no HTML page: %s", d.doc_id, exc)
            report.counts["error"] += 1
            continue
        try:
            text = read_raw_text(d.source_path, d.encoding)
        except (OSError, UnicodeDecodeError, LookupError) as exc:
            log.error("%s: no HTML page: cannot read %s (%s)", d.doc_id, d.source_path,
                      getattr(exc, "strerror", None) or exc)
            report.counts["error"] += 1
            continue
        m = by_doc_m.get(d.doc_id, mentions.iloc[0:0])
        s = by_doc_s.get(d.doc_id, statements.iloc[0:0])
        counts[d.doc_id] = (len(m), len(s))
        pages[d.doc_id] = page.name
        outputs[page] = document_html(d.doc_id, text, d.title, m, s).encode("utf-8")
    outputs[html_dir / INDEX_PAGE] = index_html(documents, counts, pages).encode("utf-8")
    outputs[graph_dir / "graph.html"] = graph_html(G, S, statements, documents, pages)
    for path in outputs:
        if not _inside(path, settings.output_dir):  # the last guard: nothing is written outside the output directory
            raise StageError(f"export: refusing to write {path}: it is not inside {settings.output_dir}")
    for path, data in outputs.items():
        if write_bytes_atomic(path, data):
            report.written += 1
        else:
            report.unchanged += 1
    # the tables for SQL and Datasette (newsgraph.db) and for data tools at scale (tables/*.parquet)
    db = write_database(tables, settings.output_dir / DATABASE)
    report.written += bool(db.get("written"))
    report.unchanged += not db.get("written")
    before = {p: p.stat().st_mtime_ns for p in tables.glob("*.parquet")}
    for p in write_parquet(tables):  # an unchanged table's file is left untouched
        if before.get(p) == p.stat().st_mtime_ns:
            report.unchanged += 1
        else:
            report.written += 1
    report.counts["ok"] = len(counts)
    log.info("graph: %d nodes, %d edges; states: %d nodes, %d edges", G.number_of_nodes(), G.number_of_edges(),
             S.number_of_nodes(), S.number_of_edges())
    return report
