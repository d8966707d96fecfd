"""``graph/graph.html``: the entity graph and the state graph in one self-contained interactive page.

The page draws with sigma.js on a graphology graph; both libraries are vendored as their npm UMD
builds in ``vendor/`` (versions, licences and how to rebuild them: ``vendor/README.md``) and inlined,
with the graph data, into the one HTML file: it works offline from ``file://`` and loads nothing.

- Data: one JSON document in a ``<script type="application/json">`` block, read with ``JSON.parse``
  (never evaluated as code). Every ``<``, ``>``, ``&`` in it is written ``\\u003c`` / ``\\u003e`` /
  ``\\u0026`` and the JSON is ASCII (so U+2028 / U+2029 and lone surrogates are escapes too): no
  article text can close the block or open markup.
- Code: one inline script, the vendored libraries and :data:`APP_JS`; the page's
  Content-Security-Policy allows exactly that script (its sha256 hash), inline styles, and nothing else
  (``default-src 'none'``: no network, no other script, no frame, no form).
- The page's script puts article text into the page with ``textContent`` only (sigma draws labels on a
  canvas); its only links are ``../html/<page>.html#<statement_id>``, built here (file name and fragment
  URL-quoted), and the script sets an ``href`` only when it starts with ``../html/``.
- Layout: computed here, seeded and rounded (Fruchterman-Reingold per connected component, components
  packed around the largest), so the same inputs give the same bytes.
- Size: at most :data:`MAX_NODES` nodes per view (those in the most statements) and
  :data:`MAX_NODE_STATEMENTS` statements listed per node; the page says when it shows fewer.
"""
from __future__ import annotations

import base64
import hashlib
import html as _html
import json
import math
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import numpy as np
import pandas as pd

VENDOR = Path(__file__).resolve().parent / "vendor"
# the vendored UMD builds, in load order (sigma takes the graph; graphology defines it)
VENDOR_SCRIPTS = ("graphology.umd.min.js", "sigma.min.js")
MAX_NODES = 2000
MAX_NODE_STATEMENTS = 300
LAYOUT_SEED = 7
DATASETTE_URL = "http://127.0.0.1:8001/newsgraph/statement_details"
# the same colours as preview.png (stage.TYPE_COLOURS)
TYPE_COLOURS = {"STATE": "#4C72B0", "PERSON": "#DD8452", "ORG": "#55A868", "OFFICE": "#8172B3", "": "#999999"}


# -- layout ---------------------------------------------------------------------------------------

def _fruchterman_reingold(adj: np.ndarray, seed: int, iterations: int) -> np.ndarray:
    """Positions (n x 2) of a connected graph by its adjacency matrix: the Fruchterman-Reingold
    force model as networkx's dense ``spring_layout`` runs it (here without scipy for any size, and
    without BLAS, whose sums may depend on its threads: the same input gives the same bits)."""
    n = adj.shape[0]
    pos = np.random.RandomState(seed).rand(n, 2)
    k = math.sqrt(1.0 / n)
    t = 0.1 * max(np.ptp(pos[:, 0]), np.ptp(pos[:, 1]))
    dt = t / (iterations + 1)
    for _ in range(iterations):
        x, y = pos[:, 0], pos[:, 1]
        dx, dy = x[:, np.newaxis] - x[np.newaxis, :], y[:, np.newaxis] - y[np.newaxis, :]
        dist = np.maximum(np.sqrt(dx * dx + dy * dy), 0.01)
        force = k * k / (dist * dist) - adj * dist / k
        disp = np.column_stack([(dx * force).sum(axis=1), (dy * force).sum(axis=1)])
        length = np.maximum(np.sqrt((disp ** 2).sum(axis=1)), 0.01)
        pos += disp * (t / length)[:, np.newaxis]
        t -= dt
    return pos


def _component_shape(nodes: list[str], edges: list[tuple[str, str]], seed: int) -> tuple[np.ndarray, float]:
    """A component's positions centred on 0 and its radius: about sqrt(n), so that every component
    gets about the same room per node. A few nodes far out (a hub's leaves, a long chain) would
    shrink the rest to a knot: the 90th percentile of the distances from the centre sets the scale,
    and the distances are then squeezed into the radius (``tanh``), which keeps the middle as it is."""
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2)), 0.3
    if n == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]]), 0.8
    index = {x: i for i, x in enumerate(nodes)}
    adj = np.zeros((n, n))
    for s, t in edges:
        adj[index[s], index[t]] = adj[index[t], index[s]] = 1.0
    pos = _fruchterman_reingold(adj, seed, 100 if n <= 500 else 50)
    pos -= pos.mean(axis=0)
    radius = 0.5 + math.sqrt(n)
    dist = np.sqrt((pos ** 2).sum(axis=1))
    pos *= 0.75 * radius / max(float(np.quantile(dist, 0.9)), 1e-9)
    dist = np.maximum(np.sqrt((pos ** 2).sum(axis=1)), 1e-9)
    pos *= (radius * np.tanh(dist / radius) / dist)[:, np.newaxis]
    return pos, radius + 0.3


def _pack(radii: list[float], gap: float = 0.5) -> np.ndarray:
    """Centres for circles of ``radii`` (largest first), each put at the free point of a grid nearest
    to the origin: the largest component in the middle, the rest around it, single nodes outside."""
    cell = 0.4
    extent = 1.5 * math.sqrt(sum((r + gap) ** 2 for r in radii)) + max(radii) + 2 * gap
    while True:
        half = math.ceil(extent / cell)
        axis = cell * np.arange(-half, half + 1)  # symmetric, through 0
        X, Y = np.meshgrid(axis, axis)  # alive[row, col]: the point (axis[col], axis[row])
        pts = np.column_stack([X.ravel(), Y.ravel()])
        order = np.lexsort((np.arctan2(pts[:, 1], pts[:, 0]).round(9), np.hypot(pts[:, 0], pts[:, 1]).round(9)))
        alive = np.ones((len(axis), len(axis)), dtype=bool)  # not inside a placed circle (and its gap)
        # the radius a point was found too close to placed circles for: it stays too close for any radius
        # as big (the circles only get more and their radii smaller)
        too_close = np.full(len(pts), np.inf)
        centres = np.zeros((len(radii), 2))
        placed = np.zeros(len(radii))
        for i, r in enumerate(radii):
            pick = -1
            free = order[alive.ravel()[order]]
            free = free[too_close[free] > r]
            start, size = 0, 32
            while start < len(free):
                chunk = free[start:start + size]
                start, size = start + size, min(2 * size, 4096)
                if i == 0:
                    pick = int(chunk[0])
                    break
                d = np.hypot(pts[chunk, 0, None] - centres[None, :i, 0], pts[chunk, 1, None] - centres[None, :i, 1])
                fits = (d >= placed[None, :i] + r + gap).all(axis=1)
                if fits.any():
                    first = int(np.argmax(fits))
                    too_close[chunk[:first]] = r
                    pick = int(chunk[first])
                    break
                too_close[chunk] = r
            if pick < 0:
                break
            (px, py), reach = pts[pick], r + gap
            centres[i], placed[i] = (px, py), r
            c0, c1 = np.searchsorted(axis, px - reach), np.searchsorted(axis, px + reach, side="right")
            r0, r1 = np.searchsorted(axis, py - reach), np.searchsorted(axis, py + reach, side="right")
            alive[r0:r1, c0:c1] &= np.hypot(axis[None, c0:c1] - px, axis[r0:r1, None] - py) >= reach
        else:
            return centres
        extent *= 1.5  # did not fit: a bigger grid


def layout(nodes: list[str], edges: list[tuple[str, str]], seed: int = LAYOUT_SEED) -> dict[str, tuple[float, float]]:
    """Node -> (x, y), deterministic for the same nodes and edges (whatever their order): each connected
    component laid out on its own (seeded), the components packed around the largest, rounded."""
    U = nx.Graph()
    U.add_nodes_from(sorted(set(nodes)))
    U.add_edges_from(sorted({tuple(sorted((s, t))) for s, t in edges if s != t and s in U and t in U}))
    if not U:
        return {}
    comps = sorted((sorted(c) for c in nx.connected_components(U)), key=lambda c: (-len(c), c[0]))
    shapes = [_component_shape(c, sorted(U.subgraph(c).edges()), seed) for c in comps]
    centres = _pack([r for _, r in shapes])
    out: dict[str, tuple[float, float]] = {}
    for c, (pos, _), centre in zip(comps, shapes, centres):
        for x, p in zip(c, pos + centre):
            out[x] = (round(float(p[0]), 2) + 0.0, round(float(p[1]), 2) + 0.0)  # + 0.0: no -0.0
    return out


# -- data -------------------------------------------------------------------------------------------

def _state_of(G: nx.Graph) -> dict[str, str]:
    """entity id -> ISO3 of its state (a state node is its own), as the export's ``state_of``."""
    return {n: (n.split(":", 1)[1] if n.startswith("state:") else str(d.get("state") or "")) for n, d in G.nodes(data=True)}


def _split(col: pd.Series) -> pd.Series:
    return col.fillna("").astype(str).str.split(";")


def _involved(statements: pd.DataFrame) -> pd.DataFrame:
    """(i, entity): statement number i names the entity as its speaker or a target."""
    parts = [pd.DataFrame({"i": statements.index, "e": _split(statements[c])}).explode("e") for c in ("speaker_id", "target_ids")]
    long = pd.concat(parts, ignore_index=True)
    long = long[long["e"].notna() & (long["e"] != "")]
    return long.drop_duplicates().sort_values(["e", "i"], kind="stable").reset_index(drop=True)


def _float(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else round(f, 3)


def _view(graph: nx.Graph, involved: pd.DataFrame, goldstein: pd.Series, kind: str) -> tuple[dict, dict[str, list[int]]]:
    """One view's nodes (with positions, statement counts, tone) and edges; and node -> its statement numbers."""
    by_node = involved.groupby("e")["i"].agg(list).to_dict() if not involved.empty else {}
    g = involved.assign(g=involved["i"].map(goldstein)).dropna(subset=["g"])
    tone = g.groupby("e")["g"].mean().to_dict() if not g.empty else {}
    degree = {n: graph.degree(n) for n in graph}
    ranked = sorted(graph, key=lambda n: (-len(by_node.get(n, [])), -degree[n],
                                          -int(_float(graph.nodes[n].get("mention_count")) or 0), str(n)))
    keep = set(ranked[:MAX_NODES])
    edges = [(s, t, d) for s, t, d in graph.edges(data=True) if s in keep and t in keep]
    pos = layout(list(keep), [(s, t) for s, t, _ in edges])
    nodes, lists = [], {}
    for n in sorted(keep):
        d = graph.nodes[n]
        sts = by_node.get(n, [])
        lists[n] = sts[:MAX_NODE_STATEMENTS]
        nodes.append({"id": n, "label": str(d.get("label") or n), "type": str(d.get("type") or ""),
                      "state": str(d.get("state") or (n if kind == "states" else "")),
                      "m": int(_float(d.get("mention_count")) or 0), "n": len(sts),
                      "tone": _float(tone.get(n)), "x": pos[n][0], "y": pos[n][1]})
    out_edges = []
    for s, t, d in edges:
        typed = bool(d.get("types")) and d.get("goldstein_mean") is not None
        out_edges.append({"s": s, "t": t, "rel": str(d.get("relation") or "STATEMENT"), "w": _float(d.get("weight")) or 1.0,
                          "g": _float(d.get("goldstein_mean")) if typed else None,
                          "coop": int(_float(d.get("cooperative")) or 0), "conf": int(_float(d.get("conflictual")) or 0)})
    return {"nodes": nodes, "edges": out_edges, "total_nodes": graph.number_of_nodes(),
            "total_edges": graph.number_of_edges()}, lists


def graph_data(G: nx.Graph, S: nx.Graph, statements: pd.DataFrame, documents: pd.DataFrame,
               pages: dict[str, str] | None = None) -> dict:
    """What graph.html shows: per view (``entities``: ``G``, ``states``: ``S``) its nodes and edges, and
    the statements each node takes part in (as speaker or target; for a state, through its entities);
    ``pages``: doc id -> the file name of its page in ``html/`` (default: ``page_names`` of the ``ok``
    documents)."""
    from pipeline.export.stage import page_names

    cols = ["statement_id", "doc_id", "date", "speaker_id", "speaker_text", "cue_text", "content", "kind",
            "target_ids", "type", "goldstein", "tone"]
    st = statements.reindex(columns=cols).fillna("").astype(str).reset_index(drop=True)
    if pages is None:
        ok = documents[documents["status"] == "ok"] if "status" in documents.columns else documents
        pages = page_names(ok["doc_id"])
    gold = pd.to_numeric(st["goldstein"], errors="coerce").where(st["type"] != "")
    involved = _involved(st)
    states = _state_of(G)
    e = involved["e"]
    inv_states = involved.assign(e=e.where(e.str.startswith("state:")).str.slice(6).fillna(e.map(states)).fillna(""))
    inv_states = inv_states[inv_states["e"] != ""].drop_duplicates().sort_values(["e", "i"], kind="stable")
    views, lists = {}, {}
    for name, graph, inv in (("entities", G, involved), ("states", S, inv_states)):
        views[name], lists[name] = _view(graph, inv, gold, name)

    used = sorted({i for per_view in lists.values() for sts in per_view.values() for i in sts})
    number = {i: k for k, i in enumerate(used)}
    for name, view in views.items():
        for node in view["nodes"]:
            node["st"] = [number[i] for i in lists[name][node["id"]]]

    titles = dict(zip(documents["doc_id"], documents["title"])) if "title" in documents.columns else {}
    docs, doc_number = [], {}
    records = []
    for i, s in zip(used, st.iloc[used].itertuples(index=False)):
        href = None
        if s.doc_id in pages:
            if s.doc_id not in doc_number:
                doc_number[s.doc_id] = len(docs)
                docs.append({"id": s.doc_id, "title": str(titles.get(s.doc_id) or s.doc_id),
                             "href": "../html/" + quote(pages[s.doc_id], safe="")})
            href = docs[doc_number[s.doc_id]]["href"] + "#" + quote(s.statement_id, safe="")
        records.append({"id": s.statement_id, "doc": doc_number.get(s.doc_id), "href": href, "date": s.date,
                        "sp": [x for x in s.speaker_id.split(";") if x], "spt": s.speaker_text,
                        "tg": [x for x in s.target_ids.split(";") if x], "cue": s.cue_text, "text": s.content,
                        "kind": s.kind, "type": s.type, "tone": s.tone, "g": _float(gold.iloc[i])})
    shown = {n["id"] for n in views["entities"]["nodes"]}
    referenced = sorted({x for r in records for x in r["sp"] + r["tg"]} - shown)
    names = {x: str(G.nodes[x].get("label") or x) if x in G else x for x in referenced}
    return {"views": views, "statements": records, "docs": docs, "names": names, "colours": TYPE_COLOURS,
            "limits": {"nodes": MAX_NODES, "statements_per_node": MAX_NODE_STATEMENTS},
            "total_statements": len(st)}


def json_for_html(data) -> str:
    """``data`` as JSON that is safe inside a ``<script type="application/json">`` block: ASCII only
    (U+2028 / U+2029 and lone surrogates as escapes), ``< > &`` as ``\\u003c \\u003e \\u0026`` (JSON has
    them only inside strings), keys sorted."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# -- the page -------------------------------------------------------------------------------------------

def vendor_js() -> str:
    return "".join((VENDOR / name).read_text(encoding="utf-8").rstrip("\n") + ";\n" for name in VENDOR_SCRIPTS)


def script_js() -> str:
    """The one script the page runs: the vendored libraries, then :data:`APP_JS`."""
    js = vendor_js() + APP_JS
    low = js.lower()
    if "</script" in low or "<!--" in low:  # would end the script element (or change how HTML reads it)
        raise ValueError("the page's script contains </script or <!--")
    return js


def csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def graph_html(G: nx.Graph, S: nx.Graph, statements: pd.DataFrame, documents: pd.DataFrame,
               pages: dict[str, str] | None = None) -> bytes:
    """The page (UTF-8): the entity graph ``G`` and the state graph ``S`` with their statements."""
    data = json_for_html(graph_data(G, S, statements, documents, pages))
    script = script_js()
    csp = (f"default-src 'none'; script-src {csp_hash(script)}; style-src 'unsafe-inline'; "
           "base-uri 'none'; form-action 'none'")
    esc = _html.escape
    legend = "".join(f'<span class="key"><i style="background:{c}"></i>{esc(t)}</span>'
                     for t, c in TYPE_COLOURS.items() if t)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsgraph: graph</title>
<style>{CSS}</style></head><body>
<header>
<h1>newsgraph</h1>
<label>view <select id="view"><option value="entities">entities</option><option value="states">states</option></select></label>
<label>colour <select id="colour"><option value="type">by type</option><option value="tone">by tone</option></select></label>
<label>find <input id="search" type="search" list="names" placeholder="an entity or a state" autocomplete="off" size="28"></label>
<datalist id="names"></datalist>
<span id="legend-type" class="legend">{legend}</span>
<span id="legend-tone" class="legend" hidden><span class="ramp"></span> conflict (Goldstein &minus;5) &hellip; cooperation (+5); grey: no typed statement</span>
</header>
<main><div id="graph" role="img" aria-label="the graph"></div>
<aside id="panel"><p id="status"></p><div id="details"><p>Click a node (or find one) to list its statements.
Node size: the statements an entity makes or is the target of; edges: statements (arrows) and relations (thin).</p></div>
<p class="links"><a href="../html/index.html">all documents</a> &middot; <a href="graph.gexf">graph.gexf</a> (Gephi)
&middot; Explore in Datasette: <code>make serve</code> then <code>{esc(DATASETTE_URL)}</code></p></aside></main>
<noscript><p>This page draws the graph with JavaScript, which is off.</p></noscript>
<script type="application/json" id="graph-data">{data}</script>
<script>{script}</script>
</body></html>
"""
    return page.encode("utf-8")


CSS = """*{box-sizing:border-box}html,body{height:100%;margin:0}
body{font-family:system-ui,sans-serif;display:flex;flex-direction:column;color:#222}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.4em 1.2em;padding:.5em 1em;border-bottom:1px solid #ddd;background:#fafafa}
header h1{font-size:1.1em;margin:0}
.legend{font-size:.85em;color:#444}.key{margin-right:.8em;white-space:nowrap}
.key i{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em;vertical-align:-.05em}
.ramp{display:inline-block;width:7em;height:.7em;vertical-align:-.05em;background:linear-gradient(90deg,#d73027,#f0b400,#1a9850)}
main{flex:1;display:flex;min-height:0}
#graph{flex:1;position:relative;min-width:0;background:#fff}
#panel{width:380px;overflow:auto;border-left:1px solid #ddd;padding:.6em 1em;font-size:.9em;line-height:1.4}
#panel h2{font-size:1.1em;margin:.3em 0}#status{color:#a33;margin:0;min-height:1em}
#details ol{padding-left:1.4em}#details li{margin:.2em 0 .8em}
.who{font-weight:600}.cue{color:#555;font-style:italic}.meta{color:#666;font-size:.9em}
blockquote{margin:.2em 0;padding-left:.6em;border-left:3px solid #ddd}
.links{border-top:1px solid #eee;padding-top:.5em;color:#555}
.error{padding:2em;color:#a33}"""


# The page's own script (after the vendored sigma and graphology). Article text goes into the page
# through textContent only; the only links are the statements' hrefs, used when they start with ../html/.
APP_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var container = document.getElementById("graph");
  var byId = function (id) { return document.getElementById(id); };
  var ui = {view: byId("view"), colour: byId("colour"), search: byId("search"), names: byId("names"),
            details: byId("details"), status: byId("status"), legendType: byId("legend-type"), legendTone: byId("legend-tone")};
  var current = {view: null, graph: null, renderer: null, selected: null, near: null, named: null, colour: "type"};
  var FEW = 60, NAMED = 30;  // every label shown in a view of at most FEW nodes; around a selected node, the NAMED biggest
  var labels = {};
  data.views.entities.nodes.forEach(function (n) { labels[n.id] = n.label; });
  var GREY = "#bbbbbb", FADED = "#ececec";

  function labelOf(id) {
    if (Object.prototype.hasOwnProperty.call(labels, id)) return labels[id];
    if (Object.prototype.hasOwnProperty.call(data.names, id)) return data.names[id];
    return id;
  }
  function mix(a, b, t) {
    var x = parseInt(a.slice(1), 16), y = parseInt(b.slice(1), 16), out = 0;
    for (var s = 16; s >= 0; s -= 8) {
      var u = (x >> s) & 255, v = (y >> s) & 255;
      out = out * 256 + Math.round(u + (v - u) * t);
    }
    return "#" + (0x1000000 + out).toString(16).slice(1);
  }
  function toneColour(g) {  // mean Goldstein value: -5 and below red, 0 amber, +5 and above green
    if (g === null || g === undefined) return GREY;
    var t = Math.max(-1, Math.min(1, g / 5));
    return t < 0 ? mix("#f0b400", "#d73027", -t) : mix("#f0b400", "#1a9850", t);
  }
  function typeColour(t) {
    return Object.prototype.hasOwnProperty.call(data.colours, t) ? data.colours[t] : data.colours[""];
  }

  function build(name) {
    var view = data.views[name];
    var graph = new graphology.MultiDirectedGraph();
    view.nodes.forEach(function (n) {
      graph.addNode(n.id, {x: n.x, y: n.y, label: n.label, size: 2 + Math.min(12, 1.3 * Math.sqrt(n.n)),
                           ntype: n.type, n: n.n, m: n.m, tone: n.tone, st: n.st, state: n.state});
    });
    view.edges.forEach(function (e, i) {
      var statement = e.rel === "STATEMENT";
      graph.addDirectedEdgeWithKey("e" + i, e.s, e.t, {
        rel: e.rel, w: e.w, g: e.g, type: statement ? "arrow" : "line",
        size: statement ? 0.8 + Math.min(5, Math.sqrt(e.w)) : 0.5, statement: statement});
    });
    return graph;
  }

  function nodeColour(attrs) {
    return current.colour === "tone" ? toneColour(attrs.tone) : typeColour(attrs.ntype);
  }
  function edgeColour(attrs) {
    if (!attrs.statement) return "#d8dce0";
    return current.colour === "tone" ? toneColour(attrs.g) : "#9aa5b1";
  }

  // Labels: sigma picks one or two per cell of a grid and draws them where they fall, one over the
  // other in a dense middle. Here they are collected while sigma draws, then drawn biggest node first,
  // each only where it overlaps no label drawn before.
  var pending = [];
  function queueLabel(context, data, settings) {
    if (data.label) pending.push({context: context, data: data, settings: settings});
  }
  function drawLabels() {
    var boxes = [];
    pending.sort(function (a, b) { return b.data.size - a.data.size || (a.data.key < b.data.key ? -1 : 1); });
    pending.forEach(function (p) {
      var ctx = p.context, d = p.data, size = p.settings.labelSize;
      ctx.font = p.settings.labelWeight + " " + size + "px " + p.settings.labelFont;
      var x = d.x + d.size + 3, y = d.y + size / 3, w = ctx.measureText(d.label).width;
      var box = [x - 2, y - size, x + w + 2, y + 4];
      for (var i = 0; i < boxes.length; i++) {
        var b = boxes[i];
        if (box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]) return;
      }
      boxes.push(box);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
      ctx.strokeText(d.label, x, y);  // a halo: legible over edges
      ctx.fillStyle = "#222";
      ctx.fillText(d.label, x, y);
    });
    pending = [];
  }

  function countDrawn() {
    var r = current.renderer, n = 0;
    current.graph.forEachNode(function (node) {
      var d = r.getNodeDisplayData(node);
      if (d && !d.hidden) n += 1;
    });
    return n;
  }

  function show(name) {
    if (current.renderer) { current.renderer.kill(); current.renderer = null; }
    pending = [];
    current.view = name; current.selected = null; current.near = null;
    ui.view.value = name;
    current.graph = build(name);
    container.removeAttribute("data-rendered-nodes");
    container.setAttribute("data-view", name);
    var view = data.views[name];
    var note = view.nodes.length + " of " + view.total_nodes + " nodes, " + view.edges.length + " edges";
    ui.status.textContent = view.nodes.length < view.total_nodes ? "Showing " + note + " (those in most statements)." : "";
    fillNames();
    showDetails(null);
    var few = view.nodes.length <= FEW;
    try {
      current.renderer = new Sigma(current.graph, container, {
        zIndex: true, labelRenderedSizeThreshold: 6, labelDensity: 2, labelGridCellSize: 100, stagePadding: 40, minCameraRatio: 0.02, maxCameraRatio: 4,
        defaultEdgeType: "line", defaultDrawNodeLabel: queueLabel,
        nodeReducer: function (node, attrs) {
          var out = Object.assign({}, attrs, {color: nodeColour(attrs), zIndex: attrs.n, forceLabel: few});
          if (current.near) {
            if (node === current.selected) { out.highlighted = true; out.forceLabel = true; out.zIndex = 1e9; }
            else if (current.near.has(node)) { out.forceLabel = current.named.has(node); out.zIndex = 1e8 + attrs.n; }
            else { out.color = FADED; out.label = ""; out.zIndex = 0; }
          }
          return out;
        },
        edgeReducer: function (edge, attrs) {
          var out = Object.assign({}, attrs, {color: edgeColour(attrs)});
          if (current.near) {
            var ends = current.graph.extremities(edge);
            if (ends[0] !== current.selected && ends[1] !== current.selected) out.hidden = true;
          }
          return out;
        }
      });
    } catch (err) {
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = "The graph cannot be drawn here (" + String(err && err.message || err) + "); it needs WebGL.";
      container.textContent = "";
      container.appendChild(p);
      container.setAttribute("data-error", "webgl");
      return;
    }
    var drawn = function () {
      drawLabels();
      container.setAttribute("data-rendered-nodes", String(countDrawn()));
    };
    current.renderer.on("afterRender", drawn);
    drawn();  // the first frame is drawn in the constructor, before a listener can hear it
    current.renderer.on("clickNode", function (e) { select(e.node, false); });
    current.renderer.on("clickStage", function () { select(null, false); });
  }

  function fillNames() {
    ui.names.textContent = "";
    var seen = {};
    data.views[current.view].nodes.slice().sort(function (a, b) { return b.n - a.n || (a.label < b.label ? -1 : 1); })
      .forEach(function (n) {
        if (seen[n.label]) return;
        seen[n.label] = true;
        var o = document.createElement("option");
        o.value = n.label;
        ui.names.appendChild(o);
      });
  }

  function select(node, centre) {
    current.selected = node;
    current.near = null;
    current.named = null;
    if (node !== null) {
      var g = current.graph, around = g.neighbors(node);
      current.near = new Set(around);
      current.near.add(node);
      current.named = new Set(around.sort(function (a, b) {
        return g.getNodeAttribute(b, "n") - g.getNodeAttribute(a, "n") || (a < b ? -1 : 1); }).slice(0, NAMED));
    }
    showDetails(node);
    if (!current.renderer) return;
    current.renderer.refresh();
    if (node !== null && centre) {
      var d = current.renderer.getNodeDisplayData(node);
      if (d) current.renderer.getCamera().animate({x: d.x, y: d.y, ratio: 0.3}, {duration: 300});
    }
  }

  function find(query) {
    var q = String(query).trim().toLowerCase();
    if (!q) { select(null, false); ui.status.textContent = ""; return; }
    var nodes = data.views[current.view].nodes.slice().sort(function (a, b) { return b.n - a.n; });
    var hit = null;
    [function (n) { return n.label.toLowerCase() === q; }, function (n) { return n.id.toLowerCase() === q; },
     function (n) { return n.label.toLowerCase().indexOf(q) >= 0; }, function (n) { return n.id.toLowerCase().indexOf(q) >= 0; }]
      .some(function (test) { hit = nodes.filter(test)[0] || null; return hit !== null; });
    ui.status.textContent = hit ? "" : "Nothing in this view matches \u201c" + String(query) + "\u201d.";
    if (hit) select(hit.id, true);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function statementItem(s) {
    var li = el("li");
    li.setAttribute("data-statement", s.id);
    var named = s.sp.map(labelOf).join(", ");
    var speaker = s.spt || named || "?";
    var who = speaker + (named && s.spt && named.toLowerCase() !== s.spt.toLowerCase() ? " (" + named + ")" : "") +
              " \u2192 " + (s.tg.length ? s.tg.map(labelOf).join(", ") : "\u2014");
    li.appendChild(el("div", "who", who));
    if (s.cue) li.appendChild(el("div", "cue", s.cue));
    li.appendChild(el("blockquote", null, s.text));
    var meta = el("div", "meta");
    var bits = [s.date, s.kind, s.type ? s.type + (s.g !== null ? " (" + s.g + ")" : "") : "", s.tone].filter(Boolean);
    meta.appendChild(document.createTextNode(bits.join(" \u00b7 ") + (bits.length ? " \u00b7 " : "")));
    if (typeof s.href === "string" && s.href.indexOf("../html/") === 0 && s.doc !== null) {
      var a = el("a", null, data.docs[s.doc].title);
      a.setAttribute("href", s.href);
      meta.appendChild(a);
    } else {
      meta.appendChild(document.createTextNode(s.id));
    }
    li.appendChild(meta);
    return li;
  }

  function showDetails(node) {
    var box = ui.details;
    box.textContent = "";
    if (node === null) {
      box.removeAttribute("data-node");
      var view = data.views[current.view];
      box.appendChild(el("p", null, view.total_nodes + (current.view === "states" ? " states, " : " entities, ") +
        view.total_edges + " edges; " + data.total_statements + " statements in all."));
      box.appendChild(el("p", null, "Click a node (or find one) to list its statements. Node size: the statements an " +
        "entity makes or is the target of; edges: statements (arrows) and relations (thin)."));
      return;
    }
    var a = current.graph.getNodeAttributes(node);
    box.setAttribute("data-node", node);
    box.appendChild(el("h2", null, a.label));
    var facts = [node, a.ntype, a.state && a.state !== node ? "state " + a.state : "", a.m ? a.m + " mentions" : ""]
      .filter(Boolean).join(" \u00b7 ");
    box.appendChild(el("p", "meta", facts));
    var said = a.n + (a.n === 1 ? " statement" : " statements") + (a.tone !== null ? ", mean Goldstein " + a.tone : "");
    if (a.st.length < a.n) said += " (the first " + a.st.length + " listed)";
    box.appendChild(el("p", null, said));
    var list = el("ol");
    a.st.forEach(function (i) { list.appendChild(statementItem(data.statements[i])); });
    box.appendChild(list);
  }

  function setColour(mode) {
    current.colour = mode === "tone" ? "tone" : "type";
    ui.colour.value = current.colour;
    ui.legendType.hidden = current.colour !== "type";
    ui.legendTone.hidden = current.colour !== "tone";
    if (current.renderer) current.renderer.refresh();
  }

  ui.view.addEventListener("change", function () { show(ui.view.value); });
  ui.colour.addEventListener("change", function () { setColour(ui.colour.value); });
  ui.search.addEventListener("change", function () { find(ui.search.value); });
  ui.search.addEventListener("keydown", function (e) { if (e.key === "Enter") find(ui.search.value); });

  // the address may name a view, a colouring and a node: graph.html#view=states&colour=tone&node=PRK
  var params = new URLSearchParams(window.location.hash.slice(1));
  setColour(params.get("colour"));
  show(params.get("view") === "states" ? "states" : "entities");
  var wanted = params.get("node");
  if (wanted !== null && current.graph.hasNode(wanted)) select(wanted, true);
  else if (params.get("find")) { ui.search.value = params.get("find"); find(params.get("find")); }
})();
"""
