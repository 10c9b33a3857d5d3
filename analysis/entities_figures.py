"""Figures of notebook 01 (entities): who is mentioned, how, and where.

Each function takes the `entities` table, returns a Figure with `alt_text` and `plot_data`
set, and never saves or shows it (`figures.save_figure` does).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import Patch
import pandas as pd

from .figures import _finish, _short, side_palette

KIND_COLOURS = {"nom": "#0072B2", "titre": "#E69F00", "pronom": "#999999"}


def top_entities(entities: pd.DataFrame, kind: str = "PER", n: int = 15) -> pd.DataFrame:
    """Corpus-wide mentions per canonical entity of one type, with its side, most mentioned first."""
    subset = entities[entities["type"] == kind]
    table = subset.groupby("canonical").agg(n_mentions=("n_mentions", "sum"), n_articles=("doc_id", "nunique"),
                                            side=("side", lambda s: s.mode().iat[0]))
    return table.sort_values("n_mentions", ascending=False).head(n)


def plot_top_entities(entities: pd.DataFrame, kind: str = "PER", n: int = 15, corpus_name: str | None = None,
                      corpus_path=None):
    """Horizontal bars of the most mentioned entities of one type, coloured by side."""
    labels = {"PER": "personnes", "ORG": "organisations", "LOC": "lieux", "MISC": "autres"}
    data = top_entities(entities, kind, n)
    palette = side_palette(corpus_path)
    fig, ax = plt.subplots(figsize=(8, max(3, 0.35 * len(data) + 1.5)))
    ax.barh(data.index, data["n_mentions"], color=[palette.get(s, "#999999") for s in data["side"]])
    ax.invert_yaxis()
    if len(data):
        handles = [Patch(color=palette.get(side, "#999999"), label=side) for side in dict.fromkeys(data["side"])]
        ax.legend(handles=handles, title="camp", fontsize=8, loc="lower right")
    _finish(fig, ax, f"Les {labels.get(kind, kind)} les plus mentionnées ({entities['doc_id'].nunique()} articles)",
            "mentions (nom, titre ou pronom)", "", corpus_name)
    top = ", ".join(f"{name} ({row.n_mentions}, {row.side})" for name, row in data.head(5).iterrows())
    english = {"PER": "people", "ORG": "organisations", "LOC": "places", "MISC": "other entities"}
    fig.alt_text = (f"Bar chart of the {len(data)} most mentioned {english.get(kind, kind)} in the corpus, coloured by side; "
                    f"the top five are {top or 'none'}.")
    fig.plot_data = data
    return fig


def plot_mention_kinds(entities: pd.DataFrame, people: list[str], corpus_name: str | None = None, max_docs: int = 30):
    """How each article refers to the chosen people: by name, by title, by pronoun (stacked bars)."""
    subset = entities[entities["canonical"].isin(people)]
    docs = list(dict.fromkeys(subset["doc_id"]))[:max_docs]
    subset = subset[subset["doc_id"].isin(docs)]
    data = (subset.assign(label=[f"{_short(d, 12)} · {c.split()[-1]}" for d, c in zip(subset.doc_id, subset.canonical)])
            .set_index("label")[["n_name", "n_title", "n_pronoun"]]
            .rename(columns={"n_name": "nom", "n_title": "titre", "n_pronoun": "pronom"}))
    fig, ax = plt.subplots(figsize=(8, max(3, 0.3 * len(data) + 1.5)))
    if len(data):
        data.plot.barh(stacked=True, ax=ax, color=[KIND_COLOURS[k] for k in data.columns], width=0.8)
        ax.invert_yaxis()
        ax.legend(title="désigné par", fontsize=8, loc="lower right")
    _finish(fig, ax, f"Comment chaque article désigne {' et '.join(people)}", "mentions", "article · personne", corpus_name)
    totals = data.sum()
    fig.alt_text = (f"Stacked bar chart, per article, of how {' and '.join(people)} are referred to: "
                    f"{int(totals.get('nom', 0))} times by name, {int(totals.get('titre', 0))} by a title such as "
                    f"'le président russe', {int(totals.get('pronom', 0))} by a pronoun, over {len(docs)} articles.")
    fig.plot_data = data
    return fig


def plot_presence(entities: pd.DataFrame, kind: str = "PER", n: int = 15, max_docs: int = 30,
                  corpus_name: str | None = None):
    """Heat map: who appears in which article (mentions of the top entities, per article)."""
    top = top_entities(entities, kind, n).index
    subset = entities[entities["canonical"].isin(top)]
    docs = subset.groupby("doc_id")["n_mentions"].sum().sort_values(ascending=False).index[:max_docs]
    data = (subset[subset["doc_id"].isin(docs)].pivot_table(index="canonical", columns="doc_id", values="n_mentions",
                                                           aggfunc="sum", fill_value=0)
            .reindex(index=top, columns=docs, fill_value=0))
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * len(docs) + 3), max(3, 0.35 * len(top) + 1.5)))
    image = ax.imshow(data.to_numpy(), cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(docs)), [_short(d, 12) for d in docs], rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(top)), top, fontsize=8)
    if data.size <= 300:
        for (i, j), value in pd.DataFrame(data.to_numpy()).stack().items():
            if value:
                ax.text(j, i, int(value), ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, label="mentions")
    _finish(fig, ax, "Qui apparaît dans quel article ?", "article", "", corpus_name)
    absent = [(p, int((data.loc[p] == 0).sum())) for p in top[:3]]
    fig.alt_text = (f"Heat map of mentions of the {len(top)} most mentioned entities (rows) in {len(docs)} articles "
                    f"(columns); " + "; ".join(f"{p} is absent from {k} of them" for p, k in absent) + ".")
    fig.plot_data = data
    return fig
