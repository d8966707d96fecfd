#!/usr/bin/env python3
"""Write notebooks/analysis.ipynb from the cells below (no outputs; the notebook is a report, not a scratchpad).

Edit the cells here or in Jupyter; `make notebook` executes it on the current outputs.
"""
import json
import sys
from pathlib import Path

CELLS = [
("markdown", """# newsgraph: who said what to whom

An analysis of one pipeline run: the corpus, who speaks, about whom, how it moves over time, the network,
and how good the extraction is. It reads only the files under the output directory (`make all` writes
them); run it with `make notebook`, or point `OUTPUT_DIR` at another run."""),
("code", """# Parameters (papermill: `-p OUTPUT_DIR /path/to/outputs`)
OUTPUT_DIR = "outputs"
TOP_N = 10  # speakers in section 2
MAX_STATES = 12  # states in the matrix of section 3""", ["parameters"]),
("code", """from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.ticker import MaxNLocator
import pandas as pd
from IPython.display import Markdown, display
from pipeline.core.storage import read_table

pd.set_option("display.max_colwidth", 120)
plt.rcParams.update({"figure.dpi": 110, "axes.titlesize": 13, "axes.labelsize": 11})

out = Path(OUTPUT_DIR)
tables = out / "tables"


def read(name):
    # read_table: pandas.read_csv of strings, with the apostrophe that keeps a formula-like cell
    # inert in a spreadsheet (`'=...`) taken off
    path = tables / name
    return read_table(path) if path.exists() else pd.DataFrame()


documents, entities = read("documents.csv"), read("entities.csv")
mentions, statements, relations = read("mentions.csv"), read("statements.csv"), read("relations.csv")
names = dict(zip(entities.get("entity_id", []), entities.get("name", [])))
state_names = {k.split(":", 1)[1]: v for k, v in names.items() if k.startswith("state:")}
display(Markdown(f"Output directory: `{out.resolve()}`"))"""),
("markdown", "## 1. The corpus at a glance"),
("code", """ok = documents[documents["status"] == "ok"] if len(documents) else documents
summary = pd.DataFrame({
    "documents": [len(documents)], "processed": [len(ok)], "with a date": [int((ok["date"] != "").sum()) if len(ok) else 0],
    "statements": [len(statements)], "entities": [len(entities)], "entity mentions": [len(mentions)],
})
display(summary)
if len(entities):
    display(entities.groupby("label").size().rename("entities").to_frame().T)"""),
("code", """if len(ok):
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
    by_month = ok[ok["date"] != ""].assign(month=lambda d: d["date"].str.slice(0, 7)).groupby("month").size()
    if len(by_month):
        by_month.plot.bar(ax=axes[0], color="#4C72B0")
    axes[0].set(title="Documents by month", xlabel="month", ylabel="documents")
    axes[0].yaxis.set_major_locator(MaxNLocator(integer=True))
    axes[1].xaxis.set_major_locator(MaxNLocator(integer=True))
    credit = ok["credit"].replace("", "(no credit)").value_counts()
    credit.plot.barh(ax=axes[1], color="#55A868")
    axes[1].set(title="Documents by credited outlet", xlabel="documents", ylabel="")
    fig.tight_layout()
    plt.show()
    display(ok[["doc_id", "date", "credit", "title"]])"""),
("markdown", "## 2. Who speaks\n\nThe speakers with the most statements, with their state and the offices the texts give them."),
("code", """if len(statements):
    sp = statements.assign(speaker=statements["speaker_id"].str.split(";")).explode("speaker")
    sp = sp[sp["speaker"] != ""]
    offices = (relations[relations["relation"] == "HOLDS_OFFICE"].groupby("source_id")["target_id"]
               .agg(lambda x: "; ".join(sorted({names.get(o, o.split(":")[-1]) for o in x}))) if len(relations) else pd.Series(dtype=str))
    ent = entities.set_index("entity_id") if len(entities) else pd.DataFrame()
    top = sp.groupby("speaker").size().sort_values(ascending=False).head(TOP_N).rename("statements").to_frame()
    top["name"] = [names.get(i, i) for i in top.index]
    top["type"] = [ent["label"].get(i, "") if len(ent) else "" for i in top.index]
    top["state"] = [state_names.get(ent["state"].get(i, ""), ent["state"].get(i, "")) if len(ent) else "" for i in top.index]
    top["offices"] = [offices.get(i, "") for i in top.index]
    display(top[["name", "type", "state", "offices", "statements"]])
    ax = top.iloc[::-1].plot.barh(x="name", y="statements", legend=False, figsize=(8, 0.4 * len(top) + 1), color="#DD8452")
    ax.set(title=f"Top {len(top)} speakers", xlabel="statements", ylabel="")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    plt.show()
else:
    display(Markdown("No statements in this run."))"""),
("markdown", "## 3. About whom: states speaking about states\n\nEach statement counts once from the speaker's state (its own, or its person's, body's or office's) to each target state."),
("code", """def state_of(entity_id):
    if entity_id.startswith("state:"):
        return entity_id.split(":", 1)[1]
    row = entities.loc[entities["entity_id"] == entity_id, "state"]
    return row.iloc[0] if len(row) else ""


entity_state = {e: state_of(e) for e in entities.get("entity_id", [])}
pairs = pd.DataFrame(columns=["statement_id", "from", "to"])
if len(statements):
    p = statements.assign(src=statements["speaker_id"].str.split(";"), tgt=statements["target_ids"].str.split(";"))
    p = p.explode("src").explode("tgt")
    p["from"] = p["src"].map(lambda x: entity_state.get(x, x.split(":", 1)[1] if x.startswith("state:") else ""))
    p["to"] = p["tgt"].map(lambda x: entity_state.get(x, x.split(":", 1)[1] if x.startswith("state:") else ""))
    pairs = p[(p["from"] != "") & (p["to"] != "") & (p["from"] != p["to"])].drop_duplicates(["statement_id", "from", "to"])
    pairs = pairs[["statement_id", "from", "to"]]
named = pairs.assign(f=pairs["from"].map(lambda s: state_names.get(s, s)), t=pairs["to"].map(lambda s: state_names.get(s, s)))
busy = pd.concat([named["f"], named["t"]]).value_counts()
keep = set(busy.index[:MAX_STATES])
sub = named[named["f"].isin(keep) & named["t"].isin(keep)]
matrix = pd.crosstab(sub["f"], sub["t"])
if len(busy) > MAX_STATES:
    display(Markdown(f"The {MAX_STATES} states with the most statements, of {len(busy)}."))
if len(matrix):
    fig, ax = plt.subplots(figsize=(1.2 * len(matrix.columns) + 3, 0.8 * len(matrix) + 2))
    im = ax.imshow(matrix.values, cmap="Blues")
    ax.set_xticks(range(len(matrix.columns)), matrix.columns, rotation=35, ha="right")
    ax.set_yticks(range(len(matrix.index)), matrix.index)
    for i in range(len(matrix.index)):
        for j in range(len(matrix.columns)):
            ax.text(j, i, int(matrix.values[i, j]), ha="center", va="center",
                    color="white" if matrix.values[i, j] > matrix.values.max() / 2 else "black")
    ax.set(title="Statements from a state (rows) about a state (columns)", xlabel="about (target state)", ylabel="speaker's state")
    fig.colorbar(im, ax=ax, label="statements")
    plt.show()
else:
    display(Markdown("No statements between states in this run."))"""),
("markdown", "The statements behind any cell: `statements_between(speaker_state, target_state)` takes ISO codes or names."),
("code", """def statements_between(speaker_state, target_state):
    \"\"\"The statements from one state about another: speaker, date, cue, content, and where they are in the source.\"\"\"
    codes = {v: k for k, v in state_names.items()}
    a, b = codes.get(speaker_state, speaker_state), codes.get(target_state, target_state)
    ids = pairs.loc[(pairs["from"] == a) & (pairs["to"] == b), "statement_id"].unique()
    cols = ["speaker_text", "speaker_id", "date", "cue_text", "content", "doc_id", "content_start", "content_end"]
    return statements[statements["statement_id"].isin(ids)][cols]


if len(matrix):
    busiest = matrix.stack().idxmax()
    display(Markdown(f"For example, **{busiest[0]} → {busiest[1]}**:"))
    display(statements_between(*busiest))"""),
("markdown", "## 4. How it moves\n\nStatements per month for the busiest state pairs (a single month shows as points)."),
("code", """dated = pairs.merge(statements[["statement_id", "date"]], on="statement_id")
dated = dated[dated["date"] != ""]
if len(dated):
    dated = dated.assign(month=pd.to_datetime(dated["date"].str.slice(0, 7)),
                         pair=dated["from"].map(lambda s: state_names.get(s, s)) + " → " + dated["to"].map(lambda s: state_names.get(s, s)))
    top_pairs = dated["pair"].value_counts().head(5).index
    series = dated[dated["pair"].isin(top_pairs)].groupby(["month", "pair"]).size().unstack(fill_value=0).sort_index()
    # every month in between, with no statements, is a zero (not a line across a gap)
    series = series.reindex(pd.date_range(series.index.min(), series.index.max(), freq="MS"), fill_value=0)
    if len(dated) < 10:
        display(Markdown(f"Only {len(dated)} dated statements between states: most documents of this run carry no date."))
    fig, ax = plt.subplots(figsize=(10, 4))
    for col in series.columns:
        ax.plot(series.index, series[col], marker="o" if len(series) < 40 else None, markersize=4, label=col)
    ax.set(title="Statements per month, busiest state pairs", xlabel="month", ylabel="statements")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, series.values.max() + 1)
    ax.legend(loc="upper left", fontsize=9)
    fig.autofmt_xdate()
    plt.show()
else:
    display(Markdown("No dated statements between states in this run."))"""),
("markdown", """## 5. Cooperation and conflict

Every statement has a type (SCHEMA.md: COMMENT, SUPPORT, AGREE, … THREATEN) with its Goldstein value, from
+5 (cooperation) to −5 (conflict); `tables/events.csv` holds one row per speaker → target pair. Below: the mean
Goldstein value per month between the busiest state pairs (with the number of statements), and the statement
types by the speaker's state."""),
("code", """events = read("events.csv")
if len(events) and "goldstein" in events:
    ev = events[(events["source_state"] != "") & (events["target_state"] != "")
                & (events["source_state"] != events["target_state"])].copy()
    ev["goldstein"] = pd.to_numeric(ev["goldstein"], errors="coerce")
    ev["pair"] = ev["source_state"].map(lambda s: state_names.get(s, s)) + " → " + ev["target_state"].map(lambda s: state_names.get(s, s))
    ev = ev.drop_duplicates(["statement_id", "pair"])
    busiest = ev["pair"].value_counts().head(6).index
    table = (ev[ev["pair"].isin(busiest)].groupby("pair")
             .agg(statements=("statement_id", "nunique"), goldstein_mean=("goldstein", "mean"),
                  cooperative=("tone", lambda t: int((t == "cooperative").sum())),
                  conflictual=("tone", lambda t: int((t == "conflictual").sum())))
             .sort_values("statements", ascending=False).round(2))
    display(table)
    dated = ev[(ev["date"] != "") & ev["pair"].isin(busiest)].assign(month=lambda d: d["date"].str.slice(0, 7))
    if dated["month"].nunique() >= 2:
        monthly = dated.groupby(["month", "pair"]).agg(g=("goldstein", "mean"), n=("statement_id", "nunique")).reset_index()
        fig, ax = plt.subplots(figsize=(10, 4))
        for pair, d in monthly.groupby("pair"):
            ax.plot(d["month"], d["g"], marker="o", label=pair)
            for m, g, n in zip(d["month"], d["g"], d["n"]):
                ax.annotate(str(n), (m, g), textcoords="offset points", xytext=(0, 5), fontsize=7, ha="center")
        ax.axhline(0, color="#999999", lw=0.8)
        ax.set(title="Mean Goldstein value per month (numbers: statements)", xlabel="month", ylabel="Goldstein", ylim=(-5.5, 5.5))
        ax.legend(loc="lower left", fontsize=8)
        fig.autofmt_xdate()
        plt.show()
    else:
        display(Markdown("Fewer than two months with dated statements between these pairs: no time series."))
    by_state = statements.assign(state=statements["speaker_id"].str.split(";").str[0].map(
        lambda i: i.split(":", 1)[1] if i.startswith("state:") else dict(zip(entities["entity_id"], entities["state"])).get(i, "")))
    by_state = by_state[(by_state["state"] != "") & (by_state["type"] != "")]
    if len(by_state):
        top = by_state["state"].value_counts().head(MAX_STATES).index
        ct = pd.crosstab(by_state[by_state["state"].isin(top)]["state"].map(lambda s: state_names.get(s, s)), by_state["type"])
        ax = ct.loc[ct.sum(axis=1).sort_values().index].plot.barh(stacked=True, figsize=(10, 0.4 * len(ct) + 1.5), colormap="tab20")
        ax.set(title="Statement types by the speaker's state", xlabel="statements", ylabel="")
        ax.legend(fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")
        plt.show()
else:
    display(Markdown("No events in this run (statements need a speaker, a target and a type)."))"""),
("markdown", "## 6. The network\n\nDegree and betweenness centrality of the entity graph (`graph/graph.graphml`, all relations, directions ignored)."),
("code", """graph_path = out / "graph" / "graph.graphml"
if graph_path.exists():
    G = nx.Graph(nx.read_graphml(graph_path))
    if G.number_of_nodes():
        cent = pd.DataFrame({"degree": nx.degree_centrality(G), "betweenness": nx.betweenness_centrality(G)})
        cent["name"] = [G.nodes[n].get("label", n) for n in cent.index]
        cent["type"] = [G.nodes[n].get("type", "") for n in cent.index]
        display(Markdown(f"{G.number_of_nodes()} entities, {G.number_of_edges()} links. The five most central:"))
        display(cent.sort_values(["betweenness", "degree"], ascending=False).head(5)[["name", "type", "degree", "betweenness"]].round(3))
    else:
        display(Markdown("The graph is empty."))
else:
    display(Markdown("No graph yet: run `make export`."))"""),
("markdown", "## 7. Quality\n\nThe latest `make evaluate` scores, when they exist."),
("code", """scores = sorted((out / "eval").glob("*/scores.txt")) if (out / "eval").exists() else []
if scores:
    for path in scores:
        display(Markdown(f"**{path.parent.name}**"))
        print(path.read_text(encoding="utf-8"))
else:
    display(Markdown("No scores in this output directory: run `make evaluate` (it writes `outputs/eval/`)."))"""),
]


def main() -> int:
    cells = []
    for kind, source, *tags in CELLS:
        cell = {"cell_type": kind, "metadata": {"tags": tags[0]} if tags else {}, "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                                       "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    for i, c in enumerate(nb["cells"]):
        c["id"] = f"cell-{i:02d}"
    target = Path(__file__).resolve().parents[1] / "notebooks" / "analysis.ipynb"
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
