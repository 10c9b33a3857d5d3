"""The parsed article the quote rules read, and the grammar they share.

`_Doc` is one article's token table (text, lemma, part of speech, dependency, sentence),
its sentences and its entity mentions, as lists for fast access; the functions read noun
phrases, subjects and determiners off the dependency parse of spaCy's small French model,
working around its usual mistakes. Used by `quotes.py` (cues) and `speakers.py` (speakers).
The word lists are French grammar, not corpus knowledge (that lives in `data/`).
"""

from __future__ import annotations

import re

from .lexicon import normalise

OPENERS = "«“„‹"
CLOSERS = "»”‟›"
STRAIGHT = '"'
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "expl:subj"}
PRONOUN_GENDER = {"il": "m", "elle": "f", "ils": None, "elles": None, "lui": "m", "eux": None}  # "selon lui"
# Words between an incise verb and its subject: "a déclaré mardi 27 septembre Le Parisien".
WEEKDAYS = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "encore", "aussi", "ensuite",
            "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
            "novembre", "decembre", "matin", "soir", "dernier", "derniere",
            "alors", "enfin", "egalement", "pourtant", "toutefois", "cependant"}
# Nouns of time (and of asides), which the parser sometimes takes for a subject ("La veille, Le Canard
# enchaîné avait révélé", "a clamé une fois de plus", "De son côté, l'exécutif a assuré"): never a speaker.
TIME_NOUNS = {"fois", "veille", "lendemain", "surlendemain", "jour", "matin", "soir", "soiree", "nuit", "semaine", "mois",
              "an", "annee", "heure", "moment", "fin", "debut", "week-end", "matinee", "apres-midi",
              "cote", "part"}  # and the asides "de son côté", "pour sa part"
INDEFINITE_PRONOUNS = {"certains", "certaines", "plusieurs", "autres", "beaucoup", "tous", "toutes", "aucun", "d'autres"}
INDEFINITE_DETERMINERS = {"un", "une", "des", "certains", "certaines", "plusieurs", "quelques", "nombre", "beaucoup",
                          "d'autres", "autres", "aucun", "aucune", "de", "d'"}
# "alors que", "tandis que", "parce que" …: a subordinate clause, not the content of the verb before it.
SUBORDINATORS = {"alors", "tandis", "parce", "bien", "afin", "pour", "avant", "sans", "des", "pendant", "depuis",
                 "ainsi", "sorte", "maintenant", "tant", "mesure", "lors", "encore", "meme", "moins", "plus"}
# Nouns for a document that carries an institution's words ("le communiqué du ministère").
DOCUMENT_NOUNS = {"communique", "rapport", "note", "lettre", "message", "declaration", "etude", "bilan", "mot", "propos", "terme",
                  "texte", "site", "compte", "courrier", "avis", "chiffre", "donnee", "statistique", "sondage", "tweet",
                  "comptage", "decompte", "enquete", "estimation", "recensement", "projection", "prevision",
                  "information", "document", "publication", "enregistrement", "video", "livre", "ouvrage", "extrait",
                  "depeche", "arrete", "decret", "courriel"}
# Nouns of a person's account, whose author is who the sentence is about ("le témoignage de X")
TESTIMONY_NOUNS = {"temoignage", "recit", "version", "interview", "entretien", "tribune", "plainte", "confidence", "aveu"}
ACCOUNT_NOUNS = DOCUMENT_NOUNS | TESTIMONY_NOUNS
CLITIC_SUBJECT = r"-(?:t-)?(?:il|elle|ils|elles|on)|t-(?:il|elle|ils|elles|on)"  # "a-t-il", "dit-elle", "a t-il"
HONORIFICS = {"m.", "m", "mme", "mlle", "dr", "dr.", "me", "mgr", "pr", "pr.", "monsieur", "madame"}
# Nouns of people who speak for someone else: "le porte-parole" after Joe Biden spoke is not Biden.
PROXY_NOUNS = {"porte-parole", "responsable", "conseiller", "conseillere", "collaborateur", "collaboratrice",
               "representant", "representante", "entourage", "proche", "source", "diplomate", "negociateur",
               "negociatrice", "officiel", "fonctionnaire", "membre", "attache", "emissaire", "envoye"}
# Nouns for the people around a body, who speak as that body ("l'administration Biden").
WRAPPER_NOUNS = {"administration", "cabinet", "camp", "services", "bureau"}
# Words after which a name is a complement, whatever the parser made of it
PREPOSITION_WORDS = {"a", "au", "aux", "de", "du", "des", "d'", "par", "pour", "avec", "contre", "envers", "sur", "chez",
                     "selon", "vers", "sans", "entre", "apres", "avant", "malgre", "aupres", "dont", "que", "qu'"}
WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


class _Doc:
    """Token columns of one article as lists, with the helpers the cue rules need."""

    def __init__(self, doc_id, text, tokens, sentences, mentions, side_cues, source_nouns):
        self.doc_id, self.text = doc_id, text
        self.title = None  # the article's title (not part of `text`), set by the caller when known
        self.t = {c: tokens[c].tolist() for c in ("text", "lemma", "pos", "dep", "head", "morph", "sent_id", "start_char")}
        self.n = len(self.t["text"])
        self.norm = [normalise(w) for w in self.t["text"]]
        self.lemma = [normalise(w) for w in self.t["lemma"]]
        for k in range(self.n - 1):  # "d'abord" is one adverb ("a-t-elle d'abord lancé"), whatever the tagger made of "d'"
            if self.norm[k] == "d'" and self.norm[k + 1] == "abord":
                self.t["pos"][k] = self.t["pos"][k + 1] = "ADV"
            # a noun the model cut at its hyphen ("état", "-", "major") is the compound ("état-major")
            if (self.t["pos"][k] == "NOUN" and self.t["text"][k + 1] == "-" and k + 2 < self.n
                    and self.t["start_char"][k + 1] == self.t["start_char"][k] + len(self.t["text"][k])
                    and self.t["start_char"][k + 2] == self.t["start_char"][k + 1] + 1):
                self.lemma[k] = f"{self.lemma[k]}-{self.norm[k + 2]}"
            # so is "un peu" ("avait tweeté un peu plus tôt la chef du parti"), but not "un peu de temps"
            if self.norm[k] == "un" and self.norm[k + 1] == "peu" and (k + 2 >= self.n or self.norm[k + 2] not in ("de", "d'")):
                self.t["pos"][k] = self.t["pos"][k + 1] = "ADV"
        self.children: dict[int, list[int]] = {}
        for i, h in enumerate(self.t["head"]):
            if h != i:
                self.children.setdefault(h, []).append(i)
        self.sent_bounds = {}
        for i, s in enumerate(self.t["sent_id"]):
            lo, hi = self.sent_bounds.get(s, (i, i))
            self.sent_bounds[s] = (min(lo, i), max(hi, i))
        self.sentences = sentences
        self.mentions = mentions.sort_values("start_char").to_dict("records")
        self.side_cues, self.source_nouns = side_cues, source_nouns

    def end_char(self, i: int) -> int:
        return self.t["start_char"][i] + len(self.t["text"][i])

    def token_at(self, char: int) -> int:
        import bisect

        return max(0, bisect.bisect_right(self.t["start_char"], char) - 1)

    def subtree(self, i: int) -> tuple[int, int]:
        lo = hi = i
        stack = [i]
        while stack:
            k = stack.pop()
            lo, hi = min(lo, k), max(hi, k)
            stack.extend(self.children.get(k, []))
        return lo, hi

    def para_of(self, char: int) -> int:
        import bisect

        return bisect.bisect_right(getattr(self, "para_starts", [0]), char)

    def mention_covering(self, start: int, end: int) -> list[dict]:
        return [m for m in self.mentions if m["start_char"] < end and m["end_char"] > start]


def _sentence_range(d: _Doc, i: int) -> tuple[int, int]:
    return d.sent_bounds[d.t["sent_id"][i]]


def _inside_quote(d: _Doc, i: int) -> bool:
    """Is token i between quote marks? Speech reported inside a quote is not split out."""
    char = d.t["start_char"][i]
    return any(a <= char < b for a, b in d.quote_ranges)


def _named_at(d: _Doc, k: int, kinds: tuple[str, ...] = ("PER",), misc_names: bool = False) -> tuple[int, int] | None:
    """Token range of the entity named at token k (of these types; a first name tagged MISC too
    when `misc_names`), or None."""
    for m in d.mention_covering(d.t["start_char"][k], d.end_char(k)):
        if m.get("kind") == "name" and isinstance(m.get("canonical"), str) and (
                m.get("type") in kinds or misc_names and m.get("type") == "MISC" and _looks_like_a_name(m["text"])):
            return d.token_at(m["start_char"]), d.token_at(m["end_char"] - 1)
    return None


def _after_preposition(d: _Doc, k: int) -> bool:
    """Is the name at k inside a prepositional phrase ("en réponse à l'élu UDI Philippe Vigier")?"""
    j = k - 1
    while j >= 0 and d.t["pos"][j] in ("DET", "NOUN", "ADJ", "PROPN") and k - j < 6:
        j -= 1
    return j >= 0 and d.t["pos"][j] == "ADP"


# Words that stand between a subject and its verb: negation and object or reflexive pronouns.
PRE_VERB_CLITICS = {"ne", "n'", "se", "s'", "le", "la", "l'", "les", "lui", "leur", "y", "en", "me", "m'", "te", "t'",
                    "nous", "vous"}


def _named_as_subject(d: _Doc, first: int, last: int) -> bool:
    """Is the name at tokens first..last the subject of its clause? The parse says so, or, where the
    small model errs, the name opens a clause and a verb follows it ("Dans un entretien …, Philippe
    Poutou appelle à …", parsed as an apposition); never right after a preposition ("envers Emmanuel
    Macron", parsed as the subject of a misread "envers")."""
    if first > 0 and d.norm[first - 1] in PREPOSITION_WORDS:
        return False
    if any(d.t["dep"][j] in SUBJECT_DEPS and not _inside_quote(d, d.t["head"][j]) for j in range(first, last + 1)):
        return True
    head = d.t["head"][first]  # "Le Premier ministre Kyriakos Mitsotakis a exprimé": the name of a subject role
    if first - 4 <= head < first and d.t["pos"][head] == "NOUN" and d.t["dep"][head] in SUBJECT_DEPS and not _inside_quote(d, head):
        return True
    opens = first == 0 or d.t["text"][first - 1] in (",", ".", ";", ":", "\n") or d.t["sent_id"][first - 1] != d.t["sent_id"][first]
    verb = last + 1
    while verb < d.n and d.norm[verb] in PRE_VERB_CLITICS:  # "X n'a épargné personne", "X s'est dit"
        verb += 1
    return opens and verb < d.n and d.t["pos"][verb] in ("VERB", "AUX") and not _inside_quote(d, first)


def _full_stops_between(d: _Doc, a: int, b: int) -> int:
    """How many sentences apart tokens a and b are, by the full stops and paragraph breaks between
    them (the small model also cuts sentences at hyphens and names: "Europe Ecologie-Les Verts")."""
    return sum(d.t["text"][j] in (".", "!", "?", "…") or "\n" in d.t["text"][j] for j in range(a, b))


def _author_of_subject(d: _Doc, k: int) -> bool:
    """Is the name at k the author of the words its sentence is about ("Le témoignage de Sandrine
    Rousseau portait sur …", "Les propos de X ont choqué"): the person a following "elle" is."""
    if k < 2 or d.norm[k - 1] not in ("de", "d'", "du"):
        return False
    noun = k - 2 if d.t["pos"][k - 2] == "NOUN" else k - 3
    return noun >= 0 and d.lemma[noun] in ACCOUNT_NOUNS and d.t["dep"][noun] in SUBJECT_DEPS


def _introduces_someone_new(d: _Doc, head: int, hi: int) -> bool:
    """A person noun with an indefinite complement ("le juge d'un tribunal de Moscou", "la mère
    d'une victime") is someone the article has not met: no earlier person is meant."""
    return any(d.norm[j] in ("d'", "de") and d.norm[j + 1] in ("un", "une", "plusieurs", "certains", "certaines")
               for j in range(head + 1, hi))


def _np_range(d: _Doc, k: int) -> tuple[int, int]:
    """A noun phrase around head k: its determiner, adjectives and de-complements, no clause."""
    lo, hi = k, k
    while lo > 0 and d.t["head"][lo - 1] == k and d.t["dep"][lo - 1] in ("det", "amod", "nummod"):
        lo -= 1
    j = k + 1
    s_hi = _sentence_range(d, k)[1]
    while True:
        if j <= s_hi and d.t["text"][j] == "(":  # "le président (LR) du Sénat Gérard Larcher"
            close = next((c for c in range(j + 1, min(s_hi + 1, j + 5)) if d.t["text"][c] == ")"), None)
            if close is None or close + 1 > s_hi:
                break
            j = close + 1
            continue
        glued = (j < d.n and d.t["pos"][j - 1] == "PROPN" and d.t["text"][j].istitle() and d.t["text"][j].isalpha()
                 and d.t["start_char"][j] == d.end_char(j - 1) + 1)  # "Emmanuel Macron" with "Macron" read as an adverb
        if glued:
            hi = j
            j += 1
            continue
        if not ((j <= s_hi or j < d.n and d.t["pos"][j] == d.t["pos"][j - 1] == "PROPN") and (
            d.t["pos"][j] in ("ADJ", "PROPN", "NOUN", "DET") or d.t["dep"][j] in ("flat:name",)
            or (d.t["pos"][j] == "ADP" and d.norm[j] in ("de", "du", "des", "d'")))):  # a name the parser cut in two
            break
        if d.t["pos"][j] == "VERB":
            break
        hi = j
        j += 1
    while hi > k and d.t["pos"][hi] in ("ADP", "DET"):
        hi -= 1
    return lo, hi


def _described_gender(text: str | None) -> str | None:
    """"la mère de Simon Gautier" is a woman, "un assesseur" a man: the determiner of an unnamed source."""
    first = normalise(text or "").split()[:1]
    if first and first[0] in ("la", "une", "cette", "elle"):
        return "f"
    if first and first[0] in ("le", "un", "ce", "cet", "il"):
        return "m"
    return None


def _who(entry: dict) -> dict:
    """A remembered speaker without the position it was remembered at."""
    return {k: v for k, v in entry.items() if k != "at"}


def _looks_like_a_name(text: str) -> bool:
    """The small model tags many first names MISC ("Nadia"); dates and titles are not names."""
    words = text.split()
    return 0 < len(words) <= 3 and all(w[:1].isupper() and not any(c.isdigit() for c in w) for w in words) and \
        not any(normalise(w) in WEEKDAYS for w in words) and normalise(words[0]) not in ("le", "la", "les", "l'")


def _det_gender(d: _Doc, j: int) -> str | None:
    morph = d.t["morph"][j] or ""
    if d.norm[j] in ("le", "un", "du", "au", "ce", "cet") or "Gender=Masc" in morph:
        return "m"
    if d.norm[j] in ("la", "une", "cette") or "Gender=Fem" in morph:
        return "f"
    return None


def _name_of(d: _Doc, lo: int, hi: int) -> str | None:
    """A proper name of two words or more ("Erika Ramírez"), however the model tagged it."""
    titled = (d.t["pos"][lo] == "DET" and d.t["text"][lo][:1].isupper() and lo > 0
              and d.t["text"][lo - 1] not in (".", "!", "?", "\n") and d.t["sent_id"][lo - 1] == d.t["sent_id"][lo])
    words = [j for j in range(lo, hi + 1) if (titled or d.t["pos"][j] != "DET") and d.norm[j] not in HONORIFICS]
    if len(words) < 2 or not all(d.t["text"][j][:1].isupper() and (d.t["pos"][j] in ("PROPN", "NOUN", "ADJ", "X") or j > words[0]
                                                                  and d.t["pos"][j - 1] == "PROPN" and d.t["text"][j].isalpha())
                                 for j in words):  # ("Emmanuel Macron" with "Macron" read as an adverb)
        return None
    return d.text[d.t["start_char"][words[0]]:d.end_char(words[-1])]


def _head_noun(d: _Doc, lo: int, hi: int) -> str | None:
    """The first source noun of the phrase before its first complement, else its first noun
    ("responsable" is often tagged ADJ; "les chiffres de la brigade des sapeurs-pompiers" is headed by "chiffre")."""
    for j in range(lo, hi + 1):
        if d.lemma[j] in d.source_nouns or d.norm[j] in d.source_nouns:
            return d.lemma[j] if d.lemma[j] in d.source_nouns else d.norm[j]
        if j > lo and d.t["pos"][j] == "ADP" and d.t["pos"][j - 1] == "NOUN":
            break
    for j in range(lo, hi + 1):
        if d.t["pos"][j] in ("NOUN", "PROPN"):
            return d.lemma[j]
    return None


def _cue_side(d: _Doc, lo: int, hi: int) -> str | None:
    """Side revealed by the description: a side cue ("américain", "du Kremlin") or an entity with a side."""
    words = " ".join(d.lemma[lo:hi + 1])
    sides = {side for side, cues in d.side_cues.items() for cue in cues if re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", words)}
    for m in d.mention_covering(d.t["start_char"][lo], d.end_char(hi)):
        if m.get("side") not in (None, "UNKNOWN"):
            sides.add(m["side"])
    return sides.pop() if len(sides) == 1 else None


def _designates_someone(d: _Doc, k: int, institution_nouns: set[str]) -> bool:
    """Does the phrase at k name a speaker: an entity, a stressed pronoun, or people or a body?"""
    if k >= d.n:
        return False
    if d.norm[k] in ("lui", "elle", "eux", "elles", "moi"):
        return True
    lo, hi = _np_range(d, k)
    if any(m.get("type") in ("PER", "ORG") for m in d.mention_covering(d.t["start_char"][lo], d.end_char(hi))):
        return True
    head = _head_noun(d, lo, hi)
    return head is not None and (head in d.source_nouns or head in institution_nouns)


def _lemma_cue(cue: str) -> str:
    """Side cues are matched against normalised lemmas: "des États-Unis" -> "de le etats-unis"."""
    from .lexicon import _phrase_norms

    return " ".join(_phrase_norms((cue,))[0])
