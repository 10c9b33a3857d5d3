"""Figures: one function per chart, and one helper that saves and shows them with alt text.

Every plotting function takes tidy tables, returns the matplotlib `Figure` and never saves
or shows it. `save_figure` writes `figures/NN_topic_what.png` + `.svg` + the `.csv` of the
plotted numbers, stores the alt text in the image metadata, and displays the PNG in the
notebook with the alt text in the output metadata, so the HTML reports can carry it.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # figures are files first; notebooks display the saved PNG
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .cache import PROJECT_ROOT  # noqa: E402
from .datafiles import load_sides  # noqa: E402

SOURCE_NOTE = "Source : corpus {corpus}, calculs du paquet analysis"
_DEFAULT_SIZE = (8, 4.5)


def figures_dir() -> Path:
    """`figures/` at the project root, or $ANALYSIS_FIGURES_DIR."""
    path = Path(os.environ.get("ANALYSIS_FIGURES_DIR") or PROJECT_ROOT / "figures")
    path.mkdir(parents=True, exist_ok=True)
    return path


def side_palette(corpus=None) -> dict[str, str]:
    """side -> colour from sides.csv, in legend order (UNKNOWN grey)."""
    return {row["side"]: row["colour"] for row in load_sides(corpus)}


def save_figure(fig, name: str, alt: str | None = None, data: pd.DataFrame | None = None, *,
                show: bool = True) -> None:
    """Save `fig` as figures/<name>.png and .svg (+ .csv of `data`) and display it with alt text.

    `name` follows `NN_topic_what` (e.g. `00_corpus_removed_lines`); `alt` says what the
    figure shows, in a sentence a screen-reader user can follow. The plotting functions
    below write one from the data (`fig.alt_text`) and attach their numbers
    (`fig.plot_data`), used when `alt`/`data` are not given.
    """
    alt = alt or getattr(fig, "alt_text", None)
    data = data if data is not None else getattr(fig, "plot_data", None)
    if not alt or not alt.strip():
        raise ValueError(f"figure {name}: alt text is required")
    folder = figures_dir()
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    title = fig._suptitle.get_text() if fig._suptitle else (fig.axes[0].get_title() if fig.axes else name)
    # Alt texts are written in English (the code language); report pages mark them lang="en".
    fig.savefig(png, dpi=120, bbox_inches="tight", metadata={"Title": title, "Description": alt})
    fig.savefig(svg, bbox_inches="tight", metadata={"Title": title, "Description": alt})
    if data is not None:
        data.to_csv(folder / f"{name}.csv", index=True, encoding="utf-8")
    plt.close(fig)
    if show:
        _display_png(png, alt)


def _display_png(path: Path, alt: str) -> None:
    """Show a PNG in Jupyter with `alt` in the output metadata (read by the report template)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return
    if get_ipython() is None:
        return
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    display({"image/png": data, "text/plain": f"[figure] {alt}"}, raw=True,
            metadata={"image/png": {"alt": alt, "filename": path.name}})


def _finish(fig, ax, title: str, xlabel: str, ylabel: str, corpus_name: str | None) -> None:
    ax.set_title(title, loc="left", fontsize=12)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if corpus_name:
        fig.text(0.01, -0.02, SOURCE_NOTE.format(corpus=corpus_name), fontsize=8, color="#555555")
    fig.tight_layout()


def _short(doc_id: str, width: int = 18) -> str:
    return doc_id if len(doc_id) <= width else doc_id[: width - 1] + "…"


# --------------------------------------------------------------------------- notebook 00

def plot_article_lengths(documents: pd.DataFrame, corpus_name: str | None = None, max_bars: int = 40):
    """Words per article (bars) — a histogram instead when there are many articles."""
    fig, ax = plt.subplots(figsize=_DEFAULT_SIZE)
    n = len(documents)
    if n <= max_bars:
        labels = [_short(d) for d in documents["doc_id"]]
        ax.barh(labels, documents["n_words"], color="#0072B2")
        ax.invert_yaxis()
        _finish(fig, ax, f"Longueur des articles (N = {n})", "mots", "article", corpus_name)
    else:
        ax.hist(documents["n_words"], bins=30, color="#0072B2")
        _finish(fig, ax, f"Longueur des articles (N = {n})", "mots par article", "nombre d'articles", corpus_name)
    longest, shortest = documents.loc[documents["n_words"].idxmax()], documents.loc[documents["n_words"].idxmin()]
    fig.alt_text = (f"{'Bar chart' if n <= max_bars else 'Histogram'} of the length in words of the {n} articles: "
                    f"from {shortest['n_words']} words ({shortest['doc_id']}) to {longest['n_words']} words "
                    f"({longest['doc_id']}), median {documents['n_words'].median():.0f}.")
    fig.plot_data = documents.set_index("doc_id")[["n_words", "n_paragraphs"]]
    return fig


def plot_removed_lines(removed_lines: pd.DataFrame, documents: pd.DataFrame,
                       corpus_name: str | None = None, max_bars: int = 40):
    """Lines removed by the cleaner, per reason and per article (stacked bars)."""
    counts = (removed_lines.groupby(["doc_id", "reason"]).size().unstack(fill_value=0)
              .reindex(documents["doc_id"], fill_value=0))
    fig, ax = plt.subplots(figsize=_DEFAULT_SIZE)
    if counts.empty or counts.to_numpy().sum() == 0:
        ax.text(0.5, 0.5, "Aucune ligne retirée", ha="center", va="center", transform=ax.transAxes)
        _finish(fig, ax, "Lignes retirées par le nettoyage", "", "", corpus_name)
        fig.alt_text, fig.plot_data = "Empty chart: the cleaner removed no line from any article.", counts
        return fig
    totals = counts.sum().sort_values(ascending=False)
    fig.alt_text = (f"Stacked bar chart of the {int(totals.sum())} lines the cleaner removed, by reason and article; "
                    "by reason: " + ", ".join(f"{reason} {n}" for reason, n in totals.items() if n) + ".")
    fig.plot_data = counts
    if len(counts) > max_bars:  # many articles: totals per reason instead of one bar each
        totals = counts.sum().sort_values()
        ax.barh(totals.index, totals.values, color="#D55E00")
        _finish(fig, ax, f"Lignes retirées par motif ({len(counts)} articles)", "lignes", "motif", corpus_name)
        return fig
    counts.index = [_short(d) for d in counts.index]
    counts.plot.barh(stacked=True, ax=ax, colormap="tab10", width=0.8)
    ax.invert_yaxis()
    ax.legend(title="motif", fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")
    _finish(fig, ax, f"Lignes retirées par article et par motif (N = {int(counts.to_numpy().sum())})",
            "lignes retirées", "article", corpus_name)
    return fig


def plot_similarity_matrix(matrix: pd.DataFrame, corpus_name: str | None = None):
    """Heat map of the estimated share of shared word trigrams between articles."""
    size = max(4.5, 0.45 * len(matrix) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    image = ax.imshow(matrix.to_numpy(), cmap="Blues", vmin=0, vmax=max(0.3, float(matrix.where(matrix < 1).max().max() or 0)))
    labels = [_short(d, 12) for d in matrix.index]
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    if len(matrix) <= 12:
        for i in range(len(matrix)):
            for j in range(len(matrix)):
                if i != j:
                    ax.text(j, i, f"{matrix.iat[i, j]:.2f}", ha="center", va="center", fontsize=8)
    fig.colorbar(image, ax=ax, label="similarité (Jaccard des trigrammes de mots)")
    _finish(fig, ax, "Quels articles se ressemblent ?", "article", "article", corpus_name)
    pairs = matrix.where(~pd.DataFrame(
        [[i >= j for j in range(len(matrix))] for i in range(len(matrix))], index=matrix.index, columns=matrix.columns))
    top = pairs.stack().sort_values(ascending=False)
    best = f"the most similar pair is {top.index[0][0]} and {top.index[0][1]} ({top.iloc[0]:.2f})" if len(top) else "no pair"
    fig.alt_text = (f"Heat map of the similarity of the {len(matrix)} articles to each other "
                    f"(share of shared word trigrams, 0 to 1); {best}.")
    fig.plot_data = matrix
    return fig
