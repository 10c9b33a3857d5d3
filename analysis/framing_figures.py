"""Figures of notebook 02 (framing): one function per chart, tidy tables in, a Figure out.

Same contract as `analysis.figures`: nothing is saved or shown here; each function sets
`fig.alt_text` (an English sentence with the key numbers) and `fig.plot_data` (the numbers
plotted), and the notebook calls `figures.save_figure(fig, "02_framing_<what>")`. Frame colours
and labels come from the codebook (frames.yaml), so a frame a teacher adds gets its own.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
import numpy as np
import pandas as pd

from .figures import _DEFAULT_SIZE, _finish, _short
from .framing import Codebook

POSITION_LABELS = {1: "début", 2: "2e cinquième", 3: "milieu", 4: "4e cinquième", 5: "fin"}


def _empty(fig, ax, message: str, corpus_name: str | None, alt: str, data: pd.DataFrame):
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    _finish(fig, ax, message, "", "", corpus_name)
    fig.alt_text, fig.plot_data = alt, data
    return fig


def _heatmap(ax, table: pd.DataFrame, vmax: float, fmt: str = "{:.0f}", annotate: bool = True):
    image = ax.imshow(table.to_numpy(float), cmap="Blues", vmin=0, vmax=max(vmax, 1), aspect="auto")
    if annotate:
        for i in range(table.shape[0]):
            for j in range(table.shape[1]):
                value = table.iat[i, j]
                colour = "white" if value > 0.6 * vmax else "black"
                ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8, color=colour)
    return image


def plot_frame_shares(frames: pd.DataFrame, sentences: pd.DataFrame, codebook: Codebook,
                      corpus_name: str | None = None):
    """Corpus overview: % of sentences carrying each frame, and % of articles where it appears."""
    n_sentences, n_articles = len(sentences), sentences["doc_id"].nunique()
    data = pd.DataFrame({
        "% des phrases": frames.groupby("frame").size().reindex(codebook.keys, fill_value=0) / max(n_sentences, 1) * 100,
        "% des articles": frames.groupby("frame")["doc_id"].nunique().reindex(codebook.keys, fill_value=0) / max(n_articles, 1) * 100,
    }).round(1)
    data.index = [codebook.names[k] for k in data.index]
    fig, ax = plt.subplots(figsize=_DEFAULT_SIZE)
    y = np.arange(len(data))
    ax.barh(y - 0.2, data["% des articles"], height=0.4, color="#cccccc")
    ax.barh(y + 0.2, data["% des phrases"], height=0.4, color=[codebook.colours[k] for k in codebook.keys])
    ax.set_yticks(y, data.index)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.legend(handles=[Patch(color="#cccccc", label="% des articles où le cadre apparaît"),
                       Patch(color="#555555", label="% des phrases qui le portent (couleur du cadre)")],
              fontsize=8, bbox_to_anchor=(0, -0.15), loc="upper left", ncol=2)
    _finish(fig, ax, f"Quels cadres portent les phrases ? ({n_articles} articles, {n_sentences} phrases)",
            "% (une phrase peut porter plusieurs cadres)", "cadre", corpus_name)
    top = data["% des phrases"].sort_values(ascending=False)
    fig.alt_text = (f"Bar chart of the share of sentences (and of articles) carrying each frame in {n_articles} articles: "
                    + ", ".join(f"{name} {value:.0f}% of sentences" for name, value in top.items()) + ".")
    fig.plot_data = data
    return fig


def sample_articles(profile: pd.DataFrame, max_articles: int = 30, seed: int = 0) -> pd.DataFrame:
    """At most `max_articles` rows of an article × frame table, drawn with a fixed seed (in corpus order)."""
    if len(profile) <= max_articles:
        return profile
    return profile[profile.index.isin(profile.sample(max_articles, random_state=seed).index)]


def plot_frame_heatmap(profile: pd.DataFrame, codebook: Codebook, corpus_name: str | None = None,
                       max_articles: int = 30, seed: int = 0):
    """Article × frame heat map: % of each article's sentences that carry the frame.

    More than `max_articles` articles: a sample drawn with a fixed seed, said in the title.
    """
    shown = sample_articles(profile, max_articles, seed)
    n_total = len(profile)
    if shown.empty:
        return _empty(*plt.subplots(figsize=_DEFAULT_SIZE), "Aucun article", corpus_name,
                      "Empty chart: the corpus has no article with sentences.", shown)
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.32 * len(shown) + 1.8)))
    image = _heatmap(ax, shown, float(shown.to_numpy().max()), annotate=len(shown) <= 30)
    ax.set_xticks(range(shown.shape[1]), [codebook.names.get(k, k) for k in shown.columns], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(shown)), [_short(str(d), 22) for d in shown.index], fontsize=8)
    fig.colorbar(image, ax=ax, label="% des phrases de l'article")
    sampled = f"{len(shown)} articles tirés au hasard sur {n_total}" if len(shown) < n_total else f"{n_total} articles"
    _finish(fig, ax, f"Profil de cadrage de chaque article ({sampled})", "cadre", "article", corpus_name)
    strongest = pd.Series([" = ".join(codebook.names.get(k, k) for k in row.index[row.eq(row.max())])
                           if row.max() > 0 else "none" for _, row in shown.iterrows()]).value_counts()
    fig.alt_text = (f"Heat map of {len(shown)} articles (of {n_total}) by {shown.shape[1]} frames, each cell the share of the "
                    f"article's sentences carrying the frame (0 to {shown.to_numpy().max():.0f}%); strongest frame (ties joined "
                    "by '='): " + ", ".join(f"{k} in {n}" for k, n in strongest.items()) + " article(s).")
    fig.plot_data = shown
    return fig


def plot_frame_positions(positions: pd.DataFrame, codebook: Codebook, corpus_name: str | None = None):
    """Frame × position in the article (fifths): % of the sentences at that position carrying the frame."""
    table = positions.rename(columns=POSITION_LABELS)
    fig, ax = plt.subplots(figsize=_DEFAULT_SIZE)
    if table.empty or table.shape[1] == 0:
        return _empty(fig, ax, "Aucune phrase", corpus_name, "Empty chart: no sentence to place.", table)
    image = _heatmap(ax, table, float(table.to_numpy().max()))
    ax.set_xticks(range(table.shape[1]), table.columns)
    ax.set_yticks(range(len(table)), [codebook.names.get(k, k) for k in table.index], fontsize=9)
    fig.colorbar(image, ax=ax, label="% des phrases à cette position")
    _finish(fig, ax, "Où, dans l'article, apparaît chaque cadre ?", "position de la phrase dans l'article (cinquièmes)",
            "cadre", corpus_name)
    first, last = table.iloc[:, 0], table.iloc[:, -1]
    fig.alt_text = ("Heat map of the share of sentences carrying each frame by position in the article (fifths, from the "
                    "opening to the end); opening fifth: " + ", ".join(f"{codebook.names.get(k, k)} {v:.0f}%" for k, v in
                                                                      first.sort_values(ascending=False).head(3).items())
                    + "; last fifth: " + ", ".join(f"{codebook.names.get(k, k)} {v:.0f}%" for k, v in
                                                   last.sort_values(ascending=False).head(3).items()) + ".")
    fig.plot_data = table
    return fig


def plot_top_cues(counts: pd.DataFrame, codebook: Codebook, top: int = 5, corpus_name: str | None = None):
    """Small multiples: the cue words behind each frame, and how many sentences rest on that word alone."""
    keys = [k for k in codebook.keys if k in set(counts["frame"])]
    if not keys:
        fig, ax = plt.subplots(figsize=_DEFAULT_SIZE)
        return _empty(fig, ax, "Aucun indice trouvé", corpus_name, "Empty chart: no cue word was found.", counts)
    ncols = 3
    nrows = int(np.ceil(len(keys) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 2.3 * nrows + 0.8), squeeze=False)
    shown = []
    for ax, key in zip(axes.flat, keys):
        rows = counts[counts["frame"] == key].nlargest(top, "n_sentences").iloc[::-1]
        shown.append(rows)
        ax.barh(rows["cue"], rows["n_sentences"], color="#dddddd", label="avec d'autres indices")
        ax.barh(rows["cue"], rows["only_cue_sentences"], color=codebook.colours[key], label="seul indice du cadre")
        ax.set_title(codebook.names[key], fontsize=10, loc="left")
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in list(axes.flat)[len(keys):]:
        ax.set_axis_off()
    axes.flat[0].legend(fontsize=7, loc="lower right")
    fig.suptitle("Quels mots font chaque cadre ? (phrases où le mot est un indice ; en couleur : le seul)",
                 x=0.01, ha="left", fontsize=12)
    fig.supxlabel("nombre de phrases", fontsize=9)
    if corpus_name:
        fig.text(0.01, -0.01, f"Source : corpus {corpus_name}, calculs du paquet analysis", fontsize=8, color="#555555")
    fig.tight_layout()
    data = pd.concat(shown)[["frame", "cue", "n_sentences", "only_cue_sentences", "n_articles", "forms"]]
    lead = counts.sort_values("n_sentences", ascending=False).drop_duplicates("frame").set_index("frame")
    fig.alt_text = ("Small bar charts, one per frame, of its most frequent cue words (number of sentences where each is "
                    "evidence, and how many rest on that word alone); the leading cue of each frame: "
                    + "; ".join(f"{codebook.names[k]}: '{lead.at[k, 'cue']}' in {lead.at[k, 'n_sentences']} sentences "
                                f"({lead.at[k, 'share_of_frame_sentences']:.0f}% of the frame's sentences)" for k in keys) + ".")
    fig.plot_data = data.reset_index(drop=True)
    return fig


def plot_articles_side_by_side(profile: pd.DataFrame, summary: pd.DataFrame, codebook: Codebook,
                               corpus_name: str | None = None):
    """Stacked bars, one per article: how its framed sentences divide between the frames.

    Each bar sums the article's (sentence, frame) pairs to 100%; the dominant frame (ties
    shown as ties) is written at the end of the bar.
    """
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.5 * len(profile) + 1.5)))
    shares = profile.div(profile.sum(axis=1).replace(0, np.nan), axis=0).fillna(0).mul(100).round(1)
    if shares.empty:
        return _empty(fig, ax, "Aucun article", corpus_name, "Empty chart: no article to compare.", shares)
    left = np.zeros(len(shares))
    labels = [_short(str(d), 22) for d in shares.index]
    for key in shares.columns:
        ax.barh(labels, shares[key], left=left, color=codebook.colours.get(key, "#777777"), label=codebook.names.get(key, key))
        left += shares[key].to_numpy()
    dominant = summary.set_index("doc_id")["dominant"].reindex(shares.index)
    for y, value in enumerate(dominant):
        text = " = ".join(codebook.names.get(k, k) for k in value.split(" = ")) if isinstance(value, str) else "aucun cadre"
        ax.text(101, y, text, va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.legend(fontsize=7, ncol=3, bbox_to_anchor=(0, -0.18), loc="upper left")
    _finish(fig, ax, "Même histoire, cadrages différents ? (à droite : le cadre dominant)",
            "% des couples (phrase, cadre) de l'article", "article", corpus_name)
    fig.alt_text = (f"Stacked bar chart comparing how the framed sentences of {len(shares)} articles divide between the frames; "
                    "dominant frame per article: " + "; ".join(f"{d}: {v if isinstance(v, str) else 'none'}"
                                                                for d, v in dominant.items()) + ".")
    fig.plot_data = shares
    return fig


def plot_quoted_share(frames: pd.DataFrame, codebook: Codebook, corpus_name: str | None = None):
    """Who brings each frame: the journalist's own words, or the words of a quoted speaker?"""
    counts = (frames.assign(voice=np.where(frames["in_quote"].astype(bool), "dans une citation", "mots du journaliste"))
              .groupby(["frame", "voice"]).size().unstack(fill_value=0)
              .reindex(index=codebook.keys, columns=["mots du journaliste", "dans une citation"], fill_value=0))
    fig, ax = plt.subplots(figsize=_DEFAULT_SIZE)
    if counts.to_numpy().sum() == 0:
        return _empty(fig, ax, "Aucun cadre trouvé", corpus_name, "Empty chart: no frame was found.", counts)
    share = counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0).fillna(0).mul(100).round(1)
    names = [codebook.names[k] for k in share.index]
    ax.barh(names, share["mots du journaliste"], color="#777777", label="mots du journaliste")
    ax.barh(names, share["dans une citation"], left=share["mots du journaliste"], color="#E69F00", label="dans une citation")
    for y, n in enumerate(counts.sum(axis=1)):
        ax.text(101, y, f"n = {n}", va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.legend(fontsize=8, bbox_to_anchor=(0, -0.15), loc="upper left", ncol=2)
    _finish(fig, ax, "Qui apporte le cadre : le journaliste ou les personnes citées ?",
            "% des phrases portant le cadre", "cadre", corpus_name)
    quoted = share["dans une citation"].sort_values(ascending=False)
    fig.alt_text = ("Stacked bar chart of the share of each frame's evidence sentences whose cues all lie inside a quotation: "
                    + ", ".join(f"{codebook.names[k]} {v:.0f}% quoted (n={counts.loc[k].sum()})" for k, v in quoted.items()) + ".")
    fig.plot_data = counts.assign(**{"% dans une citation": share["dans une citation"]})
    return fig
