"""Language data, read from ``pipeline/data/`` (cached).

Code never holds lexicons: states (built from maintained packages by
``scripts/build_states.py``), organisations, news agencies, the grammar of
offices and of government bodies, and person-name rules (the ner stage);
cues and statement types (the relations stage); cleaning rules.

A user's own versions of any of these files go in a directory named by
``NEWSGRAPH_DATA``: a file there replaces the shipped file of the same name
(and changes the fingerprints, so exactly the stages that read it are redone).
"""
from __future__ import annotations

import csv
import hashlib
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path


DATA_ENV = "NEWSGRAPH_DATA"


def data_file(name: str):
    """A data file: the user's version (``$NEWSGRAPH_DATA/name``) when there is one, else the shipped one."""
    override = os.environ.get(DATA_ENV)
    if override and (Path(override) / name).is_file():
        return Path(override) / name
    return resources.files("pipeline") / "data" / name


def data_fingerprint(*names: str) -> str:
    """Changes whenever one of the data files ``names`` changes (shipped or overridden)."""
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode())
        h.update(data_file(name).read_bytes())
    return h.hexdigest()[:16]


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(data_file(name).read_text(encoding="utf-8").splitlines()))


def _toml(name: str) -> dict:
    return tomllib.loads(data_file(name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class StateLexicon:
    aliases: dict[str, tuple[str, str]]  # alias -> (iso3, kind)
    demonyms: dict[str, str]  # "North Korean" -> PRK
    names: dict[str, str]  # iso3 -> canonical short name


@lru_cache(maxsize=1)
def states() -> StateLexicon:
    aliases: dict[str, tuple[str, str]] = {}
    demonyms: dict[str, str] = {}
    names: dict[str, str] = {}
    for row in _csv("states.csv"):
        names.setdefault(row["iso3"], row["state"])
        if row["kind"] == "demonym":
            demonyms[row["alias"]] = row["iso3"]
        else:
            aliases[row["alias"]] = (row["iso3"], row["kind"])
    return StateLexicon(aliases, demonyms, names)


@dataclass(frozen=True)
class OrgEntry:
    name: str
    aliases: tuple[str, ...]
    state: str  # ISO3 or ""
    kind: str  # international | ngo | armed_group | party | government | seat | military | agency | news | company
    # (seat: a seat of government named for the government, from the seats of states.csv)

    @property
    def fixed_state(self) -> bool:
        """Is the body's state (or its having none) given by the lexicon?

        Only a government, military or agency entry without a state
        (`Joint Chiefs of Staff`, `National Security Council`) takes its state
        from the text; intergovernmental bodies, NGOs, non-state armed groups
        and news outlets belong to no state, whatever the text says.
        """
        return bool(self.state) or self.kind not in CONTEXT_STATE_KINDS


CONTEXT_STATE_KINDS = frozenset({"government", "military", "agency", "party"})


@lru_cache(maxsize=1)
def orgs() -> tuple[OrgEntry, ...]:
    out = [OrgEntry(r["name"], tuple(a for a in r["aliases"].split(";") if a), r["state"], r["kind"]) for r in _csv("orgs.csv")]
    out += [OrgEntry(r["name"], tuple(a for a in r["aliases"].split(";") if a), r["state"], "news") for r in _csv("news_agencies.csv")]
    # seats of government named for the government (`the Kremlin`): ORG, one per state
    seats: dict[str, list[str]] = {}
    for alias, (iso3, kind) in states().aliases.items():
        if kind == "seat":
            seats.setdefault(iso3, []).append(alias)
    out += [OrgEntry(aliases[0], tuple(aliases), iso3, "seat") for iso3, aliases in sorted(seats.items())]
    return tuple(out)


@lru_cache(maxsize=1)
def org_index() -> dict[str, OrgEntry]:
    """Canonical name -> organisation (lexicon bodies and news agencies)."""
    return {e.name: e for e in orgs()}


@lru_cache(maxsize=1)
def org_grammar() -> dict:
    return _toml("orgs.toml")


@lru_cache(maxsize=1)
def offices() -> dict:
    return _toml("offices.toml")


@lru_cache(maxsize=1)
def persons() -> dict:
    return _toml("persons.toml")


@lru_cache(maxsize=1)
def names() -> dict:
    """Words around names that change what they name (documents, regions, platforms)."""
    return _toml("names.toml")


def fingerprint() -> str:
    """Changes whenever a data file of the ner stage changes."""
    return data_fingerprint("states.csv", "orgs.csv", "news_agencies.csv", "orgs.toml", "offices.toml", "persons.toml",
                            "names.toml")


@lru_cache(maxsize=1)
def domestic_outlets() -> frozenset[str]:
    """Outlets whose home state is the state a story's unqualified bodies belong to (`Yonhap`, `KCNA`,
    `Xinhua`); international wires and broadcasters (`AP`, `AFP`, `Reuters`, `BBC`) are not
    (news_agencies.csv, column `scope`)."""
    return frozenset(r["name"] for r in _csv("news_agencies.csv") if r.get("scope", "domestic") == "domestic")

