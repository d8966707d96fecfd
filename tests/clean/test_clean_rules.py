"""Each cleaning rule, on fragments of the shared articles and realistic cases like them."""
from __future__ import annotations

import pytest

from pipeline.clean.rules import clean_text, find_full_date, find_month_day


def raw_of(res, raw, s, e):
    rs, re_ = res.offset_map.to_raw(s, e)
    return raw[rs:re_]


def assert_maps_back(res, raw, phrase):
    """``phrase`` is in the clean text and its raw span reads the same characters."""
    i = res.text.index(phrase)
    assert raw_of(res, raw, i, i + len(phrase)) == phrase


# -- page furniture and metadata lines ---------------------------------------

SEED_000_HEAD = (
    " date 2021-06-24 North Korean flag (Reuters-Yonhap)\n\n"
    "Dialogue and cooperation are the best way to ensure stable and peaceful control of the "
    "situation on the Korean Peninsula, a unification ministry official said Thursday.\n"
)


def test_date_line_fused_with_caption_and_credit_is_removed():
    res = clean_text(SEED_000_HEAD)
    assert res.text.startswith("Dialogue and cooperation")
    assert "flag" not in res.text and "2021" not in res.text and "Reuters" not in res.text
    assert res.date == "2021-06-24" and res.date_source == "header"
    names = [(c.name, SEED_000_HEAD[c.start:c.end], c.where) for c in res.credits]
    assert names == [("Reuters", "Reuters", "caption"), ("Yonhap", "Yonhap", "caption")]
    assert [r.kind for r in res.removed] == ["header"]
    assert_maps_back(res, SEED_000_HEAD, "unification ministry official")


def test_pipe_delimited_date_line_and_headline():
    raw = ("| 29 February 2024, Thursday |\n\nNorth Korea turns down US offer for official meeting\n\n"
           "\u201cWe are not considering even the possibility of any contact with the US.\u201d "
           "With such a blatant stance, North Korea\u2019s foreign minister responded.\n")
    res = clean_text(raw)
    assert res.date == "2024-02-29"
    assert res.title == "North Korea turns down US offer for official meeting"
    # headlines count as text: the headline stays, as a paragraph of its own
    assert res.text.startswith(res.title + "\n\n\u201cWe are")
    assert "|" not in res.text and "Thursday" not in res.text
    assert_maps_back(res, raw, res.title)


def test_kcna_headline_then_dateline():
    raw = ("Press Statement of Spokesman for DPRK Foreign Ministry\n"
           "Pyongyang, August 18 (KCNA) -- A spokesman for the Foreign Ministry of the Democratic People's "
           "Republic of Korea released the following press statement on August 18:\n"
           "Shortly ago, Ukraine committed an extremely grave terrorist crime. -0-")
    res = clean_text(raw, filename="kcna_2024-08-18_fm-spokesman-kursk.txt")
    assert res.title == "Press Statement of Spokesman for DPRK Foreign Ministry"
    assert res.text.split("\n\n")[1].startswith("A spokesman for the Foreign Ministry")
    assert "Pyongyang" not in res.text and "KCNA" not in res.text and "-0-" not in res.text
    assert res.text.endswith("terrorist crime.")
    (credit,) = res.credits
    assert (credit.name, raw[credit.start:credit.end], credit.where) == ("KCNA", "KCNA", "dateline")
    assert res.credit == "KCNA"
    # the dateline has no year: the file name completes it, and says so
    assert (res.date, res.date_source) == ("2024-08-18", "dateline+filename")
    assert clean_text(raw).date == ""  # without a dated file name, no guessed year
    assert clean_text(raw, filename="kcna_2024-08-19_x.txt").date == ""  # a file name that disagrees


@pytest.mark.parametrize("dateline,place", [
    ("SEOUL, Aug. 20 (Yonhap) -- ", "SEOUL"),
    ("WASHINGTON, Sept. 3 (Yonhap) -- ", "WASHINGTON"),
    ("TOKYO (Reuters) - ", "TOKYO"),
    ("UNITED NATIONS -- ", "UNITED NATIONS"),
    ("Beijing, 5 March 2023 (Xinhua) \u2014 ", "Beijing"),
])
def test_datelines_are_removed_with_their_credit(dateline, place):
    raw = dateline + "South Korea's unification minister said Tuesday that dialogue remains open.\n"
    res = clean_text(raw)
    assert res.text == "South Korea's unification minister said Tuesday that dialogue remains open."
    assert place not in res.text
    assert all(raw[c.start:c.end] in dateline for c in res.credits)
    assert [r.kind for r in res.removed] == ["dateline"]


def test_dateline_with_a_year_gives_the_date():
    res = clean_text("Beijing, 5 March 2023 (Xinhua) -- China's foreign minister said so.")
    assert (res.date, res.date_source, res.credit) == ("2023-03-05", "dateline", "Xinhua")


def test_a_sentence_with_a_dash_is_not_a_dateline():
    raw = "North Korea -- a country few visit -- said on Friday it would not talk."
    assert clean_text(raw).text == raw
    raw2 = "Kim, the leader -- who rarely speaks -- said nothing."
    assert clean_text(raw2).text == raw2


def test_trailing_credit_and_end_marks():
    raw = ("Nuclear talks have remained stalled since the Hanoi summit between then US President "
           "Donald Trump and Kim in 2019 ended without a deal. (Yonhap)\n\n\n\n")
    res = clean_text(raw)
    assert res.text.endswith("ended without a deal.")
    (c,) = res.credits
    assert (raw[c.start:c.end], c.where, res.credit) == ("Yonhap", "trailer", "Yonhap")
    for tail in (" -0-", "\n(END)", " (Yonhap) -0-", "\n-0-\n", " /END/"):
        res = clean_text("The talks ended without a deal." + tail)
        assert res.text == "The talks ended without a deal.", tail


def test_parentheses_in_body_text_are_not_credits():
    raw = ("\u201cWe continue to hope that the DPRK (Democratic People\u2019s Republic of Korea) will respond "
           "positively,\u201d the Yonhap News agency quoted Kim as saying.\n\nThe ministry (MOFA) declined to comment.")
    res = clean_text(raw)
    assert res.text == raw
    assert res.credits == [] and res.credit == ""


def test_photo_caption_line_with_credit_in_the_middle_is_removed():
    raw = ("North Korean leader Kim Jong-un speaks at a party meeting.\n\n"
           "This photo, released by the Korean Central News Agency, shows Kim Jong-un. (KCNA-Yonhap)\n\n"
           "Kim urged his country to be ready for both dialogue and confrontation.")
    res = clean_text(raw)
    assert "This photo" not in res.text and "KCNA" not in res.text
    assert [c.name for c in res.credits] == ["KCNA", "Yonhap"]
    assert res.text.endswith("dialogue and confrontation.")


def test_bylines_and_copyright_lines_are_removed():
    raw = ("By Kim Soo-yeon\n\nSEOUL, June 24 (Yonhap) -- The unification ministry said on Thursday that "
           "dialogue is the best way.\n\nkimsooyeon@yna.co.kr\n\n(END)\n\u00a9 Yonhap News Agency. All rights reserved.")
    res = clean_text(raw)
    assert res.text == "The unification ministry said on Thursday that dialogue is the best way."


# -- glued words, entities, odd characters -------------------------------------

@pytest.mark.parametrize("raw,clean", [
    ("respected ComradeKim Jong Un inspected", "respected Comrade Kim Jong Un inspected"),
    ("a mass rally atKim Il SungSquare on Sunday", "a mass rally at Kim Il Sung Square on Sunday"),
    ("the talks with theUS failed", "the talks with the US failed"),
])
def test_glued_words_are_split(raw, clean):
    res = clean_text(raw)
    assert res.text == clean
    assert_maps_back(res, raw, "Kim" if "Kim" in clean else "US")


@pytest.mark.parametrize("word", ["YouTube", "McDonald", "iPhone", "JoongAng Ilbo", "PyeongChang", "WhatsApp", "LeBron"])
def test_real_camel_case_words_are_kept(word):
    raw = f"He spoke to {word} reporters on Monday."
    assert clean_text(raw).text == raw


def test_html_entities_are_decoded_and_map_back():
    raw = "Kim Yo Jong&#x27;s statement said the US &amp; its allies face &quot;disappointment&quot;; double &amp;#x27;escaped&amp;#x27;."
    res = clean_text(raw)
    assert res.text == "Kim Yo Jong's statement said the US & its allies face \"disappointment\"; double 'escaped'."
    i = res.text.index("'")
    assert raw_of(res, raw, i, i + 1) == "&#x27;"
    assert_maps_back(res, raw, "Kim Yo Jong")


def test_invisible_and_odd_spaces():
    raw = "North\u00a0Korea\u2019s foreign\u200b minister Ri Son\u00adGwon said\u202fso.\tIt was\u3000brief."
    res = clean_text(raw)
    assert res.text == "North Korea\u2019s foreign minister Ri SonGwon said so. It was brief."
    i = res.text.index("North Korea")
    assert raw_of(res, raw, i, i + 11) == "North\u00a0Korea"


def test_byte_order_mark_and_crlf():
    raw = "\ufeffNorth Korea said on Friday.\n\nIt will not talk.\n"  # CRLF already read as \n
    res = clean_text(raw)
    assert res.text == "North Korea said on Friday.\n\nIt will not talk."
    assert raw_of(res, raw, 0, 11) == "North Korea"
    assert res.offset_map.to_raw(0, 11) == (1, 12)  # the BOM counts as a raw character


def test_blank_line_runs_and_wrapped_lines():
    raw = ("The official said that the North's latest statements cannot be seen\n"
           "as positive but pointed out that they were relatively brief.\n\n\n\n\n"
           "   \n\"It is too early to conclude,\"  the official said.\n"
           "Next paragraph in KCNA style starts with a capital.\n")
    res = clean_text(raw)
    assert res.text == ("The official said that the North's latest statements cannot be seen as positive but "
                        "pointed out that they were relatively brief.\n\n\"It is too early to conclude,\" the "
                        "official said.\n\nNext paragraph in KCNA style starts with a capital.")


def test_missing_space_after_sentence_end():
    res = clean_text("It ended without a deal.The talks stalled.\u201dShe added nothing.")
    assert res.text == "It ended without a deal. The talks stalled.\u201d She added nothing."
    for kept in ("the U.S.Forces Korea", "see yna.co.kr for more", "visit www.Example.com now", "at 3 p.m. Monday"):
        assert clean_text(kept).text == kept


def test_quotes_are_kept_for_the_parser():
    raw = ("\u201cThe expectation, which they chose to harbor the wrong way, would plunge them into a greater "
           "disappointment,\u201d she added. He called it an \u2018interesting signal,\u2019 and \"wrong\" expectations.")
    assert clean_text(raw).text == raw
    res = clean_text("He said ``we will respond'' and left; \u201elow quotes\u201d too.")
    assert res.text == "He said \u201cwe will respond\u201d and left; \u201clow quotes\u201d too."


def test_unbalanced_quotes_do_not_break_cleaning():
    raw = ("\u201cWe are not considering even the possibility of any contact with the US\n\n"
           "\u201cWith that in mind, we will do whatever it takes,\" the official added.\n\n"
           "He said \"anywhere, anytime without preconditions and left.")
    res = clean_text(raw)
    assert res.text.count("\u201c") == 2 and res.text.count('"') == 2


def test_mojibake_is_repaired():
    raw = "the Central Committee of the Workers\u00e2\u20ac\u2122 Party of Korea said"
    res = clean_text(raw)
    assert res.text == "the Central Committee of the Workers\u2019 Party of Korea said"
    assert_maps_back(res, raw, "Central Committee")


def test_html_tags_from_lost_markup():
    raw = "<p>North Korea said on <b>Friday</b> it would not talk.</p><p>Seoul regretted it.</p>"
    res = clean_text(raw)
    assert res.text == "North Korea said on Friday it would not talk.\n\nSeoul regretted it."


# -- dates -----------------------------------------------------------------------

@pytest.mark.parametrize("s,iso", [
    ("2021-06-24", "2021-06-24"), ("29 February 2024, Thursday", "2024-02-29"),
    ("Feb. 29, 2024", "2024-02-29"), ("September 3rd, 2023", "2023-09-03"), ("2024.05.30 10:21", "2024-05-30"),
])
def test_full_dates(s, iso):
    assert find_full_date(s).iso() == iso


def test_invalid_and_partial_dates():
    assert find_full_date("30 February 2023") is None
    assert find_full_date("in 2019 ended") is None
    md = find_month_day("May 29")
    assert (md.year, md.month, md.day) == (None, 5, 29)
    assert find_month_day("Sept. 11").month == 9


def test_two_apostrophe_quotes_open_and_close():
    res = clean_text("''We've shown the world we can float like butterflies,'' Mr. Obama said.")
    assert res.text == "\u201cWe've shown the world we can float like butterflies,\u201d Mr. Obama said."


@pytest.mark.parametrize("dateline,credit", [
    ("MOSCOW, September 19. /TASS/. ", "TASS"),
    ("KYIV, March 4. /Ukrinform/. ", "Ukrinform"),
    ("MINSK, May 2 /BELTA/ ", "BELTA"),
])
def test_slash_credit_datelines(dateline, credit):
    raw = dateline + "The spokesman told reporters that talks would resume.\n"
    res = clean_text(raw, filename="x_2025-09-19_y.txt")
    assert res.text == "The spokesman told reporters that talks would resume."
    assert res.credit == credit
    assert [r.kind for r in res.removed] == ["dateline"]


def test_slashes_in_prose_are_no_dateline():
    res = clean_text("Turnout was 3/4 of voters, officials said.\n")
    assert res.text == "Turnout was 3/4 of voters, officials said." and not res.removed
