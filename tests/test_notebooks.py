"""Notebooks are code: each runs top to bottom from a fresh kernel, on the seeds and on another corpus."""

from __future__ import annotations

import nbformat
import pytest

from analysis.report import execute_notebook, notebook_paths
from conftest import SHARED_CORPORA

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
