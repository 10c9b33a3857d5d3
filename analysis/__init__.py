"""Analyse French news coverage in notebooks: load, clean, annotate and measure a corpus.

    from analysis import load_corpus
    corpus = load_corpus("seeds/")
    corpus.documents.head()

Importing the package loads no spaCy model; tables are computed on first access.
"""

from .corpus import CorpusError
from .pipeline import Corpus, load_corpus

__all__ = ["Corpus", "CorpusError", "load_corpus"]
__version__ = "0.1.0"
