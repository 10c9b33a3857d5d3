"""Shared fixtures: one spaCy model per test run, a private cache and figures folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
SHARED_CORPORA = PROJECT.parent / "shared" / "corpora"
CORPUS_2K = SHARED_CORPORA / "fr_news_2k.jsonl"


@pytest.fixture(scope="session", autouse=True)
def private_dirs(tmp_path_factory):
    """Tests never touch the project's .cache/ or figures/: point both at temp folders.

    Notebook kernels started by the tests inherit these variables.
    """
    root = tmp_path_factory.mktemp("run")
    os.environ["ANALYSIS_CACHE_DIR"] = str(root / "cache")
    os.environ["ANALYSIS_FIGURES_DIR"] = str(root / "figures")
    yield root


@pytest.fixture(scope="session")
def nlp():
    from analysis.annotate import load_model

    return load_model()


@pytest.fixture(scope="session")
def seeds_corpus():
    """The five seed articles, cleaned and annotated once for the whole run."""
    from analysis import load_corpus

    corpus = load_corpus(SEEDS, progress=False)
    corpus.tokens  # parse now, once
    return corpus


def need_shared_corpus():
    if not CORPUS_2K.exists():
        pytest.skip(f"the shared corpus is not beside the project ({CORPUS_2K} missing)")
