"""Figures of notebook 03 (quotes): whose voice does the article carry?

Each function takes the `quotes` table, returns a Figure with `alt_text` and `plot_data`
set, and never saves or shows it (`figures.save_figure` does). Side colours come from
data/sides.csv, in its order, so they match every other notebook.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .datafiles import load_sides
from .figures import _finish, _short, side_palette


def side_shares(quotes: pd.DataFrame, by: str = "n_words", max_docs: int = 30) -> pd.DataFrame:
    """Per article (and 'corpus'), the % of quoted words (by="n_words") or quotes (by="count") per side."""
    order = [row["side"] for row in load_sides()]
    values = quotes.assign(count=1)
    docs = list(dict.fromkeys(values["doc_id"]))[:max_docs]
    per_doc = values[values["doc_id"].isin(docs)].pivot_table(index="doc_id", columns="side", values=by,
                                                               aggfunc="sum", fill_value=0).reindex(docs)
    per_doc.loc["corpus"] = values.groupby("side")[by].sum()
    per_doc = per_doc.fillna(0)
    per_doc = per_doc[[s for s in order if s in per_doc.columns] + [s for s in per_doc.columns if s not in order]]
    return per_doc.div(per_doc.sum(axis=1).where(lambda s: s > 0, 1), axis=0) * 100


def plot_side_shares(quotes: pd.DataFrame, by: str = "n_words", corpus_name: str | None = None):
    """Stacked 100% bars: the share of quoted words (or of quotes) each side gets, per article and overall."""
    data = side_shares(quotes, by)
    palette = side_palette()
    fig, ax = plt.subplots(figsize=(8, max(3, 0.38 * len(data) + 1.5)))
    left = pd.Series(0.0, index=data.index)
    labels = [_short(d) for d in data.index]
    for side in data.columns:
        ax.barh(labels, data[side], left=left, color=palette.get(side, "#999999"), label=side)
        left += data[side]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.legend(title="camp", fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")
    what = "mots cités" if by == "n_words" else "citations"
    _finish(fig, ax, f"Part des {what} par camp ({len(quotes)} citations)", f"% des {what}", "article", corpus_name)
    overall = data.loc["corpus"].sort_values(ascending=False)
    english = "quoted words" if by == "n_words" else "quotes"
    fig.alt_text = (f"Stacked bar chart of the share of {english} each side gets, per article and for the whole corpus; "
                    "overall: " + ", ".join(f"{side} {share:.0f}%" for side, share in overall.items() if share > 0) + ".")
    fig.plot_data = data.round(1)
    return fig


def plot_direct_vs_indirect(quotes: pd.DataFrame, corpus_name: str | None = None):
    """Who gets their own words and who gets paraphrased: quotes per side and kind."""
    order = [row["side"] for row in load_sides() if row["side"] in set(quotes["side"])]
    data = pd.crosstab(quotes["side"], quotes["kind"]).reindex(order).reindex(columns=["direct", "mixed", "indirect"],
                                                                              fill_value=0)
    fig, ax = plt.subplots(figsize=(8, 4))
    data.plot.bar(ax=ax, color=["#0072B2", "#56B4E9", "#E69F00"], rot=0)
    ax.legend(["directe (« … »)", "mixte", "indirecte (rapportée)"], fontsize=8)
    _finish(fig, ax, "Citations directes ou rapportées, par camp", "camp", "citations", corpus_name)
    share = (data["direct"] / data.sum(axis=1).where(lambda s: s > 0, 1) * 100).round()
    fig.alt_text = ("Grouped bar chart of direct, mixed and indirect quotes per side; share quoted directly: "
                    + ", ".join(f"{side} {int(v)}%" for side, v in share.items()) + ".")
    fig.plot_data = data
    return fig


def plot_top_speakers(quotes: pd.DataFrame, n: int = 15, corpus_name: str | None = None):
    """The most quoted speakers (named people and institutions; anonymous sources grouped per side)."""
    named = quotes.assign(who=quotes["speaker"].where(quotes["speaker"].notna(),
                                                      "anonyme · " + quotes["side"].where(quotes["anonymous"], "?")))
    named = named[~named["who"].str.endswith("· ?")]
    data = named.groupby("who").agg(n_words=("n_words", "sum"), n_quotes=("quote_id", "size"),
                                    side=("side", lambda s: s.mode().iat[0])).sort_values("n_words", ascending=False).head(n)
    palette = side_palette()
    fig, ax = plt.subplots(figsize=(8, max(3, 0.35 * len(data) + 1.5)))
    ax.barh(data.index, data["n_words"], color=[palette.get(s, "#999999") for s in data["side"]])
    ax.invert_yaxis()
    _finish(fig, ax, "Les voix les plus citées", "mots cités", "", corpus_name)
    fig.alt_text = ("Bar chart of the most quoted speakers by number of quoted words, coloured by side: "
                    + ", ".join(f"{w} ({int(r.n_words)} words, {r.side})" for w, r in data.head(5).iterrows()) + ".")
    fig.plot_data = data
    return fig


def plot_verb_lens(quotes: pd.DataFrame, verb_classes: dict[str, str], corpus_name: str | None = None):
    """Which kind of reporting verb introduces each side's words (neutral, doubt, denial, threat …)."""
    cues = quotes.dropna(subset=["cue"])
    cues = cues.assign(verb_class=cues["cue"].map(lambda c: "selon / deux-points" if c in ("selon", ":")
                                                  else verb_classes.get(c, "neutral")))
    order = [row["side"] for row in load_sides() if row["side"] in set(cues["side"])]
    data = pd.crosstab(cues["side"], cues["verb_class"]).reindex(order)
    share = data.div(data.sum(axis=1).where(lambda s: s > 0, 1), axis=0) * 100
    fig, ax = plt.subplots(figsize=(8, 4))
    share.plot.barh(stacked=True, ax=ax, colormap="tab10", width=0.8)
    ax.invert_yaxis()
    ax.legend(title="verbe", fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")
    _finish(fig, ax, "Quels verbes introduisent les paroles de chaque camp ?", "% des citations", "camp", corpus_name)
    loaded = share.drop(columns=[c for c in ("neutral", "selon / deux-points") if c in share.columns]).sum(axis=1)
    fig.alt_text = ("Stacked bar chart of the classes of reporting verbs per side; share of non-neutral verbs: "
                    + ", ".join(f"{side} {v:.0f}%" for side, v in loaded.items()) + ".")
    fig.plot_data = data
    return fig
