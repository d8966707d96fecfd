"""Statement targets named by reference, not by name (ANNOTATION.md 19), on sentences written for
these tests (none is taken from a gold file): an addressee after `called on`, `both sides` / `the two
parties`, `the rebel group`, `him` / `his` of a speaker who is no person, `his administration`."""
from __future__ import annotations

import pytest

from conftest import by_content



@pytest.fixture(scope="module")
def run(statement_rows):
    return statement_rows


def test_the_addressee_after_called_on_is_a_target(run):
    found = run("Brazil and Mexico on Sunday called on Bolivian authorities to release the detained journalists.")
    s = by_content(found, "release the detained journalists")
    assert "state:BOL" in s["targets"], s
    # "on" as a date or a channel is no addressee
    found = run("Chile said on Monday that it would send aid to the flooded region.")
    assert all("state:CHL" not in x["targets"] for x in found)


def test_both_sides_are_the_speaker_and_its_counterpart_in_the_sentence(run):
    text = ("Japan and Australia agreed on Monday to expand their joint naval drills.\n\n"
            "Earlier, Vietnam rejected a proposal by China for talks, saying an agreement was possible only "
            "if both sides respected international law.")
    s = by_content(run(text), "respected international law")
    assert s["targets"] == ["state:CHN"], s  # not the pair named together before


def test_both_sides_of_a_commentator_are_the_two_parties_named_together(run):
    text = ("Armenia and Azerbaijan exchanged fire along their border on Tuesday.\n\n"
            "French President Emmanuel Macron said France had been in contact with both sides.")
    s = by_content(run(text), "in contact with both sides")
    assert {"state:ARM", "state:AZE"} <= set(s["targets"]), s


def test_the_rebel_group_in_the_content_is_the_armed_group_named_before(run):
    text = ("The Houthis launched a drone at a cargo ship in the Red Sea on Monday.\n\n"
            "The Pentagon said the attack by the rebel group had caused no casualties.")
    s = by_content(run(text), "caused no casualties")
    assert "org:houthis" in s["targets"], s


def test_his_of_a_body_speaking_is_the_person_named_before(run):
    text = ("Opposition leader Ivan Petrov was arrested in Minsk on Friday. "
            "The European Union called for his immediate release.")
    s = by_content(run(text), "immediate release")
    assert any(x.startswith("person:") and "petrov" in x for x in s["targets"]), s
    # a person's own `his` may be himself: left alone
    text = ("Opposition leader Ivan Petrov met Chancellor Anna Berg in Berlin on Friday. "
            "Petrov said his party would boycott the vote.")
    s = by_content(run(text), "boycott the vote")
    assert not any(x.startswith("person:") for x in s["targets"]), s


def test_his_administration_is_the_speakers_state(run):
    text = "Kenyan President William Ruto said his administration would not accept foreign interference."
    s = by_content(run(text), "foreign interference")
    assert "state:KEN" in s["targets"], s
