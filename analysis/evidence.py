"""Evidence views: HTML that lets a student check what the machine did, line by line.

Every view is built from table offsets and escapes all article text with `html.escape`,
so an article containing `<script>` shows it as text and runs nothing.
"""

from __future__ import annotations

import html

import pandas as pd

from .corpus import CleanTables, line_accounting

_STYLE = """<style>
.ev-table{border-collapse:collapse;font:14px/1.45 system-ui,sans-serif;width:100%}
.ev-table td,.ev-table th{border-bottom:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
.ev-removed td{color:#777;background:#f4f4f4}
.ev-fate{white-space:nowrap;font-size:12px}
.ev-pair{display:flex;gap:1.5em;font:14px/1.5 system-ui,sans-serif}
.ev-pair>div{flex:1;min-width:0}
.ev-pair mark{background:#ffe08a}
</style>"""


def cleaning_view(tables: CleanTables, doc_id: str) -> str:
    """Kept and removed lines of one article side by side, in source order (HTML).

    Each source line shows its number, its text and its fate: title, byline, date, the
    paragraph it went into (with its kind), or "removed" with the reason (greyed out).
    """
    if doc_id not in tables.sources:
        raise KeyError(f"unknown article {doc_id!r}; known: {', '.join(list(tables.sources)[:10])} …")
    lines = line_accounting(tables, doc_id)
    kinds = tables.paragraphs[tables.paragraphs.doc_id == doc_id].set_index("para_id")["kind"]
    rows = []
    for row in lines.itertuples():
        fate = row.fate
        if fate.startswith("paragraph "):
            fate = f"{fate} ({kinds.get(int(fate.split()[1]), '')})"
        css = ' class="ev-removed"' if row.fate.startswith("removed") or row.fate == "LOST" else ""
        rows.append(f"<tr{css}><td>{row.line_no}</td><td>{html.escape(row.text)}</td>"
                    f'<td class="ev-fate">{html.escape(fate)}</td></tr>')
    head = "<tr><th>ligne</th><th>texte de la source</th><th>devenir</th></tr>"
    return f'{_STYLE}<table class="ev-table">{head}{"".join(rows)}</table>'


def _highlight(text: str, spans: list[tuple[int, int]]) -> str:
    """Escape `text`, wrapping each (start, end) span in <mark>."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out).replace("\n\n", "<br><br>")


def side_by_side(doc_a: str, text_a: str, doc_b: str, text_b: str, passages: pd.DataFrame) -> str:
    """Two articles next to each other with the passages they share highlighted (HTML)."""
    reused_a, reused_b = passages.attrs.get("reused_a", 0), passages.attrs.get("reused_b", 0)
    left = _highlight(text_a, list(zip(passages["start_a"], passages["end_a"])))
    right = _highlight(text_b, list(zip(passages["start_b"], passages["end_b"])))
    return (f'{_STYLE}<div class="ev-pair">'
            f"<div><h4>{html.escape(doc_a)} — {reused_a:.0%} du texte repris</h4>{left}</div>"
            f"<div><h4>{html.escape(doc_b)} — {reused_b:.0%} du texte repris</h4>{right}</div></div>")


def mention_sentences(sentences: pd.DataFrame, mentions: pd.DataFrame, canonical: str,
                      colours: dict[str, str], max_sentences: int = 30, seed: int = 0) -> str:
    """Every sentence where `canonical` was counted, its mentions highlighted (displaCy, HTML).

    Labels show how the mention was read: NOM, TITRE or PRONOM and the side; a sample of
    `max_sentences` (fixed seed) is drawn when there are more, and the view says so.
    """
    from spacy import displacy

    hits = mentions[mentions["canonical"] == canonical]
    keys = hits[["doc_id", "sent_id"]].drop_duplicates()
    total = len(keys)
    if total > max_sentences:
        keys = keys.sample(max_sentences, random_state=seed).sort_values(["doc_id", "sent_id"])
    chosen = sentences.merge(keys, on=["doc_id", "sent_id"])
    kinds = {"name": "NOM", "title": "TITRE", "pronoun": "PRONOM"}
    pages = []
    for sent in chosen.itertuples():
        rows = hits[(hits.doc_id == sent.doc_id) & (hits.sent_id == sent.sent_id)].sort_values("start_char")
        ents = [{"start": int(r.start_char - sent.start_char), "end": int(r.end_char - sent.start_char),
                 "label": f"{kinds.get(r.kind, r.kind)} · {r.side}"} for r in rows.itertuples()]
        # displaCy escapes the text, not the title: the doc id comes from a file name or a JSONL id.
        pages.append({"text": sent.text, "ents": ents, "title": html.escape(f"{sent.doc_id} · phrase {sent.sent_id}")})
    options = {"colors": {f"{k} · {side}": colour for k in kinds.values() for side, colour in colours.items()}}
    head = f"<p><b>{html.escape(canonical)}</b> : {total} phrase(s)" + (
        f", échantillon de {max_sentences} (graine {seed})" if total > max_sentences else "") + "</p>"
    return head + displacy.render(pages, style="ent", manual=True, jupyter=False, options=options)
