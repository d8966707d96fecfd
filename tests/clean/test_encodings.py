"""clean-text on files that are not plain UTF-8 (issue 13): legacy code pages are decoded when the
encoding can be told, UTF-16 with a byte-order mark is read, the rest is reported, binary skipped.

Raw offsets of such a document index ``open(path, encoding=<encoding column>).read()``."""
from __future__ import annotations

import codecs
import csv
from pathlib import Path

import pytest

from pipeline.clean import stage as clean_stage
from pipeline.clean.stage import NotText, decode_raw
from pipeline.core.config import Settings
from pipeline.core.document import CleanDocument

FRENCH = ("Le ministre français des Affaires étrangères a déclaré mercredi à Genève que la réunion "
          "avait été « très difficile ».\n\n"
          "Il a ajouté que la délégation reviendrait la semaine prochaine pour reprendre les négociations.\n")
GERMAN = ("Der Außenminister sagte am Dienstag in München, die Gespräche über die Öffnung der Grenze "
          "seien vorerst gescheitert.\n\n"
          "Ein Sprecher des Ministeriums äußerte sich am Abend nicht zu den Berichten.\n")
CURLY = ("\u201cWe will not back down,\u201d the foreign minister said on Tuesday \u2014 a day after "
         "talks in Brussels broke off.\r\n\r\n"
         "The ministry\u2019s spokesman called the proposal \u2018unacceptable\u2019 and said the "
         "delegation would return home\u2026\r\n")
ENGLISH = ("The foreign minister said on Tuesday that talks in Brussels had broken off.\r\n\r\n"
           "Officials met at a caf\u00e9 near the ministry late into the night, a spokesman said.\r\n")


def run_clean(tmp_path: Path, files: dict[str, bytes]) -> tuple[dict[str, dict], dict[str, CleanDocument], Path]:
    raw_dir = tmp_path / "raw"
    raw_dir.mkdir()
    for name, data in files.items():
        (raw_dir / f"{name}.txt").write_bytes(data)
    out = tmp_path / "out"
    clean_stage.run(Settings(input_dir=raw_dir, output_dir=out, quiet=True))
    with open(out / "tables" / "documents.csv", encoding="utf-8", newline="") as fh:
        rows = {r["doc_id"]: r for r in csv.DictReader(fh)}
    docs = {name: CleanDocument.loads((out / "clean" / f"{name}.json").read_text(encoding="utf-8"))
            for name in files}
    return rows, docs, raw_dir


def raw_text(path: Path, encoding: str) -> str:
    """The raw text as raw offsets index it: the recorded codec, universal newlines."""
    with open(path, encoding=encoding) as fh:
        return fh.read()


def assert_spans_map_back(doc: CleanDocument, raw: str, phrases: list[str]) -> None:
    assert doc.status == "ok", doc.error
    assert doc.n_chars == len(raw) == doc.offset_map.raw_len
    for phrase in phrases:
        i = doc.text.index(phrase)
        s, e = doc.raw_span(i, i + len(phrase))
        assert raw[s:e] == phrase


def test_latin1_french_and_german_are_decoded(tmp_path: Path):
    files = {"fr": FRENCH.encode("latin-1"), "de": GERMAN.encode("latin-1")}
    assert not any(0x80 <= b < 0xA0 for data in files.values() for b in data)
    rows, docs, raw_dir = run_clean(tmp_path, files)
    for name, text, phrases in (
        ("fr", FRENCH, ["Affaires étrangères a déclaré", "à Genève", "« très difficile »", "délégation"]),
        ("de", GERMAN, ["Außenminister", "in München", "Gespräche über die Öffnung", "äußerte"]),
    ):
        doc = docs[name]
        # without 0x80-0x9F Latin-1 and Windows-1252 read the same; cp1252 names the reading
        assert (rows[name]["status"], rows[name]["encoding"], doc.encoding) == ("ok", "cp1252", "cp1252")
        raw = raw_text(raw_dir / f"{name}.txt", doc.encoding)
        assert raw == text
        assert_spans_map_back(doc, raw, phrases)


def test_cp1252_curly_quotes_and_dashes_are_not_latin1_controls(tmp_path: Path):
    data = CURLY.encode("cp1252")
    assert {0x93, 0x94, 0x97, 0x92, 0x85} <= set(data)  # bytes latin-1 reads as C1 controls
    assert decode_raw(data) == (CURLY, "cp1252")
    rows, docs, raw_dir = run_clean(tmp_path, {"curly": data})
    doc = docs["curly"]
    assert rows["curly"]["encoding"] == doc.encoding == "cp1252"
    raw = raw_text(raw_dir / "curly.txt", "cp1252")
    assert raw == CURLY.replace("\r\n", "\n")
    assert not any("\x80" <= ch <= "\x9f" for ch in raw + doc.text)
    assert_spans_map_back(doc, raw, ["\u201cWe will not back down,\u201d", "Tuesday \u2014 a day",
                                     "ministry\u2019s spokesman", "\u2018unacceptable\u2019"])


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path, bom: bytes, codec: str):
    text = FRENCH.replace("\n", "\r\n")
    rows, docs, raw_dir = run_clean(tmp_path, {"utf16": bom + text.encode(codec)})
    doc = docs["utf16"]
    assert (rows["utf16"]["status"], rows["utf16"]["encoding"], doc.encoding) == ("ok", "utf-16", "utf-16")
    raw = raw_text(raw_dir / "utf16.txt", "utf-16")
    assert raw == FRENCH  # the codec takes the byte-order mark off; newlines are universal
    assert doc.text.startswith("Le ministre français")
    assert_spans_map_back(doc, raw, ["Le ministre français", "« très difficile »", "négociations"])


def test_utf8_with_a_bom_keeps_it_as_a_character(tmp_path: Path):
    rows, docs, raw_dir = run_clean(tmp_path, {"bom": codecs.BOM_UTF8 + ENGLISH.encode("utf-8")})
    doc = docs["bom"]
    assert (rows["bom"]["status"], rows["bom"]["encoding"], doc.encoding) == ("ok", "utf-8", "utf-8")
    raw = raw_text(raw_dir / "bom.txt", "utf-8")
    assert raw[0] == "\ufeff" and raw[1:] == ENGLISH.replace("\r\n", "\n")
    assert_spans_map_back(doc, raw, ["The foreign minister", "a caf\u00e9 near the ministry"])
    i = doc.text.index("The foreign")
    assert doc.raw_span(i, i + 3) == (1, 4)  # after the BOM


def test_a_short_ambiguous_byline_is_an_error_with_a_reason(tmp_path: Path):
    byline = b"Reporting by Ana Vr\xe8n\n"  # an unknown name: Vr\xe8n in cp1252, Vr\u010dn in cp1250, ...
    rows, docs, _ = run_clean(tmp_path, {"byline": byline, "ok": ENGLISH.encode("cp1252")})
    row = rows["byline"]
    assert row["status"] == "error" and row["encoding"] == "" and docs["byline"].text == ""
    assert row["error"].startswith("not UTF-8 and the encoding cannot be told apart: ")
    assert row["error"].endswith("(convert it to UTF-8)") and "\n" not in row["error"]
    assert "Vr\u00e8n" in row["error"]  # says what the bytes would read as
    assert rows["ok"]["status"] == "ok"  # the run went on


def test_two_readings_with_real_words_cannot_be_told_apart():
    # Romanian s-cedilla: cp1250 reads "eşuat", ISO-8859-16 "eșuat"; both real spellings
    with pytest.raises(NotText) as err:
        decode_raw("Negocierile de la Geneva au eşuat, a declarat ministrul.".encode("cp1250"))
    assert err.value.status == "error"
    assert "cannot be told apart" in err.value.reason
    assert "cp1250" in err.value.reason and "iso8859_16" in err.value.reason


@pytest.mark.parametrize("text,codec", [
    ("Ministr zahraničí ve středu řekl, že jednání v Ženevě uvázla na mrtvém bodě.", "cp1250"),
    ("Министр иностранных дел заявил в среду, что переговоры в Женеве зашли в тупик.", "cp1251"),
    ("Die Regierung stellte am Montag 500 Millionen € für die Hilfe bereit, sagte ein Sprecher.", "iso8859_15"),
])
def test_other_code_pages_are_told_apart_by_their_words(text: str, codec: str):
    assert decode_raw(text.encode(codec)) == (text, codec)


def test_binary_and_damaged_files(tmp_path: Path):
    files = {
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "utf16_nul": codecs.BOM_UTF16_LE + "North Korea said so.\x00\x00".encode("utf-16-le"),
        # UTF-8 with a few stray bytes is not read as a legacy code page
        "mixed": "Kim Yo Jong said \u201cno\u201d to the \u00e9lite.".encode("utf-8") + b" \xe9t\xe9",
    }
    rows, docs, _ = run_clean(tmp_path, files)
    assert (rows["png"]["status"], rows["png"]["error"]) == ("skipped", "binary file (contains NUL bytes)")
    assert (rows["utf16_nul"]["status"], rows["utf16_nul"]["error"]) == ("skipped", "binary file (contains NUL characters)")
    assert rows["mixed"]["status"] == "error"
    at = files["mixed"].index(b" \xe9t\xe9") + 1
    assert rows["mixed"]["error"].startswith(f"not valid UTF-8: byte 0xe9 at offset {at}, in a file that is otherwise UTF-8")
    assert all(docs[n].text == "" and rows[n]["encoding"] == "" for n in files)


def test_encoding_is_the_last_documents_column_and_old_shards_load():
    assert clean_stage.DOCUMENT_COLUMNS[-1] == "encoding"
    old = CleanDocument(doc_id="a", source_path="raw/a.txt", sha256="0" * 64).to_json()
    del old["encoding"]  # a shard written before the column existed
    assert CleanDocument.from_json(old).encoding == "utf-8"
