"""Statement types (SCHEMA.md "Statement types") on made-up sentences: cue, content, negation, modality."""
from __future__ import annotations

import pytest

from pipeline.relations.types import lexicon, statement_type, type_columns


@pytest.fixture(scope="module")
def typed(nlp):
    def run(text: str, cue: str, content: str) -> str:
        doc = nlp(text)
        c0 = text.index(cue)
        cue_span = doc.char_span(c0, c0 + len(cue), alignment_mode="expand")
        k0 = text.index(content)
        content_span = doc.char_span(k0, k0 + len(content), alignment_mode="expand")
        return statement_type(doc, (content_span.start, content_span.end), (cue_span.start, cue_span.end))
    return run


@pytest.mark.parametrize("text,cue,content,expected", [
    ("Seoul rejected the proposal for talks.", "rejected", "the proposal for talks", "REJECT"),
    ("The minister urged Pyongyang to return to talks.", "urged", "Pyongyang to return to talks", "APPEAL"),
    ("The ministry accused Manila of violating the agreement.", "accused", "Manila of violating the agreement", "ACCUSE"),
    ("The envoy expressed concern over the drills.", "expressed concern", "over the drills", "CRITICIZE"),
    ("The president welcomed the ceasefire.", "welcomed", "the ceasefire", "SUPPORT"),
    ("The spokesman denied the report.", "denied", "the report", "DENY"),
    ("The ministry called on both sides to show restraint.", "called", "both sides to show restraint", "APPEAL"),
])
def test_the_cue_names_the_act(typed, text, cue, content, expected):
    assert typed(text, cue, content) == expected


@pytest.mark.parametrize("text,cue,content,expected", [
    ("He said that Pyongyang would never accept the offer.", "said", "that Pyongyang would never accept the offer", "REJECT"),
    ("The ministry said it was not interested in any talks.", "said", "it was not interested in any talks", "REJECT"),
    ("The official said the strike was a clear violation of international law.", "said",
     "the strike was a clear violation of international law", "ACCUSE"),
    ("The army said the drills were a reckless provocation.", "said", "the drills were a reckless provocation", "CRITICIZE"),
    ("The minister said the talks went well.", "said", "the talks went well", "COMMENT"),
])
def test_a_neutral_cue_reads_the_content(typed, text, cue, content, expected):
    assert typed(text, cue, content) == expected


@pytest.mark.parametrize("text,cue,content,expected", [
    ("The ministry did not reject the proposal.", "reject", "the proposal", "COMMENT"),
    ("Officials may consider an offer of talks.", "consider", "an offer of talks", "COMMENT"),
    ("Beijing would welcome a meeting.", "welcome", "a meeting", "COMMENT"),
    ("The minister refused to rule out military action.", "refused", "to rule out military action", "THREATEN"),
    ("The senator declined to rule out a tax on carbon.", "declined", "to rule out a tax on carbon", "COMMENT"),
    ("The minister refused to accept the ruling.", "refused", "to accept the ruling", "REJECT"),
    ("The spokesman said Seoul did not reject the plan.", "said", "Seoul did not reject the plan", "COMMENT"),
])
def test_negation_and_modality(typed, text, cue, content, expected):
    assert typed(text, cue, content) == expected


def test_warn_is_a_threat_when_the_speakers_side_would_act(typed):
    assert typed("The army warned that we will retaliate against any attack.", "warned",
                 "that we will retaliate against any attack") == "THREATEN"
    assert typed("The agency warned residents to beware of falling debris.", "warned",
                 "residents to beware of falling debris") == "WARN"
    assert typed("The general vowed to retaliate against the strike.", "vowed", "to retaliate against the strike") == "THREATEN"


def test_every_type_has_the_schema_columns():
    lex = lexicon()
    assert set(lex.types) == {"COMMENT", "SUPPORT", "AGREE", "CONCEDE", "APPEAL", "DEMAND", "CRITICIZE", "ACCUSE",
                              "REJECT", "DENY", "WARN", "THREATEN"}
    cols = type_columns("THREATEN")
    assert cols == {"type": "THREATEN", "cameo": "130", "goldstein": -4.4, "tone": "conflictual", "plover": "THREATEN"}
    assert all((t.goldstein > 0) == (t.tone == "cooperative") for t in lex.types.values() if t.tone != "neutral")


def test_a_coercive_act_by_the_speakers_own_side_is_a_threat(nlp):
    from pipeline.ner.resolve import annotate

    def run(text: str) -> str:
        doc = nlp(text)
        annotate(doc, "t")
        said = next(t for t in doc if t.text == "said")
        speaker = (0, said.i)
        return statement_type(doc, (said.i + 1, len(doc) - 1), (said.i, said.i + 1), speaker)

    assert run("Israeli Defence Minister Yoav Gallant said Israel must continue to attack its enemies.") == "THREATEN"
    assert run("Iranian Foreign Minister Abbas Araghchi said Israel must continue to attack its enemies.") == "COMMENT"
    assert run("The Chinese Foreign Ministry said we will respond to any provocation.") == "THREATEN"


def test_harm_reported_of_others_is_an_accusation(nlp):
    from pipeline.ner.resolve import annotate

    def run(text: str) -> str:
        doc = nlp(text)
        annotate(doc, "t")
        said = next(t for t in doc if t.text == "said")
        return statement_type(doc, (said.i + 1, len(doc) - 1), (said.i, said.i + 1), (0, said.i))

    assert run("The Pakistani military said Indian air strikes had killed 36 civilians.") == "ACCUSE"
    assert run("The rights group said the government had detained dozens of journalists.") == "ACCUSE"
    assert run("The Indian army said its strikes had destroyed nine camps.") == "COMMENT"  # its own side's act
    assert run("The minister said the talks went well.") == "COMMENT"


def test_a_coercive_act_in_the_passive_future_is_a_threat(typed):
    text = "The statement said all those plotting independence will be annihilated."
    assert typed(text, "said", "all those plotting independence will be annihilated") == "THREATEN"
    text = "The army said the camps were destroyed by its jets."
    assert typed(text, "said", "the camps were destroyed by its jets") == "COMMENT"  # its own act, no threat


def test_a_danger_ahead_is_a_warning(typed):
    text = "The envoy said inaction would lead to an even greater catastrophe."
    assert typed(text, "said", "inaction would lead to an even greater catastrophe") == "WARN"
    text = "The envoy said the catastrophe of 1998 changed the country."
    assert typed(text, "said", "the catastrophe of 1998 changed the country") == "COMMENT"  # no danger ahead


def test_an_agreement_reached_is_agree(typed):
    text = "The minister confirmed the agreement had been reached by the two countries."
    assert typed(text, "confirmed", "the agreement had been reached by the two countries") == "AGREE"
    text = "The minister said the deal had been criticised at home."
    assert typed(text, "said", "the deal had been criticised at home") != "AGREE"


def test_a_noun_after_the_verb_is_not_its_act(typed):
    text = "The official said the statements appeared to have no direct rebuke of Seoul."
    assert typed(text, "said", "the statements appeared to have no direct rebuke of Seoul") == "COMMENT"
