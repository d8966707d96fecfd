"""Speaker ids of descriptors and pronouns that name no entity themselves, on made-up news copy.

- `it` whose antecedent is the possessor of the noun that governs its clause
  (`North Korea's unveiling of what it claims ...`);
- media and commentators tied to a state by a name or demonym are no voice of
  that state (`the ROK media`, `Chinese experts`), while `state media` is;
- a top post the text never pairs with a name (`the bloc's top diplomat`, `the
  chief diplomat of the EU`) stands for the one person near it who speaks under
  a bare name and holds no other post in the text.

None of the sentences is taken from a gold file.
"""
from __future__ import annotations

import pytest

from conftest import by_content



@pytest.fixture(scope="module")
def run(statement_rows):
    return statement_rows


# `it` standing for a possessor --------------------------------------------------------------------

def test_it_takes_the_possessor_of_the_noun_governing_its_clause(run):
    text = ("Doubts grow over Iran's missile claims\n\n"
            "Western governments were alarmed by Iran's display of what it claims to be a hypersonic missile "
            "with a range of 1,400 kilometres.")
    found = run(text)
    st = by_content(found, "hypersonic")
    assert st["speaker"] == "it"
    assert st["ids"] == ["state:IRN"]


# media tied to a state ----------------------------------------------------------------------------

def test_media_named_after_a_state_are_not_the_state(run):
    text = ("Japanese media reported on Sunday that the typhoon had destroyed more than 300 homes in Okinawa.")
    found = run(text)
    st = by_content(found, "typhoon")
    assert st["ids"] == []


def test_experts_with_a_demonym_are_not_the_state_but_officials_are(run):
    text = ("Chinese experts said the new tariffs would hurt exporters in Guangdong. "
            "Chinese officials said Beijing would respond firmly to the tariffs.")
    found = run(text)
    assert by_content(found, "hurt exporters")["ids"] == []
    assert by_content(found, "respond firmly")["ids"] == ["state:CHN"]


# a top post standing for a person named elsewhere ---------------------------------------------------

def test_top_diplomat_is_the_person_who_speaks_untitled_nearby(run):
    text = ("NATO to hold emergency talks on drone incursions\n\n"
            "The alliance will convene an emergency meeting of foreign ministers next week, the bloc's top "
            "diplomat announced on Friday.\n\n"
            "Polish Prime Minister Donald Tusk has demanded a firmer response to the incursions.\n\n"
            "Kaja Kallas told reporters in Brussels that the incursions were a deliberate provocation.\n\n"
            "\"We will not be intimidated,\" the chief diplomat of the EU said.")
    found = run(text)
    assert by_content(found, "emergency meeting")["ids"] == ["person:kaja-kallas"]
    assert by_content(found, "intimidated")["ids"] == ["person:kaja-kallas"]


def test_top_diplomat_stays_with_the_body_when_two_people_speak_untitled(run):
    text = ("The bloc's top diplomat said the sanctions package would be adopted on Monday.\n\n"
            "Kaja Kallas said the package targets the shadow fleet. Peter Szijjarto said Hungary would "
            "not block it.")
    found = run(text)
    assert not any(i.startswith("person:") for i in by_content(found, "sanctions package")["ids"])


# a body named in the speaker's post-modifier -------------------------------------------------------

def test_official_concerned_of_a_ministry_is_the_ministry(run):
    text = ("In July, an official concerned of the Ministry of Foreign Affairs of Japan made clear that the drills "
            "were aimed at the DPRK, saying that the allies would respond to any provocation.")
    found = run(text)
    assert by_content(found, "drills were aimed")["ids"] == ["org:foreign-ministry-jpn"]
    assert by_content(found, "respond to any provocation")["ids"] == ["org:foreign-ministry-jpn"]


# a name the recogniser missed in the speaker phrase but found elsewhere ------------------------------

def test_speaker_name_missed_here_takes_the_id_found_elsewhere(run):
    text = ("Human rights NGO Centro de Justicia reported Monday there had been 35 arbitrary arrests in the first "
            "week of the campaign. Most of those detained were volunteers, according to Centro.")
    found = run(text)
    first, later = by_content(found, "arbitrary arrests"), by_content(found, "volunteers")
    assert later["ids"] and first["ids"] == later["ids"]
