#!/usr/bin/env python3
"""Build pipeline/data/states.csv from maintained sources.

Sources (installed by the `data` extra, not needed at run time):
- country_converter's country_data.tsv: short and official names, ISO3, UN membership;
- pycountry: ISO 3166 names, official and common names;
- countryinfo: capitals, demonyms, alternative spellings;
- pipeline/data/states_curated.toml: abbreviations, seats of government,
  regional shorthands, the demonyms news copy uses (countryinfo holds one per
  state), and corrections of what the packages get wrong.

An alias claimed by two states is dropped (and printed) unless the curated
file assigns it. Run: `make data` (or `python scripts/build_states.py`).
"""
from __future__ import annotations

import csv
import io
import json
import re
import sys
import tomllib
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pandas as pd
import pycountry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "pipeline" / "data"
# Observers and widely recognised non-members that news treats as states.
EXTRA_STATES = {"PSE", "VAT", "TWN", "XKX"}
LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ'’.\- ]+$")


def coco_table() -> pd.DataFrame:
    path = resources.files("country_converter") / "country_data.tsv"
    return pd.read_csv(io.StringIO(path.read_text(encoding="utf-8")), sep="\t", keep_default_na=False)


def countryinfo_by_iso3() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for f in sorted((resources.files("countryinfo") / "data").iterdir()):
        if f.name.endswith(".json"):
            d = json.loads(f.read_text(encoding="utf-8"))
            iso3 = (d.get("ISO") or {}).get("alpha3")
            if iso3 and iso3 not in out:
                out[iso3] = d
    return out


def good_alias(a: str, drop: set[str]) -> bool:
    a = a.strip()
    return bool(a) and a not in drop and "," not in a and "(" not in a and len(a) >= 4 and bool(LATIN.match(a))


def build() -> list[dict]:
    curated = tomllib.loads((DATA / "states_curated.toml").read_text(encoding="utf-8"))
    drop = set(curated["drop"]["aliases"])
    coco = coco_table()
    states = coco[(coco.UNmember.astype(str) != "") | coco.ISO3.isin(EXTRA_STATES)]
    info = countryinfo_by_iso3()
    rows: list[dict] = []
    claims: dict[str, set[str]] = defaultdict(set)
    curated_alias: dict[str, str] = {}

    def add(iso3: str, alias: str, kind: str, curated_entry: bool = False) -> None:
        alias = alias.strip()
        if not alias:
            return
        rows.append({"iso3": iso3, "alias": alias, "kind": kind})
        claims[alias].add(iso3)
        if curated_entry:
            curated_alias[alias] = iso3

    for _, r in states.iterrows():
        iso3 = r.ISO3
        names = {r.name_short, r.name_official}
        pc = pycountry.countries.get(alpha_3=iso3)
        if pc is not None:
            names |= {pc.name, getattr(pc, "official_name", ""), getattr(pc, "common_name", "")}
        ci = info.get(iso3, {})
        names |= {ci.get("name", "")} | set(ci.get("altSpellings") or [])
        for n in names:
            if n and good_alias(n, drop):
                add(iso3, n, "name")
        capitals = ci.get("capital") or []
        for capital in [capitals] if isinstance(capitals, str) else capitals:
            if capital and good_alias(capital, drop):
                add(iso3, capital, "capital")
        demonym = ci.get("demonym") or ""
        if isinstance(demonym, str) and good_alias(demonym, drop):
            add(iso3, demonym, "demonym")
    for section, kind in (("abbreviations", "abbreviation"), ("names", "name"), ("capitals", "capital"),
                          ("seats", "seat"), ("shorthands", "shorthand"), ("demonyms", "demonym")):
        for iso3, aliases in curated.get(section, {}).items():
            for a in aliases:
                add(iso3, a, kind, curated_entry=True)

    out, seen = [], set()
    for row in rows:
        a = row["alias"]
        owners = claims[a]
        if len(owners) > 1 and a not in curated_alias:
            continue
        if a in curated_alias and row["iso3"] != curated_alias[a]:
            continue
        key = (row["iso3"], a)
        if key in seen:
            continue
        seen.add(key)
        # the short name is the canonical one
        out.append(row)
    ambiguous = sorted(a for a, o in claims.items() if len(o) > 1 and a not in curated_alias)
    if ambiguous:
        print("dropped aliases claimed by several states:", ", ".join(ambiguous), file=sys.stderr)
    canonical = {r.ISO3: r.name_short for _, r in states.iterrows()}
    for row in out:
        row["state"] = canonical.get(row["iso3"], row["iso3"])
    out.sort(key=lambda r: (r["iso3"], r["kind"], r["alias"]))
    return out


def main() -> int:
    rows = build()
    target = DATA / "states.csv"
    with open(target, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["iso3", "state", "kind", "alias"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {target} ({len(rows)} aliases, {len({r['iso3'] for r in rows})} states)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
