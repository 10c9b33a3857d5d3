"""How good the quotes table is: the machine's quotes scored against quotes annotated by hand.

The gold standards live in tests/gold/ (see its README): the five seeds, and real articles of
the shared corpus stored as character offsets (their text is never copied into the project),
split into the development set the rules were written on and a control set they were never
fitted to. Matching is one-to-one on word overlap (half of the words of the shorter quote).
"""

from __future__ import annotations

import re

import pandas as pd

from .datafiles import read_commented_csv
from .lexicon import normalise
from .quote_grammar import WORD_RE


def _words(text: str) -> list[str]:
    return [normalise(w) for w in WORD_RE.findall(text or "")]


def match_quotes(predicted: pd.DataFrame, gold: pd.DataFrame) -> list[tuple[int, int]]:
    """One-to-one pairs (predicted row, gold row) of the same article sharing at least half their words.

    "Half" is taken on the shorter of the two; pairs are made greedily, largest overlap first.
    """
    from collections import Counter

    pairs = []
    for doc_id, g in gold.groupby("doc_id"):
        p = predicted[predicted["doc_id"] == doc_id]
        candidates = []
        for pi, ptext in zip(p.index, p["text"]):
            pw = Counter(_words(ptext))
            for gi, gtext in zip(g.index, g["text"]):
                gw = Counter(_words(gtext))
                common = sum((pw & gw).values())
                if common and common >= 0.5 * min(sum(pw.values()), sum(gw.values())):
                    candidates.append((common, pi, gi))
        used_p, used_g = set(), set()
        for common, pi, gi in sorted(candidates, reverse=True):
            if pi not in used_p and gi not in used_g:
                pairs.append((pi, gi))
                used_p.add(pi)
                used_g.add(gi)
    return pairs


def same_speaker(speaker, anonymous: bool, gold_speaker, gold_anonymous: bool) -> bool:
    """Does the machine name the reader's speaker? Both anonymous; or the same name, ignoring case,
    accents and a leading article ("la Sécurité routière" = "Sécurité routière"); or, when the reader
    gave no single speaker ("les deux parties"), neither does the machine."""
    def key(name):
        if not isinstance(name, str) or not name.strip():
            return None
        return re.sub(r"^(?:les?|la|l')\s*", "", normalise(name).strip())

    if gold_anonymous or anonymous:
        return bool(anonymous) and gold_anonymous
    return key(speaker) == key(gold_speaker)


def score_quotes(predicted: pd.DataFrame, gold: pd.DataFrame, articles=None) -> dict:
    """Precision, recall, F1, direct-quote recall, speaker and side accuracy, share error per side.

    Speaker accuracy is measured on matched quotes (`same_speaker`).
    The share error is, per article and side, |machine − reader| share of quoted words, in
    percentage points, averaged over (article, side) pairs.
    """
    predicted = predicted[predicted["doc_id"].isin(set(articles) if articles is not None else set(gold["doc_id"]))]
    pairs = match_quotes(predicted, gold)
    n_p, n_g, n_m = len(predicted), len(gold), len(pairs)
    precision = n_m / n_p if n_p else 0.0
    recall = n_m / n_g if n_g else 0.0
    direct = gold[gold["kind"] == "direct"]
    matched_gold = {g for _, g in pairs}
    speaker_ok = side_ok = 0
    for pi, gi in pairs:
        p, g = predicted.loc[pi], gold.loc[gi]
        speaker_ok += same_speaker(p["speaker"], p["anonymous"], g["speaker"], str(g["anonymous"]).lower() == "true")
        side_ok += p["side"] == g["side"]
    share_errors = []
    for doc_id, g in gold.groupby("doc_id"):
        p = predicted[predicted["doc_id"] == doc_id]
        g_share = g.assign(n=g["text"].map(lambda t: len(_words(t)))).groupby("side")["n"].sum()
        p_share = p.groupby("side")["n_words"].sum()
        g_share, p_share = g_share / max(1, g_share.sum()) * 100, p_share / max(1, p_share.sum()) * 100
        for side in set(g_share.index) | set(p_share.index):
            share_errors.append(abs(g_share.get(side, 0) - p_share.get(side, 0)))
    return {
        "quotes (reader)": n_g, "quotes (machine)": n_p, "matched": n_m,
        "precision": round(precision, 3), "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "direct recall": round(sum(i in matched_gold for i in direct.index) / max(1, len(direct)), 3),
        "speaker accuracy": round(speaker_ok / max(1, n_m), 3),
        "side accuracy": round(side_ok / max(1, n_m), 3),
        "share error (points)": round(sum(share_errors) / max(1, len(share_errors)), 1),
    }


def read_gold(path) -> pd.DataFrame:
    """A hand-annotated quotes file (tests/gold/quotes_*.csv): leading `#` lines are comments."""
    return read_commented_csv(path)


# The hand-annotated real articles (tests/gold/, offsets into the shared corpus): the sets the
# rules were developed on, and a control set whose errors were never read (see each file's header).
REAL_ARTICLE_GOLD = {
    "développement": ("quotes_corpus.csv", "quotes_corpus_dev2.csv", "quotes_corpus_dev3.csv", "quotes_corpus_dev4.csv",
                      "quotes_corpus_dev5.csv", "quotes_corpus_dev6.csv", "quotes_corpus_dev7.csv", "quotes_corpus_dev8.csv",
                      "quotes_corpus_dev9.csv", "quotes_corpus_dev10.csv", "quotes_corpus_dev11.csv",
                      "quotes_corpus_dev12.csv", "quotes_corpus_dev13.csv", "quotes_corpus_dev14.csv",
                      "quotes_corpus_dev15.csv", "quotes_corpus_dev16.csv"),
    "contrôle": ("quotes_corpus_heldout.csv",),
}


# Second annotators' independent readings of a set's articles, to measure how far two people agree
# (the ceiling a machine can be held to): (second annotation, first annotation) pairs, pooled.
SECOND_ANNOTATIONS = (("quotes_corpus_dev8_annotator2.csv", "quotes_corpus_dev8.csv"),
                      ("quotes_corpus_dev13_annotator2.csv", "quotes_corpus_dev13.csv"))


def annotator_agreement(corpus_path=None) -> dict:
    """The second annotators scored against the first ones with the machine's own measures (F1, speaker
    and side accuracy …): how much of the machine's gap the gold itself could explain."""
    second, first = (real_article_gold([pair[i] for pair in SECOND_ANNOTATIONS], corpus_path) for i in (0, 1))
    second["anonymous"] = second["anonymous"].astype(str).str.lower() == "true"
    second["n_words"] = second["text"].map(lambda t: len(_words(t)))
    return score_quotes(second, first, articles=first.attrs["articles"])


def shared_corpus_path():
    """The shared 2,000-article corpus beside the project (../shared/corpora/fr_news_2k.jsonl)."""
    from .cache import PROJECT_ROOT

    return PROJECT_ROOT.parent / "shared" / "corpora" / "fr_news_2k.jsonl"


def real_article_gold(files, corpus_path=None) -> pd.DataFrame:
    """The rows of hand-annotated real-article files, with `text` cut from the shared corpus by their offsets."""
    import json

    paths = _gold_paths(files)
    gold = pd.concat([read_gold(path) for path in paths], ignore_index=True)
    gold.attrs["articles"] = sorted(set(gold["doc_id"]).union(*(gold_articles(path) for path in paths)))
    wanted, texts = set(gold["doc_id"]), {}
    with open(corpus_path or shared_corpus_path(), encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] in wanted:
                texts[record["id"]] = record["text"]
    gold["text"] = [texts[d][a:b] for d, a, b in zip(gold["doc_id"], gold["start_char"], gold["end_char"])]
    return gold


def score_real_articles(files, corpus_path=None, corpus=None) -> dict:
    """Scores on hand-annotated real articles: parses just those articles (cached) unless a corpus holding them is given."""
    import json

    from .cache import default_cache_dir
    from .pipeline import load_corpus

    gold = real_article_gold(files, corpus_path)
    wanted = set(gold.attrs["articles"])
    if corpus is None:
        path = default_cache_dir() / "gold_articles" / f"{'_'.join(sorted(wanted))[:80]}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(corpus_path or shared_corpus_path(), encoding="utf-8") as lines:
            records = [line for line in lines if json.loads(line)["id"] in wanted]
        path.write_text("".join(records), encoding="utf-8")
        corpus = load_corpus(path, progress=False)
    quotes = corpus.quotes
    return score_quotes(quotes[quotes["doc_id"].isin(wanted)], gold, articles=wanted)


def gold_articles(path) -> set[str]:
    """The articles a gold file covers, from its "# articles: id id …" comment line: an article
    with no quotation has no row but still counts (the machine's quotes there are false positives)."""
    found: set[str] = set()
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                break
            if line.startswith("# articles:"):
                found.update(line.split(":", 1)[1].split())
    return found


def _gold_paths(files) -> list:
    from .cache import PROJECT_ROOT

    return [PROJECT_ROOT / "tests" / "gold" / name for name in files]


def _n_articles(files) -> int:
    """How many articles gold files cover (their rows and "# articles:" lines), without reading the corpus."""
    return len(set().union(*(gold_articles(path) | set(read_gold(path)["doc_id"]) for path in _gold_paths(files))))


def measured_quality() -> pd.DataFrame:
    """Scores against the hand annotation: the seeds and, when the shared corpus is there, real articles
    (the development set the rules were written on, and the control set they were never fitted to),
    plus the agreement of two human annotators on the same articles (the ceiling)."""
    from .cache import PROJECT_ROOT
    from .pipeline import load_corpus

    gold_dir = PROJECT_ROOT / "tests" / "gold"
    rows = {}
    if (gold_dir / "quotes_seeds.csv").exists():
        seeds = load_corpus(PROJECT_ROOT / "seeds", progress=False)
        rows["graines (5 articles)"] = score_quotes(seeds.quotes, read_gold(gold_dir / "quotes_seeds.csv"))
    if shared_corpus_path().exists():
        for name, files in REAL_ARTICLE_GOLD.items():
            if all((gold_dir / f).exists() for f in files):
                rows[f"articles réels, {name} ({_n_articles(files)} articles)"] = score_real_articles(files)
        if all((gold_dir / f).exists() for pair in SECOND_ANNOTATIONS for f in pair):
            n = _n_articles([pair[1] for pair in SECOND_ANNOTATIONS])
            rows[f"deux annotateurs humains entre eux ({n} articles)"] = annotator_agreement()
    return pd.DataFrame(rows)
