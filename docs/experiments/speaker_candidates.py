"""Experiment (not part of the package): would a learned ranker choose speakers better than the rules?

For every quote the machine found that matches a hand-annotated one, the candidates are the
people and bodies the entity step names within 1,500 characters before the quote (or 300 after),
the last three speakers, "anonymous", and the rules' own answer. A logistic regression (numpy,
no new dependency) ranks them on a dozen features (the rules' answer, distance to the last
mention and to the last mention as a subject, mentions before and in all, last speaker, title,
body or person, words shared with the speaker phrase). It is measured leave-one-set-out on the
development files and once on the control set, where only counts are printed (never texts).

"coverage" = share of quotes whose right speaker is among the candidates: no ranker can do
better than that. Run from the project root:

    .venv/bin/python docs/experiments/speaker_candidates.py

Session 7 result: ranker 0.83 vs rules 0.82 leave-one-set-out on development; on the control,
0.619 vs 0.571 for the rules (a first draft with one more interaction feature scored 0.571: four
quotes of 84, within the noise). The control's coverage is 0.74: for 22 of 84 quotes the speaker is not
among the entities named nearby. On development, such speakers are mostly bodies the rules build
from a description ("gouvernement mexicain", "leur service") and names the model missed or mangled
("Carrie Lam", "Cathy Apourceau-Poly"). On new articles most of the loss is in finding the
candidates, not in choosing among them.

Session 8: adding pronoun, gender (data/first_names.csv), same-paragraph and previous-sentence-subject
features left the ranker at 0.829 leave one set out (rules 0.820), and a ranker without the rules'
answer scored 0.70: the rules carry what the parse says about the cue's subject, which these
features do not. The session worked on finding candidates instead (see tests/gold/README.md).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from analysis.cache import default_cache_dir
from analysis.lexicon import normalise
from analysis.pipeline import load_corpus
from analysis.quote_scoring import REAL_ARTICLE_GOLD, match_quotes, real_article_gold, same_speaker, shared_corpus_path

ANONYMOUS = "<anonymous>"
FEATURES = ["is_anon", "is_rule", "has_cue", "rule_none", "log_dist", "log_subject_dist", "log_after_dist", "n_before",
            "n_all", "last_speaker", "recent_speaker", "in_title", "is_body", "shares_words", "rule_x_cue"]


def candidate_rows(files: list[str], name: str) -> pd.DataFrame:
    """One row per (matched quote, candidate speaker) with its features and whether it is right."""
    gold = real_article_gold(files)
    wanted = set(gold.attrs["articles"])
    path = default_cache_dir() / "gold_articles" / f"experiment_{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line for line in open(shared_corpus_path(), encoding="utf-8") if json.loads(line)["id"] in wanted),
                    encoding="utf-8")
    corpus = load_corpus(path, progress=False)
    quotes, documents = corpus.quotes, corpus.documents.set_index("doc_id")
    names = corpus.mentions[(corpus.mentions.kind == "name") & corpus.mentions.type.isin(["PER", "ORG"])
                            & corpus.mentions.canonical.notna()]
    subjects = {doc: set(t[t.dep.isin(["nsubj", "nsubj:pass"])].start_char) for doc, t in corpus.tokens.groupby("doc_id")}
    rows = []
    for pi, gi in match_quotes(quotes, gold):
        q, g = quotes.loc[pi], gold.loc[gi]
        gold_anonymous = str(g.anonymous).lower() == "true"
        title = normalise(str(documents.loc[q.doc_id, "title"] or "")).split()
        here = names[names.doc_id == q.doc_id]
        earlier = quotes[(quotes.doc_id == q.doc_id) & (quotes.start_char < q.start_char)].sort_values("start_char")
        spoke = [s for s in earlier.speaker if isinstance(s, str)]
        rule = q.speaker if isinstance(q.speaker, str) else (ANONYMOUS if q.anonymous else None)
        near = here[(here.start_char >= q.start_char - 1500) & (here.start_char < q.end_char + 300)]
        phrase = set(normalise(q.speaker_text).split()) if isinstance(q.speaker_text, str) else set()
        for cand in set(near.canonical) | set(spoke[-3:]) | {ANONYMOUS} | ({rule} if rule else set()):
            f = {"qid": f"{name}:{pi}", "set": name, "has_cue": float(isinstance(q.cue, str)), "rule_none": float(rule is None),
                 "is_rule": float(cand == rule), "is_anon": float(cand == ANONYMOUS)}
            if cand == ANONYMOUS:
                f["label"] = float(gold_anonymous)
            else:
                before, after = here[(here.canonical == cand) & (here.start_char < q.start_char)], here[
                    (here.canonical == cand) & (here.start_char >= q.start_char)]
                as_subject = before[before.start_char.isin(subjects.get(q.doc_id, set()))]
                f.update(label=float(not gold_anonymous and same_speaker(cand, False, g.speaker, False)),
                         log_dist=math.log1p(q.start_char - before.start_char.max()) if len(before) else math.log1p(5000),
                         log_subject_dist=math.log1p(q.start_char - as_subject.start_char.max()) if len(as_subject) else math.log1p(5000),
                         log_after_dist=math.log1p(max(0, after.start_char.min() - q.end_char)) if len(after) else math.log1p(5000),
                         n_before=math.log1p(len(before)), n_all=math.log1p(len(before) + len(after)),
                         last_speaker=float(bool(spoke) and spoke[-1] == cand), recent_speaker=float(cand in spoke[-3:]),
                         in_title=float(normalise(cand).split()[-1] in title),
                         is_body=float((here[here.canonical == cand].type == "ORG").mean() > 0.5),
                         shares_words=float(bool(set(normalise(cand).split()) & phrase)))
            rows.append(f)
    frame = pd.DataFrame(rows).fillna(0.0)
    frame["rule_x_cue"] = frame.is_rule * frame.has_cue
    return frame


def fit(frame: pd.DataFrame, l2: float = 1.0, steps: int = 3000, rate: float = 0.1):
    """Logistic regression by gradient descent on standardised features: returns a scoring function."""
    X, y = frame[FEATURES].to_numpy(float), frame.label.to_numpy(float)
    mean, scale = X.mean(0), X.std(0) + 1e-9
    Z, w, b = (X - mean) / scale, np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        w -= rate * (Z.T @ (p - y) + l2 * w) / len(y)
        b -= rate * (p - y).mean()
    return lambda other: ((other[FEATURES].to_numpy(float) - mean) / scale) @ w + b


def accuracies(frame: pd.DataFrame, score) -> tuple[float, float, float, int]:
    """(rules, ranker, coverage, quotes): share of quotes whose chosen candidate is right."""
    scored = frame.assign(score=score(frame)).reset_index(drop=True)
    ranker = scored.loc[scored.groupby("qid").score.idxmax()].label.mean()
    rules = scored[scored.is_rule == 1].groupby("qid").label.max().reindex(scored.qid.unique()).fillna(0).mean()
    return rules, ranker, scored.groupby("qid").label.max().mean(), scored.qid.nunique()


if __name__ == "__main__":
    development = pd.concat([candidate_rows([f], f.removesuffix(".csv")) for f in REAL_ARTICLE_GOLD["développement"]])
    totals = np.zeros(3)
    for name in development.set.unique():
        rules, ranker, coverage, n = accuracies(development[development.set == name], fit(development[development.set != name]))
        totals += np.array([rules, ranker, 1]) * n
        print(f"{name:24} {n:4} quotes  rules {rules:.3f}  ranker {ranker:.3f}  coverage {coverage:.3f}")
    print(f"development, leave one set out: rules {totals[0] / totals[2]:.3f}  ranker {totals[1] / totals[2]:.3f}")
    control = candidate_rows(list(REAL_ARTICLE_GOLD["contrôle"]), "control")
    rules, ranker, coverage, n = accuracies(control, fit(development))
    print(f"control (counts only)    {n:4} quotes  rules {rules:.3f}  ranker {ranker:.3f}  coverage {coverage:.3f}")
