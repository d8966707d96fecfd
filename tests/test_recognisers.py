"""The recognisers on real sentences: fragments of the shared articles and realistic ones like them."""
from __future__ import annotations

import pytest

from conftest import ents


def labelled(doc, text):
    return [e.label_ for e in doc.ents if e.text == text]


# -- states: names, abbreviations, metonymy -----------------------------------

@pytest.mark.parametrize("sentence,actor", [
    ("US nuclear envoy Sung Kim said in Seoul that Washington has offered to meet with the North.", "Washington"),
    ("He looks forward to Pyongyang responding positively to the overtures.", "Pyongyang"),
    ("The US has wrong expectations for dialogue with Pyongyang.", "Pyongyang"),
    ("It is too early to conclude that those statements represent Pyongyang's official stance.", "Pyongyang"),
    ("The danger of the U.S. move to drive the Kiev authorities into a proxy war is clear.", "Kiev"),
    ("Beijing has repeatedly urged restraint on the peninsula.", "Beijing"),
    ("The Kremlin said on Monday it welcomed the talks.", "Kremlin"),
    ("Tokyo protested the launch through diplomatic channels.", "Tokyo"),
])
def test_capitals_and_seats_acting_for_a_government_are_states(nlp, sentence, actor):
    doc = nlp(sentence)
    assert labelled(doc, actor) == ["STATE"], ents(doc)


@pytest.mark.parametrize("sentence,place", [
    ("US nuclear envoy Sung Kim said in Seoul that talks should resume.", "Seoul"),
    ("Talks have stalled since the Hanoi summit between Trump and Kim in 2019.", "Hanoi"),
    ("The foreign ministers met in Moscow on Tuesday.", "Moscow"),
    ("She flew to Tokyo for trilateral talks.", "Tokyo"),
    ("Waste paper was found in the border area and in Seoul and other parts of the country.", "Seoul"),
])
def test_capitals_as_places_are_not_states(nlp, sentence, place):
    doc = nlp(sentence)
    assert "STATE" not in labelled(doc, place), ents(doc)


def test_state_names_abbreviations_and_official_names(nlp):
    doc = nlp("The DPRK (Democratic People's Republic of Korea) said the U.S. and the ROK, "
              "backed by the United Kingdom and Japan, had provoked it; Russia and Ukraine were silent, "
              "while the UAE and Brazil called for calm.")
    got = {(e.text, e.kb_id_) for e in doc.ents if e.label_ == "STATE"}
    assert got >= {("DPRK", "PRK"), ("Democratic People's Republic of Korea", "PRK"), ("U.S.", "USA"), ("ROK", "KOR"),
                   ("United Kingdom", "GBR"), ("Japan", "JPN"), ("Russia", "RUS"), ("Ukraine", "UKR"),
                   ("UAE", "ARE"), ("Brazil", "BRA")}
    # "the" is never part of a span
    assert all(not e.text.lower().startswith("the ") for e in doc.ents)


def test_north_and_south_only_where_the_document_is_about_korea(nlp):
    doc = nlp("North Korea rejected talks. We will resume dialogue between the South and the North, "
              "and the North and the US, the official said.")
    assert [(e.text, e.kb_id_) for e in doc.ents if e.text in ("North", "South")] == [("South", "KOR"), ("North", "PRK"), ("North", "PRK")]
    doc = nlp("Storms hit the North on Monday while the South stayed dry, the weather service said.")
    assert not [e for e in doc.ents if e.text in ("North", "South")]
    doc = nlp("North Korea fired missiles into the South China Sea area, and the North Korean army stood by.")
    assert not [e for e in doc.ents if e.text in ("North", "South")]


def test_demonyms_are_not_mentions_but_are_kept_for_ties(nlp):
    doc = nlp("On Wednesday night, North Korean Foreign Minister Ri Son-gwon issued a statement.")
    assert ents(doc) == [("Foreign Minister", "OFFICE"), ("Ri Son-gwon", "PERSON")]
    assert [(s.text, s.kb_id_) for s in doc.spans["ng_demonyms"]] == [("North Korean", "PRK")]


# -- offices -----------------------------------------------------------------------

@pytest.mark.parametrize("sentence,expected", [
    ("In a statement, the country's First Vice Minister of Foreign Affairs Choe Son Hui said Washington had been trying.",
     [("First Vice Minister of Foreign Affairs", "OFFICE"), ("Choe Son Hui", "PERSON"), ("Washington", "STATE")]),
    ("Earlier on Monday, US special envoy for North Korea Sung Kim offered to meet.",
     [("US", "STATE"), ("special envoy", "OFFICE"), ("North Korea", "STATE"), ("Sung Kim", "PERSON")]),
    ("I heard the news that the US National Security Advisor had mentioned it.",
     [("US", "STATE"), ("National Security Advisor", "OFFICE")]),
    ("Kim Yo Jong, vice department director of the Central Committee of the Workers' Party of Korea, issued a statement.",
     [("Kim Yo Jong", "PERSON"), ("vice department director", "OFFICE"),
      ("Central Committee of the Workers' Party of Korea", "ORG")]),
    ("Kim Son Gyong, vice-minister for International Organizations of the Foreign Ministry, released a statement.",
     [("Kim Son Gyong", "PERSON"), ("vice-minister for International Organizations", "OFFICE"), ("Foreign Ministry", "ORG")]),
    ("A spokesman for the Foreign Ministry of the Democratic People's Republic of Korea released a statement.",
     [("spokesman", "OFFICE"), ("Foreign Ministry", "ORG"), ("Democratic People's Republic of Korea", "STATE")]),
    ("Japanese Prime Minister Fumio Kishida met German Chancellor Olaf Scholz in Berlin.",
     [("Prime Minister", "OFFICE"), ("Fumio Kishida", "PERSON"), ("Chancellor", "OFFICE"), ("Olaf Scholz", "PERSON")]),
])
def test_offices_are_split_from_state_and_holder(nlp, sentence, expected):
    assert ents(nlp(sentence)) == expected


def test_generic_roles_are_not_offices(nlp):
    doc = nlp("A unification ministry official said Thursday that Guterres let his spokesperson make public his stand.")
    assert "OFFICE" not in [e.label_ for e in doc.ents]
    assert ("unification ministry", "ORG") in ents(doc)


# -- organisations and people ------------------------------------------------------------

def test_organisations_without_the_and_without_their_state(nlp):
    doc = nlp("It said so in a statement published by state-run Korean Central News Agency, the Yonhap News agency "
              "reported, echoing the loudspeaker of the U.S. Department of State and the UN Security Council.")
    got = ents(doc)
    assert ("Korean Central News Agency", "ORG") in got
    assert ("Yonhap News agency", "ORG") in got
    assert ("U.S.", "STATE") in got and ("Department of State", "ORG") in got
    assert ("UN Security Council", "ORG") in got


def test_korean_names_the_model_misses_and_honorifics(nlp):
    doc = nlp("Respected Comrade Kim Jong Un inspected the site with Choe Son Hui and Ri Son-gwon.")
    people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert people == ["Kim Jong Un", "Choe Son Hui", "Ri Son-gwon"]


def test_places_named_after_people_are_not_people(nlp):
    doc = nlp("A mass rally was held at Kim Il Sung Square, where Choe Ryong Hae delivered a speech.")
    people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert people == ["Choe Ryong Hae"]
