"""Quote extraction measured against the hand annotation (tests/gold/quotes_*.csv), plus the hard cases."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.quote_scoring import (REAL_ARTICLE_GOLD, gold_articles, read_gold, real_article_gold, same_speaker,
                                    score_quotes, score_real_articles)
from analysis.quotes import find_quote_spans
from conftest import PROJECT, need_shared_corpus

GOLD = PROJECT / "tests" / "gold"
CONTROL_F1_FLOOR, CONTROL_SPEAKER_FLOOR = 0.86, 0.74  # set from the control set's first blind measurement (session 8: 0.897, 0.785)


@pytest.fixture(scope="module")
def seed_scores(seeds_corpus):
    return score_quotes(seeds_corpus.quotes, read_gold(GOLD / "quotes_seeds.csv"))


def test_seed_quotes_reach_the_issue_floors(seed_scores):
    assert seed_scores["f1"] >= 0.90, seed_scores
    assert seed_scores["direct recall"] >= 0.95, seed_scores
    assert seed_scores["speaker accuracy"] >= 0.90, seed_scores
    assert seed_scores["side accuracy"] >= 0.95, seed_scores
    assert seed_scores["share error (points)"] <= 5, seed_scores


@pytest.fixture(scope="module")
def real_scores(news_sample):
    """Scores on the hand-annotated real articles (all within the sample's lines of the shared corpus)."""
    return {name: score_real_articles(files, corpus=news_sample) for name, files in REAL_ARTICLE_GOLD.items()}


@pytest.mark.slow
def test_real_articles_development_set(real_scores):
    scores = real_scores["développement"]
    assert scores["f1"] >= 0.85, scores
    assert scores["direct recall"] >= 0.85, scores
    assert scores["speaker accuracy"] >= 0.81, scores  # 0.838 at the end of session 8 (dev15, dev16 joined at 0.67, 0.73)


@pytest.mark.slow
def test_real_articles_control_set(real_scores):
    """The control articles were never read while writing the rules: floors, not targets."""
    scores = real_scores["contrôle"]
    assert scores["f1"] >= CONTROL_F1_FLOOR, scores
    assert scores["speaker accuracy"] >= CONTROL_SPEAKER_FLOOR, scores


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="the issue's target of 0.85 speaker accuracy on real articles is not reached "
                   "(development 0.84; on new articles 0.26-0.79 blind, control 0.79, dev16 0.73; two human annotators agree at 0.99): see tests/gold/README.md")
def test_real_articles_speaker_accuracy_target(real_scores):
    assert all(s["speaker accuracy"] >= 0.85 for s in real_scores.values()), real_scores


@pytest.mark.corpus
def test_two_human_annotators_agree_on_who_speaks():
    """The ceiling the machine is held to: a second annotator, blind to the first, scored like the machine."""
    from analysis.quote_scoring import annotator_agreement

    need_shared_corpus()
    agreement = annotator_agreement()
    assert agreement["f1"] >= 0.95 and agreement["speaker accuracy"] >= 0.95, agreement


def test_scorer_ignores_case_accents_and_articles_and_counts_joint_speakers():
    assert same_speaker("sécurité routière", False, "Sécurité routière", False)
    assert same_speaker("Erika Ramírez", False, "Érika Ramírez", False)
    assert same_speaker(None, False, None, False)          # "les deux parties": no single speaker, for both
    assert same_speaker(None, True, None, True)            # both anonymous
    assert not same_speaker("Joe Biden", False, None, True)
    assert not same_speaker(None, False, "Joe Biden", False)


def test_gold_files_list_their_articles_and_offsets_fit(news_sample):
    sampled = set(news_sample.documents["doc_id"])
    for files in REAL_ARTICLE_GOLD.values():
        for name in files:  # each file's own "# articles:" line lists every article it has rows for
            listed = gold_articles(PROJECT / "tests" / "gold" / name)
            assert set(read_gold(PROJECT / "tests" / "gold" / name)["doc_id"]) <= listed, name
        gold = real_article_gold(files)
        assert set(gold.attrs["articles"]) <= sampled, "a gold article lies beyond the news sample: raise NEWS_SAMPLE_LINES"
        heads = [" ".join(text.replace("«", " ").replace("»", " ").replace('"', "").split()[:2]) for text in gold["text"]]
        expected = [" ".join(head.replace("«", " ").replace("»", " ").replace('"', "").split()[:2]) for head in gold["text_head"]]
        assert heads == expected


@pytest.mark.parametrize("text,expected", [
    ("Il a dit : « Nous partirons. »", [" Nous partirons. "]),
    ("Il a dit : “Nous partirons.”", ["Nous partirons."]),
    ("Il a dit : „Nous partirons.“", ["Nous partirons."]),
    ('Il a dit : "Nous partirons."', ["Nous partirons."]),
    ("Il a dit : ” Nous partirons “.", [" Nous partirons "]),            # reversed pair
    ("Il a dit : “Nous partirons ».", ["Nous partirons "]),              # mismatched pair
    ("Il a dit : » Nous partirons ».", [" Nous partirons "]),            # closing guillemet as opener
])
def test_every_form_of_quote_marks(text, expected):
    spans = find_quote_spans(text, [(0, len(text))])
    assert [text[a:b] for q in spans for a, b in q.inner] == expected


def test_multi_paragraph_quote_is_one_quote_and_unclosed_stays_in_its_paragraph():
    paras = ["« Nous venons de poser la question,", "« la balle est dans leur camp. »", "« Sans fin et sans guillemet",
             "Le reste de l'article ne doit pas être avalé."]
    text, bounds, pos = "", [], 0
    for p in paras:
        bounds.append((pos, pos + len(p)))
        text += p + "\n\n"
        pos += len(p) + 2
    spans = find_quote_spans(text, bounds)
    assert len(spans) == 2
    assert len(spans[0].inner) == 2 and spans[0].closed
    assert not spans[1].closed and spans[1].end == bounds[2][1]  # bounded by its paragraph


def test_straight_quote_closed_in_the_next_paragraph_without_reopening():
    paras = ['"Des appels résonnent partout.', 'J\'ai proposé un référendum", écrit-elle. "Le printemps vient", poursuit-elle.']
    text = "\n\n".join(paras)
    bounds = [(0, len(paras[0])), (len(paras[0]) + 2, len(text))]
    spans = find_quote_spans(text, bounds)
    assert [" ".join(text[a:b] for a, b in q.inner) for q in spans] == [
        "Des appels résonnent partout. J'ai proposé un référendum", "Le printemps vient"]


def quotes_of(tmp_path, body: str, title: str = "Titre de test") -> pd.DataFrame:
    (tmp_path / "a.txt").write_text(title + "\n\n" + body, encoding="utf-8")
    return load_corpus(tmp_path, cache_dir=tmp_path / "cache", progress=False).quotes


def test_negated_speech_is_not_a_quote(tmp_path):
    quotes = quotes_of(tmp_path, "Le ministre n'a pas dit que la réforme serait abandonnée.")
    assert quotes.empty


def test_mixed_quote_is_one_quote_with_the_speaker_and_side(tmp_path):
    quotes = quotes_of(tmp_path, "Emily Horne a déclaré que les États-Unis « continuent à s'engager dans une "
                                 "diplomatie étendue avec nos alliés ».")
    assert len(quotes) == 1
    row = quotes.iloc[0]
    assert row.kind == "mixed" and row.speaker == "Emily Horne" and row.side == "US"
    assert "«" not in row.text and row.n_words >= 10


def test_anonymous_source_takes_its_side_from_the_description(tmp_path):
    quotes = quotes_of(tmp_path, "« Nous sommes prêts à la diplomatie », a déclaré un haut responsable américain.")
    row = quotes.iloc[0]
    assert row.kind == "direct" and bool(row.anonymous) and row.side == "US" and pd.isna(row.speaker)


def test_selon_and_incise(tmp_path):
    quotes = quotes_of(tmp_path, "Selon le Kremlin, les pourparlers reprendront en janvier. "
                                 "La Russie veut des garanties, a ajouté Dmitri Peskov.")
    assert list(quotes.kind) == ["indirect", "indirect"]
    assert list(quotes.speaker) == ["Kremlin", "Dmitri Peskov"] and set(quotes.side) == {"RU"}


def test_malformed_input_finishes_with_bounded_quotes(tmp_path):
    import time

    words = " ".join(["la négociation continue"] * 1700)  # ~5,000 words, no punctuation
    body = ("« " + "Le président a parlé longuement de la sécurité en Europe. " * 200 + "\n\n"
            + words + "\n\n" + "« » " * 20 + "\n\n" + "Le Kremlin a déclaré que les discussions continueraient.")
    start = time.perf_counter()
    quotes = quotes_of(tmp_path, body)
    assert time.perf_counter() - start < 120  # wide bound: the point is that it finishes
    texts = load_corpus(tmp_path, cache_dir=tmp_path / "cache", progress=False).paragraphs
    first_para_end = texts.iloc[0]["end_char"]
    assert all(q.end_char <= first_para_end or q.start_char > first_para_end for q in quotes.itertuples())
    assert "les discussions continueraient" in " ".join(quotes.text)


@pytest.mark.parametrize("body,expected", [
    # a name the model misses or mis-tags, in apposition to a role noun
    ("Le ministre de la Justice Bill Barr a assuré que le pays était déjà sur le chemin d'une réforme.",
     ["Bill Barr"]),
    # an incise whose subject comes after a prepositional phrase
    ("« Je ne pense pas qu'il y ait un problème de racisme systémique », a balayé d'un revers de la main dimanche "
     "le ministre de la Sécurité intérieure Chad Wolf, à la chaîne ABC.", ["Chad Wolf"]),
    # a definite title the article never links to a name: the person who just spoke
    ("Jean-Michel Blanquer a reconnu que la situation était inédite.\n\n« Les écoles et les établissements restent "
     "ouverts avec des équipes éducatives », a détaillé le ministre de l'Education nationale.",
     ["Jean-Michel Blanquer", "Jean-Michel Blanquer"]),
    # "ce dernier" is the person just described; unnamed there, so an anonymous source
    ("Un passant a filmé un homme armé. Le passant a tenté de décourager le tireur.\n\nCe dernier lui a tout "
     "d'abord répondu : « Il fallait que j'achète une arme ».", [None]),
    # a cleft sentence after the quote names the speaker
    ("« Il est complètement en pleine crise ». C'est ainsi qu'a réagi vendredi le secrétaire national d'EELV "
     "David Cormand.", ["David Cormand"]),
    # a quote opening a sentence after one about a named person, in the same paragraph, is that person's
    ("« Je parle beaucoup avec Marie », confie Julien Dray.\n\nDimanche, Jean-Luc Mélenchon a accepté "
     "l'invitation du club. « Je suis venu pour vous dire que vos décisions sont attendues ».",
     ["Julien Dray", "Jean-Luc Mélenchon"]),
    # a demonstrative epithet subject, then "il"
    ("La popularité de Sergueï Tikhanovski est née sur Youtube. Puis cet entrepreneur de 41 ans s'est lancé dans "
     "la campagne afin de détrôner Alexandre Loukachenko.\n\n« Le dictateur dirige l'Etat avec négligence », "
     "proclame-t-il.", ["Sergueï Tikhanovski"]),
    # the subject before "ayant" of an absolute participle clause
    ("La pandémie lui a fourni des munitions, M. Loukachenko ayant refusé tout confinement, qualifié la pandémie "
     "de psychose ou affirmé que la vodka était un remède.", ["Loukachenko"]),
    # a definite title that only the article's later description links to a name ("Premier ministre"
    # tagged as a name is a role, so "il" is that person too)
    ("L'Australie a annoncé un accord pour un vaccin, selon le Premier ministre. « C'est prometteur », a-t-il "
     "ajouté.\n\nLe Premier ministre australien Scott Morrison a ensuite quitté Canberra.",
     ["Scott Morrison", "Scott Morrison"]),
    # an unnamed woman who spoke is not "il"
    ("Simon Gautier a chuté d'une falaise.\n\n« C'est insupportable », affirme à RTL la mère de Simon Gautier. "
     "Le jeune homme avait réussi à alerter les secours. « J'ai les jambes cassées », aurait-il indiqué.",
     [None, "Simon Gautier"]),
    # a verb coordinated inside a que-clause does not take that clause's subject ("le Kremlin")
    ("Iouri Ouchakov, conseiller en politique étrangère de Poutine, a déclaré que le Kremlin était généralement "
     "“satisfait” des pourparlers, mais a déclaré que Poutine avait averti Biden que Moscou avait besoin d’un "
     "résultat positif.", ["Iouri Ouchakov", "Iouri Ouchakov"]),
    # a capital or a country speaking is its government (data/governments.csv)
    ("Washington a averti que des sanctions seraient prises si la frontière était franchie.", ["Maison Blanche"]),
    # a "selon" in the clause that a colon ends names the source of the quote after the colon
    ("Deux options s'offrent selon Mme Le Pen à l'Union européenne : \"soit elle laisse partir le Royaume-Uni, "
     "soit elle punit le peuple britannique\".", ["Le Pen"]),
    # "Avec M. X, la campagne …" is not an apposition that makes X a woman
    ("Sergueï Tikhanovski s'est lancé dans la campagne. Avec M. Tikhanovski, la campagne est différente.\n\n"
     "« Le changement arrive », proclame-t-il.", ["Sergueï Tikhanovski"]),
    # a passive speech verb speaks with its agent; "s'est dit … par" is not a passive
    ("Le ministre a accusé Pékin. Des propos jugés « mensongers et dangereux » par la télévision chinoise CCTV.",
     ["CCTV"]),
    # a document speaks for its author ("par X", "de X"); with no author named, an unnamed source
    ("Plus de cent projets de vaccins ont été lancés, selon des données diffusées par l'Organisation mondiale de la "
     "santé. Le pays compte 300 morts, selon la note d'information envoyée aux médias.",
     ["Organisation mondiale de la santé", None]),
    # "selon <role>, <name>." ends the sentence: the name in apposition is the speaker
    ("Le pays a recensé 55 nouveaux décès, selon le porte-parole du ministère de la Santé, Kianouche Jahanpour.",
     ["Kianouche Jahanpour"]),
    # words quoted in the complement of a reporting verb earlier in the sentence are its subject's, even
    # where the parser cuts the sentence after a long apposition (which is then no statement of its own)
    ("Mohsen Alviri, universitaire et théologien de Qom, ville sainte chiite du centre et premier foyer de "
     "l'épidémie dans le pays, a souligné l'importance des prières du vendredi dans la République islamique, qui "
     "\"sont l'occasion de créer une interaction entre le gouvernement et les masses\".", ["Mohsen Alviri"]),
    # a negation in a clause the parser hung on the verb does not negate it; the noun a participle
    # phrase describes is the subject of the verb that completes it; "« … » selon les mots de X" is X's
    ("Dimanche, le président américain Donald Trump, accusé par ses détracteurs de ne pas avoir réagi assez "
     "rapidement, avait reconnu que son pays allait \"perdre 75.000 personnes\".\n\nLe Sénat a fait sa rentrée "
     "la plus \"étrange de l'histoire moderne\" selon les mots du sénateur Chuck Schumer.",
     ["Donald Trump", "Chuck Schumer"]),
    # a quoted view "pour" a named person right after the quote is that person's
    ("Une victoire de Donald Trump serait un \"grand moment de joie\" pour le député Gilbert Collard, proche du "
     "Front national.", ["Gilbert Collard"]),
    # a quote opening its paragraph like a headline: the person the next sentence is about
    ("\"Faire de la musique ne devrait pas être un délit\". Dans une tribune publiée sur Facebook, Léa Toussaint "
     "s'insurge contre une amende.", ["Léa Toussaint"]),
    # "En Grèce" is no subject, and "le ministre de la Santé" is not "le Premier ministre" who spoke before
    ("« La vaccination doit être obligatoire », a déclaré le Premier ministre Scott Morrison.\n\nEn Grèce, le "
     "ministre de la Santé a déclaré qu'il espérait recevoir un premier lot de vaccins.", ["Scott Morrison", None]),
    # "le maire Les Républicains": a party, not the mayor
    ("Philippe Goujon, le maire Les Républicains du XVe arrondissement, ne décolère pas.\n\n« Ce lieu était "
     "confidentiel », s'insurge le maire.", ["Philippe Goujon"]),
    # the first name gives the gender (data/first_names.csv): "elle" is Sandrine, not Paul named after her
    ("Sandrine Morel a quitté la réunion. Paul Martin a ensuite pris la parole.\n\n« Je suis déçue », a-t-elle déclaré.",
     ["Sandrine Morel"]),
    # a fronted participle speaks with the subject of its verb
    ("Jugeant que la situation était désormais « parfaitement sous contrôle », le président Donald Trump a ordonné "
     "le retrait de la Garde nationale.", ["Donald Trump"]),
    # a cue-less quote in a clause whose subject is "il", before anyone spoke in the paragraph: the pronoun's person;
    # "le président des Hauts-de-France" is one person, not "one of several" (the "des" of a proper noun)
    ("Xavier Bertrand a accordé un entretien au Parisien où il donne l'alerte contre le \"danger des extrêmes\". "
     "\"Le danger des extrêmes est loin d'être écarté dans notre pays\", affirme le président des Hauts-de-France.",
     ["Xavier Bertrand", "Xavier Bertrand"]),
    # "interrogé par France Bleu" is being asked, not "s'interroger": the artist speaks, not the radio
    ("\"C'est juste une attaque contre une femme\", déplore ADNX, l'un des deux artistes, interrogé par "
     "France Bleu Périgord lundi 9 septembre.", ["ADNX"]),
    # "selon X, précisant que …": the participle speaks with the "selon" source, not the sentence's subject
    ("La yourte possède deux portes vitrées qui \"assurent une bonne luminosité\" à la classe, selon M. Callewaert, "
     "précisant que la commission de sécurité avait donné son feu vert vendredi.", ["Callewaert", "Callewaert"]),
    # "selon les mots de X" is X
    ("Le couple s'est préparé à \"une période de retour difficile pour les artistes\", selon les mots de Margarita "
     "Chraïner.", ["Margarita Chraïner"]),
    # a nationality is nobody's name, and a quote after a sentence about "il" is that person's
    ("\"Les restaurants ont reçu une aide\", explique Patrick Wieland de l'ONG Médecins sans frontières.\n\n"
     "Miguel, 27 ans, est Colombien. Sans papiers, il travaille dans un restaurant. \"Le virus a tout bouleversé. "
     "Il n'y a plus de travail\".", ["Patrick Wieland", "Miguel"]),
    # a verb set off by a comma with a name right after it: the name is the subject, whatever the parser says
    ("Les spectateurs aussi changeront, ajoute Igor Tsvirko : \"Ils prendront certainement des précautions\".",
     ["Igor Tsvirko"]),
    # a cue-less quote in a clause whose subject is a role with the name in apposition (tagged ORG by the model)
    ("Le ministre des Technologies, Fawad Chaudhry, a tenté de défendre le Premier ministre, en invoquant le fait "
     "que \"sa langue avait fourché\".", ["Fawad Chaudhry"]),
    # "pour X," after a colon attributes what follows
    ("Les spécialistes sont partagés: pour Odile Launay, infectiologue de l'hôpital Cochin à Paris, \"il faut être "
     "prudent car le virus ne cesse de circuler\".", ["Odile Launay"]),
    # "ils" is a group: never the one person who spoke last
    ("\"C'est terrible\", confie Paul Boury.\n\nDans le village, ils sont nombreux à assurer qu'ils ne le croisent "
     "jamais.", ["Paul Boury", None]),
    # a woman met in the street: "elle" is her, not the woman who spoke before (a one-word first name has a gender)
    ("\"Nous manquons de tout\", explique Isabelle Widmer.\n\nMiguel, 27 ans, est Colombien. \"Le virus a tout "
     "bouleversé\", dit-il.\n\nOdmaa, Mongole de 27 ans, ne peut plus travailler.\n\n\"Nous n'arrivons pas à nous "
     "nourrir\", dit-elle.", ["Isabelle Widmer", "Miguel", "Odmaa"]),
    # a party label in brackets does not cut the name from its role; "a-t-il" then follows the named person
    ("\"Mon conseil au gouvernement : ne pas l'utiliser\", a répondu le président (LR) du Sénat Gérard Larcher. "
     "\"Mais attention aux amendements caricaturaux\", a-t-il mis en garde.", ["Gérard Larcher", "Gérard Larcher"]),
    # a definite description is someone the reader has met: the person just named as a subject, then the same again
    ("Bastien Lachaud a copieusement critiqué l'action du président de la République. \"Il y a des oppositions "
     "frontales\", a commenté l'élu de Seine-Saint-Denis.\n\n\"La République en marche s'est isolée\", a encore analysé "
     "l'élu francilien.", ["Bastien Lachaud", "Bastien Lachaud"]),
    # "Ainsi parlait X" after a quote names its speaker, even where the model misread half of the name
    ("\"Les maires ruraux seront rétribués à leur juste niveau d'engagement.\" Ainsi parlait Emmanuel Macron cette "
     "semaine lors du Congrès des maires.", ["Emmanuel Macron"]),
    # a party acronym glued before a first name is not part of the name; the French presidency is the Élysée
    ("Il réagissait aux propos de la députée LFI Danièle Obono, qui a estimé dimanche qu'un chauffeur pouvait refuser. "
     "La présidence française a indiqué que le président ne ferait pas de commentaire.", ["Danièle Obono", "Élysée"]),
    # "son avocat" is the one person the article calls "son avocat X", even further on
    ("Philippe Pradal est convoqué devant le tribunal correctionnel, a indiqué ce 21 juin son avocat.\n\nLes "
     "subventions étaient destinées à une association, a indiqué son avocat Gérard Baudoux.",
     ["Gérard Baudoux", "Gérard Baudoux"]),
    # "il" is not the person named inside a prepositional phrase ("en réponse à l'élu X")
    ("Manuel Valls a répondu aux députés. \"Il n'y a pas de crise institutionnelle\", a-t-il poursuivi.\n\nUn peu plus "
     "tard, en réponse à l'élu UDI Philippe Vigier, il a assuré qu'il n'y avait pas de \"crise de régime\". \"Le rapport "
     "entre le président et le Premier ministre est un rapport de respect\", a-t-il dit.",
     ["Manuel Valls", "Manuel Valls", "Manuel Valls"]),
    # the article's opening words in quote marks are said further on by someone: that person's
    ("\"Quatre cents ans de racisme systémique\". Après deux semaines de protestations, les démocrates ont appelé "
     "dimanche à une transformation de la police.\n\nLe Congrès examine un texte.\n\nLa police doit changer.\n\n"
     "\"Nous savons que nous luttons contre quatre cents ans de racisme systémique dans le pays\", a plaidé dimanche "
     "Val Demings, élue de la Chambre des représentants.", ["Val Demings", "Val Demings"]),
])
def test_speakers_of_real_article_patterns(tmp_path, body, expected):
    quotes = quotes_of(tmp_path, body)
    assert [s if isinstance(s, str) else None for s in quotes.speaker] == expected, \
        quotes[["text", "speaker_text", "speaker", "cue"]]


@pytest.mark.parametrize("title,body,expected", [
    # a feminine description is never the man the article described with the masculine noun
    ("Titre de test", "Trois élues ont porté plainte contre le député Paul Martin. Claire Dubois a déjà été entendue par "
     "les enquêteurs. La députée du Calvados a expliqué qu'elle ne disposait plus du téléphone.", [("Claire Dubois", False)]),
    # a word glued between a preposition and a first name is not part of the name
    ("Titre de test", "La droite n'est pas en reste. « C'est la République des affaires », a posté jeudi sur Twitter "
     "Lydia Guirous, porte-parole du parti.", [("Lydia Guirous", False)]),
    # the subject the parser missed (read as an apposition), not the name after "envers"
    ("Titre de test", "Dans un entretien accordé au quotidien La Marseillaise, Philippe Poutou appelle à la mobilisation "
     "envers Emmanuel Macron.\n\n« Il faut construire un rapport de force », explique l'ancien candidat à la présidentielle.",
     [("Philippe Poutou", False)]),
    # a lead that opens on a description before any name: the person the title names
    ("Emmanuel Macron écarte un remaniement", "Le chef de l'État a souligné mercredi que « les élections locales ne sont "
     "pas une élection nationale ».\n\nLes municipales seront un test pour Emmanuel Macron.", [("Emmanuel Macron", False)]),
    # a person noun with an indefinite complement is someone new, unnamed
    ("Titre de test", "Paul Whelan a été condamné lundi à seize ans de prison.\n\nLe juge d'un tribunal de Moscou a précisé "
     "que l'accusé purgerait sa peine dans un camp.", [(None, True)]),
    # an incise verb whose subject opens the sentence; "une fois" is no subject
    ("Titre de test", "Paul Whelan a été condamné lundi à seize ans de prison.\n\nL'ancien soldat de 50 ans, qui brandissait "
     "une feuille où était écrit « simulacre de procès », a clamé une fois de plus son innocence.", [("Paul Whelan", False)]),
    # an incise without a comma, its subject after a time phrase
    ("Titre de test", "Cécile Duflot a été entendue jeudi dernier. Son collègue François de Rugy sera convoqué la semaine "
     "prochaine. « On savait que c'était un goujat important » avait affirmé au lendemain du scandale la députée de Paris.",
     [("Cécile Duflot", False)]),
    # "elle" is the author of the testimony the previous sentence is about, not a thing that "spoke" before
    ("Titre de test", "Des SMS ont été remis aux enquêteurs.\n\nLe témoignage de Sandrine Rousseau portait sur une réunion "
     "du parti à Montreuil. « À un moment donné, j'ai voulu faire une pause », racontait-elle.", [("Sandrine Rousseau", False)]),
    # an aside between the incise verb and its subject
    ("Titre de test", "Un député a évoqué un échange de prisonniers. « J'espère vraiment que cet échange aura lieu », a "
     "déclaré pour sa part la femme du pilote, Viktoria Iarochenko, à l'agence Interfax.", [("Viktoria Iarochenko", False)]),
    # "d'abord" inside the incise verb group
    ("Titre de test", "Une femme, Nathalie, a pris la parole. « Quand j'ai vu que vous veniez, j'ai pris ma voiture », "
     "a-t-elle d'abord lancé, applaudie par la salle.", [("Nathalie", False)]),
    # "-t" of "a-t-il" is never the subject of the verb that follows
    ("Titre de test", "Emmanuel Macron a refusé de porter le collier. « J'ai le droit de ne pas le mettre », a-t-il avancé, "
     "avant de déclarer qu'il avait déjà « fait un geste » envers eux.", [("Emmanuel Macron", False), ("Emmanuel Macron", False)]),
    # an inverted subject followed by "et" and a new clause is not a joint speaker
    ("Titre de test", "« Il faudra sortir avec une attestation », a assuré Christophe Castaner mercredi.\n\nCependant, le masque "
     "sera obligatoire dans les transports, a rappelé le ministre et les commerces rouvriront sous conditions.",
     [("Christophe Castaner", False), ("Christophe Castaner", False)]),
    # "il" with no person as a subject nearby: the body that opened the sentence before
    ("Titre de test", "Le tribunal correctionnel de Paris a durement sanctionné les anciens proches de l'ex-Premier ministre "
     "Edouard Balladur.\n\nIl estime qu'entre six et dix millions de francs ont été versés illégalement.",
     [("tribunal correctionnel de Paris", False)]),
    # a name the model cut at a sentence break it invented, in apposition to the role after the incise verb
    ("Titre de test", "Environ 80 000 personnes ont été testées mardi matin, a annoncé la cheffe de l'exécutif Carrie Lam."
     "\n\nLes opposants dénoncent une opération politique. Mme Lam a rejeté ces critiques.", [("Carrie Lam", False)]),
    # a quoted heading whose words nobody repeats announces its section: the first person who speaks in it
    ("Titre de test", "« Je reste mobilisée jour et nuit », a déclaré l'infirmière Erika Ramírez.\n\n- « Nous sommes en "
     "première ligne » -\n\nCouvert d'un masque, Rodolfo Díaz, 53 ans, désinfecte les chambres de l'hôpital. « C'est un "
     "travail épuisant mais nécessaire », explique Rodolfo Díaz.",
     [("Erika Ramírez", False), ("Rodolfo Díaz", False), ("Rodolfo Díaz", False)]),
    # "celui qui …" after an incise verb: the man the article has just named
    ("Titre de test", "Membre du parti depuis 28 ans, le député Régis Juanico a annoncé dimanche qu'il quitte le Parti "
     "socialiste.\n\n« C'est une décision lourde, qui n'a pas été facile à prendre », affirme celui qui a « adhéré au PS "
     "pour la première fois en 1990 ».", [("Régis Juanico", False), ("Régis Juanico", False)]),
    # a person's name the model glued to a body or place before it and tagged as one place
    ("Titre de test", "« Il y a un vrai effet de rattrapage », analyse dans le JDD le directeur général adjoint de l'Ifop "
     "Frédéric Dabi, qui alerte sur le « score impressionnant » de la candidate.", [("Frédéric Dabi", False), ("Frédéric Dabi", False)]),
    # an addressee ends where a person's name starts
    ("Titre de test", "De telles scènes ont de quoi surprendre en ce moment, a expliqué à l'AFP Joshunda Sanders, une journaliste "
     "new-yorkaise.", [("Joshunda Sanders", False)]),
])
def test_speakers_of_unseen_article_patterns(tmp_path, title, body, expected):
    """Patterns from the control sets of sessions 6 and 7, once opened (dev11, dev13), written afresh; each
    fails with the rules of the start of session 7."""
    quotes = quotes_of(tmp_path, body, title)
    assert [(s if isinstance(s, str) else None, bool(a)) for s, a in zip(quotes.speaker, quotes.anonymous)] == expected, \
        quotes[["text", "speaker_text", "speaker", "cue"]]


@pytest.mark.parametrize("title,body,expected", [
    ("Un cours qui fait polémique", "Étudiant à Lyon, Paul Martin dénonce le comportement de l'étudiant qui a filmé le "
     "cours.\n\nSelon l'enregistrement que se sont procurés les journalistes de l'émission \"Quotidien\" (TMC), Laurent "
     "Vauclin n'a épargné personne lors de son cours donné à l'école jeudi.\n\n\"Ces images ont été volées\", a réagi le "
     "président de la région samedi matin.", [(None, True), ("Laurent Vauclin", False)]),
    ("Titre de test", "\"Ils doivent être jugés sur place\", a ajouté le responsable du parti.\n\n\"Ce ne sont plus des "
     "Français\", avait tweeté un peu plus tôt Sophie Marchand, réagissant à des propos du ministre.",
     [(None, True), ("Sophie Marchand", False)]),
    ("Titre de test", "Le débat a repris mardi à l'Assemblée, à la demande du ministre de l'Intérieur Pierre Lenoir, pour qui "
     "\"ce sont des criminels avant tout\".", [("Pierre Lenoir", False)]),
    ("Titre de test", "Le gouvernement veut les juger en France.\n\nPour le président de Debout la France, Nicolas "
     "Dupont-Aignan, \"la seule sentence doit être le bannissement\".", [("Nicolas Dupont-Aignan", False)]),
    ("Titre de test", "\"Il faut les juger sur place\", a déclaré le ministre Pierre Lenoir.\n\nLa sénatrice et secrétaire "
     "générale adjointe de LR Claire Morel a demandé lors des questions au gouvernement à l'Assemblée nationale "
     "d'\"interdire leur retour en France\".", [("Pierre Lenoir", False), ("Claire Morel", False)]),
    ("Titre de test", "\"Nous serons vigilants\", a déclaré le président Emmanuel Macron.\n\nLes rassemblements sont "
     "interdits jusqu'à lundi, selon l'arrêté préfectoral publié mardi.", [("Emmanuel Macron", False), (None, True)]),
    ("Titre de test", "Le restaurant a rouvert samedi.\n\n\"Nous avons placé les tables à deux mètres\" les unes des "
     "autres, témoigne Pierre Lenoir, propriétaire du restaurant.", [("Pierre Lenoir", False)]),
    ("Titre de test", "L'incendie progresse.\n\nDes foyers sont hors de contrôle et \"la situation reste dangereuse\" en "
     "raison des vents, a relevé samedi Marc Dupuy, ministre de la Sécurité publique.", [("Marc Dupuy", False)]),
    ("Titre de test", "Le président de la République Emmanuel Macron a promis un effort aux maires ruraux.\n\nLe maire de la "
     "commune, Christian Dupré, renonce à ses indemnités depuis 2008.\n\n\"Je veux être responsable, insiste le maire de "
     "Lonlay. Et je veux qu'on me donne les compétences du quotidien.\"",
     [("Christian Dupré", False), ("Christian Dupré", False)]),
    ("Titre de test", "Autrement dit, le désordre.\n\nLe Premier ministre Édouard Philippe a mis en garde mercredi les "
     "\"gilets jaunes\", qui lancent une opération de blocage samedi, leur rappelant que \"la loi s'applique\".",
     [("Édouard Philippe", False)]),
    ("Titre de test", "\"Nous sommes prêts\", explique le maire Michel Py.\n\nLa firme \"joue sa survie\", a déclaré jeudi "
     "soir au Figaro le ministre de l'Economie Bruno Le Maire, qui attend des engagements.\n\nBruno Le Maire a également "
     "déclaré que la France souhaite un report des règles budgétaires.",
     [("Michel Py", False), ("Bruno Le Maire", False), ("Bruno Le Maire", False)]),
    ("Titre de test", "Le ministre a limogé le procureur vendredi.\n\nLe prédécesseur du procureur, Paul Martin, qui avait "
     "été renvoyé après avoir refusé de partir comme le lui demandait M. Durand, s'est interrogé sur Twitter: \"Pourquoi "
     "se débarrasser d'un procureur un vendredi soir ?\"", [("Paul Martin", False)]),
    ("Titre de test", "Le président a réuni ses proches.\n\nPas plus que sa soeur, Marie Durand, ex-juge fédérale de 83 "
     "ans, qui a jugé le président \"cruel\" et \"menteur\" dans des enregistrements.", [("Marie Durand", False)]),
    ("Titre de test", "Le ministre a limogé le procureur.\n\n\"Cette annonce est une erreur sérieuse\", a déclaré à l'AFP "
     "le professeur à l'université George Washington.", [(None, True)]),
    ("Titre de test", "Paul Lenoir a pris la parole mardi à Lyon, en compagnie de son ancienne ministre Claire Morel. \"Je ne "
     "suis pas seul\", a-t-il affirmé.\n\nLe temps presse.\n\nÀ cinq jours du vote, Paul Lenoir a fait valoir la force "
     "du collectif.\n\n\"Il y a des centaines d'élus qui s'engagent\", a-t-il lancé aux militants.\n\nLa gauche, \"ce "
     "sont des utopies concrètes\", a-t-il déclaré.\n\nA ses côtés, la ministre de l'Éducation s'est dite "
     "\"viscéralement de gauche\".", [("Paul Lenoir", False)] * 3 + [("Claire Morel", False)]),
    ("Titre de test", "Le journaliste Bob Dupont publie un nouveau livre sur la Maison Blanche.\n\nDernier coup d'éclat: dans "
     "son livre, l'écrivain-reporter de 77 ans révèle que le président lui a confié être conscient du danger.",
     [("Bob Dupont", False)]),
])
def test_speakers_of_patterns_from_the_session_7_control(tmp_path, title, body, expected):
    """Patterns of dev15 (the session-7 control, opened in session 8), written afresh; each fails with the
    rules of the start of session 8: a document with no author before it is an unnamed source ("selon
    l'enregistrement"), a name before "n'a …" is a subject, "un peu plus tôt" is no subject, "X, pour
    qui « … »" is X, a name set off by commas before the quote is the apposition of "Pour le président …",
    a name closing a long subject phrase speaks the quoted complement of its verb ("La sénatrice … Claire Morel
    a demandé d'« … »"), a document with no author named ("selon l'arrêté préfectoral") is no one named before,
    an incise after a few unquoted words that complete the quote ("« … » les unes des autres, témoigne X"), an
    incise inside the quote marks whose subject is a person noun ("« …, insiste le maire de Lonlay. … »"), a
    participle after a relative clause speaks for the main subject, "Premier" before "ministre" is no person, a
    name the model missed at the end of a role ("le ministre de l'Economie Bruno Le Maire") is that person, and
    "Le Maire" capitalised mid-sentence is his surname, not the role "le maire", and a relative clause between
    the subject and its verb is skipped ("Paul Martin, qui … comme le lui demandait M. Durand, s'est interrogé : « … »"),
    a relative "qui" after an apposition is the name before it ("Marie Durand, ex-juge … de 83 ans, qui a jugé"),
    a name after "l'université" is the university's, not the speaker's, and a role far from any name is the one
    person the article called by that noun ("son ancienne ministre Claire Morel" … "la ministre de l'Éducation"), and
    a description cut by the model at its hyphen and its age is one phrase ("l'écrivain-reporter de 77 ans", not "ans")."""
    quotes = quotes_of(tmp_path, body, title)
    assert [(s if isinstance(s, str) else None, bool(a)) for s, a in zip(quotes.speaker, quotes.anonymous)] == expected, \
        quotes[["text", "speaker_text", "speaker", "cue"]]


def test_quoted_heading_is_the_speaker_of_the_words_it_repeats(tmp_path):
    quotes = quotes_of(tmp_path, "« Je parle beaucoup avec Marie », confie Julien Dray.\n\n« Mes amis, vous me manquez »"
                                 "\n\nDimanche, Jean-Luc Mélenchon a pris la parole. « Je suis venu vous le dire : "
                                 "mes amis, vous nous manquez ».")
    assert list(quotes.speaker) == ["Julien Dray", "Jean-Luc Mélenchon", "Jean-Luc Mélenchon"]


def test_incise_left_inside_the_quote_marks_splits_the_quote(tmp_path):
    quotes = quotes_of(tmp_path, "Le débat continue à l'Assemblée.\n\n\"Il est complètement perdu, a dénoncé sur franceinfo "
                                 "le secrétaire national d'EELV, David Cormand. On n'avait aucun moyen de le savoir.\"")
    assert list(quotes.text) == ["Il est complètement perdu", "On n'avait aucun moyen de le savoir"]
    assert list(quotes.speaker) == ["David Cormand", "David Cormand"]
    assert quotes.iloc[0].cue == "dénoncer"


def test_surname_without_its_particle_is_the_same_person(tmp_path):
    quotes = quotes_of(tmp_path, "François de Rugy a démissionné en juillet.\n\n« Cela ne fait aucun doute », "
                                 "a dénoncé M. de Rugy.")
    assert list(quotes.speaker) == ["François de Rugy"]


def test_a_title_is_not_someone_the_article_calls_by_another_noun(tmp_path):
    quotes = quotes_of(tmp_path, "François de Rugy accuse le parti. « C'est une vengeance », a-t-il dit.\n\n"
                                 "« Il est en pleine crise », a réagi le secrétaire national d'EELV David Cormand.\n\n"
                                 "« Je l'ai fait », a dit l'ancien ministre.")
    assert list(quotes.speaker) == ["François de Rugy", "David Cormand", "François de Rugy"]


def test_side_of_a_named_speaker_from_the_description_before_the_name(tmp_path):
    quotes = quotes_of(tmp_path, "Le célèbre journaliste américain d'investigation Bob Woodward publie un livre. "
                                 "Le livre « raconte tout », a assuré Bob Woodward.")
    assert list(quotes.side) == ["US"]


def test_unnamed_source_is_other_where_no_side_is_in_play(tmp_path):
    local = quotes_of(tmp_path, "« La queue était interminable », a témoigné un assesseur du bureau de vote de Marseille.")
    assert bool(local.iloc[0].anonymous) and local.iloc[0].side == "OTHER"
    (tmp_path / "cache").rename(tmp_path / "old-cache")
    seeds_like = quotes_of(tmp_path, "Joe Biden a appelé Vladimir Poutine. « Ce fut franc », a témoigné un diplomate.")
    assert bool(seeds_like.iloc[-1].anonymous) and seeds_like.iloc[-1].side == "UNKNOWN"


def test_one_of_several_is_not_the_last_speaker(tmp_path):
    quotes = quotes_of(tmp_path, "« Il n'y a pas de problème à signaler », souligne le vice-président du tribunal, "
                                 "Fabrice Castoldi.\n\nL'abstention reste forte, selon la présidente d'un des bureaux.")
    assert list(quotes.speaker.fillna("-")) == ["Fabrice Castoldi", "-"]
    assert bool(quotes.iloc[1].anonymous)


def test_a_country_speaking_is_its_government_and_a_foreign_body_takes_the_story_country(tmp_path):
    """data/countries.csv and data/national_bodies.txt: one speaker however the article words it."""
    quotes = quotes_of(tmp_path, "Pékin a affirmé que les accusations étaient infondées.\n\n"
                                 "En Argentine, 120 morts ont été recensés, selon le ministère de la Santé.\n\n"
                                 "Le pays a testé des missiles iraniens jeudi. Certains sont \"d'une précision mortelle\", "
                                 "selon la télévision d'Etat.")
    assert list(quotes.speaker) == ["gouvernement chinois", "ministère argentin de la Santé",
                                    "télévision d'Etat iranienne"]


def test_french_bodies_and_countries_named_inside_quotes_stay_unqualified(tmp_path):
    quotes = quotes_of(tmp_path, "La réforme du congé paternité a été annoncée à Paris par la France.\n\n"
                                 "\"Elle va permettre à la France de rejoindre l'Espagne et le Portugal\", souligne la "
                                 "présidence. Selon le ministère de la Santé, 300 000 pères sont concernés.")
    assert list(quotes.speaker) == ["présidence", "ministère de la Santé"]


def test_word_lists_beside_the_corpus_are_overrides_not_articles(tmp_path):
    """Every file of analysis/data/ may sit in a corpus folder: it overrides the default and is never an article."""
    (tmp_path / "a.txt").write_text("Titre de test\n\nEn Argentine, 300 cas ont été recensés, selon le ministère de la Santé.",
                                    encoding="utf-8")
    (tmp_path / "national_bodies.txt").write_text("# none: no body is qualified\n", encoding="utf-8")
    (tmp_path / "source_nouns.txt").write_text("responsable\n", encoding="utf-8")
    corpus = load_corpus(tmp_path, cache_dir=tmp_path / "cache", progress=False)
    assert list(corpus.documents["doc_id"]) == ["a"] and corpus.rejected.empty
    assert list(corpus.quotes["speaker"]) == ["ministère de la Santé"]
