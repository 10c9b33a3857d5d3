"""Which articles copy each other? Near-duplicate detection for the "churnalism" lesson.

Why: online outlets often republish a wire story with light edits (in the seeds, 000 and
004 are near copies). We compare articles by their shared word 3-grams ("shingles"):
datasketch's MinHash estimates the Jaccard similarity of two shingle sets for the
overview, and rapidfuzz's Indel alignment finds the passages two texts share word for
word, for the side-by-side view. Neither hashing nor alignment is hand-written here.
"""

from __future__ import annotations

import re
from itertools import combinations

import pandas as pd
from datasketch import MinHash, MinHashLSH
from rapidfuzz.distance import Indel

SHINGLE_WORDS = 3  # word trigrams: robust to the rewording of a translated or edited wire story
NUM_PERM = 128
MIN_SHARED_RUN = 6  # words: a shorter common run is ordinary phrasing, not reuse


def words_of(text: str) -> list[str]:
    """Lower-cased words, apostrophes normalised, so typography does not hide a copy."""
    return re.findall(r"\w+", text.lower().replace("’", "'"))


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """The set of word k-grams of a text (at least one, for very short texts)."""
    words = words_of(text)
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def minhash(text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    for shingle in shingles(text):
        m.update(shingle.encode("utf-8"))
    return m


def similarity_matrix(documents: pd.DataFrame, max_docs: int = 40) -> pd.DataFrame:
    """Jaccard similarity (0–1) of the trigram sets of every pair of articles, as a square table.

    Exact, not estimated: only for small corpora (at most `max_docs`), since a matrix of
    thousands of articles is unreadable anyway; use `similar_pairs` there.
    """
    docs = documents.head(max_docs)
    sets = {d: shingles(t) for d, t in zip(docs["doc_id"], docs["text"])}
    ids = list(sets)
    matrix = pd.DataFrame(1.0, index=ids, columns=ids)
    for a, b in combinations(ids, 2):
        matrix.loc[a, b] = matrix.loc[b, a] = round(jaccard(sets[a], sets[b]), 3)
    return matrix


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def similar_pairs(documents: pd.DataFrame, threshold: float = 0.2) -> pd.DataFrame:
    """Pairs of articles whose estimated similarity reaches `threshold`, most similar first.

    Uses MinHash LSH to find candidate pairs without comparing all pairs, so it scales to
    thousands of articles; the similarity reported is the exact Jaccard. Columns: doc_a, doc_b, jaccard, reused_a, reused_b (share of
    each article's words inside passages of 6+ words found in the other).
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes = {}
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        hashes[doc_id] = minhash(text)
        lsh.insert(doc_id, hashes[doc_id])
    texts = dict(zip(documents["doc_id"], documents["text"]))
    order = {d: n for n, d in enumerate(documents["doc_id"])}
    rows, seen = [], set()
    for doc_id, m in hashes.items():
        for other in lsh.query(m):
            pair = tuple(sorted((doc_id, other), key=order.get))
            if other == doc_id or pair in seen:
                continue
            seen.add(pair)
            similarity = jaccard(shingles(texts[pair[0]]), shingles(texts[pair[1]]))
            if similarity < threshold:
                continue
            shared = shared_passages(texts[pair[0]], texts[pair[1]])
            rows.append({"doc_a": pair[0], "doc_b": pair[1], "jaccard": round(similarity, 3),
                         "reused_a": shared.attrs["reused_a"], "reused_b": shared.attrs["reused_b"]})
    columns = ["doc_a", "doc_b", "jaccard", "reused_a", "reused_b"]
    return pd.DataFrame(rows, columns=columns).sort_values("jaccard", ascending=False, ignore_index=True)


def _word_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower()) for m in re.finditer(r"\w+", text.replace("’", "'"))]


def shared_passages(text_a: str, text_b: str, min_words: int = MIN_SHARED_RUN) -> pd.DataFrame:
    """Passages that two texts share word for word (at least `min_words` words).

    One row per passage: start/end characters in each text and the passage as written in
    A. `attrs["reused_a"]`/`attrs["reused_b"]` give the share of each text's words that
    lie in shared passages: the "how much of this article is the other one" figure.
    """
    spans_a, spans_b = _word_spans(text_a), _word_spans(text_b)
    words_a, words_b = [w for *_, w in spans_a], [w for *_, w in spans_b]
    rows = []
    for block in Indel.opcodes(words_a, words_b).as_matching_blocks():
        if block.size >= min_words:
            a0, b0, n = block.a, block.b, block.size
            rows.append({
                "start_a": spans_a[a0][0], "end_a": spans_a[a0 + n - 1][1],
                "start_b": spans_b[b0][0], "end_b": spans_b[b0 + n - 1][1],
                "n_words": n, "text": text_a[spans_a[a0][0]:spans_a[a0 + n - 1][1]],
            })
    frame = pd.DataFrame(rows, columns=["start_a", "end_a", "start_b", "end_b", "n_words", "text"])
    shared = int(frame["n_words"].sum()) if len(frame) else 0
    frame.attrs["reused_a"] = round(shared / len(words_a), 3) if words_a else 0.0
    frame.attrs["reused_b"] = round(shared / len(words_b), 3) if words_b else 0.0
    return frame


def most_similar_pair(documents: pd.DataFrame) -> tuple[str, str] | None:
    """The two articles that share the most text (for the notebook's default example)."""
    pairs = similar_pairs(documents, threshold=0.05)
    if pairs.empty:
        return None
    return pairs.iloc[0]["doc_a"], pairs.iloc[0]["doc_b"]
