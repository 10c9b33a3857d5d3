"""The reader on small inline corpora: every input format, encoding and unreadable file."""

from __future__ import annotations

import json

import pytest

from analysis.corpus import CorpusError, decode_bytes, read_corpus
from conftest import SHARED_CORPORA, need_shared_corpus

ARTICLE = ("Le président de la République a déclaré mardi que le gouvernement présenterait "
           "un nouveau projet de loi sur l’école avant la fin de l’année.\n\n"
           "« Nous devons agir vite », a-t-il ajouté devant les élus réunis à Paris.")


def write(folder, name, data):
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.mark.parametrize("encoding,data", [
    ("utf-8", ARTICLE.encode("utf-8")),
    ("utf-8-sig", b"\xef\xbb\xbf" + ARTICLE.encode("utf-8")),
    ("utf-16", ARTICLE.encode("utf-16")),
    ("cp1252", ("Œuvre : " + ARTICLE.replace("’", "'")).encode("cp1252")),
])
def test_encodings_decode_to_the_same_text(encoding, data):
    text, used, notes = decode_bytes(data)
    assert "présenterait" in text and "« Nous devons agir vite »" in text
    assert used == encoding
    if encoding == "cp1252":
        assert text.startswith("Œuvre") and notes and "cp1252" in notes[0]
    else:
        assert not notes


def test_cp1252_file_gets_a_warning_naming_the_file(tmp_path):
    write(tmp_path, "windows.txt", ("Un titre\n\n" + ARTICLE.replace("’", "'")).encode("cp1252"))
    with pytest.warns(UserWarning, match="windows.txt.*cp1252"):
        tables = read_corpus(tmp_path)
    assert "présenterait" in tables.documents.text[0]


def test_crlf_and_nul_are_normalised(tmp_path):
    write(tmp_path, "crlf.txt", "Un titre\r\n\r\n" + ARTICLE.replace("\n", "\r\n") + "\x00")
    with pytest.warns(UserWarning, match="control character"):
        tables = read_corpus(tmp_path)
    assert "\r" not in tables.documents.text[0] and "\x00" not in tables.documents.text[0]
    assert tables.documents.title[0] == "Un titre"


def test_folder_of_txt_md_html_and_unreadable_files(tmp_path):
    write(tmp_path, "a.txt", "Premier article\n\n" + ARTICLE)
    write(tmp_path, "b.md", "Deuxième article\n\n" + ARTICLE.replace("mardi", "mercredi"))
    write(tmp_path, "c.html", "<html><head><title>Troisième</title><script>alert(1)</script></head><body>"
          "<nav>Accueil | Monde</nav><article><h1>Troisième article</h1><p>" + ARTICLE.replace("\n\n", "</p><p>")
          + "</p></article></body></html>")
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "blank.txt", "  \n\n \t\n")
    write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    write(tmp_path, "notes.docx", b"PK\x03\x04 whatever")
    (tmp_path / "sub").mkdir()
    tables = read_corpus(tmp_path)
    assert sorted(tables.documents.doc_id) == ["a", "b", "c"]
    reasons = {p.split("/")[-1]: r for p, r in zip(tables.rejected.source_path, tables.rejected.reason)}
    assert reasons["empty.txt"] == "empty file"
    assert "only spaces" in reasons["blank.txt"]
    assert "PNG image" in reasons["image.txt"]
    assert "unsupported file type" in reasons["notes.docx"]
    assert "sub-folder" in reasons["sub"]
    html_doc = tables.documents.set_index("doc_id").loc["c"]
    assert "alert(1)" not in html_doc.text and "présenterait" in html_doc.text


def test_jsonl_bad_lines_are_rejected_with_their_line_number(tmp_path):
    good = {"id": "ok1", "title": "Titre", "date": "2021-12-17", "url": "http://x", "text": ARTICLE}
    lines = [json.dumps(good), "{not json", json.dumps({"id": "nt"}), json.dumps({"id": "num", "text": 42}),
             "", json.dumps({**good, "id": "ok2"})]
    path = write(tmp_path, "c.jsonl", "\n".join(lines))
    tables = read_corpus(path)
    assert list(tables.documents.doc_id) == ["ok1", "ok2"]
    assert tables.documents.date[0] == "2021-12-17" and tables.documents.title[0] == "Titre"
    rejected = dict(zip(tables.rejected.line_no, tables.rejected.reason))
    assert "malformed JSON" in rejected[2]
    assert rejected[3] == "no 'text' field"
    assert "not a string" in rejected[4]


def test_csv_with_semicolons_and_csv_without_text_column(tmp_path):
    path = write(tmp_path, "c.csv", 'id;title;date;text\nx1;Un titre;17 décembre 2021;"' + ARTICLE + '"\nx2;Vide;;\n')
    tables = read_corpus(path)
    assert list(tables.documents.doc_id) == ["x1"]
    assert tables.documents.date[0] == "2021-12-17"
    assert "empty 'text'" in tables.rejected.reason.iloc[0]
    bad = write(tmp_path, "bad.csv", "id,body\n1,hello\n")
    tables = read_corpus(bad)
    assert tables.documents.empty
    assert "no 'text' column" in tables.rejected.reason.iloc[0]


def test_missing_corpus_path_raises_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no such corpus"):
        read_corpus(tmp_path / "nope")


def test_exact_duplicates_are_both_kept_and_flagged(tmp_path):
    write(tmp_path, "a.txt", "Titre\n\n" + ARTICLE)
    write(tmp_path, "b.txt", "Titre\n\n" + ARTICLE)
    docs = read_corpus(tmp_path).documents
    assert list(docs.exact_duplicate) == [True, True]
    assert docs.duplicate_of.tolist()[1] == "a"


def test_only_boilerplate_is_rejected_and_its_lines_listed(tmp_path):
    write(tmp_path, "a.txt", "Titre\n\n" + ARTICLE)
    write(tmp_path, "junk.txt", "Related Posts\nLaisser un commentaire\nThis website uses cookies to improve\n")
    tables = read_corpus(tmp_path)
    assert "junk" not in set(tables.documents.doc_id)
    assert "no article text left" in tables.rejected.reason.iloc[0]
    assert (tables.removed_lines.doc_id == "junk").sum() == 3


def test_english_article_is_flagged(tmp_path):
    write(tmp_path, "fr.txt", "Titre\n\n" + ARTICLE)
    write(tmp_path, "en.txt", "Title\n\nThe president said on Tuesday that the government would present a new bill "
          "on schools before the end of the year, and that it was ready to act quickly.")
    docs = read_corpus(tmp_path).documents.set_index("doc_id")
    assert docs.loc["fr", "language"] == "fr" and docs.loc["en", "language"] == "en"


def test_html_sample_matches_the_jsonl_text():
    """Saved OrangeSum pages: trafilatura's text is the JSONL text (title and date too)."""
    need_shared_corpus()
    from rapidfuzz import fuzz

    tables = read_corpus(SHARED_CORPORA / "fr_news_html_sample")
    ref = {}
    for line in (SHARED_CORPORA / "fr_news_2k.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        ref[record["id"]] = record
    assert len(tables.documents) == 10 and tables.rejected.empty
    for row in tables.documents.itertuples():
        assert row.title == ref[row.doc_id]["title"]
        assert row.date == ref[row.doc_id]["date"]
        assert fuzz.ratio(row.text, ref[row.doc_id]["text"]) > 95


def test_2k_corpus_every_line_accounted_and_nothing_lost():
    need_shared_corpus()
    from analysis.corpus import line_accounting

    tables = read_corpus(SHARED_CORPORA / "fr_news_2k.jsonl")
    assert len(tables.documents) == 2000 and tables.rejected.empty
    # The JSONL text is already clean: the cleaner must keep almost every paragraph.
    assert len(tables.removed_lines) < 0.01 * len(tables.paragraphs)
    for doc_id in tables.documents.doc_id.sample(200, random_state=0):
        assert not (line_accounting(tables, doc_id).fate == "LOST").any()
