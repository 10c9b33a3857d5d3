"""The cleaner on the five seed articles, against expectations written by hand."""

from __future__ import annotations

import pytest

from analysis.corpus import line_accounting, read_corpus
from conftest import SEEDS

TITLES = {
    "000_18b11265a9675fe6": "Tentative désespérée pour éviter la guerre – Biden et Poutine s’affrontent aujourd’hui alors que l’Ukraine est dans la balance.",
    "001_01187a99a32118c2": "Les États-Unis et la Russie discuteront de l’Ukraine et des questions de sécurité le mois prochain",
    "002_71779daf8aaa0952": "Biden et Poutine ont discuté des tensions à la frontière ukrainienne",
    "003_f6b82e6aaa108cd9": "Joe Biden et Vladimir Poutine n’envisagent pas de se rencontrer en face à face",
    "004_8fbd7013e4acd58c": None,
}

# Sentences (or distinctive parts of them) that a careful reader says are article text.
MUST_SURVIVE = {
    "000_18b11265a9675fe6": [
        "Ils discuteront des négociations de janvier et de la situation en Europe.",
        "Emily Horne, porte-parole du Conseil national de sécurité, a déclaré",
        "La Russie a toujours nié vouloir envahir l’Ukraine.",
        "“L’UE doit être impliquée dans ces négociations”.",
        "nos partenaires américains nous disent qu’ils sont prêts à entamer cette discussion.”",
    ],
    "001_01187a99a32118c2": [
        "La Russie réunie Troupes près de la frontière ukrainienne Au cours des derniers mois",
        "L’administration Biden a fait maintes et maintes fois",
        "Biden a indiqué plus tôt que les États-Unis ne feraient aucune concession",
        "Les deux parties devraient également participer à la réunion de l’OSCE prévue le 13 janvier",
        "«\xa0même si nous n’obtenons pas tout ce que nous voulons\xa0»",  # no-break spaces kept
    ],
    "002_71779daf8aaa0952": [
        "Le président américain Joe Biden et le président russe Vladimir Poutine ont discuté",
        "Emilia Horna, porte-parole du Conseil de sécurité nationale des États-Unis",
        "a déclaré la porte-parole de la Maison Blanche, Jena Psaki.",
        "Il a ajouté que la Russie n’essaie pas de parvenir à un compromis, mais des garanties de sécurité.",
    ],
    "003_f6b82e6aaa108cd9": [
        "M. Blinken a indiqué que les États-Unis souhaitaient voir la Russie retirer ses forces",
        "Ont-ils le sentiment que nous allons rester les bras croisés ?",
        "a déclaré M. Poutine, selon l’agence Reuters.",
        "La Russie refuse de retirer ses troupes militaires",
    ],
    "004_8fbd7013e4acd58c": [
        "Le président Joe Biden et le président russe Vladimir Poutine prendront la parole aujourd’hui",
        "Biden s’entretiendra probablement bientôt avec le président ukrainien Volodymyr Zelenskiy",
        "selon un porte-parole.",
    ],
}

# Boilerplate that must not survive in documents.text, with the reason we expect.
MUST_GO = {
    "000_18b11265a9675fe6": [("Home » MONDE »", "navigation"), ("Related Articles", "related"),
                             ("This website uses cookies", "cookie")],
    "001_01187a99a32118c2": [("Trudeau nomme une femme autochtone", "related"),
                             ("prépare des initiatives pour empêcher Poutine", "related"),
                             ("Evangéliste du café", "author_bio"), ("Related Posts", "related"),
                             ("Laisser un commentaire", "comments"), ("Votre adresse e-mail", "comments"),
                             ("Cette histoire a été mise à jour.", "metadata"),
                             ("ont contribué à ce rapport", "metadata"), ("Read also x", "related")],
    "002_71779daf8aaa0952": [("Lire la suite: TV3 News", "related"), ("Previous", "related"),
                             ("Make Skinny", "related"), ("Santander court", "related"), ("Next", "related"),
                             ("Leave a Comment", "comments"), ("Akismet", "comments")],
    "003_f6b82e6aaa108cd9": [("Accueil Internationales", "navigation"), ("Lire aussi", "related"),
                             ("Lisez Patrouilleurs des médias sur Google News", "promotion"),
                             ("Article précédent", "navigation"), ("Article suivant", "navigation")],
    "004_8fbd7013e4acd58c": [("date 2021-12", None)],
}


@pytest.fixture(scope="module")
def tables():
    return read_corpus(SEEDS)


def doc(tables, doc_id):
    return tables.documents.set_index("doc_id").loc[doc_id]


@pytest.mark.parametrize("doc_id,title", TITLES.items())
def test_titles(tables, doc_id, title):
    got = doc(tables, doc_id)["title"]
    assert (got if isinstance(got, str) else None) == title


def test_dates_and_bylines(tables):
    assert doc(tables, "004_8fbd7013e4acd58c")["date"] == "2021-12"
    assert doc(tables, "001_01187a99a32118c2")["byline"] == "Désiré Faure"
    # "par" alone under the title of 000 is a byline marker without a name: metadata, not a byline.
    assert not isinstance(doc(tables, "000_18b11265a9675fe6")["byline"], str)


@pytest.mark.parametrize("doc_id", MUST_SURVIVE)
def test_body_sentences_survive(tables, doc_id):
    text = doc(tables, doc_id)["text"]
    for sentence in MUST_SURVIVE[doc_id]:
        assert sentence in text, f"lost from {doc_id}: {sentence!r}"


@pytest.mark.parametrize("doc_id", MUST_GO)
def test_boilerplate_goes_with_its_reason(tables, doc_id):
    text = doc(tables, doc_id)["text"]
    removed = tables.removed_lines[tables.removed_lines.doc_id == doc_id]
    for fragment, reason in MUST_GO[doc_id]:
        assert fragment not in text, f"boilerplate kept in {doc_id}: {fragment!r}"
        if reason:
            hits = removed[removed.text.str.contains(fragment, regex=False)]
            assert len(hits) and set(hits.reason) == {reason}, f"{fragment!r}: {list(hits.reason)}"


def test_title_is_not_repeated_in_text(tables):
    for row in tables.documents.itertuples():
        if isinstance(row.title, str):
            assert row.title not in row.text


def test_captions_and_headings_are_kept_as_such(tables):
    kinds = tables.paragraphs.set_index("text")["kind"]
    assert kinds["Conférence Poutine"] == "caption"
    assert kinds["Les troupes ukrainiennes"] == "caption"
    assert kinds["La Russie refuse de retirer ses troupes militaires"] == "heading"
    assert kinds["Le président Biden a déjà lancé un avertissement ferme à M. Poutine, déclarant que les États-Unis prendraient des sanctions “comme il n’en a jamais vu” si la Russie envahissait l’Ukraine."] == "body"


def test_every_source_line_is_accounted_for(tables):
    for doc_id in tables.documents.doc_id:
        lines = line_accounting(tables, doc_id)
        assert not (lines.fate == "LOST").any(), lines[lines.fate == "LOST"]
        # and nothing is counted twice: one fate per source line
        assert lines.line_no.is_unique


def test_paragraph_offsets_index_documents_text(tables):
    texts = tables.documents.set_index("doc_id")["text"]
    for row in tables.paragraphs.itertuples():
        assert texts[row.doc_id][row.start_char:row.end_char] == row.text


def test_near_copies_000_and_004_are_the_most_similar_pair(tables):
    from analysis import similarity

    assert similarity.most_similar_pair(tables.documents) == ("000_18b11265a9675fe6", "004_8fbd7013e4acd58c")
    texts = tables.documents.set_index("doc_id")["text"]
    shared = similarity.shared_passages(texts["000_18b11265a9675fe6"], texts["004_8fbd7013e4acd58c"])
    assert any("quotidien allemand Welt" in t for t in shared.text)
    assert 0.05 < shared.attrs["reused_a"] < 0.5
