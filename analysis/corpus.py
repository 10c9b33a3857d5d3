"""Read a corpus and clean it: files -> `documents`, `paragraphs`, `removed_lines`, `rejected`.

A corpus is a folder of `.txt`/`.md`/`.html` files, or one `.jsonl`/`.csv` file with a `text`
column (optional `id`, `title`, `date`, `url`). Every input ends up either as a document or
as a row of `rejected` with a reason a user understands; every non-blank line of a document
ends up as its title, byline or date, in a paragraph, or in `removed_lines` with a reason.
Nothing is dropped silently: students must be able to check the cleaner.

Patterns a teacher can edit live in `analysis/data/boilerplate.yaml`; the structural rules
(title repeated under a breadcrumb, share counters, a short line repeated across many
articles, an author name followed by a quoted biography) live here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .datafiles import DATA_FILE_NAMES, load_yaml

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
TABLE_SUFFIXES = {".jsonl", ".csv", ".tsv"}
MAX_FILE_BYTES = 50 * 1024 * 1024  # larger inputs are almost certainly not one article

DOCUMENT_COLUMNS = [
    "doc_id", "source_path", "source_line", "title", "date", "byline", "url", "text",
    "n_paragraphs", "n_words", "language", "french_share", "duplicate_of", "encoding", "warnings",
    "title_line", "date_line", "byline_line",
]
PARAGRAPH_COLUMNS = ["doc_id", "para_id", "kind", "start_char", "end_char", "text", "line_start", "line_end"]
REMOVED_COLUMNS = ["doc_id", "line_no", "text", "reason"]
REJECTED_COLUMNS = ["source_path", "line_no", "reason"]

FRENCH_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}
_MONTHS_RE = "|".join(FRENCH_MONTHS)
DATE_PREFIX_RE = re.compile(r"^\s*date\s*:?\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)\b\s*", re.I)
ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")
FRENCH_DATE_RE = re.compile(rf"\b(?:(\d{{1,2}})(?:er)?\s+)?({_MONTHS_RE})\s+(\d{{4}})\b", re.I)
NUMERIC_DATE_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
BYLINE_RE = re.compile(r"^(?:par|by)\s+(\S.{0,80})$", re.I)
COUNTER_RE = re.compile(r"^\d+(?:\s*[/|]\s*\d+)*$")
SENTENCE_END = tuple(".!?…:;»\"”)")
QUOTE_CHARS = "«»“”„\"‟"
HEADING_DASHES_RE = re.compile(r"^[-–—]\s*\S.*\S\s*[-–—]$")
CAPITALISED_NAME_RE = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w'’\-]+\s?){2,4}$")


class CorpusError(Exception):
    """The corpus as a whole cannot be read (no such path, nothing readable)."""


@dataclass
class RawDocument:
    """One input article before cleaning: text plus whatever metadata the source gave."""

    doc_id: str
    source_path: str
    text: str
    source_line: int | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    outside_lines: list[str] = field(default_factory=list)  # HTML text outside the article


@dataclass
class CleanTables:
    """The four tables that come out of reading and cleaning."""

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    removed_lines: pd.DataFrame
    rejected: pd.DataFrame
    sources: dict[str, str] = field(default_factory=dict)  # doc_id -> decoded source text, for checking


# --------------------------------------------------------------------------- decoding

_BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document (save it as text first)",
    b"PK\x03\x04": "a ZIP archive or Office document such as .docx (save it as .txt first)",
    b"\xd0\xcf\x11\xe0": "an old Office document such as .doc (save it as .txt first)",
}


class RejectError(Exception):
    """This input cannot become a document; the message is the user-facing reason."""


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode article bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252.

    Returns (text, encoding, warnings). Raises RejectError for binary data.
    Line endings are normalised to "\\n"; NUL and other control characters are removed
    with a warning, because they break every later step and are never article text.
    """
    notes: list[str] = []
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise RejectError(f"binary file: looks like {what}, not text")
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        codec, encoding = ("utf-8-sig", "utf-8-sig") if data.startswith(b"\xef") else ("utf-16", "utf-16")
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:  # e.g. a truncated UTF-16 file: keep what decodes, say so
            text = data.decode(codec, errors="replace")
            notes.append(f"some bytes are not valid {encoding}: replaced by � (check the text)")
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
            notes.append(f"not valid UTF-8: decoded as {encoding} (check accents such as é and œ)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t")
    if controls:
        if controls > max(8, 0.01 * len(text)):
            raise RejectError(f"binary file: {controls} control characters, not text")
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
        notes.append(f"removed {controls} control character(s) such as NUL bytes")
    return text, encoding, notes


# --------------------------------------------------------------------------- reading

def _unique_id(doc_id: str, seen: set[str]) -> str:
    base, n = doc_id, 2
    while doc_id in seen:
        doc_id, n = f"{base}_{n}", n + 1
    seen.add(doc_id)
    return doc_id


def _read_html(path: Path, text: str) -> tuple[str, dict, list[str]]:
    """Main text of a saved web page, extracted by trafilatura (not by hand-written tag stripping)."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        text, include_comments=False, include_tables=False, with_metadata=True, favor_recall=True
    )
    body = getattr(extracted, "text", None) if extracted is not None else None
    if not body:
        raise RejectError("HTML page: no article text found by the extractor")
    meta = {
        "title": getattr(extracted, "title", None),
        "date": getattr(extracted, "date", None),
        "url": getattr(extracted, "url", None),
    }
    kept = {" ".join(line.split()) for line in body.splitlines() if line.strip()}
    outside = [line for line in _visible_lines(text) if line not in kept]
    return body, meta, outside


_BLOCK_TAGS = ("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
               "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
               "pre", "section", "summary", "table", "td", "th", "tr", "ul", "button", "option")


def _visible_lines(page: str) -> list[str]:
    """The visible text of a page, one line per block element (scripts, styles, comments dropped).

    Why not trafilatura.html2txt: it returns the whole page on one line (so the "outside the
    article" list was one blob repeating the article) and silently drops asides and footers.
    """
    from lxml import etree
    from trafilatura.utils import load_html

    tree = load_html(page)
    body = tree.find(".//body") if tree is not None else None
    if body is None:
        return []
    etree.strip_elements(body, etree.Comment, "script", "style", "noscript", "template", "svg", with_tail=False)
    for elem in body.iter(*_BLOCK_TAGS):
        elem.text = "\n" + (elem.text or "")
        elem.tail = "\n" + (elem.tail or "")
    lines = (" ".join(line.split()) for line in body.text_content().split("\n"))
    return [line for line in lines if line]


def iter_folder(folder: Path, rejected: list[dict], seen: set[str]):
    """Yield RawDocuments for the article files of a folder; everything else goes to `rejected`."""
    for path in sorted(folder.iterdir()):
        name = path.name
        if name in DATA_FILE_NAMES:
            continue  # a teacher's override of a data file, not an article
        if name.startswith("."):
            rejected.append(_rej(path, None, "hidden file, not read"))
            continue
        if path.is_symlink() and not path.exists():
            rejected.append(_rej(path, None, "broken link: the file it points to does not exist"))
            continue
        if path.is_dir():
            rejected.append(_rej(path, None, "sub-folder, not read (point --corpus at it to analyse it)"))
            continue
        suffix = path.suffix.lower()
        if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
            rejected.append(_rej(path, None, f"unsupported file type '{suffix or name}': use .txt, .md, .html, .jsonl or .csv"))
            continue
        try:
            yield _read_text_file(path, _unique_id(_shown(path.stem), seen))
        except RejectError as exc:
            rejected.append(_rej(path, None, str(exc)))


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RejectError(f"file too large ({size / 1e6:.0f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB): split it into articles")
        return path.read_bytes()
    except PermissionError:
        raise RejectError("cannot read the file: permission denied") from None
    except OSError as exc:
        raise RejectError(f"cannot read the file: {exc.strerror or exc}") from None


def _read_text_file(path: Path, doc_id: str) -> RawDocument:
    data = _read_bytes(path)
    if not data:
        raise RejectError("empty file")
    text, encoding, notes = decode_bytes(data)
    if not text.strip():
        raise RejectError("no text: the file holds only spaces or blank lines")
    if _shown(path.name) != str(path.name):
        notes.append("the file name is not valid UTF-8 (shown with �): rename the file")
    raw = RawDocument(doc_id, _shown(path), text, encoding=encoding, warnings=notes)
    if path.suffix.lower() in HTML_SUFFIXES or text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        raw.text, meta, raw.outside_lines = _read_html(path, text)
        raw.title, raw.date, raw.url = meta["title"], _normalise_date(meta["date"]), meta["url"]
    return raw


def _rej(path, line_no, reason) -> dict:
    return {"source_path": _shown(path), "line_no": line_no, "reason": reason}


def _shown(path) -> str:
    """A path (or name) as valid UTF-8 text: bytes of a file name that are not UTF-8 become �.

    Python keeps such bytes as lone surrogates, which pandas, Parquet, CSV and the terminal
    all refuse: one badly named file (a zip made on Windows) would stop the whole corpus.
    """
    text = str(path)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _valid_text(value: str) -> tuple[str, int]:
    """Replace lone surrogates (JSON escapes of a cut emoji such as "\\ud83d") by �; return the count."""
    return re.subn(r"[\ud800-\udfff]", "\ufffd", value)


def _record_to_raw(record: dict, path: Path, line_no: int, seen: set[str], encoding: str) -> RawDocument:
    """Turn one JSONL/CSV row into a RawDocument, or raise RejectError naming what is wrong."""
    if "text" not in record:
        raise RejectError("no 'text' field")
    text = record["text"]
    if not isinstance(text, str):
        raise RejectError(f"'text' is not a string ({type(text).__name__})")
    if not text.strip():
        raise RejectError("empty 'text'")
    text, bad = _valid_text(text)
    notes = [f"replaced {bad} invalid character(s) (lone surrogates, e.g. a cut emoji) by �"] if bad else []
    doc_id = _valid_text(str(record.get("id") or f"{path.stem}_{line_no}"))[0]
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    def opt(key):
        value = record.get(key)
        return _valid_text(str(value).strip())[0] if value not in (None, "") and str(value).strip() else None

    return RawDocument(
        _unique_id(doc_id, seen), _shown(path), text, source_line=line_no, title=opt("title"),
        date=_normalise_date(opt("date")), url=opt("url"), encoding=encoding, warnings=notes,
    )


def _decode_table_file(path: Path) -> tuple[str, str]:
    """Decode a JSONL/CSV file, warning once (naming the file) about cp1252, NUL bytes …"""
    text, encoding, notes = decode_bytes(_read_bytes(path))
    for note in notes:
        warnings.warn(f"{_shown(path)}: {note}", stacklevel=3)
    return text, encoding


def iter_jsonl(path: Path, rejected: list[dict], seen: set[str]):
    """Yield one RawDocument per good JSONL line; bad lines go to `rejected` with their number."""
    text, encoding = _decode_table_file(path)
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise RejectError("line is not a JSON object")
            yield _record_to_raw(record, path, line_no, seen, encoding)
        except json.JSONDecodeError as exc:
            rejected.append(_rej(path, line_no, f"malformed JSON ({exc.msg})"))
        except RejectError as exc:
            rejected.append(_rej(path, line_no, str(exc)))


def iter_csv(path: Path, rejected: list[dict], seen: set[str]):
    """Yield one RawDocument per good CSV row (delimiter sniffed among , ; tab |)."""
    text, encoding = _decode_table_file(path)
    # The csv module refuses fields over 128 KB by default; one article may be longer.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    header = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(header, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    columns = next(rows, [])
    fields = [f.strip().lower() for f in columns]
    if "text" not in fields:
        raise RejectError(f"no 'text' column (columns found: {', '.join(columns) or 'none'})")
    while True:
        line_no = rows.line_num + 1  # the row's first line: a quoted text may span several
        try:
            values = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            rejected.append(_rej(path, line_no, f"malformed CSV row ({exc})"))
            continue
        if not values:
            continue  # a blank line
        try:
            if len(values) > len(fields):  # an unquoted delimiter cut the text: never keep half of it
                raise RejectError(f"{len(values)} fields but {len(fields)} columns in the header: "
                                  f"quote the text (delimiter {delimiter!r})")
            if len(values) <= fields.index("text"):
                raise RejectError(f"no 'text' value: {len(values)} field(s) but {len(fields)} columns in the header")
            yield _record_to_raw(dict(zip(fields, values)), path, line_no, seen, encoding)
        except RejectError as exc:
            rejected.append(_rej(path, line_no, str(exc)))


def iter_raw_documents(corpus: str | Path, rejected: list[dict]):
    """Yield the RawDocuments of a corpus path, appending unreadable inputs to `rejected`."""
    path = Path(corpus)
    if not path.exists():
        raise CorpusError(f"no such corpus: {path} (give a folder of .txt/.html files or a .jsonl/.csv file)")
    seen: set[str] = set()
    if path.is_dir():
        yield from iter_folder(path, rejected, seen)
        return
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            yield from iter_jsonl(path, rejected, seen)
        elif suffix in (".csv", ".tsv"):
            yield from iter_csv(path, rejected, seen)
        elif suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
            yield _read_text_file(path, _unique_id(_shown(path.stem), seen))
        else:
            raise RejectError(f"unsupported corpus file type '{suffix}': use a folder, .jsonl or .csv")
    except RejectError as exc:
        rejected.append(_rej(path, None, str(exc)))


# --------------------------------------------------------------------------- cleaning helpers

def _normalise_date(value) -> str | None:
    """An ISO prefix (`2021-12`, `2021-12-17`) from an ISO, French or dd/mm/yyyy date, else None."""
    if not value:
        return None
    value = str(value)
    if m := ISO_DATE_RE.search(value):
        return "-".join(p for p in m.groups() if p)
    if m := FRENCH_DATE_RE.search(value):
        day, month, year = m.groups()
        iso = f"{year}-{FRENCH_MONTHS[month.lower()]:02d}"
        return f"{iso}-{int(day):02d}" if day else iso
    if m := NUMERIC_DATE_RE.search(value):
        day, month, year = m.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if m := re.fullmatch(r"\s*(\d{4})\s*", value):
        return m.group(1)
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+(?:['’\-]\w+)*", text)


def _norm_line(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


class BoilerplateRules:
    """Compiled patterns from boilerplate.yaml: line patterns, block starts and block ends."""

    def __init__(self, corpus: str | Path | None = None):
        spec = load_yaml("boilerplate.yaml", corpus)

        def compile_all(patterns, where):
            out = []
            for pattern in patterns or []:
                try:
                    out.append(re.compile(pattern, re.I))
                except re.error as exc:
                    raise ValueError(f"boilerplate.yaml, {where}: bad pattern {pattern!r} ({exc})") from exc
            return out

        self.lines = [(reason, rx) for reason, pats in (spec.get("line_patterns") or {}).items()
                      for rx in compile_all(pats, f"line_patterns/{reason}")]
        self.block_starts = [(reason, rx) for reason, pats in (spec.get("block_starts") or {}).items()
                             for rx in compile_all(pats, f"block_starts/{reason}")]
        self.block_ends = compile_all(spec.get("block_ends"), "block_ends")

    def match_line(self, line: str) -> str | None:
        for reason, rx in self.lines:
            if rx.match(line):
                return reason
        return None

    def block_start(self, line: str) -> str | None:
        for reason, rx in self.block_starts:
            if rx.match(line):
                return reason
        return None

    def block_end(self, line: str) -> bool:
        return any(rx.match(line) for rx in self.block_ends)


def paragraph_kind(text: str) -> str:
    """`heading`, `caption` or `body`, from the shape of the line alone.

    A line framed by dashes ("- Impact économique -") is a subheading. A short line
    (12 words or fewer) without final punctuation is a caption when it has under 5 words
    (photo labels such as "Conférence Poutine"), else a subheading. The rule is shape-only
    because it runs before spaCy; later steps may treat captions differently.
    """
    stripped = text.strip()
    if HEADING_DASHES_RE.match(stripped):
        return "heading"
    n = len(_words(stripped))
    if n <= 12 and not stripped.endswith(SENTENCE_END):
        return "caption" if n < 5 else "heading"
    return "body"


def _is_title_candidate(line: str, other_lines: list[str]) -> bool:
    """Is this first kept line the title? Short and unpunctuated, or repeated elsewhere.

    "Repeated" covers the web's habit of printing the title again in the breadcrumb
    ("Home » MONDE » <title>"), possibly truncated with "...".
    """
    n = len(_words(line))
    if n == 0 or n > 30:
        return False
    if not line.rstrip().endswith("."):
        return True
    key = _norm_line(line)
    for other in map(_norm_line, other_lines):
        if key in other or (len(other) > 40 and other[-40:] in key):
            return True
    return False


def _only_furniture_after(lines: list[tuple[int, str]], rules: "BoilerplateRules") -> bool:
    """True when no article-like line follows: only boilerplate or short lines (an article's tail)."""
    return all(rules.match_line(text) or rules.block_start(text) or len(_words(text)) <= 12 for _, text in lines)


def _is_quoted(line: str) -> bool:
    s = line.strip()
    return len(s) > 2 and s[0] in QUOTE_CHARS and s[-1] in QUOTE_CHARS


_LANGUAGE_WORDS: dict[str, frozenset] | None = None


def language_signal(text: str) -> tuple[str, float]:
    """Guess the language from the share of function words (data/language_stopwords.yaml).

    Why function words: they make up about 40% of running text and differ between
    languages, so the measure is easy to explain in class. Returns the language code
    (`unknown` for texts too short to tell) and the share of French function words.
    """
    global _LANGUAGE_WORDS
    if _LANGUAGE_WORDS is None:
        _LANGUAGE_WORDS = {lang: frozenset(map(str, words)) for lang, words in load_yaml("language_stopwords.yaml").items()}
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text[:20000])]
    if not words:
        return "unknown", 0.0
    shares = {lang: sum(w in stops for w in words) / len(words) for lang, stops in _LANGUAGE_WORDS.items()}
    best = max(shares, key=shares.get)
    if len(words) < 8 or shares[best] < 0.15:
        return "unknown", round(shares.get("fr", 0.0), 3)
    return best, round(shares.get("fr", 0.0), 3)


# --------------------------------------------------------------------------- cleaning

def clean_document(raw: RawDocument, rules: BoilerplateRules, repeated: set[str] | None = None):
    """Clean one article. Returns (document row, paragraph rows, removed-line rows).

    Each non-blank source line gets exactly one fate: title, byline, date, part of a
    paragraph, or removed with a reason. Lines within one source block that were wrapped
    mid-sentence (next line starts in lower case) are joined into one paragraph.
    """
    repeated = repeated or set()
    lines = [(no, line.strip()) for no, line in enumerate(raw.text.split("\n"), start=1) if line.strip()]
    doc = {
        "doc_id": raw.doc_id, "source_path": raw.source_path, "source_line": raw.source_line,
        "title": raw.title, "date": raw.date, "byline": None, "url": raw.url,
        "encoding": raw.encoding, "title_line": None, "date_line": None, "byline_line": None,
    }
    notes = list(raw.warnings)
    removed: list[dict] = []
    kept: list[tuple[int, str]] = []  # (line_no, text)
    block: str | None = None
    title_from_source = raw.title is not None

    def remove(no, text, reason):
        removed.append({"doc_id": raw.doc_id, "line_no": no, "text": text, "reason": reason})

    for idx, (no, line) in enumerate(lines):
        if not line:
            continue  # consumed by an earlier rule (author bio)
        header = not kept  # before the first body paragraph
        if header and doc["date"] is None and (m := DATE_PREFIX_RE.match(line)):
            doc["date"], doc["date_line"] = _normalise_date(m.group(1)), no
            line = line[m.end():].strip()
            if not line:
                continue
        if block and rules.block_end(line):
            remove(no, line, block)
            block = None
            continue
        if reason := rules.block_start(line):
            remove(no, line, reason)
            block = reason
            continue
        if reason := rules.match_line(line):
            remove(no, line, reason)
            continue
        if block:
            remove(no, line, block)
            continue
        if COUNTER_RE.match(line):
            remove(no, line, "counter")
            continue
        if not re.search(r"[^\W\d_]", line):
            remove(no, line, "no_text")
            continue
        if doc["title"] is not None and _norm_line(line) == _norm_line(doc["title"]):
            remove(no, line, "duplicate_title")
            continue
        if header and doc["title"] is None and not title_from_source and idx <= 3:
            others = [text for j, (_, text) in enumerate(lines) if j != idx]
            if _is_title_candidate(line, others):
                doc["title"], doc["title_line"] = line, no
                continue
        if header and doc["byline"] is None and (m := BYLINE_RE.match(line)) and len(_words(line)) <= 7:
            doc["byline"], doc["byline_line"] = m.group(1).strip(), no
            continue
        if header and doc["date"] is None and len(_words(line)) <= 12 and (d := _normalise_date(line)):
            if FRENCH_DATE_RE.search(line) or ISO_DATE_RE.search(line) or NUMERIC_DATE_RE.search(line):
                doc["date"], doc["date_line"] = d, no
                continue
        if (kept and doc["byline"] is None and CAPITALISED_NAME_RE.match(line) and idx + 1 < len(lines)
                and _is_quoted(lines[idx + 1][1]) and len(_words(lines[idx + 1][1])) <= 40
                and _only_furniture_after(lines[idx + 2:], rules)):
            doc["byline"], doc["byline_line"] = line, no  # author name, then a quoted bio
            remove(*lines[idx + 1], "author_bio")
            lines[idx + 1] = (lines[idx + 1][0], "")  # consumed
            continue
        if _norm_line(line) in repeated:
            remove(no, line, "repeated_across_articles")
            continue
        kept.append((no, line))

    # Join wrapped lines: same source block (consecutive line numbers), no final punctuation,
    # next line starting in lower case.
    paragraphs: list[list] = []
    for no, line in kept:
        if (paragraphs and paragraphs[-1][1] == no - 1 and not paragraphs[-1][2].endswith(SENTENCE_END)
                and line[:1].islower()):
            paragraphs[-1][1], paragraphs[-1][2] = no, paragraphs[-1][2] + " " + line
        else:
            paragraphs.append([no, no, line])

    para_rows, offset, pieces = [], 0, []
    for para_id, (first, last, text) in enumerate(paragraphs):
        para_rows.append({
            "doc_id": raw.doc_id, "para_id": para_id, "kind": paragraph_kind(text),
            "start_char": offset, "end_char": offset + len(text), "text": text,
            "line_start": first, "line_end": last,
        })
        pieces.append(text)
        offset += len(text) + 2
    for text in raw.outside_lines:
        remove(0, text, "outside_main_text")
    body = "\n\n".join(pieces)
    doc["text"] = body
    doc["n_paragraphs"] = len(para_rows)
    doc["n_words"] = len(_words(body))
    doc["language"], doc["french_share"] = language_signal(body)
    if doc["language"] != "fr":
        notes.append(f"language looks like '{doc['language']}' (French stop-word share {doc['french_share']:.0%})")
    doc["duplicate_of"] = None
    doc["warnings"] = "; ".join(notes) or None
    return doc, para_rows, removed


def _repeated_short_lines(raws: list[RawDocument]) -> set[str]:
    """Short lines (≤ 8 words) found in at least 3 articles and in 5% of them: site furniture."""
    if len(raws) < 3:
        return set()
    counts: dict[str, int] = {}
    for raw in raws:
        for key in {_norm_line(ln) for ln in raw.text.split("\n") if 0 < len(_words(ln)) <= 8}:
            counts[key] = counts.get(key, 0) + 1
    threshold = max(3, 0.05 * len(raws))
    return {key for key, n in counts.items() if n >= threshold and key}


def read_corpus(corpus: str | Path, progress: bool = False) -> CleanTables:
    """Read and clean a corpus into the tables `documents`, `paragraphs`, `removed_lines`, `rejected`.

    Raises CorpusError when the path does not exist. A corpus with no readable article
    returns empty `documents` and the reasons in `rejected`.
    """
    rules = BoilerplateRules(corpus)
    rejected: list[dict] = []
    raws = list(iter_raw_documents(corpus, rejected))
    repeated = _repeated_short_lines(raws)
    docs, paras, removed = [], [], []
    seen_text: dict[str, str] = {}
    sources = {raw.doc_id: raw.text for raw in raws}
    for raw in raws:
        doc, para_rows, removed_rows = clean_document(raw, rules, repeated)
        if not para_rows:
            # The lines read as title, byline or date belong to no document now: list them too.
            source, listed, header = raw.text.split("\n"), {row["line_no"] for row in removed_rows}, []
            for col in ("title", "byline", "date"):
                if (no := doc[f"{col}_line"]) is not None and no not in listed:
                    header.append({"doc_id": raw.doc_id, "line_no": no, "text": source[no - 1].strip(), "reason": col})
            removed_rows += header
            removed.extend(removed_rows)
            what = "boilerplate, title, date or byline" if header else "boilerplate"
            rejected.append(_rej(raw.source_path, raw.source_line, f"no article text left after cleaning: "
                                 f"all {len(removed_rows)} line(s) were {what} (see removed_lines)"))
            continue
        removed.extend(removed_rows)
        digest = hashlib.sha1(doc["text"].encode("utf-8")).hexdigest()
        if digest in seen_text:
            doc["duplicate_of"] = seen_text[digest]
            doc["warnings"] = "; ".join(filter(None, [doc["warnings"], f"exact duplicate of {seen_text[digest]}"]))
        else:
            seen_text[digest] = doc["doc_id"]
        docs.append(doc)
        paras.extend(para_rows)
        for message in filter(None, [doc["warnings"]]):
            warnings.warn(f"{raw.source_path}: {message}", stacklevel=2)
    documents = pd.DataFrame(docs, columns=DOCUMENT_COLUMNS)
    # Flag the first copy of an exact duplicate too, so both are visibly flagged.
    firsts = set(documents["duplicate_of"].dropna())
    documents["exact_duplicate"] = documents["doc_id"].isin(firsts) | documents["duplicate_of"].notna()
    return CleanTables(
        documents=documents,
        paragraphs=pd.DataFrame(paras, columns=PARAGRAPH_COLUMNS),
        removed_lines=pd.DataFrame(removed, columns=REMOVED_COLUMNS),
        rejected=pd.DataFrame(rejected, columns=REJECTED_COLUMNS),
        sources=sources,
    )


def line_accounting(tables: CleanTables, doc_id: str) -> pd.DataFrame:
    """Where did every non-blank line of a source text go? One row per line, for checking.

    Columns: line_no, text, fate (`title`, `byline`, `date`, `paragraph N`, `removed: reason`
    or `LOST`). Used by the tests and by the 00 notebook's side-by-side view.
    """
    doc = tables.documents.set_index("doc_id").loc[doc_id]
    fates: dict[int, str] = {}
    for col in ("title", "byline", "date"):
        if pd.notna(doc[f"{col}_line"]):
            fates[int(doc[f"{col}_line"])] = col
    for row in tables.paragraphs[tables.paragraphs.doc_id == doc_id].itertuples():
        for no in range(row.line_start, row.line_end + 1):
            fates.setdefault(no, f"paragraph {row.para_id}")
    for row in tables.removed_lines[tables.removed_lines.doc_id == doc_id].itertuples():
        fates.setdefault(row.line_no, f"removed: {row.reason}")
    rows = []
    for no, line in enumerate(tables.sources[doc_id].split("\n"), start=1):
        if line.strip():
            rows.append({"line_no": no, "text": line.strip(), "fate": fates.get(no, "LOST")})
    return pd.DataFrame(rows, columns=["line_no", "text", "fate"])
