"""The attributes newsgraph attaches to spaCy objects.

Stored in ``doc.user_data``, so a ``DocBin`` written with
``store_user_data=True`` carries them to later stages:
``Doc._.doc_id``; ``Doc._.source`` (what later stages need of the cleaned
document: source path, date, credit, offset map to the raw file);
``Span._.entity_id`` (canonical id, SCHEMA.md) and
``Span._.state`` (ISO3 of the state the entity belongs to) on ``doc.ents``.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span


def register() -> None:
    for cls, names in ((Doc, ("doc_id", "source")), (Span, ("entity_id", "state"))):
        for name in names:
            if not cls.has_extension(name):
                cls.set_extension(name, default=None)


register()
