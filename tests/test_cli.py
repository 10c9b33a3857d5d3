"""`python -m analysis export|report`: what a user sees, and the exit codes."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from analysis.__main__ import main
from conftest import CORPUS_2K, PROJECT, SEEDS, need_shared_corpus

EXPECTED = ["documents", "paragraphs", "removed_lines", "rejected", "sentences", "tokens", "mentions"]


def test_export_seeds_writes_one_csv_per_table(tmp_path, capsys):
    assert main(["export", "--corpus", str(SEEDS), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "5 article(s)" in out
    for name in EXPECTED:
        table = pd.read_csv(tmp_path / f"{name}.csv", encoding="utf-8")
        assert f"{name}.csv" in out
        if name != "rejected":
            assert len(table) > 0, name
    docs = pd.read_csv(tmp_path / "documents.csv").set_index("doc_id")
    assert pd.isna(docs.loc["004_8fbd7013e4acd58c", "title"])
    assert docs.loc["004_8fbd7013e4acd58c", "date"] == "2021-12"
    for fragment in ("Home »", "READ", "Lire aussi", "Related Posts", "cookies", "Laisser un commentaire", "Akismet"):
        assert not docs.text.str.contains(fragment, regex=False).any(), fragment


def test_export_no_such_path_exits_non_zero_with_one_line(tmp_path, capsys):
    assert main(["export", "--corpus", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no such corpus") and "\n" not in err


def test_export_corpus_without_readable_article(tmp_path, capsys):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "empty.txt").write_text("")
    assert main(["export", "--corpus", str(tmp_path / "c"), "--out", str(tmp_path / "o")]) == 2
    captured = capsys.readouterr()
    assert "empty file" in captured.out and "no readable article" in captured.err


def test_help_is_available():
    for command in (["--help"], ["export", "--help"], ["report", "--help"]):
        result = subprocess.run([sys.executable, "-m", "analysis", *command], capture_output=True, text=True, cwd=PROJECT)
        assert result.returncode == 0 and "usage" in result.stdout


@pytest.mark.slow
def test_export_2k_corpus_runs_and_hits_the_cache_the_second_time(tmp_path):
    """The real corpus runs through; a second run reads the cache (no progress bar, fast)."""
    need_shared_corpus()
    from analysis import load_corpus

    cache = tmp_path / "cache"
    corpus = load_corpus(CORPUS_2K, cache_dir=cache, processes=2, progress=False)
    limit = corpus.documents.head(120)  # keep the suite short: a sample of the 2,000 articles
    sample = tmp_path / "sample.jsonl"
    limit_ids = set(limit.doc_id)
    with CORPUS_2K.open(encoding="utf-8") as src, sample.open("w", encoding="utf-8") as dst:
        for line in src:
            if any(f'"id": "{d}"' in line for d in limit_ids):
                dst.write(line)
    args = ["export", "--corpus", str(sample), "--out", str(tmp_path / "o"), "--cache-dir", str(cache), "--processes", "2"]
    assert main(args) == 0
    tokens = pd.read_csv(tmp_path / "o" / "tokens.csv")
    assert tokens.doc_id.nunique() == 120
    import analysis.annotate as annotate

    real = annotate.annotate_documents
    annotate.annotate_documents = lambda *a, **k: (_ for _ in ()).throw(AssertionError("not cached"))
    try:
        assert main(args) == 0
    finally:
        annotate.annotate_documents = real
