"""The state lexicon: built from maintained packages, checked where they are known to be wrong."""
from __future__ import annotations

import csv
import importlib.util
import sys

import pytest

from conftest import REPO
from pipeline.core import lexicons


def test_every_un_member_and_observer_is_there():
    names = lexicons.states().names
    assert len(names) >= 195  # 193 members, 2 observers (and Taiwan, Kosovo)
    for iso3 in ("PRK", "KOR", "USA", "RUS", "UKR", "CHN", "JPN", "PSE", "VAT", "ISR", "IRN", "SSD", "TLS"):
        assert iso3 in names


@pytest.mark.parametrize("alias,iso3", [
    ("North Korea", "PRK"), ("DPRK", "PRK"), ("Democratic People's Republic of Korea", "PRK"), ("Pyongyang", "PRK"),
    ("South Korea", "KOR"), ("Republic of Korea", "KOR"), ("ROK", "KOR"), ("Seoul", "KOR"),
    ("US", "USA"), ("U.S.", "USA"), ("United States", "USA"), ("Washington", "USA"),
    ("Russian Federation", "RUS"), ("Kremlin", "RUS"), ("Kyiv", "UKR"), ("Kiev", "UKR"),
    ("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"), ("Türkiye", "TUR"), ("Myanmar", "MMR"), ("Vietnam", "VNM"),
    ("Iran", "IRN"), ("Syria", "SYR"), ("Laos", "LAO"), ("Czechia", "CZE"),
])
def test_aliases(alias, iso3):
    assert lexicons.states().aliases[alias][0] == iso3


@pytest.mark.parametrize("alias", ["Korea", "Congo", "Guinea", "Georgia", "Jordan", "Chad", "IN", "IT", "TO", "ME", "NO", "KP", "KR"])
def test_ambiguous_names_and_two_letter_codes_are_not_aliases(alias):
    """Korea/Congo/Guinea name two states; Georgia, Jordan, Chad are people and places too;
    ISO alpha-2 codes are English words (country_converter and countryinfo list them as names)."""
    assert alias not in lexicons.states().aliases


def test_republic_of_korea_is_not_sent_to_the_north():
    """country_converter's fuzzy regexes send some Korean names to the wrong state; the lexicon does not."""
    aliases = lexicons.states().aliases
    assert aliases["Republic of Korea"][0] == "KOR"
    assert aliases["Democratic People’s Republic of Korea"][0] == "PRK"


def test_demonyms_tie_but_do_not_name():
    lex = lexicons.states()
    assert lex.demonyms["North Korean"] == "PRK" and lex.demonyms["Japanese"] == "JPN"
    assert "North Korean" not in lex.aliases


@pytest.mark.parametrize("demonym,iso3", [
    ("Philippine", "PHL"), ("Saudi", "SAU"), ("Argentine", "ARG"),
    ("Ecuadorian", "ECU"), ("Kazakh", "KAZ"), ("Uzbek", "UZB"), ("Tajik", "TJK"), ("Kyrgyz", "KGZ"), ("Lao", "LAO"),
    ("Congolese", "COD"), ("Slovenian", "SVN"), ("Nepali", "NPL"), ("Azeri", "AZE"), ("Thai", "THA"),
    ("Bosnian", "BIH"), ("Montenegrin", "MNE"), ("Togolese", "TGO"), ("Dominican", "DOM"), ("Kosovar", "XKX"),
])
def test_the_demonyms_news_copy_uses(demonym, iso3):
    """countryinfo holds one demonym per state, often not the form news copy uses (states_curated.toml)."""
    assert lexicons.states().demonyms[demonym] == iso3


@pytest.mark.parametrize("word", ["Thai", "Togolese", "Montenegrin", "Island", "Prathet"])
def test_demonyms_and_common_words_are_no_names_of_a_state(word):
    """ANNOTATION.md rule 3: a demonym is never STATE; `Island` (Iceland) is a word of place names."""
    assert word not in lexicons.states().aliases


def test_every_state_has_a_demonym_but_where_two_share_it():
    lex = lexicons.states()
    without = set(lex.names) - set(lex.demonyms.values())
    # the Vatican has none in use; `Dominican` and `Congolese` go to the state news means by them
    assert without <= {"VAT", "DMA", "COG"}


def test_build_script_reproduces_the_committed_lexicon():
    if not all(importlib.util.find_spec(m) for m in ("country_converter", "pycountry", "countryinfo")):
        pytest.skip("the data extra (country_converter, pycountry, countryinfo) is not installed")
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import build_states
    finally:
        sys.path.pop(0)
    with open(REPO / "pipeline" / "data" / "states.csv", encoding="utf-8", newline="") as fh:
        committed = list(csv.DictReader(fh))
    built = [{k: r[k] for k in ("iso3", "state", "kind", "alias")} for r in build_states.build()]
    assert built == committed
