"""Figures of notebook 04 (readability): one function per chart, in the style of `analysis.figures`.

Each function takes tidy tables built by `analysis.readability`, returns the matplotlib
`Figure` with `fig.alt_text` (an English sentence giving the key numbers) and `fig.plot_data`
(the numbers plotted), and never saves or shows it: the notebook calls
`figures.save_figure(fig, "04_readability_<what>")`. Per-article views show at most
`max_articles` articles (the notebook passes a fixed-seed sample on a large corpus).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .figures import _DEFAULT_SIZE, _finish, _short
from .readability import LABELS_FR, MEASURES

# Okabe–Ito colours (colour-blind safe).
BLUE, ORANGE, GREEN, GREY = "#0072B2", "#D55E00", "#009E73", "#777777"


def _label(measure: str) -> str:
    return LABELS_FR.get(measure, measure)


def _chosen(table: pd.DataFrame, doc_ids, column: str = "doc_id") -> pd.DataFrame:
    return table if doc_ids is None else table[table[column].isin(list(doc_ids))]


# --------------------------------------------------------------------------- do the measures agree?

def plot_measure_ranks(ranks: pd.DataFrame, corpus_name: str | None = None, doc_ids=None):
    """Heat map of each article's rank by each measure (1 = easiest): do the measures agree?

    `ranks` is `readability.rank_articles(...)` (index doc_id); `doc_ids` limits the rows
    shown (a sample), the ranks staying those within the whole corpus.
    """
    measures = [c for c in ranks.columns if c in MEASURES]
    n_total = len(ranks)
    shown = ranks if doc_ids is None else ranks.loc[[d for d in ranks.index if d in set(doc_ids)]]
    fig, ax = plt.subplots(figsize=(9, max(3.5, 0.32 * len(shown) + 2)))
    image = ax.imshow(shown[measures].to_numpy(float) / max(n_total, 1), cmap="Oranges", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(measures)), [_label(m) for m in measures], rotation=20, ha="right")
    ax.set_yticks(range(len(shown)), [f"{_short(d)}  (écart {s:.0f})" for d, s in zip(shown.index, shown["spread"])],
                  fontsize=8)
    if len(shown) <= 30:
        for i, row in enumerate(shown[measures].to_numpy(float)):
            for j, value in enumerate(row):
                if not np.isnan(value):
                    ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=8,
                            color="white" if value / max(n_total, 1) > 0.6 else "black")
    fig.colorbar(image, ax=ax, label="rang / nombre d'articles (0 = le plus facile)")
    sampled = "" if len(shown) == n_total else f", {len(shown)} tirés au hasard"
    _finish(fig, ax, f"Les mesures classent-elles les articles de la même façon ? (N = {n_total}{sampled})",
            "mesure", "article (trié par rang moyen)", corpus_name)
    rho = ranks[measures].corr(method="spearman")
    worst = shown["spread"].idxmax() if len(shown) else None
    pair = ("kandel_moles", "lix") if {"kandel_moles", "lix"} <= set(measures) else (measures[0], measures[-1])
    fig.alt_text = (
        f"Heat map of the rank of {len(shown)} of {n_total} articles by {len(measures)} readability measures "
        f"(1 = easiest). The rankings by {_label(pair[0])} and {_label(pair[1])} have a Spearman correlation of "
        f"{rho.loc[pair]:.2f}"
        + (f"; the article on which the measures disagree most is {worst} (ranks "
           f"{shown.loc[worst, measures].min():.0f} to {shown.loc[worst, measures].max():.0f})."
           if worst is not None else ".")
    )
    fig.plot_data = shown
    return fig


# --------------------------------------------------------------------------- sentence lengths

def plot_sentence_lengths(lengths: pd.DataFrame, corpus_name: str | None = None, doc_ids=None):
    """Words per sentence: all sentences of the corpus (left), and per article (right, ≤ 30 articles).

    `lengths` is `readability.sentence_lengths(words)`; `doc_ids` chooses the articles shown
    on the right (default: all of them).
    """
    per_article = _chosen(lengths, doc_ids)
    order = per_article.groupby("doc_id")["n_words"].median().sort_values()
    height = max(4.5, 0.28 * len(order) + 1.8)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, height), gridspec_kw={"width_ratios": [1, 1.3]})
    median = lengths["n_words"].median()
    left.hist(lengths["n_words"], bins=range(0, int(lengths["n_words"].max()) + 3, 2), color=BLUE)
    left.axvline(median, color=ORANGE, linestyle="--", label=f"médiane : {median:.0f} mots")
    left.legend(fontsize=8)
    _finish(fig, left, f"Toutes les phrases (N = {len(lengths)})", "mots par phrase", "nombre de phrases", None)
    groups = [per_article.loc[per_article["doc_id"] == d, "n_words"] for d in order.index]
    right.boxplot(groups, orientation="horizontal", widths=0.6, flierprops={"markersize": 3, "markerfacecolor": GREY})
    right.set_yticks(range(1, len(order) + 1), [_short(d) for d in order.index], fontsize=8)
    right.invert_yaxis()  # the article with the shortest sentences on top
    shown = f"{len(order)} articles" + ("" if len(order) == lengths["doc_id"].nunique() else " tirés au hasard")
    _finish(fig, right, f"Par article ({shown}), médiane la plus courte en haut", "mots par phrase", "article",
            corpus_name)
    longest = lengths.loc[lengths["n_words"].idxmax()]
    over_30 = (lengths["n_words"] > 30).mean()
    fig.alt_text = (
        f"Histogram of the length of {len(lengths)} sentences in words (median {median:.0f}, {over_30:.0%} longer "
        f"than 30 words, longest {longest['n_words']} words in {longest['doc_id']}), and box plots of sentence "
        f"length for {len(order)} articles, whose medians range from {order.min():.0f} to {order.max():.0f} words."
    )
    fig.plot_data = per_article.groupby("doc_id")["n_words"].describe().loc[order.index]
    return fig


# --------------------------------------------------------------------------- textstat and us

def plot_textstat_comparison(comparison: pd.DataFrame, corpus_name: str | None = None):
    """Dumbbell chart: our Kandel–Moles score and textstat's for the same articles.

    `comparison` is `readability.compare_articles_with_textstat(...)`.
    """
    table = comparison.sort_values("kandel_moles_ours").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(_DEFAULT_SIZE[0], max(3.5, 0.3 * len(table) + 1.8)))
    y = np.arange(len(table))
    ax.hlines(y, table["kandel_moles_ours"], table["kandel_moles_textstat"], color=GREY, linewidth=1)
    ax.scatter(table["kandel_moles_ours"], y, color=BLUE, label="nous (syllabes parlées, phrases de spaCy)", zorder=3)
    ax.scatter(table["kandel_moles_textstat"], y, color=ORANGE, marker="s",
               label="textstat (césure pyphen, phrases coupées à chaque point)", zorder=3)
    ax.set_yticks(y, [_short(d) for d in table["doc_id"]], fontsize=8)
    ax.legend(fontsize=8, loc="lower right")
    _finish(fig, ax, f"Même formule, autres comptes : Kandel–Moles selon textstat et selon nous (N = {len(table)})",
            "score de Kandel–Moles (plus haut = plus facile)", "article", corpus_name)
    gap = table["kandel_moles_textstat"] - table["kandel_moles_ours"]
    fig.alt_text = (
        f"Dot plot of the Kandel–Moles score of {len(table)} articles computed by us and by textstat: textstat's "
        f"score is higher for {int((gap > 0).sum())} of them; the gap ranges from {gap.min():+.1f} to {gap.max():+.1f} "
        f"points (median {gap.median():+.1f}). Its syllable counts move its score by a median of "
        f"{table['from_syllables'].median():+.1f} points, its sentence counts by "
        f"{table['from_sentence_length'].median():+.1f} points."
    )
    fig.plot_data = table.set_index("doc_id")
    return fig


# --------------------------------------------------------------------------- the reference sample

def plot_reference_position(positions: pd.DataFrame, reference: pd.DataFrame, corpus_name: str | None = None,
                            doc_ids=None, reference_label: str = "l'échantillon de presse",
                            reference_alt: str = "the reference news sample"):
    """Where the articles sit in the reference distribution, one panel per measure.

    The curve: for each value of the measure, the share of the reference articles that are
    easier. Dots: the articles (`doc_ids`, ≤ 30). When the corpus has more articles than the
    dots, its own curve is drawn too. `positions` is `readability.reference_positions(...)`;
    `reference_label` names the reference in the figure (French), `reference_alt` in the alt text.
    """
    measures = list(dict.fromkeys(positions["measure"]))
    ncols = 2 if len(measures) > 1 else 1
    nrows = int(np.ceil(len(measures) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(10, 3.6 * nrows), squeeze=False)
    for k, (ax, m) in enumerate(zip(axes.flat, measures)):
        harder = lambda p: 100 - p if MEASURES[m]["easier"] == "higher" else p  # noqa: E731
        percent = reference.index.to_numpy(float)
        ax.plot(reference[m], harder(percent), color="#BBBBBB", linewidth=3, label=reference_label)
        mine = positions[positions["measure"] == m].dropna(subset=["value"])
        dots = _chosen(mine, doc_ids)
        if len(dots) < len(mine):  # a large corpus: its own distribution, then the sampled dots
            own = np.percentile(mine["value"], percent)
            ax.plot(own, harder(percent), color=BLUE, linestyle="--", label=f"ce corpus ({len(mine)} articles)")
        ax.scatter(dots["value"], dots["harder_than"], color=ORANGE, zorder=3, s=18,
                   label=f"articles ({len(dots)}{'' if len(dots) == len(mine) else ', au hasard'})")
        ax.set_ylim(0, 100)
        last = k == len(measures) - 1
        easier = "plus haut" if MEASURES[m]["easier"] == "higher" else "plus bas"
        _finish(fig, ax, _label(m), f"{_label(m)} ({easier} = plus facile)",
                "plus difficile que … %", corpus_name if last else None)
        if k == 0:
            ax.legend(fontsize=7, loc="best")
    for ax in list(axes.flat)[len(measures):]:
        ax.set_visible(False)
    fig.suptitle(f"Où se situent les articles par rapport à {reference_label} ?", x=0.01, ha="left", fontsize=12)
    fig.tight_layout()
    main = positions[(positions["measure"] == measures[0])].dropna(subset=["harder_than"])
    fig.alt_text = (
        f"{len(measures)} panels, one per measure ({', '.join(_label(m) for m in measures)}), each showing the "
        f"distribution of {reference_alt} as a curve and {len(_chosen(main, doc_ids))} articles as dots. "
        f"By {_label(measures[0])}, the articles are harder than {main['harder_than'].min():.0f}% to "
        f"{main['harder_than'].max():.0f}% of {reference_alt} (median {main['harder_than'].median():.0f}%)."
    )
    fig.plot_data = _chosen(positions, doc_ids).pivot(index="doc_id", columns="measure", values="harder_than")
    return fig
