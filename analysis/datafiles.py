"""Load the data files a teacher edits (aliases, sides, boilerplate patterns, …).

Why: corpus-specific knowledge lives in plain CSV/YAML files under `analysis/data/`, not in
code. A file of the same name beside the corpus (in the corpus folder, or beside a
JSONL/CSV corpus file) overrides the default one, so a class can adapt the lists to its own
articles without touching the package. Every loader names the file and line on error.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

PACKAGE_DATA = Path(__file__).parent / "data"

# Names the reader must never mistake for articles when they sit in a corpus folder: every file a
# teacher can override (all of analysis/data/, so that a new data file can never be read as an article).
DATA_FILE_NAMES = {path.name for path in PACKAGE_DATA.iterdir() if path.is_file() and not path.name.startswith(".")}


class DataFileError(ValueError):
    """A teacher-edited data file is malformed; the message names the file and the line."""


def data_path(name: str, corpus: str | Path | None = None) -> Path:
    """Return the file to use: the corpus's own copy when there is one, else the default."""
    if corpus is not None:
        corpus = Path(corpus)
        folder = corpus if corpus.is_dir() else corpus.parent
        override = folder / name
        if override.is_file():
            return override
    return PACKAGE_DATA / name


def _strip_leading_comments(text: str) -> tuple[str, int]:
    """Drop the leading `#` comment lines only, so a `#` inside a value stays safe.

    Returns the remaining text and how many lines were dropped (to report true line numbers).
    """
    lines = text.splitlines(keepends=True)
    n = 0
    while n < len(lines) and (lines[n].lstrip().startswith("#") or not lines[n].strip()):
        n += 1
    return "".join(lines[n:]), n


def load_csv(name: str, corpus: str | Path | None = None, required: tuple[str, ...] = ()) -> list[dict]:
    """Read a commented CSV data file into a list of dicts (one per row, with `_line`)."""
    path = data_path(name, corpus)
    body, skipped = _strip_leading_comments(path.read_text(encoding="utf-8-sig"))
    reader = csv.DictReader(io.StringIO(body))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(missing)}; found {reader.fieldnames}")
    rows = []
    for row in reader:
        line = skipped + reader.line_num
        if None in row:
            raise DataFileError(f"{path}, line {line}: too many fields (a comma inside a value needs quotes)")
        rows.append({**{k: (v or "").strip() for k, v in row.items()}, "_line": line, "_file": str(path)})
    return rows


def load_list(name: str, corpus: str | Path | None = None) -> list[str]:
    """A one-item-per-line data file (speech verbs, source nouns, stop list); `#` lines are comments."""
    lines = data_path(name, corpus).read_text(encoding="utf-8-sig").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def read_commented_csv(path: str | Path) -> "pd.DataFrame":
    """A CSV file whose leading `#` lines are comments (gold annotations, word lists) as a DataFrame."""
    import pandas as pd

    body, _ = _strip_leading_comments(Path(path).read_text(encoding="utf-8-sig"))
    return pd.read_csv(io.StringIO(body))


def load_yaml(name: str, corpus: str | Path | None = None) -> dict:
    """Read a YAML data file, naming the file and line when the YAML is malformed."""
    path = data_path(name, corpus)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise DataFileError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc


def load_sides(corpus: str | Path | None = None) -> list[dict]:
    """The sides table (code, label, colour, order), in legend order."""
    rows = load_csv("sides.csv", corpus, required=("side", "label", "colour", "order"))
    for row in rows:
        if not row["colour"].startswith("#"):
            raise DataFileError(f"{row['_file']}, line {row['_line']}: colour must be a hex code like #0072B2")
    return sorted(rows, key=lambda r: float(r["order"] or 99))


def side_colours(corpus: str | Path | None = None) -> dict[str, str]:
    """side code -> colour, the one palette used by every figure and HTML view."""
    return {row["side"]: row["colour"] for row in load_sides(corpus)}


def validate_side(side: str, where: str, corpus: str | Path | None = None) -> str:
    """Raise a clear error for a side code that is not in sides.csv."""
    known = [row["side"] for row in load_sides(corpus)]
    if side not in known:
        raise DataFileError(f"unknown side {side!r} in {where}; known sides: {', '.join(known)}")
    return side
