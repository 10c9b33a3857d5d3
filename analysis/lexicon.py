"""Match word lists from the data files against the token table with spaCy's PhraseMatcher.

Why: teachers write cues as ordinary French ("de la Maison Blanche", "président russe"); we
lemmatise them once with the same model, and match on a normalised lemma (lower case, no
accents, straight apostrophes) so "Etat" matches "État" and "américaines" matches
"américain". The corpus is never re-parsed: lightweight `Doc` objects are rebuilt from the
cached token table (words, spaces and normalised lemmas only).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import pandas as pd
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

_VOCAB = Vocab()


@lru_cache(maxsize=200_000)
def normalise(text: str) -> str:
    """Lower case, no accents, straight apostrophes: the form both sides are compared in."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def doc_from_tokens(tokens: pd.DataFrame) -> Doc:
    """A Doc holding one document's tokens, with NORM set to the normalised lemma.

    `tokens` are the rows of one document, in order (columns text, lemma, start_char).
    Token i of the Doc is row i of `tokens`, so match positions map back to table rows.
    """
    words = tokens["text"].tolist()
    starts = tokens["start_char"].tolist()
    spaces = [starts[k] + len(words[k]) < starts[k + 1] for k in range(len(words) - 1)] + [False]
    doc = Doc(_VOCAB, words=words or [""], spaces=spaces if words else [False])
    for token, lemma in zip(doc, tokens["lemma"].tolist()):
        token.norm_ = normalise(lemma or token.text)
    return doc


@lru_cache(maxsize=64)
def _phrase_norms(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Normalised lemma sequence of each phrase, from the project's spaCy model (loaded once)."""
    from .annotate import load_model, normalise_for_nlp

    nlp = load_model()
    return tuple(tuple(normalise(t.lemma_ or t.text) for t in doc if not t.is_space)
                 for doc in nlp.pipe(normalise_for_nlp(p) for p in phrases))


def phrase_matcher(phrases: dict[str, list[str]]) -> PhraseMatcher:
    """A PhraseMatcher on NORM with one rule per label: {label: [phrase, …]}."""
    matcher = PhraseMatcher(_VOCAB, attr="NORM")
    for label, items in phrases.items():
        patterns = []
        for norms in _phrase_norms(tuple(items)):
            pattern = Doc(_VOCAB, words=list(norms) or [""])
            for token, norm in zip(pattern, norms):
                token.norm_ = norm
            patterns.append(pattern)
        matcher.add(label, patterns)
    return matcher


# Inflection endings -> infinitive endings, most specific first. The small model sometimes
# lemmatises a verb as itself ("estime", "indique") or tags it as a noun ("note"); this
# reverse conjugation recovers the infinitive of a *listed* verb from its form, so it only
# ever answers with a verb a teacher put in a list.
_ENDINGS = [
    ("erent", "er"), ("eraient", "er"), ("erait", "er"), ("eront", "er"), ("era", "er"), ("aient", "er"),
    ("ait", "er"), ("ant", "er"), ("ent", "er"), ("ees", "er"), ("ee", "er"), ("es", "er"), ("e", "er"), ("a", "er"),
    ("issaient", "ir"), ("issait", "ir"), ("issent", "ir"), ("issant", "ir"), ("ira", "ir"), ("it", "ir"),
    ("ie", "ir"), ("is", "ir"), ("i", "ir"),
    ("ient", "enir"), ("iennent", "enir"), ("enu", "enir"), ("enait", "enir"),
    ("sent", "re"), ("sait", "re"), ("sant", "re"), ("vent", "re"), ("vait", "re"), ("vant", "re"),
    ("aissent", "aitre"), ("aissait", "aitre"), ("ait", "aitre"), ("u", "aitre"),
    ("nent", "ndre"), ("nait", "ndre"), ("nt", "ndre"),
    ("ettent", "ettre"), ("ettait", "ettre"), ("is", "ettre"), ("et", "ettre"),
    ("ent", "re"), ("ait", "re"), ("ant", "re"), ("it", "re"), ("ut", "re"), ("u", "re"), ("t", "re"), ("", "re"),
    ("t", "vre"), ("i", "re"), ("oit", "oir"), ("oient", "oir"), ("oyait", "oir"), ("u", "oir"),
]


def guess_verb_lemma(form: str, verbs: set[str]) -> str | None:
    """The listed infinitive that `form` is an inflection of ("estime" -> "estimer", "prévient" ->
    "prévenir", "reconnaît" -> "reconnaître"), or None. `verbs` are normalised infinitives."""
    form = normalise(form).lstrip("-")
    if form in verbs:
        return form
    for ending, infinitive in _ENDINGS:
        if form.endswith(ending) and len(form) > len(ending) + 1:
            candidate = form[: len(form) - len(ending)] + infinitive
            if candidate in verbs:
                return candidate
    return None
