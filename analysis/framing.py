"""Frames per sentence from a codebook of French cue words, with the evidence a student can check.

Why a codebook and not a classifier: in class, students must see *why* a sentence was said to
frame the story as a conflict or a negotiation, and be able to disagree. The frames, their
definitions, the coder's questions (Semetko & Valkenburg 2000) and the cue words live in
`analysis/data/frames.yaml`; a teacher edits that file and re-runs, never this code.

How: cues are lemmatised once with the project's spaCy model; the corpus is never re-parsed.
Lightweight `Doc` objects are rebuilt from the cached token table (words + lemmas) and
scanned with `PhraseMatcher(attr="LEMMA")` (dictionary forms: "menacer" finds "menaçait"),
a `PhraseMatcher(attr="LOWER")` (the form as written, when the lemmatiser disagrees) and a
`Matcher` for cues with gaps ("exclure ... négociation"). Overlaps inside a frame are resolved
with `spacy.util.filter_spans` (the longest cue wins). Each match knows whether it lies
inside a quotation.

What it does not do: it finds words, not meanings. Negation ("ne menace pas"), irony, and
frames carried without any cue word are missed; a frequent word can carry a frame on its own.
The notebook shows the scores against hand coding (tests/gold/frames_seeds.csv).

    >>> frames_of_text("Moscou menaçait de sanctions.", load_codebook())[["frame", "cue", "text"]].values.tolist()
    [['conflict', 'menacer', 'menaçait'], ['sanctions', 'sanction', 'sanctions']]
"""

from __future__ import annotations

import html
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .annotate import normalise_for_nlp
from .cache import PROJECT_ROOT
from .datafiles import DataFileError, _strip_leading_comments, data_path, load_yaml

FRAME_COLUMNS = ["doc_id", "sent_id", "frame", "cues", "n_cues", "in_quote"]
MATCH_COLUMNS = ["doc_id", "sent_id", "frame", "cue", "text", "start_char", "end_char", "in_quote", "status"]
QUOTE_COLUMNS = ["doc_id", "start_char", "end_char"]
GAP = "..."          # in a cue, "..." allows up to MAX_GAP other words
MAX_GAP = 3
GOLD_PATH = PROJECT_ROOT / "tests" / "gold" / "frames_seeds.csv"
EXAMPLE_CODING = PROJECT_ROOT / "notebooks" / "data" / "frame_coding_example.csv"
_FALLBACK_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#882255", "#999933"]


# --------------------------------------------------------------------------- the codebook

@dataclass(frozen=True)
class Frame:
    """One frame of the codebook, as written in frames.yaml."""

    key: str
    name: str
    definition: str
    questions: tuple[str, ...]
    cues: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    quoted: bool = True
    colour: str = "#777777"
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """The frames in file order, and the file they came from."""

    frames: tuple[Frame, ...]
    path: Path = field(default=Path("frames.yaml"))

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.frames]

    @property
    def names(self) -> dict[str, str]:
        return {f.key: f.name for f in self.frames}

    @property
    def colours(self) -> dict[str, str]:
        return {f.key: f.colour for f in self.frames}

    def __getitem__(self, key: str) -> Frame:
        for frame in self.frames:
            if frame.key == key:
                return frame
        raise KeyError(f"unknown frame {key!r}; frames of {self.path.name}: {', '.join(self.keys)}")

    def table(self) -> pd.DataFrame:
        """One row per frame: what a teacher reads before trusting any number."""
        return pd.DataFrame([{
            "frame": f.key, "name": f.name, "definition": f.definition, "n_cues": len(f.cues),
            "cues (first 8)": ", ".join(f.cues[:8]) + (" …" if len(f.cues) > 8 else ""),
            "exclude": ", ".join(f.exclude), "quoted cues count": f.quoted,
            "example": f.examples[0] if f.examples else "",
        } for f in self.frames]).set_index("frame")

    def questions(self) -> pd.DataFrame:
        """The coder's questions, one row each (the yes/no questions of the class exercise)."""
        return pd.DataFrame([{"frame": f.key, "name": f.name, "question": q}
                             for f in self.frames for q in f.questions])


_FRAME_FIELDS = {"name", "definition", "questions", "cues", "exclude", "quoted", "colour", "examples"}


def _text_list(value, where: str, what: str, required: bool) -> tuple[str, ...]:
    """A YAML list of non-empty strings, or a clear error naming file, frame and item."""
    if value is None and not required:
        return ()
    if not isinstance(value, list) or (required and not value):
        raise DataFileError(f"{where}: `{what}` must be a list of lines starting with '- '")
    items = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, str) or not item.strip():
            raise DataFileError(f"{where}: item {n} of `{what}` ({item!r}) is not a word or phrase; "
                                "put it in quotes if YAML read it as a number or yes/no")
        item = " ".join(item.split())
        if item.startswith(GAP) or item.endswith(GAP):
            raise DataFileError(f"{where}: `{what}` item {item!r}: '...' goes between two words")
        items.append(item)
    return tuple(dict.fromkeys(items))  # a repeated cue counts once


def parse_codebook(data, path: str | Path = "frames.yaml") -> Codebook:
    """Validate the content of frames.yaml; every error names the file and the frame."""
    path = Path(path)
    frames = data.get("frames") if isinstance(data, dict) else None
    if not isinstance(frames, dict) or not frames:
        raise DataFileError(f"{path}: expected `frames:` followed by one block per frame (see the comments at the top)")
    parsed = []
    for n, (key, spec) in enumerate(frames.items()):
        where = f"{path}, frame {key!r}"
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise DataFileError(f"{where}: a frame key is one lowercase word (letters, digits, _), e.g. human_interest")
        if not isinstance(spec, dict):
            raise DataFileError(f"{where}: expected the keys name, definition, questions, cues under the frame")
        unknown = sorted(set(spec) - _FRAME_FIELDS)
        if unknown:
            raise DataFileError(f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(sorted(_FRAME_FIELDS))}")
        for text_field in ("name", "definition"):
            if not isinstance(spec.get(text_field), str) or not spec[text_field].strip():
                raise DataFileError(f"{where}: `{text_field}` is missing or empty")
        quoted = spec.get("quoted", True)
        if not isinstance(quoted, bool):
            raise DataFileError(f"{where}: `quoted` must be true or false")
        colour = spec.get("colour") or _FALLBACK_COLOURS[n % len(_FALLBACK_COLOURS)]
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", str(colour)):
            raise DataFileError(f"{where}: colour must be a hex code in quotes, like \"#0072B2\"")
        parsed.append(Frame(
            key=key, name=spec["name"].strip(), definition=" ".join(spec["definition"].split()),
            questions=_text_list(spec.get("questions"), where, "questions", True),
            cues=_text_list(spec.get("cues"), where, "cues", True),
            exclude=_text_list(spec.get("exclude"), where, "exclude", False),
            quoted=quoted, colour=str(colour),
            examples=_text_list(spec.get("examples"), where, "examples", False),
        ))
    return Codebook(tuple(parsed), path)


def load_codebook(corpus_path: str | Path | None = None) -> Codebook:
    """frames.yaml beside the corpus if there is one, else the default in analysis/data/."""
    return parse_codebook(load_yaml("frames.yaml", corpus_path), data_path("frames.yaml", corpus_path))


# --------------------------------------------------------------------------- quotations

def detect_quotes(sentences: pd.DataFrame) -> pd.DataFrame:
    """Quotation spans (doc_id, start_char, end_char) of each paragraph, quote marks included.

    The quote marks are paired by `analysis.quotes.find_quote_spans` (the same rules as the
    quotes table); the paragraph text is rebuilt from its sentences (the gaps are spaces).
    """
    from .quotes import find_quote_spans

    rows: list[tuple] = []
    paragraphs: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for doc_id, para_id, start, text in zip(sentences["doc_id"], sentences["para_id"],
                                            sentences["start_char"], sentences["text"]):
        paragraphs[(doc_id, para_id)].append((int(start), text))
    for (doc_id, _), parts in paragraphs.items():
        if not any(_QUOTE_MARK.search(text) for _, text in parts):
            continue
        base, pieces, end = parts[0][0], [], parts[0][0]
        for start, text in parts:
            pieces += [" " * (start - end), text]
            end = start + len(text)
        joined = "".join(pieces)
        rows += [(doc_id, base + q.start, base + q.end) for q in find_quote_spans(joined, [(0, len(joined))])]
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


_QUOTE_MARK = re.compile('[«»“”„"‹›‟]')


# --------------------------------------------------------------------------- matching

_FUNCTION_POS = {"DET", "ADP", "PRON", "AUX", "CCONJ", "SCONJ", "PUNCT"}


@lru_cache(maxsize=1)
def _known_lemmas() -> frozenset[str]:
    """Every dictionary form of the model's French lemmatiser (empty for a model without one)."""
    from .annotate import load_model

    try:
        index = load_model().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, ValueError):
        return frozenset()
    return frozenset(lemma for pos in index.keys() for lemma in index[pos])


@lru_cache(maxsize=8)
def _lemmatise(phrases: tuple[str, ...]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """phrase -> (lower-case words, lemmas to match), from the project's spaCy model, in one pass.

    A content word that already is a dictionary form stays as written: out of context the
    tagger guesses, and would turn the noun "traité" into the verb "traiter" or "menace" into
    "menacer". An inflected form ("sanctions", "menacé") takes the model's lemma.
    """
    from .annotate import load_model

    known = _known_lemmas()
    out = {}
    for phrase, doc in zip(phrases, load_model().pipe(normalise_for_nlp(p) for p in phrases)):
        tokens = [t for t in doc if not t.is_space]
        words = tuple(t.text.lower() for t in tokens)
        out[phrase] = (words, tuple(w if t.pos_ not in _FUNCTION_POS and w in known else (t.lemma_ or t.text).lower()
                                    for t, w in zip(tokens, words)))
    return out


class _Matchers:
    """The three matchers of one codebook, and what each match id stands for."""

    def __init__(self, codebook: Codebook, vocab):
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Doc

        self.lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.gaps = Matcher(vocab)
        self.gap_words: list[tuple[set, set]] = []  # per gap cue: the lemmas / words it needs
        self.meaning: dict[int, tuple[str, str, str]] = {}  # match id -> (frame, kind, cue as written)
        parts_of = {p: [part.strip() for part in p.split(GAP)] for f in codebook.frames for p in (*f.cues, *f.exclude)}
        lemmatised = _lemmatise(tuple(sorted({part for parts in parts_of.values() for part in parts})))
        for frame in codebook.frames:
            for kind, phrases in (("cue", frame.cues), ("exclude", frame.exclude)):
                for phrase in phrases:
                    label = f"{frame.key}|{kind}|{phrase}"
                    self.meaning[vocab.strings.add(label)] = (frame.key, kind, phrase)
                    forms = [lemmatised[part] for part in parts_of[phrase]]
                    if len(forms) == 1:  # the lemmas, and the words as written (if the lemmatiser errs)
                        words, lemmas = forms[0]
                        self.lemma.add(label, [Doc(vocab, words=list(words), lemmas=list(lemmas))])
                        self.lower.add(label, [Doc(vocab, words=list(words))])
                    else:
                        self.gaps.add(label, [self._gap_pattern(forms, "LEMMA", 1), self._gap_pattern(forms, "LOWER", 0)])
                        self.gap_words.append(({w for f in forms for w in f[1]}, {w for f in forms for w in f[0]}))

    @staticmethod
    def _gap_pattern(forms, attr: str, use: int) -> list[dict]:
        pattern: list[dict] = []
        for n, form in enumerate(forms):
            if n:
                pattern.append({"OP": f"{{0,{MAX_GAP}}}"})
            pattern += [{attr: value} for value in form[use]]
        return pattern

    def __call__(self, doc, lemmas: set, lowers: set):
        """All matches in `doc`; the (slow) gap matcher only runs when a gap cue could match."""
        gaps = any(need_l <= lemmas or need_w <= lowers for need_l, need_w in self.gap_words)
        return [*self.lemma(doc), *self.lower(doc), *(self.gaps(doc) if gaps else [])]


def _documents(tokens: pd.DataFrame, vocab):
    """Yield (doc_id, Doc, sent_ids, starts, ends, lemmas, lower words) per document, from the token table."""
    from spacy.tokens import Doc

    if tokens.empty:
        return
    doc_ids = tokens["doc_id"].to_numpy()
    cuts = [0, *(np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1), len(doc_ids)]
    texts, lemmas = tokens["text"].tolist(), tokens["lemma"].fillna("").tolist()
    starts, sent_ids = tokens["start_char"].tolist(), tokens["sent_id"].tolist()
    for a, b in zip(cuts[:-1], cuts[1:]):
        words = [normalise_for_nlp(w) for w in texts[a:b]]
        begin = starts[a:b]
        ends = [s + len(w) for s, w in zip(begin, words)]
        spaces = [ends[k] < begin[k + 1] for k in range(len(words) - 1)] + [False]
        lem = [(l or w).lower() for l, w in zip(lemmas[a:b], words)]
        yield (doc_ids[a], Doc(vocab, words=words, spaces=spaces, lemmas=lem), sent_ids[a:b], begin, ends,
               set(lem), {w.lower() for w in words})


def match_cues(sentences: pd.DataFrame, tokens: pd.DataFrame, codebook: Codebook, *,
               quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every cue found, one row per occurrence and frame (MATCH_COLUMNS), in text order.

    `status` says whether it counts: "counted", "excluded" (inside an `exclude` phrase of
    the frame) or "quoted" (inside a quotation, for a frame with `quoted: false`). `text` is
    the cue as written in the article. A cue never spans two sentences.
    """
    from spacy.tokens import Span
    from spacy.util import filter_spans

    from .annotate import load_model

    vocab = load_model().vocab
    matchers = _Matchers(codebook, vocab)
    quotes = detect_quotes(sentences) if quotes is None else quotes
    quote_spans = {d: list(zip(g["start_char"], g["end_char"])) for d, g in quotes.groupby("doc_id")}
    sentence_at = {(d, s): (start, text) for d, s, start, text in
                   zip(sentences["doc_id"], sentences["sent_id"], sentences["start_char"], sentences["text"])}
    quoted_ok = {f.key: f.quoted for f in codebook.frames}
    rows = []
    for doc_id, doc, sent_ids, starts, ends, lemmas, lowers in _documents(tokens, vocab):
        cues, exclusions = defaultdict(list), defaultdict(list)
        for match_id, a, b in matchers(doc, lemmas, lowers):
            if sent_ids[a] != sent_ids[b - 1]:
                continue
            frame, kind, _ = matchers.meaning[match_id]
            (cues if kind == "cue" else exclusions)[frame].append(Span(doc, a, b, label=match_id))
        in_doc_quotes = quote_spans.get(doc_id, [])
        for frame, spans in cues.items():
            for span in sorted(filter_spans(spans), key=lambda s: s.start):
                start, end, sent_id = starts[span.start], ends[span.end - 1], sent_ids[span.start]
                in_quote = any(qs <= start and end <= qe for qs, qe in in_doc_quotes)
                if any(span.start < e.end and e.start < span.end for e in exclusions[frame]):
                    status = "excluded"
                elif in_quote and not quoted_ok[frame]:
                    status = "quoted"
                else:
                    status = "counted"
                sent_start, sent_text = sentence_at[(doc_id, sent_id)]
                rows.append((doc_id, sent_id, frame, matchers.meaning[span.label][2],
                             sent_text[start - sent_start:end - sent_start], start, end, in_quote, status))
    return _in_order(pd.DataFrame(rows, columns=MATCH_COLUMNS), sentences, codebook, ["start_char"])


def _in_order(table: pd.DataFrame, sentences: pd.DataFrame, codebook: Codebook, then: list[str]) -> pd.DataFrame:
    """Sort rows by article (corpus order), sentence, frame (codebook order), then `then`."""
    doc_rank = {d: n for n, d in enumerate(pd.unique(sentences["doc_id"]))}
    frame_rank = {k: n for n, k in enumerate(codebook.keys)}
    keys = table.assign(_d=table["doc_id"].map(doc_rank), _f=table["frame"].map(frame_rank))
    return keys.sort_values(["_d", "sent_id", "_f", *then], kind="stable").drop(columns=["_d", "_f"]).reset_index(drop=True)


def frames_from_matches(matches: pd.DataFrame) -> pd.DataFrame:
    """One row per (sentence, frame) with at least one counted cue (FRAME_COLUMNS).

    `in_quote` is True when every counted cue of the row lies inside a quotation: the frame
    there comes from a quoted speaker, not from the journalist's own words.
    """
    counted = matches[matches["status"] == "counted"]
    if counted.empty:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    grouped = (counted.groupby(["doc_id", "sent_id", "frame"], sort=False)
               .agg(cues=("text", "; ".join), n_cues=("text", "size"), in_quote=("in_quote", "all"))
               .reset_index())
    return grouped[FRAME_COLUMNS]


def build_frames(sentences: pd.DataFrame, tokens: pd.DataFrame, codebook: Codebook, *,
                 quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The `frames` table: one row per (sentence, frame) with its evidence; never a row without cues."""
    return frames_from_matches(match_cues(sentences, tokens, codebook, quotes=quotes))


def frames_of_text(text: str, codebook: Codebook) -> pd.DataFrame:
    """The cue matches of a pasted text (parsed on the spot): for trying a sentence in class.

    >>> frames_of_text("Le Kremlin a menacé l'Ukraine.", load_codebook())["frame"].tolist()
    ['conflict']
    """
    from .annotate import annotate_text

    tables = annotate_text(text)
    return match_cues(tables["sentences"], tables["tokens"], codebook)[["sent_id", "frame", "cue", "text", "in_quote", "status"]]


# --------------------------------------------------------------------------- per article

def frame_summary(frames: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Per article: the frames present (multi-label), cue density and the dominant frame.

    The dominant frame is the one carried by the most sentences (a word repeated in one
    sentence counts once). Ties are shown as ties, "conflict = diplomacy", never broken.
    `frames` lists the frames present, most sentences first.
    """
    counts = frames.groupby(["doc_id", "frame"], sort=False).agg(
        n_sentences=("sent_id", "nunique"), n_cues=("n_cues", "sum")).reset_index()
    by_doc = dict(tuple(counts.groupby("doc_id", sort=False)))
    rows = []
    for doc_id, n_words in zip(documents["doc_id"], documents["n_words"]):
        mine = by_doc.get(doc_id, counts.iloc[0:0]).sort_values("n_sentences", ascending=False, kind="stable")
        top = mine[mine["n_sentences"] == mine["n_sentences"].max()] if len(mine) else mine
        n_cues = int(mine["n_cues"].sum())
        rows.append({
            "doc_id": doc_id, "n_words": n_words, "frames": ", ".join(mine["frame"]), "n_frames": len(mine),
            "n_cues": n_cues, "cues_per_1000_words": round(1000 * n_cues / n_words, 1) if n_words else np.nan,
            "dominant": " = ".join(top["frame"]) if len(top) else None,
            "dominant_sentences": int(top["n_sentences"].iloc[0]) if len(top) else 0,
        })
    return pd.DataFrame(rows)


def frame_profile(frames: pd.DataFrame, sentences: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Article × frame: % of the article's sentences that carry the frame (0 when none)."""
    n_sentences = sentences.groupby("doc_id", sort=False).size()
    with_frame = frames.groupby(["doc_id", "frame"]).size().unstack(fill_value=0)
    profile = with_frame.reindex(index=n_sentences.index, columns=codebook.keys, fill_value=0)
    return profile.div(n_sentences, axis=0).mul(100).round(1).rename_axis(index="doc_id", columns="frame")


def frame_positions(frames: pd.DataFrame, sentences: pd.DataFrame, codebook: Codebook, bins: int = 5) -> pd.DataFrame:
    """Frame × position in the article (1 = first fifth … 5 = last fifth): % of sentences with the frame.

    Why: a story can open as a negotiation and end as a threat; the lead frames the rest.
    """
    position = sentences[["doc_id", "sent_id"]].copy()
    rank = position.groupby("doc_id").cumcount()
    size = position.groupby("doc_id")["sent_id"].transform("size")
    position["position"] = (rank * bins // size).clip(upper=bins - 1) + 1
    totals = position.groupby("position").size()
    hits = frames.merge(position, on=["doc_id", "sent_id"]).groupby(["frame", "position"]).size()
    table = hits.unstack(fill_value=0).reindex(index=codebook.keys, columns=totals.index, fill_value=0)
    return table.div(totals, axis=1).mul(100).round(1).rename_axis(index="frame", columns="position")


def cue_counts(matches: pd.DataFrame) -> pd.DataFrame:
    """Per frame and cue: how often it counted, in how many sentences and articles.

    `only_cue_sentences`: sentences where this cue is the frame's only evidence, i.e. that
    would lose the frame if the cue were deleted from the codebook.
    """
    columns = ["frame", "cue", "n_matches", "n_sentences", "n_articles", "forms", "only_cue_sentences", "share_of_frame_sentences"]
    counted = matches[matches["status"] == "counted"]
    if counted.empty:
        return pd.DataFrame(columns=columns)
    counted = counted.assign(sentence=counted["doc_id"] + "#" + counted["sent_id"].astype(str))
    distinct = counted.groupby(["sentence", "frame"])["cue"].nunique().rename("n_distinct")
    counted = counted.join(distinct, on=["sentence", "frame"])
    table = counted.groupby(["frame", "cue"]).agg(
        n_matches=("cue", "size"), n_sentences=("sentence", "nunique"), n_articles=("doc_id", "nunique"),
        forms=("text", lambda t: ", ".join(sorted(set(t.str.lower()))[:6])))
    only = counted[counted["n_distinct"] == 1].groupby(["frame", "cue"])["sentence"].nunique()
    table["only_cue_sentences"] = only.reindex(table.index, fill_value=0)
    frame_sentences = counted.groupby("frame")["sentence"].nunique()
    table["share_of_frame_sentences"] = (100 * table["n_sentences"]
                                         / frame_sentences.reindex(table.index.get_level_values("frame")).to_numpy()).round(1)
    table = table.reset_index()[columns]
    return table.sort_values(["frame", "n_sentences"], ascending=[True, False], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- check the machine

_VIEW_STYLE = """<style>
.fr-table{border-collapse:collapse;font:14px/1.5 system-ui,sans-serif;width:100%}
.fr-table td,.fr-table th{border-bottom:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
.fr-table mark{padding:0 2px;border-radius:3px;color:inherit}
.fr-table mark.fr-off{text-decoration:line-through;opacity:.7}
.fr-chip{display:inline-block;border-radius:3px;padding:0 4px;margin:1px;font-size:12px;white-space:nowrap}
</style>"""


_STATUS_FR = {"counted": "compte", "excluded": "expression exclue : ne compte pas",
              "quoted": "dans une citation : ne compte pas pour ce cadre"}


def _segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[tuple[str, list]]:
    """Cut `text` at every span boundary: (piece, [spans covering it]) in order."""
    cuts = sorted({0, len(text), *[s for s, *_ in spans], *[e for _, e, *_ in spans]})
    return [(text[a:b], [sp for sp in spans if sp[0] <= a and b <= sp[1]]) for a, b in zip(cuts[:-1], cuts[1:])]


def evidence_view(matches: pd.DataFrame, sentences: pd.DataFrame, codebook: Codebook, *,
                  doc_id: str | None = None, frame: str | None = None, max_sentences: int = 40) -> str:
    """HTML table of the evidence sentences, cues highlighted in their frame's colour.

    One row per sentence with at least one cue (of `frame`, in article `doc_id`, when given):
    the sentence with its cues marked (hover a cue for its frame and status), and the frames
    it carries, badged « citation » when all their cues are quoted words. Cues that do not
    count (excluded, or quoted for a frame that ignores quotes) are struck through. All
    article text goes through `html.escape`.
    """
    chosen = matches
    if doc_id is not None:
        chosen = chosen[chosen["doc_id"] == doc_id]
    if frame is not None:
        chosen = chosen[chosen["frame"] == frame]
    keys = chosen[["doc_id", "sent_id"]].drop_duplicates().head(max_sentences)
    text_of = sentences.set_index(["doc_id", "sent_id"])[["start_char", "text"]]
    names, colours = codebook.names, codebook.colours
    rows = []
    for d, s in keys.itertuples(index=False):
        start, text = text_of.loc[(d, s)]
        mine = chosen[(chosen["doc_id"] == d) & (chosen["sent_id"] == s)]
        spans = [(a - start, b - start, f, st) for a, b, f, st in zip(mine["start_char"], mine["end_char"], mine["frame"], mine["status"])]
        body = []
        for piece, covering in _segments(text, spans):
            if not covering:
                body.append(html.escape(piece))
                continue
            f = covering[0][2]  # the colour of the first frame; the title lists them all
            title = "; ".join(f"{names.get(c[2], c[2])} ({_STATUS_FR[c[3]]})" for c in covering)
            off = ' class="fr-off"' if all(c[3] != "counted" for c in covering) else ""
            body.append(f'<mark{off} style="background:{colours.get(f, "#ddd")}55" title="{html.escape(title)}">'
                        f"{html.escape(piece)}</mark>")
        counted = mine[mine["status"] == "counted"]
        chips = "".join(f'<span class="fr-chip" style="background:{colours.get(f, "#ddd")}55">{html.escape(names.get(f, f))}'
                        f'{" · « citation »" if counted[counted["frame"] == f]["in_quote"].all() else ""}</span>'
                        for f in dict.fromkeys(counted["frame"]))
        rows.append(f"<tr><td>{html.escape(str(d))}<br>phrase {int(s)}</td><td>{''.join(body)}</td><td>{chips or '—'}</td></tr>")
    head = "<tr><th>article</th><th>phrase (indices surlignés)</th><th>cadres comptés</th></tr>"
    note = f"<p><small>{len(keys)} phrase(s) affichée(s) sur {chosen[['doc_id', 'sent_id']].drop_duplicates().shape[0]}.</small></p>"
    return f'{_VIEW_STYLE}<table class="fr-table">{head}{"".join(rows)}</table>{note}'


def sample_evidence(matches: pd.DataFrame, frame: str, n: int = 10, seed: int = 0) -> pd.DataFrame:
    """The counted cues of `n` sentences carrying `frame`, drawn at random with a fixed seed (for checking)."""
    rows = matches[(matches["frame"] == frame) & (matches["status"] == "counted")]
    keys = rows[["doc_id", "sent_id"]].drop_duplicates()
    return rows.merge(keys.sample(min(n, len(keys)), random_state=seed), on=["doc_id", "sent_id"])


# --------------------------------------------------------------------------- quality

def wilson_interval(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion k/n (NaN when n = 0); honest on small samples."""
    if n == 0:
        return (np.nan, np.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def load_gold(path: str | Path = GOLD_PATH) -> pd.DataFrame:
    """A hand-coded CSV (doc_id, sent_id, text, one 0/1 column per frame), header comments skipped."""
    body, _ = _strip_leading_comments(Path(path).read_text(encoding="utf-8-sig"))
    return pd.read_csv(io.StringIO(body))


def score_against_gold(frames: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Sentence-level precision and recall per frame against hand coding, with 95% Wilson intervals.

    Only the gold's sentences are scored; a frame the machine does not know scores 0 recall.
    The last row, `all`, pools every (sentence, frame) decision.
    """
    frame_cols = [c for c in gold.columns if c not in ("doc_id", "sent_id", "text")]
    predicted = set(zip(frames["doc_id"], frames["sent_id"], frames["frame"]))
    rows, pooled = [], np.zeros(3, dtype=int)
    for frame in frame_cols:
        truth = gold[frame].astype(int).to_numpy()
        said = np.array([(d, s, frame) in predicted for d, s in zip(gold["doc_id"], gold["sent_id"])])
        tp, fp, fn = int((said & (truth == 1)).sum()), int((said & (truth == 0)).sum()), int((~said & (truth == 1)).sum())
        pooled += (tp, fp, fn)
        rows.append(_score_row(frame, tp, fp, fn))
    rows.append(_score_row("all", *pooled))
    return pd.DataFrame(rows).set_index("frame")


def _score_row(frame: str, tp: int, fp: int, fn: int) -> dict:
    p_low, p_high = wilson_interval(tp, tp + fp)
    r_low, r_high = wilson_interval(tp, tp + fn)
    precision = tp / (tp + fp) if tp + fp else np.nan
    recall = tp / (tp + fn) if tp + fn else np.nan
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else np.nan
    return {"frame": frame, "gold_yes": tp + fn, "machine_yes": tp + fp, "tp": tp, "fp": fp, "fn": fn,
            "precision": round(precision, 2), "precision_95": f"{p_low:.2f}–{p_high:.2f}",
            "recall": round(recall, 2), "recall_95": f"{r_low:.2f}–{r_high:.2f}", "f1": round(f1, 2)}


def seed_scores(codebook: Codebook) -> pd.DataFrame:
    """The codebook scored against the hand-coded seed sentences (whatever corpus is analysed)."""
    from .pipeline import load_corpus

    seeds = load_corpus(PROJECT_ROOT / "seeds", progress=False)
    return score_against_gold(build_frames(seeds.sentences, seeds.tokens, codebook), load_gold())


# --------------------------------------------------------------------------- class exercise

def coding_template(sentences: pd.DataFrame, codebook: Codebook, n: int = 20, seed: int = 1,
                    min_words: int = 8) -> pd.DataFrame:
    """n sentences drawn with a fixed seed (at least `min_words` words), frame columns left blank."""
    long_enough = sentences[sentences["text"].str.findall(r"[^\W\d_]+").str.len() >= min_words]
    drawn = long_enough.sample(min(n, len(long_enough)), random_state=seed).sort_index()
    table = drawn[["doc_id", "sent_id"]].assign(text=drawn["text"].str.split().str.join(" "), coder="")
    return table.assign(**{key: "" for key in codebook.keys}).reset_index(drop=True)


def load_coding(path: str | Path | None = None) -> pd.DataFrame:
    """Students' coding CSV (doc_id, sent_id, text, coder, one 0/1 column per frame).

    Blank cells are "not coded" (NaN); anything else than 0, 1 or blank is an error naming
    the file, line and column. Leading `#` comment lines are skipped.
    """
    path = Path(path) if path else EXAMPLE_CODING
    if not path.exists() and (PROJECT_ROOT / path).exists():
        path = PROJECT_ROOT / path
    body, skipped = _strip_leading_comments(path.read_text(encoding="utf-8-sig"))
    table = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    missing = [c for c in ("doc_id", "sent_id", "coder") if c not in table.columns]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(missing)}")
    for column in [c for c in table.columns if c not in ("doc_id", "sent_id", "text", "coder")]:
        bad = ~table[column].str.strip().isin(["0", "1", ""])
        if bad.any():
            line = skipped + 2 + int(np.flatnonzero(bad)[0])
            raise DataFileError(f"{path}, line {line}, column {column}: write 0, 1 or leave blank "
                                f"(found {table[column][bad].iloc[0]!r})")
        table[column] = pd.to_numeric(table[column].str.strip().replace("", np.nan))
    return table.assign(sent_id=table["sent_id"].astype(int))


def _machine_codes(coding: pd.DataFrame, frames: pd.DataFrame, frame_cols: list[str]) -> pd.DataFrame:
    units = coding[["doc_id", "sent_id"]].drop_duplicates()
    said = set(zip(frames["doc_id"], frames["sent_id"], frames["frame"]))
    return units.assign(**{f: [int((d, s, f) in said) for d, s in zip(units["doc_id"], units["sent_id"])]
                           for f in frame_cols}).set_index(["doc_id", "sent_id"])


def _alpha(matrix: np.ndarray) -> float:
    """Krippendorff's alpha (nominal); NaN when undefined (everyone gave the same answer)."""
    import krippendorff

    values = matrix[~np.isnan(matrix)]
    if len(np.unique(values)) < 2 or matrix.shape[0] < 2:
        return np.nan
    return round(float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")), 2)


def agreement(coding: pd.DataFrame, frames: pd.DataFrame) -> pd.DataFrame:
    """Per frame: Krippendorff's alpha among the students, then with the machine as one more coder.

    `students_yes` counts the yes answers of all students together; `same_as_machine_%` is the
    share of (sentence, student) answers equal to the machine's. Alpha is 1 for perfect
    agreement, 0 for agreement no better than chance; NaN when every answer is the same.
    """
    frame_cols = [c for c in coding.columns if c not in ("doc_id", "sent_id", "text", "coder")]
    wide = coding.set_index(["coder", "doc_id", "sent_id"])[frame_cols]
    machine = _machine_codes(coding, frames, frame_cols)
    rows = []
    for frame in frame_cols:
        students = wide[frame].unstack(["doc_id", "sent_id"]).reindex(columns=machine.index)
        both = np.vstack([students.to_numpy(float), machine[frame].to_numpy(float)])
        equal = (students.to_numpy(float) == machine[frame].to_numpy(float))[~np.isnan(students.to_numpy(float))]
        rows.append({"frame": frame, "sentences": machine.shape[0], "coders": students.shape[0],
                     "students_yes": int(np.nansum(students.to_numpy(float))), "machine_yes": int(machine[frame].sum()),
                     "alpha_students": _alpha(students.to_numpy(float)), "alpha_with_machine": _alpha(both),
                     "same_as_machine_%": round(100 * equal.mean(), 1) if equal.size else np.nan})
    return pd.DataFrame(rows).set_index("frame")


def disagreements(coding: pd.DataFrame, frames: pd.DataFrame) -> pd.DataFrame:
    """Every (sentence, frame) where the students disagree with each other or with the machine."""
    frame_cols = [c for c in coding.columns if c not in ("doc_id", "sent_id", "text", "coder")]
    machine = _machine_codes(coding, frames, frame_cols)
    texts = coding.drop_duplicates(["doc_id", "sent_id"]).set_index(["doc_id", "sent_id"]).get("text")
    rows = []
    for frame in frame_cols:
        answers = coding.pivot_table(index=["doc_id", "sent_id"], columns="coder", values=frame, aggfunc="first")
        for key, row in answers.iterrows():
            given = row.dropna().astype(int)
            said = int(machine.loc[key, frame])
            if given.nunique() > 1 or (len(given) and (given != said).any()):
                rows.append({"doc_id": key[0], "sent_id": key[1], "frame": frame,
                             "students": ", ".join(f"{c}: {v}" for c, v in given.items()), "machine": said,
                             "between": "élèves" if given.nunique() > 1 else "élèves et machine",
                             "text": texts.loc[key] if texts is not None else ""})
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "frame", "students", "machine", "between", "text"])


def machine_frames_for(coding: pd.DataFrame, corpus, codebook: Codebook) -> pd.DataFrame:
    """The machine's frames for the articles of a coding file: the corpus's, or the seeds' for the example."""
    from .pipeline import load_corpus

    if set(coding["doc_id"]) <= set(corpus.documents["doc_id"]):
        return build_frames(corpus.sentences, corpus.tokens, codebook)
    seeds = load_corpus(PROJECT_ROOT / "seeds", progress=False)
    return build_frames(seeds.sentences, seeds.tokens, codebook)


TABLES = {"frames": lambda corpus: build_frames(corpus.sentences, corpus.tokens, load_codebook(corpus.path))}
