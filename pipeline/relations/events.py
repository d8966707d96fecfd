"""Event data from statements: ``tables/events.csv``, one row per (speaker, target) dyad of a statement.

The shape event-data users know (CAMEO / PLOVER: ICEWS, GDELT, POLECAT): who did
what to whom, when, with the type's CAMEO code, Goldstein value and tone, and
the statement and raw offsets that prove it. Actors carry their state (ISO3) and
sector, from the entity's kind:

* a STATE is ``government``;
* an ORG by its lexicon kind (``orgs.csv``): ``government`` (government bodies,
  agencies, seats), ``military``, ``party``, ``media``, ``ngo``, ``igo``,
  ``armed_group``, ``business``; an organisation outside the lexicon ``organisation``;
* a PERSON ``government`` when a text names an office they hold, else ``person``;
* an OFFICE ``government``.

A statement without speaker id or without target gives no event.
"""
from __future__ import annotations

from typing import Iterable, Iterator

EVENT_COLUMNS = ["event_id", "date", "source_id", "source_name", "source_state", "source_sector",
                 "target_id", "target_name", "target_state", "target_sector", "type", "plover", "cameo",
                 "goldstein", "tone", "statement_id", "doc_id", "content_start", "content_end"]

SECTOR_OF_KIND = {"international": "igo", "ngo": "ngo", "armed_group": "armed_group", "party": "party",
                  "government": "government", "seat": "government", "agency": "government",
                  "military": "military", "news": "media", "company": "business"}


def sectors(entities: Iterable[dict], office_holders: set[str]) -> dict[str, str]:
    """entity id -> sector (see the module docstring)."""
    from pipeline.core.lexicons import org_index

    kinds = {name: e.kind for name, e in org_index().items()}
    out = {}
    for e in entities:
        label, eid = e["label"], e["entity_id"]
        if label in ("STATE", "OFFICE"):
            out[eid] = "government"
        elif label == "ORG":
            out[eid] = SECTOR_OF_KIND.get(kinds.get(e["name"], ""), "organisation")
        elif label == "PERSON":
            out[eid] = "government" if eid in office_holders else "person"
    return out


def events(statements: Iterable[dict], entities: dict[str, dict], sector: dict[str, str]) -> Iterator[dict]:
    """The event rows of ``statements`` (rows of statements.csv), given entities by id and their sectors."""
    for st in statements:
        speakers = [s for s in str(st.get("speaker_id") or "").split(";") if s]
        targets = [t for t in str(st.get("target_ids") or "").split(";") if t]
        n = 0
        for src in speakers:
            for tgt in targets:
                if tgt == src:
                    continue
                n += 1
                s_ent, t_ent = entities.get(src, {}), entities.get(tgt, {})
                yield {"event_id": f"{st['statement_id']}:e{n}", "date": st.get("date", ""),
                       "source_id": src, "source_name": s_ent.get("name", ""), "source_state": s_ent.get("state", ""),
                       "source_sector": sector.get(src, ""),
                       "target_id": tgt, "target_name": t_ent.get("name", ""), "target_state": t_ent.get("state", ""),
                       "target_sector": sector.get(tgt, ""),
                       "type": st.get("type", ""), "plover": st.get("plover", ""), "cameo": st.get("cameo", ""),
                       "goldstein": st.get("goldstein", ""), "tone": st.get("tone", ""),
                       "statement_id": st["statement_id"], "doc_id": st["doc_id"],
                       "content_start": st["content_start"], "content_end": st["content_end"]}
