"""What the recognisers share: their lexicon data enters through ``initialize`` and travels with them.

Like spaCy's own ``SpanRuler``, a component is created empty by its factory, from its config
alone (as ``spacy.load`` creates it), and gets its data from
``initialize(get_examples=None, *, nlp=None, <lexicon>=None, ...)``. Each lexicon keyword is
named after its loader in :mod:`pipeline.core.lexicons` and takes what that loader returns (or
a plain mapping or list of the same shape, e.g. made-up test data); ``None`` loads the
default from ``pipeline/data`` through that loader. The component keeps only what it uses, as
plain JSON data (``self.lexicon``), and builds its matchers and sets from it; ``__call__``
never reads the module-level loaders.

``to_disk`` writes that data to ``<component dir>/lexicon.json`` (``to_bytes``: the ``lexicon``
field), and ``from_disk``/``from_bytes`` rebuild the component from it, so ``nlp.to_disk`` +
``spacy.load`` restore the pipeline without ``pipeline/data``. The JSON is canonical (sorted
keys, compact, UTF-8): the same lexicon always gives the same bytes. Orders that can decide an
outcome (which organisation an alias shared by two entries names) are kept as lists in the
order of the lexicon; collections that are sets are stored sorted.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from spacy import util

from pipeline.core import lexicons

LEXICON_FILE = "lexicon.json"


def canonical_json(data: Any) -> bytes:
    """Deterministic JSON: keys sorted, sets sorted, no whitespace."""
    def default(obj):
        if isinstance(obj, (set, frozenset)):
            return sorted(obj)
        raise TypeError(f"{type(obj).__name__} is not lexicon data")

    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default).encode("utf-8")


def _rows(value, width: int) -> list[list]:
    """A mapping (``{alias: (iso3, kind)}``, ``{alias: iso3}``) or rows, as rows of ``width`` cells, in order."""
    if isinstance(value, Mapping):
        items = value.items()
        return [[k, *v] if width > 2 else [k, v] for k, v in items]
    return [list(r) for r in value]


def state_data(states=None) -> dict[str, list[list[str]]]:
    """The state lexicon as rows: ``aliases`` ``[alias, iso3, kind]``, ``demonyms`` ``[alias, iso3]``,
    ``names`` ``[iso3, short name]``. ``states``: a :class:`lexicons.StateLexicon`, a mapping with
    those three fields (as mappings or rows), or None (``lexicons.states()``)."""
    if states is None:
        states = lexicons.states()
    if isinstance(states, lexicons.StateLexicon):
        aliases, demonyms, names = states.aliases, states.demonyms, states.names
    else:
        aliases, demonyms, names = states.get("aliases", {}), states.get("demonyms", {}), states.get("names", {})
    return {"aliases": _rows(aliases, 3), "demonyms": _rows(demonyms, 2), "names": _rows(names, 2)}


def org_data(orgs=None) -> list[list]:
    """The organisation lexicon as ``[name, [aliases...]]`` in lexicon order. ``orgs``: what
    ``lexicons.orgs()`` returns (``OrgEntry``), mappings with ``name`` and ``aliases``, pairs, or None."""
    if orgs is None:
        orgs = lexicons.orgs()
    out = []
    for entry in orgs:
        if isinstance(entry, lexicons.OrgEntry):
            out.append([entry.name, list(entry.aliases)])
        elif isinstance(entry, Mapping):
            aliases = entry.get("aliases", [entry["name"]])
            out.append([entry["name"], aliases.split(";") if isinstance(aliases, str) else list(aliases)])
        else:
            name, aliases = entry
            out.append([name, list(aliases)])
    return out


def pick(data: Mapping | None, loader, keys: Iterable[str]) -> dict[str, Any]:
    """The ``keys`` of a TOML lexicon (``data``, or ``loader()`` when None) a component uses; a
    key the data leaves out is empty."""
    if data is None:
        data = loader()
    return {k: data[k] for k in keys if k in data}


class LexiconComponent:
    """Base of the recognisers: lexicon data in ``self.lexicon``, (de)serialised like SpanRuler's patterns.

    Subclasses implement ``initialize`` (turning its keywords into the data with
    :meth:`set_lexicon`) and ``_setup(data)`` (building what ``__call__`` uses)."""

    name = "newsgraph"
    lexicon: dict | None = None

    def _setup(self, data: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_lexicon(self, data: dict | None) -> None:
        """Take ``data`` as this component's lexicon (normalised through canonical JSON, so that data
        given to ``initialize`` and data read back from disk are the same structures)."""
        if data is None:
            self.lexicon = None
            return
        data = json.loads(canonical_json(data))
        self._setup(data)
        self.lexicon = data

    @property
    def is_initialized(self) -> bool:
        return self.lexicon is not None

    def _require(self) -> None:
        if self.lexicon is None:
            raise ValueError(f"[{self.name}] has no lexicon: call nlp.initialize() or the component's "
                             f"initialize() (pipeline.ner.nlp.build_nlp does), or load a saved pipeline")

    def lexicon_bytes(self) -> bytes:
        return canonical_json(self.lexicon)

    def to_bytes(self, *, exclude: Iterable[str] = util.SimpleFrozenList()) -> bytes:
        return util.to_bytes({"lexicon": self.lexicon_bytes}, exclude)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = util.SimpleFrozenList()):
        util.from_bytes(bytes_data, {"lexicon": lambda b: self.set_lexicon(json.loads(b))}, exclude)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = util.SimpleFrozenList()) -> None:
        util.to_disk(path, {LEXICON_FILE: lambda p: p.write_bytes(self.lexicon_bytes())}, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = util.SimpleFrozenList()):
        util.from_disk(path, {LEXICON_FILE: lambda p: self.set_lexicon(json.loads(p.read_bytes()))}, exclude)
        return self
