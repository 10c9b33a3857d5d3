"""Notebooks are code: each runs top to bottom from a fresh kernel, on the seeds and on another corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from analysis.report import build_reports, execute_notebook, notebook_paths
from conftest import PROJECT, SEEDS, SHARED_CORPORA

NOTEBOOKS = notebook_paths()


def figure_outputs(nb):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                yield output


def test_notebooks_are_committed_clean():
    """No outputs, no execution counts, and a `parameters` cell defining CORPUS."""
    assert NOTEBOOKS, "no notebook found"
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} has outputs"
                assert len(cell.source.splitlines()) <= 14, f"{path.name}: a long cell belongs in analysis/"
                assert "import spacy" not in cell.source and "sys.path" not in cell.source
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1 and "CORPUS" in params[0].source, path.name


@pytest.mark.slow
def test_report_on_the_seeds(tmp_path):
    """`report` runs every notebook on the seeds: pages, index, figures with alt text."""
    index = build_reports(SEEDS, tmp_path, log=lambda *_: None)
    assert index.exists() and 'lang="fr"' in index.read_text(encoding="utf-8")
    figures_dir = Path(os.environ["ANALYSIS_FIGURES_DIR"])
    for path in NOTEBOOKS:
        page = tmp_path / f"{path.stem}.html"
        assert page.exists(), page
        executed = nbformat.read(tmp_path / "executed" / path.name, as_version=4)
        outputs = list(figure_outputs(executed))
        assert outputs, f"{path.name} shows no figure"
        for output in outputs:
            meta = output["metadata"]["image/png"]
            assert len(meta["alt"]) > 30, meta
            stem = Path(meta["filename"]).stem
            for suffix in (".png", ".svg", ".csv"):
                assert (figures_dir / f"{stem}{suffix}").exists(), stem + suffix
    assert (figures_dir / "00_corpus_removed_lines.png").exists()


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_another_corpus(path, tmp_path):
    """Nothing is hard-coded to the seeds: the 20-article sample of the shared corpus."""
    corpus = SHARED_CORPORA / "fr_news_sample"
    if not corpus.exists():
        pytest.skip(f"{corpus} is not beside the project")
    executed = execute_notebook(path, corpus, tmp_path / path.name)
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert list(figure_outputs(nb))
