"""The recognisers as spaCy components: lexicons given to ``initialize``, carried by ``to_disk``/``to_bytes``.

On ``spacy.blank("en")`` with made-up lexicons (Freedonia, Sylvania), so that what is found can only
come from the data the test gives; the pretrained pipeline is used once, from the session fixture.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from pipeline.core import lexicons
from pipeline.ner import components  # noqa: F401  (registers the factories)
from pipeline.ner.components.tokenizer import adapt_tokenizer
from pipeline.ner.nlp import COMPONENTS, initialize_components, load_pipeline, pipeline_fingerprint, save_pipeline

REPO = Path(__file__).resolve().parents[2]

STATES = lexicons.StateLexicon(
    aliases={"Freedonia": ("FRD", "name"), "Sylvania": ("SYL", "name"), "Republic of Sylvania": ("SYL", "name")},
    demonyms={"Freedonian": "FRD", "Sylvanian": "SYL"},
    names={"FRD": "Freedonia", "SYL": "Sylvania"},
)
LEXICONS = {
    "states": STATES,
    "persons": {"korean_surnames": ["Ri", "Pak"], "honorifics": ["Mr.", "Comrade"]},
    "orgs": [lexicons.OrgEntry("Sylvanian News Agency", ("Sylvanian News Agency", "SNA"), "SYL", "news"),
             {"name": "Freedonian Assembly", "aliases": ["Freedonian Assembly"]}],
    "org_grammar": {"heads": ["ministry"], "domains": ["foreign", "defence"]},
    "offices": {"heads": ["minister", "spokesman"], "modifiers": ["foreign", "vice", "prime"], "needs_body": ["spokesman"],
                "complement_preps": ["of", "for"], "exclude_words": ["former"]},
    "names": {"region_features": ["Strait", "Sea"]},
}
TEXTS = [
    "Freedonian Foreign Minister Ri Son-gwon told the Sylvanian News Agency (SNA) that Sylvania had broken the accord.",
    "The Freedonian Assembly said France and the Republic of Sylvania had no claim on the Sylvania Strait.",
    "A spokesman for the Foreign Ministry said Mr. Pak Jong Chol would travel to Freedonia, but Choe Son Hui would not.",
]


@Language.component("test_sentences")
def sentences(doc):
    """A sentence ends after `.`, `!`, `?` (the merger reads sentences). Not spaCy's sentencizer: it
    writes its characters, a set, in hash order, so its bytes differ between processes."""
    for tok in doc:
        tok.is_sent_start = tok.i == 0 or doc[tok.i - 1].text in (".", "!", "?")
    return doc


def blank(**lex):
    """A blank English pipeline with our components, initialized with ``lex`` (default: the made-up LEXICONS)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("test_sentences")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    initialize_components(nlp, **(lex or LEXICONS))
    return nlp


def annotations(docs):
    return [([(e.text, e.label_, e.kb_id_) for e in doc.ents],
             {k: [(s.text, s.label_, s.kb_id_) for s in g] for k, g in sorted(doc.spans.items())}) for doc in docs]


@pytest.fixture(scope="module")
def made_up():
    return blank()


def test_components_find_what_the_given_lexicon_names(made_up):
    doc = made_up(TEXTS[0])
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Foreign Minister", "OFFICE", ""), ("Ri Son-gwon", "PERSON", ""),
        ("Sylvanian News Agency", "ORG", "Sylvanian News Agency"), ("SNA", "ORG", "Sylvanian News Agency"),
        ("Sylvania", "STATE", "SYL")]
    assert [(s.text, s.kb_id_) for s in doc.spans["ng_demonyms"]] == [("Freedonian", "FRD"), ("Sylvanian", "SYL")]


def test_only_the_given_lexicon_is_used(made_up):
    doc = made_up(TEXTS[1])
    states = [(s.text, s.kb_id_) for s in doc.spans["ng_states"]]
    # France is in pipeline/data, not in the made-up lexicon; a region feature stops Sylvania
    assert states == [("Republic of Sylvania", "SYL")]
    doc = made_up(TEXTS[2])
    # Choe is a surname of persons.toml, not of the made-up list; the honorific is stripped
    assert [s.text for s in doc.spans["ng_persons"]] == ["Pak Jong Chol"]
    assert ("Pak Jong Chol", "PERSON") in [(e.text, e.label_) for e in doc.ents]
    assert ("Foreign Ministry", "ORG") in [(e.text, e.label_) for e in doc.ents]


def test_initialize_without_data_loads_pipeline_data():
    nlp = spacy.blank("en")
    states = nlp.add_pipe("newsgraph_states")
    states.initialize(lambda: [], nlp=nlp)
    doc = nlp("France and Freedonia signed the accord in Brazil.")
    assert [(s.text, s.kb_id_) for s in doc.spans["ng_states"]] == [("France", "FRA"), ("Brazil", "BRA")]
    assert states.lexicon["states"]["aliases"] == [[a, iso3, kind] for a, (iso3, kind) in lexicons.states().aliases.items()]


def test_spacy_initialize_takes_lexicons_from_the_config():
    nlp = spacy.blank("en")
    nlp.add_pipe("newsgraph_persons")
    nlp.config["initialize"]["components"]["newsgraph_persons"] = {"persons": {"korean_surnames": ["Choe"]}}
    nlp.initialize()
    doc = nlp("Choe Son Hui met Ri Son-gwon in the capital.")
    assert [s.text for s in doc.spans["ng_persons"]] == ["Choe Son Hui"]


def test_an_uninitialized_component_says_so():
    nlp = spacy.blank("en")
    nlp.add_pipe("newsgraph_states")
    with pytest.raises(ValueError, match="no lexicon"):
        nlp("Freedonia and Sylvania signed the accord.")


def test_factories_declare_what_they_assign_and_require(made_up):
    assert made_up.get_pipe_meta("newsgraph_states").assigns == ["doc.spans"]
    assert "doc.spans" in made_up.get_pipe_meta("newsgraph_orgs").requires
    assert set(made_up.get_pipe_meta("newsgraph_entities").assigns) >= {"doc.ents"}
    assert made_up.get_pipe_meta("newsgraph_entities").requires[:2] == ["doc.spans", "doc.ents"]


def test_to_disk_from_disk_round_trip_without_pipeline_data(made_up, tmp_path, monkeypatch):
    made_up.to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / "newsgraph_states" / "lexicon.json").is_file()

    def no_data(*args, **kwargs):
        raise AssertionError("pipeline/data read")

    for loader in ("states", "orgs", "org_grammar", "offices", "persons", "names", "data_file"):
        monkeypatch.setattr(lexicons, loader, no_data)
    loaded = load_pipeline(tmp_path / "nlp")
    assert loaded.pipe_names == made_up.pipe_names
    assert annotations(loaded.pipe(TEXTS)) == annotations(made_up.pipe(TEXTS))
    for name in COMPONENTS:
        assert loaded.get_pipe(name).to_bytes() == made_up.get_pipe(name).to_bytes()


def test_component_to_bytes_from_bytes(made_up):
    nlp = spacy.blank("en")
    nlp.add_pipe("test_sentences")
    for name in COMPONENTS:
        nlp.add_pipe(name).from_bytes(made_up.get_pipe(name).to_bytes())
    assert annotations(nlp.pipe(TEXTS)) == annotations(made_up.pipe(TEXTS))


def test_lexicon_bytes_do_not_depend_on_the_order_of_a_set():
    a = blank(**{**LEXICONS, "persons": {"korean_surnames": ["Ri", "Pak"]}})
    b = blank(**{**LEXICONS, "persons": {"korean_surnames": ["Pak", "Ri", "Pak"]}})
    assert a.get_pipe("newsgraph_persons").to_bytes() == b.get_pipe("newsgraph_persons").to_bytes()


def test_pipe_with_two_processes(made_up):
    texts = TEXTS * 4
    assert annotations(made_up.pipe(texts, n_process=2, batch_size=2)) == annotations(made_up.pipe(texts))


def test_fingerprint_is_stable_and_follows_the_lexicon(made_up, tmp_path):
    fp = pipeline_fingerprint(made_up)
    assert len(fp) == 16 and int(fp, 16) >= 0
    assert pipeline_fingerprint(made_up) == fp
    list(made_up.pipe(["Marshovia and Freedonia agreed on a new border."]))  # new strings in the vocab
    assert pipeline_fingerprint(made_up) == fp
    save_pipeline(made_up, tmp_path / "nlp")
    assert pipeline_fingerprint(tmp_path / "nlp") == fp
    assert pipeline_fingerprint(load_pipeline(tmp_path / "nlp")) == fp
    more = lexicons.StateLexicon({**STATES.aliases, "Marshovia": ("MRS", "name")}, STATES.demonyms,
                                 {**STATES.names, "MRS": "Marshovia"})
    changed = blank(**{**LEXICONS, "states": more})
    assert pipeline_fingerprint(changed) != fp
    doc = changed("Marshovia and Freedonia agreed.")
    assert [s.text for s in doc.spans["ng_states"]] == ["Marshovia", "Freedonia"]


def test_fingerprint_is_the_same_in_another_process():
    """Set and dict orders differ between processes (string hashing): the serialisation must not."""
    code = ("from tests.ner.test_components import blank; from pipeline.ner.nlp import pipeline_fingerprint; "
            "print(pipeline_fingerprint(blank()))")
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
                         env={**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}", "PYTHONHASHSEED": seed})
    assert out.stdout.strip() == pipeline_fingerprint(blank())


def test_save_pipeline_replaces_a_saved_pipeline_whole(made_up, tmp_path):
    target = tmp_path / "nlp"
    target.mkdir()
    (target / "stale.txt").write_text("from an older pipeline")
    assert save_pipeline(made_up, target) == target
    assert not (target / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nlp"]  # no temporary directory left
    assert (target / "config.cfg").is_file()


def test_adapted_tokenizer_survives_saving(tmp_path):
    nlp = spacy.blank("en")
    text = "Im Eul-chul said the talks had stalled.“North Korea will respond,” he added."
    assert [t.text for t in nlp(text)][:2] == ["I", "m"]
    adapt_tokenizer(nlp, persons={"korean_surnames": ["Im"]})
    words = [t.text for t in nlp(text)]
    assert words[:2] == ["Im", "Eul"] and "“" in words
    save_pipeline(nlp, tmp_path / "nlp")
    assert [t.text for t in load_pipeline(tmp_path / "nlp")(text)] == words


def test_tokenizer_adaptation_as_a_config_callback():
    nlp = spacy.blank("en")
    nlp.config["initialize"]["before_init"] = {"@callbacks": "newsgraph.adapt_tokenizer.v1"}
    nlp.initialize()
    assert [t.text for t in nlp("Im Eul-chul told reporters.")][:2] == ["Im", "Eul"]


def test_pretrained_pipeline_round_trip(nlp, tmp_path):
    """The built pipeline (session fixture) saved and loaded: same entities, and the loaded pipeline
    saves to the same files."""
    texts = ["North Korean Foreign Minister Ri Son-gwon said Washington had offered talks with Pyongyang.",
             "A spokesman for the South Korean unification ministry told Yonhap that Kim Yo Jong's statement was regrettable."]
    save_pipeline(nlp, tmp_path / "nlp")
    loaded = load_pipeline(tmp_path / "nlp")
    got = [[(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents] for doc in loaded.pipe(texts)]
    assert got == [[(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents] for doc in nlp.pipe(texts)]
    assert ("Ri Son-gwon", "PERSON") in [(e.text, e.label_) for e in loaded(texts[0]).ents]
    assert pipeline_fingerprint(loaded) == pipeline_fingerprint(tmp_path / "nlp")
