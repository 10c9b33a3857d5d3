"""Annotated article viewer: one static HTML page per article, to project in class.

Each page shows the cleaned article as the machine read it, with every decision visible:
quotes highlighted in their side's colour with the speaker shown, entity mentions underlined
(their canonical name on hover), frame cues outlined, the readability of each paragraph in the
margin, and the lines the cleaner removed greyed out in place with their reason (interleaved
by source line). A box lists what the machine may have got wrong in this article.

Why a page per article: the notebooks count; this page lets a class check what was counted,
one sentence at a time. What it does not do: judge whether a mark is right. That is the
students' job, and the page says so.

Safety: all article text, names and ids are escaped with `html.escape` before they reach the
page (attributes too), so an article containing `<script>` or `onerror=` shows them as text
and runs nothing; file names are made from doc ids by `article_filenames` (no path
separators, no dots at the start, a hash suffix when the id had to be changed).

Every layer is optional: a table that is missing (`quotes`, `frames` while they are being
built) or that fails to build leaves its layer out and the page says which one.

Example (French article, one quote):
    « Nous ne céderons pas », a déclaré Joe Biden.  ->  [Joe Biden · US] « Nous ne céderons pas » …
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SAMPLE_THRESHOLD = 50  # above this many articles, build viewer pages for a sample only
DEFAULT_SAMPLE = 30
DEFAULT_SEED = 0
_TEMPLATES = Path(__file__).parent / "templates" / "site"
GENERATOR = '<meta name="generator" content="analysis.viewer">'  # marks the pages this module may replace

REASONS_FR = {
    "navigation": "navigation", "related": "articles liés", "comments": "commentaires",
    "cookie": "bandeau cookies", "author_bio": "bio de l'auteur", "counter": "compteur",
    "duplicate_title": "titre répété", "metadata": "métadonnées", "share": "partage",
    "subscription": "abonnement", "advertising": "publicité", "footer": "pied de page", "no_text": "sans texte",
    "promotion": "promotion", "repeated_across_articles": "ligne répétée dans plusieurs articles",
}
KINDS_FR = {"name": "nom", "title": "titre", "pronoun": "pronom"}
QUOTE_KINDS_FR = {"direct": "citation directe", "indirect": "discours indirect", "mixed": "citation mixte"}
BANDS_FR = [(90, "très facile"), (80, "facile"), (70, "plutôt facile"), (60, "standard"),
            (50, "plutôt difficile"), (30, "difficile"), (float("-inf"), "très difficile")]


# --------------------------------------------------------------------------- choosing pages

def article_filenames(doc_ids) -> dict[str, str]:
    """doc_id -> a safe, unique file name (`<name>.html`) for its viewer page.

    Keeps letters, digits, `-` and `_`; anything else (slashes, dots, spaces, accents) becomes
    `_`. When the id had to change, or two ids differ only by case, a short hash of the id is
    appended, so names stay unique and stable from one build to the next.
    """
    ids = [str(d) for d in doc_ids]
    stems = {d: (re.sub(r"[^A-Za-z0-9_-]+", "_", d).strip("_-")[:80] or "article") for d in ids}
    lower_count: dict[str, int] = defaultdict(int)
    for stem in stems.values():
        lower_count[stem.lower()] += 1
    names = {}
    for d in ids:
        stem = stems[d]
        if stem != d or lower_count[stem.lower()] > 1:
            stem = f"{stem}-{hashlib.sha1(d.encode('utf-8')).hexdigest()[:8]}"
        names[d] = f"{stem}.html"
    return names


def choose_articles(documents: pd.DataFrame, n: int = DEFAULT_SAMPLE, always=(), *, seed: int = DEFAULT_SEED,
                    threshold: int = SAMPLE_THRESHOLD) -> tuple[list[str], bool]:
    """The doc ids that get a viewer page, in corpus order, and whether they are a sample.

    Every article when the corpus has at most `threshold` articles; otherwise `n` drawn at
    random with a fixed `seed` (the same sample at every build), plus every id in `always`.
    Unknown ids in `always` raise a ValueError naming them.
    """
    ids = [str(d) for d in documents["doc_id"]]
    unknown = [a for a in always if a not in set(ids)]
    if unknown:
        raise ValueError(f"unknown article id(s) {', '.join(map(repr, unknown))}; "
                         f"known ids look like {', '.join(ids[:3])} …")
    if len(ids) <= threshold:
        return ids, False
    n = max(0, min(n, len(ids)))
    drawn = set(pd.Series(ids).sample(n, random_state=seed)) if n else set()
    chosen = drawn | set(always)
    return [d for d in ids if d in chosen], True


# --------------------------------------------------------------------------- colours

def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def tint(colour: str, amount: float) -> str:
    """`colour` mixed with white (amount 0 = white, 1 = the colour), as #rrggbb."""
    try:
        r, g, b = _hex_to_rgb(colour)
    except ValueError:
        return "#eeeeee"
    mix = [round(255 - (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def text_colour_on(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (WCAG relative luminance)."""
    try:
        rgb = _hex_to_rgb(colour)
    except ValueError:
        return "#000"
    lin = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000" if lum > 0.35 else "#fff"


def _safe_colour(colour, default: str = "#999999") -> str:
    colour = str(colour or "")
    return colour if re.fullmatch(r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?", colour) else default


def band_fr(kandel_moles: float) -> str:
    """Flesch's reading-ease band, in French (bands borrowed from English: see analysis.readability)."""
    for floor, label in BANDS_FR:
        if kandel_moles >= floor:
            return label
    return ""


# --------------------------------------------------------------------------- the data

def _esc(value) -> str:
    """Escape anything for HTML text or a quoted attribute (None and NaN become '')."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _by_doc(table: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    if table is None or table.empty or "doc_id" not in table.columns:
        return {}
    return {str(k): v for k, v in table.groupby("doc_id", sort=False)}


@dataclass
class ViewerData:
    """The tables every page needs, grouped by article once (so 30 pages cost one pass)."""

    documents: pd.DataFrame
    sides: dict[str, dict]
    groups: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    frame_names: dict[str, str] = field(default_factory=dict)
    frame_colours: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # layer -> why it is not shown

    def of(self, table: str, doc_id: str) -> pd.DataFrame | None:
        return self.groups.get(table, {}).get(doc_id)

    @classmethod
    def from_corpus(cls, corpus, log=print) -> "ViewerData":
        from .datafiles import load_sides

        sides = {row["side"]: row for row in load_sides(corpus.path)}
        data = cls(documents=corpus.documents, sides=sides)
        names = set(corpus.table_names())
        wanted = {"paragraphs": "paragraphes", "removed_lines": "lignes retirées", "sentences": "phrases",
                  "mentions": "entités", "entity_links": "rattachements automatiques",
                  "dropped_mentions": "mentions écartées", "quotes": "citations", "frames": "cadres",
                  "readability": "lisibilité", "readability_paragraphs": "lisibilité des paragraphes"}
        for table, label in wanted.items():
            if table not in names:
                data.missing[table] = f"{label} : table « {table} » pas encore disponible"
                continue
            try:
                data.groups[table] = _by_doc(corpus.table(table))
            except Exception as exc:  # a colleague's module may be mid-way: show the rest
                data.missing[table] = (f"{label} : la table « {table} » n'a pas pu être construite "
                                       f"({type(exc).__name__}: {exc})")
                log(f"  viewer: table {table} unavailable: {type(exc).__name__}: {exc}")
        if "frames" in data.groups:
            try:
                from .framing import load_codebook

                codebook = load_codebook(corpus.path)
                data.frame_names = dict(codebook.names)
                data.frame_colours = dict(codebook.colours)
            except Exception as exc:
                log(f"  viewer: frame codebook unavailable ({exc}); frames shown with their keys")
        return data

    def side_label(self, side) -> str:
        row = self.sides.get(str(side)) if not _is_missing(side) else None
        return row["label"] if row else (str(side) if not _is_missing(side) else "non résolu")

    def side_colour(self, side) -> str:
        row = self.sides.get(str(side)) if not _is_missing(side) else None
        unknown = self.sides.get("UNKNOWN", {}).get("colour", "#999999")
        return _safe_colour(row["colour"] if row else unknown)

    def frame_colour(self, frame: str) -> str:
        return _safe_colour(self.frame_colours.get(frame), "#777777")


# --------------------------------------------------------------------------- spans -> HTML

@dataclass
class Span:
    """A marked stretch of the article: `start`/`end` are offsets into documents.text."""

    start: int
    end: int
    layer: str  # "quote", "mention" or "cue"
    attrs: dict


def _quote_spans(quotes: pd.DataFrame | None, data: ViewerData) -> list[Span]:
    spans = []
    if quotes is None:
        return spans
    for q in quotes.itertuples(index=False):
        if _is_missing(q.start_char) or _is_missing(q.end_char):
            continue
        speaker = getattr(q, "speaker", None)
        written = getattr(q, "speaker_text", None)
        anonymous = bool(getattr(q, "anonymous", False)) if not _is_missing(getattr(q, "anonymous", None)) else False
        side = getattr(q, "side", None)
        if not _is_missing(speaker):
            who = str(speaker)
        elif anonymous:
            who = "source anonyme"
        elif not _is_missing(written):
            who = f"« {written} » (non résolu)"
        else:
            who = "orateur non trouvé"
        side_code = "UNKNOWN" if _is_missing(side) else str(side)
        kind = str(getattr(q, "kind", "") or "")
        cue = getattr(q, "cue", None)
        title = (f"{QUOTE_KINDS_FR.get(kind, kind or 'citation')} · orateur : {who}"
                 + (f" (écrit « {written} »)" if not _is_missing(written) and str(written) != who else "")
                 + f" · camp : {data.side_label(side_code)} ({side_code})"
                 + (f" · indice : {cue}" if not _is_missing(cue) else ""))
        spans.append(Span(int(q.start_char), int(q.end_char), "quote",
                          {"id": int(getattr(q, "quote_id", len(spans))), "kind": kind, "who": who,
                           "side": side_code, "title": title, "speaker_found": not _is_missing(speaker) or anonymous}))
    return spans


def _mention_spans(mentions: pd.DataFrame | None, data: ViewerData) -> list[Span]:
    spans = []
    if mentions is None:
        return spans
    for m in mentions.itertuples(index=False):
        if _is_missing(m.start_char) or _is_missing(m.end_char):
            continue
        canonical = getattr(m, "canonical", None)
        side = getattr(m, "side", None)
        side_code = "UNKNOWN" if _is_missing(side) else str(side)
        kind = str(getattr(m, "kind", "name") or "name")
        method = getattr(m, "method", None)
        name = str(canonical) if not _is_missing(canonical) else "non résolu"
        title = f"{name} · {data.side_label(side_code)} ({side_code}) · lu comme {KINDS_FR.get(kind, kind)}"
        label = getattr(m, "label", None)
        if not _is_missing(label):
            title += f" · type {label}"
        if not _is_missing(method) and str(method) in ("fuzzy", "surname", "name", "side_cue"):
            title += f" · rattachement automatique ({method})"
        spans.append(Span(int(m.start_char), int(m.end_char), "mention",
                          {"kind": kind, "side": side_code, "title": title}))
    return spans


def _cue_spans(frames: pd.DataFrame | None, sentences: pd.DataFrame | None, text: str, data: ViewerData) -> list[Span]:
    """Frame cues found again in their sentence (the frames table lists the words as written)."""
    spans: list[Span] = []
    if frames is None or sentences is None or "cues" not in frames.columns:
        return spans
    bounds = {int(s.sent_id): (int(s.start_char), int(s.end_char)) for s in sentences.itertuples(index=False)}
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for row in frames.itertuples(index=False):
        where = bounds.get(int(row.sent_id)) if not _is_missing(row.sent_id) else None
        if where is None or _is_missing(row.cues):
            continue
        s0, s1 = where
        sentence = text[s0:s1]
        for cue in {c.strip() for c in str(row.cues).split(";") if c.strip()}:
            pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in cue.split()) + r"(?!\w)"
            for match in re.finditer(pattern, sentence, flags=re.IGNORECASE):
                key = (s0 + match.start(), s0 + match.end())
                if row.frame not in found[key]:
                    found[key].append(str(row.frame))
    for (start, end), frames_here in sorted(found.items()):
        names = [data.frame_names.get(f, f) for f in frames_here]
        spans.append(Span(start, end, "cue", {"frame": frames_here[0], "title": "indice de cadre : " + ", ".join(names)}))
    return spans


def render_marked(text: str, spans: list[Span], offset: int, data: ViewerData, seen_quotes: set) -> str:
    """Escape `text` (which starts at `offset` in documents.text) and mark the spans in it.

    The text is cut at every span boundary; each piece is wrapped in the layers active over it
    (quote outside, then mention, then cue), so overlapping spans always give valid HTML.
    A quote's speaker label is written where the quote starts (or "suite" at the top of a
    following paragraph of a multi-paragraph quote).
    """
    end_all = offset + len(text)
    local = [s for s in spans if s.end > offset and s.start < end_all and s.end > s.start]
    cuts = {offset, end_all}
    for s in local:
        cuts.add(max(offset, s.start))
        cuts.add(min(end_all, s.end))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:]):
        piece = html.escape(text[a - offset:b - offset], quote=True)
        active = [s for s in local if s.start <= a and s.end >= b]
        cue = next((s for s in active if s.layer == "cue"), None)
        mentions = [s for s in active if s.layer == "mention"]
        quote = next((s for s in active if s.layer == "quote"), None)
        if cue:
            colour = data.frame_colour(cue.attrs["frame"])
            piece = f'<mark class="cue" style="--c:{colour}" title="{_esc(cue.attrs["title"])}">{piece}</mark>'
        if mentions:
            m = mentions[0]
            title = " | ".join(x.attrs["title"] for x in mentions)
            colour = data.side_colour(m.attrs["side"])
            piece = (f'<span class="ent k-{_esc(m.attrs["kind"])}" style="--c:{colour}" '
                     f'title="{_esc(title)}">{piece}</span>')
        if quote:
            colour = data.side_colour(quote.attrs["side"])
            style = f"--c:{colour};--bg:{tint(colour, .3)};--bg2:{tint(colour, .14)};--fg:{text_colour_on(colour)}"
            label = ""
            if quote.attrs["id"] not in seen_quotes:
                seen_quotes.add(quote.attrs["id"])
                label = (f'<span class="speaker" style="{style}">{_esc(quote.attrs["who"])} · '
                         f'{_esc(quote.attrs["side"])}</span>')
            elif a == offset:
                label = f'<span class="speaker" style="{style}">suite · {_esc(quote.attrs["who"])}</span>'
            piece = (f'{label}<span class="quote q-{_esc(quote.attrs["kind"])}" style="{style}" '
                     f'title="{_esc(quote.attrs["title"])}">{piece}</span>')
        out.append(piece)
    return "".join(out).replace("\n", "<br>")


# --------------------------------------------------------------------------- one page

def _margin(para_id, readability: dict, frames_by_para: dict, data: ViewerData) -> str:
    parts = []
    row = readability.get(para_id)
    if row is not None:
        km = getattr(row, "kandel_moles", None)
        wps = getattr(row, "words_per_sentence", None)
        words = f" · {float(wps):.0f} mots/phrase" if not _is_missing(wps) else ""
        if not _is_missing(km):
            width = max(0, min(100, float(km)))
            parts.append(f'<span class="km" title="Kandel–Moles : plus haut = plus facile ; bandes empruntées '
                         f'à l\'anglais (Flesch)">Lisibilité {float(km):.0f} · {band_fr(float(km))}</span>{words}'
                         f'<span class="bar" aria-hidden="true"><span style="width:{width:.0f}%"></span></span>')
        elif words:
            parts.append(words[3:])
        note = getattr(row, "note", None)
        if not _is_missing(note) and str(note):
            parts.append(f"<em>{_esc(note)}</em><br>")
    frames = frames_by_para.get(para_id, [])
    if frames:
        parts.append("".join(f'<span class="frame-chip" style="--c:{data.frame_colour(f)}" title="cadre">'
                             f"{_esc(data.frame_names.get(f, f))}</span>" for f in frames))
    return "".join(parts)


def _machine_notes(doc_id: str, data: ViewerData, quote_spans: list[Span], mention_spans: list[Span]) -> list[str]:
    """What the machine may have got wrong in this article, counted (escaped HTML items)."""
    notes = []
    removed = data.of("removed_lines", doc_id)
    if removed is not None and len(removed):
        reasons = removed["reason"].value_counts()
        notes.append(f"{len(removed)} ligne(s) retirée(s) par le nettoyage ("
                     + ", ".join(f"{_esc(REASONS_FR.get(r, r))} {n}" for r, n in reasons.items())
                     + ") : en gris dans le texte. Une vraie phrase de l'article a-t-elle été retirée ?")
    if mention_spans:
        unknown = sum(1 for s in mention_spans if s.attrs["side"] == "UNKNOWN")
        notes.append(f"{len(mention_spans)} mention(s) d'entités soulignées, dont {unknown} sans camp résolu "
                     "(soulignées en gris) : survolez-les pour lire le nom retenu.")
    links = data.of("entity_links", doc_id)
    if links is not None and len(links):
        shown = "; ".join(f"« {_esc(r.text)} » → {_esc(r.canonical)} ({_esc(r.method)})"
                          for r in links.head(8).itertuples(index=False))
        more = f" … et {len(links) - 8} autre(s)" if len(links) > 8 else ""
        notes.append(f"{len(links)} rattachement(s) faits par la machine seule : {shown}{more}. D'accord ?")
    dropped = data.of("dropped_mentions", doc_id)
    if dropped is not None and len(dropped):
        sample = ", ".join(f"« {_esc(t)} »" for t in dropped["text"].drop_duplicates().head(6))
        notes.append(f"{len(dropped)} mention(s) écartée(s) par le filtre des entités (par ex. {sample}) : "
                     "elles ne sont pas soulignées.")
    if quote_spans:
        no_speaker = sum(1 for s in quote_spans if not s.attrs["speaker_found"])
        anonymous = sum(1 for s in quote_spans if s.attrs["who"] == "source anonyme")
        notes.append(f"{len(quote_spans)} citation(s) repérée(s), dont {anonymous} de source anonyme et "
                     f"{no_speaker} dont l'orateur n'a pas été résolu. Une citation manque-t-elle ?")
    for layer, why in data.missing.items():
        if layer in ("quotes", "frames", "mentions", "readability_paragraphs", "removed_lines"):
            notes.append(f"Couche absente — {_esc(why)}.")
    return notes


def render_article(doc_id: str, data: ViewerData, *, index_href: str = "../index.html",
                   prev_next: tuple[tuple[str, str] | None, tuple[str, str] | None] = (None, None),
                   corpus_name: str = "", built: str = "") -> str:
    """The full HTML page of one article (a string; every article text is escaped)."""
    docs = data.documents
    doc = docs.loc[docs["doc_id"] == doc_id].iloc[0]
    text = str(doc["text"] or "")

    paragraphs = data.of("paragraphs", doc_id)
    removed = data.of("removed_lines", doc_id)
    sentences = data.of("sentences", doc_id)
    quote_spans = _quote_spans(data.of("quotes", doc_id), data)
    mention_spans = _mention_spans(data.of("mentions", doc_id), data)
    cue_spans = _cue_spans(data.of("frames", doc_id), sentences, text, data)
    spans = sorted(quote_spans + mention_spans + cue_spans, key=lambda s: (s.start, -s.end))

    readability = {}
    rp = data.of("readability_paragraphs", doc_id)
    if rp is not None:
        readability = {int(r.para_id): r for r in rp.itertuples(index=False)}
    frames_by_para: dict[int, list[str]] = defaultdict(list)
    frames = data.of("frames", doc_id)
    if frames is not None and sentences is not None and "para_id" in sentences.columns:
        para_of = dict(zip(sentences["sent_id"].astype(int), sentences["para_id"]))
        for f in frames.itertuples(index=False):
            p = para_of.get(int(f.sent_id))
            if p is not None and not _is_missing(p) and f.frame not in frames_by_para[int(p)]:
                frames_by_para[int(p)].append(str(f.frame))

    # Interleave kept paragraphs and removed lines by source line.
    items = []
    if paragraphs is not None:
        for k, p in enumerate(paragraphs.itertuples(index=False)):
            line = getattr(p, "line_start", None)
            items.append((float(line) if not _is_missing(line) else float("inf"), 1, k, "para", p))
    if removed is not None:
        for k, r in enumerate(removed.itertuples(index=False)):
            items.append((float(r.line_no) if not _is_missing(r.line_no) else float("inf"), 0, k, "removed", r))
    items.sort(key=lambda t: (t[0], t[1], t[2]))

    rows, seen_quotes = [], set()
    pending: list = []

    def flush_removed():
        if not pending:
            return
        lines = "".join(f'<div><span class="line-no">l.&nbsp;{int(r.line_no) if not _is_missing(r.line_no) else "?"}</span>'
                        f"<s>{_esc(r.text)}</s></div>" for r in pending)
        reasons = []
        for r in pending:
            label = REASONS_FR.get(str(r.reason), str(r.reason))
            if label not in reasons:
                reasons.append(label)
        badge = " ".join(f'<span class="reason">{_esc(x)}</span>' for x in reasons)
        rows.append(f'<div class="row removed"><div class="text" title="Retiré par le nettoyage">{lines}</div>'
                    f'<div class="margin">Retiré par le nettoyage : {badge}</div></div>')
        pending.clear()

    for _, _, _, kind, row in items:
        if kind == "removed":
            pending.append(row)
            continue
        flush_removed()
        start, end = int(row.start_char), int(row.end_char)
        body = render_marked(text[start:end], spans, start, data, seen_quotes)
        para_kind = str(getattr(row, "kind", "body") or "body")
        line = getattr(row, "line_start", None)
        line_html = f'<span class="line-no">l.&nbsp;{int(line)}</span>' if not _is_missing(line) else ""
        if para_kind == "heading":
            block = f'<h2 class="para">{line_html}{body}</h2>'
        elif para_kind == "caption":
            block = f'<p class="caption">{line_html}{body}</p>'
        else:
            block = f"<p>{line_html}{body}</p>"
        margin = _margin(int(row.para_id), readability, frames_by_para, data)
        rows.append(f'<div class="row para" id="p{int(row.para_id)}"><div class="text">{block}</div>'
                    f'<div class="margin">{margin}</div></div>')
    flush_removed()
    if paragraphs is None:  # no paragraph table: the cleaned text as it is
        rows.append(f'<div class="row para"><div class="text"><p>{render_marked(text, spans, 0, data, seen_quotes)}'
                    f'</p></div><div class="margin"></div></div>')

    overall = data.of("readability", doc_id)
    article_km = None
    if overall is not None and len(overall) and "kandel_moles" in overall.columns:
        value = overall["kandel_moles"].iloc[0]
        article_km = None if _is_missing(value) else float(value)

    used_frames = []
    for s in cue_spans:
        if s.attrs["frame"] not in used_frames:
            used_frames.append(s.attrs["frame"])
    return _render_page(
        doc=doc, rows=rows, data=data, notes=_machine_notes(doc_id, data, quote_spans, mention_spans),
        used_frames=used_frames, article_km=article_km, index_href=index_href, prev_next=prev_next,
        corpus_name=corpus_name, built=built,
        counts={"quotes": len(quote_spans), "mentions": len(mention_spans), "cues": len(cue_spans)})


def _jinja_env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


def site_css() -> str:
    return (_TEMPLATES / "site.css").read_text(encoding="utf-8")


def _render_page(*, doc, rows, data: ViewerData, notes, used_frames, article_km, index_href, prev_next,
                 corpus_name, built, counts) -> str:
    from markupsafe import Markup

    def clean(v):
        return None if _is_missing(v) or str(v).strip() == "" else str(v)

    sides = [{"code": code, "label": row["label"], "colour": _safe_colour(row["colour"])}
             for code, row in data.sides.items()]
    frames = [{"key": f, "name": data.frame_names.get(f, f), "colour": data.frame_colour(f)} for f in used_frames]
    template = _jinja_env().get_template("article.html.j2")
    return template.render(
        css=Markup(site_css()), doc_id=str(doc["doc_id"]), title=clean(doc.get("title")), date=clean(doc.get("date")),
        byline=clean(doc.get("byline")), url=clean(doc.get("url")), source=clean(doc.get("source_path")),
        n_words=doc.get("n_words"), rows=[Markup(r) for r in rows], notes=[Markup(n) for n in notes],
        sides=sides, frames=frames, article_km=article_km, article_band=band_fr(article_km) if article_km is not None else "",
        index_href=index_href, prev=prev_next[0], next=prev_next[1], corpus_name=corpus_name, built=built,
        counts=counts, has={"quotes": "quotes" in data.groups, "mentions": "mentions" in data.groups,
                            "frames": "frames" in data.groups,
                            "readability": "readability_paragraphs" in data.groups},
    )


# --------------------------------------------------------------------------- all pages

def build_article_pages(corpus, out_dir: str | Path, doc_ids: list[str], *, index_href: str = "../index.html",
                        built: str = "", data: ViewerData | None = None, log=print) -> list[dict]:
    """Write `out_dir/<safe name>.html` for each doc id; return one entry per page (for the index).

    Each entry: doc_id, file (relative to out_dir), title, date, n_quotes, n_mentions, n_cues.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.html"):  # pages of a previous build (another corpus or sample), never other files
        with old.open("rb") as page:
            if GENERATOR.encode() in page.read(600):
                old.unlink()
    data = data or ViewerData.from_corpus(corpus, log=log)
    names = article_filenames(data.documents["doc_id"])
    titles = data.documents.set_index("doc_id")["title"].to_dict()
    dates = data.documents.set_index("doc_id")["date"].to_dict()
    entries = []
    for k, doc_id in enumerate(doc_ids):
        prev_id = doc_ids[k - 1] if k > 0 else None
        next_id = doc_ids[k + 1] if k + 1 < len(doc_ids) else None
        prev_next = tuple((names[d], _label(d, titles.get(d))) if d else None for d in (prev_id, next_id))
        page = render_article(doc_id, data, index_href=index_href, prev_next=prev_next,  # type: ignore[arg-type]
                              corpus_name=getattr(corpus, "name", ""), built=built)
        (out / names[doc_id]).write_text(page, encoding="utf-8")
        counts = {
            "n_quotes": len(data.of("quotes", doc_id)) if data.of("quotes", doc_id) is not None else 0,
            "n_mentions": len(data.of("mentions", doc_id)) if data.of("mentions", doc_id) is not None else 0,
        }
        title, date = titles.get(doc_id), dates.get(doc_id)
        entries.append({"doc_id": doc_id, "file": names[doc_id], "title": None if _is_missing(title) else title,
                        "date": None if _is_missing(date) else date, **counts})
    log(f"  wrote {len(entries)} article page(s) in {out}")
    return entries


def _label(doc_id: str, title) -> str:
    if _is_missing(title) or not str(title).strip():
        return doc_id
    title = str(title)
    return title if len(title) <= 70 else title[:69] + "…"
