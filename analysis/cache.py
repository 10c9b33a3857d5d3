"""On-disk cache of the annotation tables, as Parquet.

Why: the spaCy pass is the slow part; a notebook should reload a parsed corpus in about a
second. Key = text hash of each document + model name/version + `ANNOTATION_VERSION`, so
editing one article re-parses only that article, and a new model or a new version of the
package never serves stale rows.

Layout under the cache folder (`.cache/` at the project root by default):

    <model tag>-a<annotation version>/
        chunk-<hash>.<table>.parquet   rows of up to CHUNK_DOCS documents, keyed by `doc_key`
        chunk-<hash>.keys.json         the doc keys in that chunk, written last (commit marker)
        corpus-<hash>/<table>.parquet  the assembled tables of one corpus, for a fast reload

A chunk is written as soon as its documents are parsed, so an interrupted run resumes
where it stopped. A file that cannot be read is deleted and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import pandas as pd

ANNOTATION_TABLES = ("sentences", "tokens", "mentions")
CHUNK_DOCS = 50
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_cache_dir() -> Path:
    """`.cache/` at the project root, or $ANALYSIS_CACHE_DIR."""
    return Path(os.environ.get("ANALYSIS_CACHE_DIR") or PROJECT_ROOT / ".cache")


def text_key(text: str) -> str:
    """Content hash of a document's cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write atomically (temp file + rename): a killed run never leaves half a file."""
    tmp = path.with_suffix(path.suffix + f".tmp{os.getpid()}")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def _read_parquet(path: Path) -> pd.DataFrame | None:
    """Read a cache file; a corrupt one is deleted (with a warning) and reported as missing."""
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for truncated/garbled files
        warnings.warn(f"cache file {path} is unreadable ({type(exc).__name__}); it will be rebuilt", stacklevel=2)
        path.unlink(missing_ok=True)
        return None


class AnnotationCache:
    """Chunked Parquet store of annotation rows for one model and annotation version."""

    def __init__(self, root: Path, tag: str):
        self.dir = Path(root) / tag
        self.dir.mkdir(parents=True, exist_ok=True)

    # -- chunks -------------------------------------------------------------
    def known_keys(self) -> dict[str, str]:
        """doc_key -> chunk name, from the commit markers of complete chunks."""
        found: dict[str, str] = {}
        for marker in self.dir.glob("chunk-*.keys.json"):
            chunk = marker.name[: -len(".keys.json")]
            try:
                keys = json.loads(marker.read_text())
            except (OSError, ValueError):
                marker.unlink(missing_ok=True)
                continue
            if all((self.dir / f"{chunk}.{t}.parquet").exists() for t in ANNOTATION_TABLES):
                found.update(dict.fromkeys(keys, chunk))
        return found

    def write_chunk(self, rows: dict[str, list[pd.DataFrame]], keys: list[str]) -> None:
        """Write one chunk of documents (tables first, commit marker last)."""
        chunk = "chunk-" + hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:24]
        for table in ANNOTATION_TABLES:
            frame = pd.concat(rows[table], ignore_index=True) if rows[table] else pd.DataFrame()
            _write_parquet(frame, self.dir / f"{chunk}.{table}.parquet")
        tmp = self.dir / f"{chunk}.keys.json.tmp{os.getpid()}"
        tmp.write_text(json.dumps(keys))
        os.replace(tmp, self.dir / f"{chunk}.keys.json")

    def read_chunks(self, chunks: set[str], table: str, keys: set[str]) -> pd.DataFrame | None:
        """Rows of `table` for the wanted doc keys, or None when a chunk file is broken."""
        frames = []
        for chunk in sorted(chunks):
            frame = _read_parquet(self.dir / f"{chunk}.{table}.parquet")
            if frame is None:
                (self.dir / f"{chunk}.keys.json").unlink(missing_ok=True)
                return None
            if len(frame):
                frames.append(frame[frame["doc_key"].isin(keys)])
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"doc_key": pd.Series(dtype=str)})

    # -- assembled corpora ------------------------------------------------------
    def corpus_dir(self, doc_ids: list[str], keys: list[str]) -> Path:
        digest = hashlib.sha256("\n".join(f"{d}\t{k}" for d, k in zip(doc_ids, keys)).encode()).hexdigest()[:24]
        return self.dir / f"corpus-{digest}"

    def load_corpus_tables(self, folder: Path) -> dict[str, pd.DataFrame] | None:
        if not all((folder / f"{t}.parquet").exists() for t in ANNOTATION_TABLES):
            return None
        tables = {t: _read_parquet(folder / f"{t}.parquet") for t in ANNOTATION_TABLES}
        return None if any(v is None for v in tables.values()) else tables

    def save_corpus_tables(self, folder: Path, tables: dict[str, pd.DataFrame]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            _write_parquet(frame, folder / f"{name}.parquet")
