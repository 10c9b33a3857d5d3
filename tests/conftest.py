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


NEWS_SAMPLE_LINES = 430


@pytest.fixture(scope="session")
def news_sample(tmp_path_factory):
    """The first 430 articles of the shared 2,000-article corpus (a random draw), parsed once: every
    hand-annotated real article lies among them (test_quotes checks it).

    Realistic tests run on this sample so that `make test` stays within minutes on 2 cores.
    """
    need_shared_corpus()
    from analysis import load_corpus

    path = tmp_path_factory.mktemp("news") / f"fr_news_{NEWS_SAMPLE_LINES}.jsonl"
    with CORPUS_2K.open(encoding="utf-8") as src:
        path.write_text("".join(line for _, line in zip(range(NEWS_SAMPLE_LINES), src)), encoding="utf-8")
    corpus = load_corpus(path, processes=2, progress=False)
    corpus.tokens
    return corpus


@pytest.fixture
def parsed_doc_ids(monkeypatch):
    """The doc ids sent to spaCy during a test (spies on annotate.annotate_documents)."""
    from analysis import annotate

    parsed: list[str] = []
    real = annotate.annotate_documents

    def spy(documents, *args, **kwargs):
        parsed.extend(documents.doc_id)
        yield from real(documents, *args, **kwargs)

    monkeypatch.setattr(annotate, "annotate_documents", spy)
    return parsed
