"""The offset map: exact, monotonic, and unaltered spans read the same in raw and clean text."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings, strategies as st

from pipeline.clean.rules import _Work, clean_text
from conftest import check_offset_map
from pipeline.core.document import OffsetMap


# Pieces real copy is made of: words, names, furniture, entities, odd spaces, quotes.
PIECES = [
    "North Korea", "Ri Son-gwon", " said", " that", ".", ",", " ", "  ", "\n", "\n\n\n\n", "\r\n",
    "\u00a0", "\u200b", "\u00ad", "\ufeff", "&#x27;", "&amp;", "&amp;#x27;", "&bogus;", "\u201c", "\u201d",
    "\u2019", '"', "'", "``", "''", "ComradeKim", "atKim Il SungSquare", "YouTube", "deal.The",
    "(Yonhap)", " -0-", "Pyongyang, May 29 (KCNA) -- ", "date 2021-06-24 North Korean flag (Reuters-Yonhap)\n",
    "| 29 February 2024, Thursday |\n", "Workers\u00e2\u20ac\u2122 Party", "\t", "<p>", "</b>", "e\u0301",
    "SEOUL, Aug. 20 (Yonhap) -- ", "By Kim Soo-yeon\n", "U.S.", "(END)", "x", "Q", "9",
]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_clean_text_map_is_exact_and_monotonic(pieces):
    raw = "".join(pieces).replace("\r\n", "\n")
    res = clean_text(raw, filename="kcna_2024-05-29_x.txt")
    check_offset_map(raw, res.text, res.offset_map)
    for c in res.credits:
        assert raw[c.start:c.end].strip() == raw[c.start:c.end] and raw[c.start:c.end]
    # the JSON form maps the same
    again = OffsetMap.from_json(res.offset_map.to_json())
    assert again == res.offset_map


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \n", max_size=30), st.data())
def test_any_edits_give_an_exact_map(raw, data):
    """Independent of the rules: random edits, checked against their own bookkeeping."""
    w = _Work(raw)
    for _ in range(data.draw(st.integers(0, 4))):
        n = len(w.text)
        cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=6)))
        edits = []
        for a, b in zip(cuts[::2], cuts[1::2]):
            edits.append((a, b, data.draw(st.text(alphabet="abXY \n", max_size=3))))
        w.apply(edits)
    check_offset_map(raw, w.text, w.offset_map())


def test_a_replacement_maps_to_its_whole_raw_extent():
    raw = "Kim&#x27;s sister"
    res = clean_text(raw)
    assert res.text == "Kim's sister"
    om = res.offset_map
    apostrophe = res.text.index("'")
    assert om.to_raw(apostrophe, apostrophe + 1) == (3, 9)
    assert om.to_raw(0, 3) == (0, 3)  # "Kim" untouched
    s = res.text.index("sister")
    assert raw[slice(*om.to_raw(s, s + 6))] == "sister"
    assert not om.is_unaltered(0, 5) and om.is_unaltered(0, 3)


def test_deleted_raw_text_maps_to_no_clean_span():
    raw = "Pyongyang, May 29 (KCNA) -- Kim Yo Jong said so."
    res = clean_text(raw)
    assert res.text == "Kim Yo Jong said so."
    om = res.offset_map
    assert om.to_clean(0, 9) is None  # the dateline's place name is gone
    k = raw.index("KCNA")
    assert om.to_clean(k, k + 4) is None
    s = raw.index("Kim")
    assert om.to_clean(s, s + 11) == (0, 11)
