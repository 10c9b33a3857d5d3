"""The `Corpus` object: every table of DESIGN.md as a lazy, cached attribute.

In a notebook:

    from analysis import load_corpus
    corpus = load_corpus("seeds/")
    corpus.documents, corpus.paragraphs, corpus.removed_lines, corpus.rejected
    corpus.sentences, corpus.tokens, corpus.mentions     # parsed once, then from .cache/

Analysis modules (listed in `ANALYSIS_MODULES`) each define `TABLES`, a dict from table name
to a function `corpus -> DataFrame`; the Corpus collects them on first use, so `export` and
the notebooks see new tables without changes here.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
import warnings
from collections.abc import Callable
from functools import cache, cached_property
from importlib import import_module
from pathlib import Path

import pandas as pd

from . import annotate
from .cache import ANNOTATION_TABLES, CHUNK_DOCS, PROJECT_ROOT, AnnotationCache, default_cache_dir, text_key
from .corpus import CleanTables, CorpusError, read_corpus

# Modules that turn tables into tables; each defines TABLES = {name: function(corpus) -> DataFrame}.
ANALYSIS_MODULES = ("analysis.entities", "analysis.quotes", "analysis.framing", "analysis.readability")
_COLUMNS = {"sentences": annotate.SENTENCE_COLUMNS, "tokens": annotate.TOKEN_COLUMNS,
            "mentions": annotate.MENTION_COLUMNS}
BASE_TABLES = ("documents", "paragraphs", "removed_lines", "rejected") + ANNOTATION_TABLES
TABLE_CACHE_VERSION = "1"  # bump to drop every cached analysis table
ENGINES = ("local", "dask")  # where the spaCy pass runs: this process (+ n_process workers) or Dask tasks


@cache
def table_builders() -> dict[str, Callable[["Corpus"], pd.DataFrame]]:
    """name -> builder, collected from the analysis modules that exist (in pipeline order)."""
    builders: dict[str, Callable] = {}
    for name in ANALYSIS_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but one of its imports is missing
                raise
            continue
        builders.update(getattr(module, "TABLES", {}))
    return builders


def resolve_corpus_path(path: str | Path) -> Path:
    """A corpus path as given, or relative to the project root (so notebooks find `seeds/`)."""
    path = Path(path).expanduser()
    if path.exists() or path.is_absolute():
        return path
    candidate = PROJECT_ROOT / path
    return candidate if candidate.exists() else path


def annotate_corpus(
    documents: pd.DataFrame,
    paragraphs: pd.DataFrame,
    *,
    cache_dir: str | Path | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    progress: bool = True,
    nlp=None,
    _retry: bool = False,
) -> dict[str, pd.DataFrame]:
    """Sentences, tokens and mentions of the corpus, parsing only documents not in the cache."""
    if documents.empty:
        return {name: pd.DataFrame(columns=_COLUMNS[name]) for name in ANNOTATION_TABLES}
    if nlp is None:  # the cache key needs only the model's name and version: the model loads when parsing
        nlp = annotate.LazyModel()
    cache = AnnotationCache(Path(cache_dir or default_cache_dir()), f"{annotate.model_tag(nlp)}-a{annotate.ANNOTATION_VERSION}")
    doc_ids = list(documents["doc_id"])
    keys = [text_key(t) for t in documents["text"]]
    assembled = cache.corpus_dir(doc_ids, keys)
    if (tables := cache.load_corpus_tables(assembled)) is not None:
        return tables

    known = cache.known_keys()
    todo = documents[[k not in known for k in keys]].drop_duplicates("text")
    if len(todo):
        _parse_into_cache(todo, paragraphs, cache, nlp, n_process, batch_size, progress)
        known = cache.known_keys()
    wanted = set(keys)
    tables = {}
    for table in ANNOTATION_TABLES:
        rows = cache.read_chunks({known[k] for k in wanted if k in known}, table, wanted)
        if table == "sentences" and rows is not None and (stale := wanted - set(rows["doc_key"])):
            # Every document has a paragraph, hence a sentence: a chunk that lists a document but
            # lacks its rows is stale (an old copy, a sync conflict). Forget it: it is parsed again.
            for chunk in {known[k] for k in stale if k in known}:
                (cache.dir / f"{chunk}.keys.json").unlink(missing_ok=True)
            rows = None
        if rows is None or set(keys) - set(known):  # a chunk went missing or broke: rebuild once
            if _retry:
                raise RuntimeError(f"the annotation cache in {cache.dir} cannot be rebuilt; delete it and retry")
            return annotate_corpus(documents, paragraphs, cache_dir=cache_dir, n_process=n_process,
                                   batch_size=batch_size, progress=progress, nlp=nlp, _retry=True)
        tables[table] = _attach_doc_ids(rows, doc_ids, keys, table)
    cache.save_corpus_tables(assembled, tables)
    return tables


def _parse_into_cache(todo, paragraphs, cache: AnnotationCache, nlp, n_process, batch_size, progress) -> None:
    """Parse the documents in `todo`, writing a cache chunk every CHUNK_DOCS documents."""
    from tqdm.auto import tqdm

    key_of = {d: text_key(t) for d, t in zip(todo["doc_id"], todo["text"])}
    paragraphs = paragraphs[paragraphs["doc_id"].isin(key_of)]
    bar = tqdm(total=len(todo), desc="spaCy", unit="article", disable=not progress or len(todo) <= 5)
    pending: dict[str, list[pd.DataFrame]] = {t: [] for t in ANNOTATION_TABLES}
    pending_keys: list[str] = []
    for doc_id, frames in annotate.annotate_documents(todo, paragraphs, nlp, n_process=n_process, batch_size=batch_size):
        for table, frame in frames.items():
            pending[table].append(frame.drop(columns="doc_id").assign(doc_key=key_of[doc_id]))
        pending_keys.append(key_of[doc_id])
        bar.update(1)
        if len(pending_keys) >= CHUNK_DOCS:
            cache.write_chunk(pending, pending_keys)
            pending, pending_keys = {t: [] for t in ANNOTATION_TABLES}, []
    # Documents with no paragraph to parse still get an (empty) entry, so they count as done.
    done = set(pending_keys) | set(cache.known_keys())
    pending_keys += [k for k in key_of.values() if k not in done]
    if pending_keys:
        cache.write_chunk(pending, pending_keys)
    bar.close()


def _attach_doc_ids(rows: pd.DataFrame, doc_ids: list[str], keys: list[str], table: str) -> pd.DataFrame:
    """Replace `doc_key` by the corpus's doc ids (one text may appear under several names)."""
    columns = _COLUMNS[table]
    ids = pd.DataFrame({"doc_id": doc_ids, "doc_key": keys, "_order": range(len(doc_ids))})
    if rows is None or rows.empty:
        return pd.DataFrame(columns=columns)
    merged = ids.merge(rows, on="doc_key", how="inner")
    order = {"sentences": "sent_id", "tokens": "i", "mentions": "mention_id"}[table]
    merged = merged.sort_values(["_order", order], kind="stable")
    return merged[columns].reset_index(drop=True)


class Corpus:
    """A corpus and its tables, computed on first access and cached on disk.

    Parameters: `path` (folder of articles, or a .jsonl/.csv file), `cache_dir`
    (default `.cache/` at the project root), `processes` (spaCy workers; with the Dask
    engine and no scheduler, the LocalCluster's workers), `progress`, `engine` (`"local"`:
    spaCy on this machine, or `"dask"`: see `analysis.dask_engine`) and `scheduler` (Dask
    only: the address of an existing scheduler, or None for a LocalCluster on this machine).
    """

    def __init__(self, path: str | Path, *, cache_dir: str | Path | None = None,
                 processes: int = 1, batch_size: int = 64, progress: bool = True,
                 engine: str = "local", scheduler: str | None = None):
        self.path = resolve_corpus_path(path)
        if not self.path.exists():
            raise CorpusError(f"no such corpus: {path} (give a folder of .txt/.html files or a .jsonl/.csv file)")
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
        if scheduler and engine != "dask":
            raise ValueError("a scheduler address only applies to engine='dask'")
        self.engine = engine
        self.scheduler = scheduler
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.processes = processes
        self.batch_size = batch_size
        self.progress = progress
        self.timings: dict[str, float] = {}

    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r})"

    @property
    def name(self) -> str:
        return self.path.stem if self.path.is_file() else self.path.resolve().name

    # -- reading and cleaning ----------------------------------------------------
    @cached_property
    def _clean(self) -> CleanTables:
        start = time.perf_counter()
        tables = read_corpus(self.path)
        self.timings["read_clean"] = time.perf_counter() - start
        return tables

    @property
    def clean_tables(self) -> CleanTables:
        """The cleaner's output, including each article's source text (for checking views)."""
        return self._clean

    @property
    def documents(self) -> pd.DataFrame:
        return self._clean.documents

    @property
    def paragraphs(self) -> pd.DataFrame:
        return self._clean.paragraphs

    @property
    def removed_lines(self) -> pd.DataFrame:
        return self._clean.removed_lines

    @property
    def rejected(self) -> pd.DataFrame:
        return self._clean.rejected

    # -- annotation ------------------------------------------------------------
    @cached_property
    def _annotation(self) -> dict[str, pd.DataFrame]:
        start = time.perf_counter()
        if self.engine == "dask":
            from .dask_engine import annotate_corpus_dask

            tables = annotate_corpus_dask(self.documents, self.paragraphs, cache_dir=self.cache_dir,
                                          scheduler=self.scheduler, workers=self.processes if self.processes > 1 else None,
                                          batch_size=self.batch_size, progress=self.progress)
        else:
            tables = annotate_corpus(self.documents, self.paragraphs, cache_dir=self.cache_dir,
                                     n_process=self.processes, batch_size=self.batch_size, progress=self.progress)
        self.timings["annotate"] = time.perf_counter() - start
        return tables

    @property
    def sentences(self) -> pd.DataFrame:
        return self._annotation["sentences"]

    @property
    def tokens(self) -> pd.DataFrame:
        return self._annotation["tokens"]

    @property
    def raw_mentions(self) -> pd.DataFrame:
        """spaCy's entities as they come out of the model (before canonical names and sides)."""
        return self._annotation["mentions"]

    @property
    def mentions(self) -> pd.DataFrame:
        """Entity mentions: resolved by analysis.entities when it is there, else spaCy's raw ones."""
        return self.table("mentions") if "mentions" in table_builders() else self.raw_mentions

    # -- analysis tables registered by other modules -------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """Any table by name: the base tables above or one built by an analysis module."""
        builders = table_builders()
        if name in builders:
            computed = self.__dict__.setdefault("_tables", {})
            if name not in computed:
                start = time.perf_counter()
                computed[name] = self._cached_table(name, builders[name])
                self.timings[name] = time.perf_counter() - start
            return computed[name]
        if name in BASE_TABLES:
            return getattr(self, name)
        raise KeyError(f"unknown table {name!r}; known: {', '.join(self.table_names())}")

    @cached_property
    def _tables_dir(self) -> Path:
        """Where this corpus's analysis tables are cached: one folder per fingerprint of their inputs.

        The fingerprint covers what a table builder reads: the cleaned tables (documents and
        paragraphs, every column), the annotation (model name/version, ANNOTATION_VERSION), the
        package's code and data files, the corpus's own data files and the library versions.
        Any change gives another folder, so a stale table is never served.
        """
        from importlib.metadata import PackageNotFoundError, version

        from .datafiles import DATA_FILE_NAMES, PACKAGE_DATA, data_path

        digest = hashlib.sha256()

        def add(label: str, data: bytes) -> None:
            digest.update(f"{label}\0{len(data)}\0".encode())
            digest.update(data)

        add("version", f"t{TABLE_CACHE_VERSION}-a{annotate.ANNOTATION_VERSION}-{annotate.installed_model_tag()}".encode())
        for name, frame in (("documents", self.documents), ("paragraphs", self.paragraphs)):
            try:
                hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
            except TypeError:  # unhashable cells (lists): hash their text form
                hashed = frame.to_csv(index=False).encode("utf-8", "surrogatepass")
            add(name, hashed + ",".join(frame.columns).encode())
        package = Path(__file__).parent
        for path in sorted(package.glob("*.py")) + sorted(p for p in PACKAGE_DATA.rglob("*") if p.is_file()):
            add(str(path.relative_to(package)), path.read_bytes())
        for name in sorted(DATA_FILE_NAMES):
            if (path := data_path(name, self.path)).is_file():
                add(f"data:{name}", path.read_bytes())
        libraries = []
        for lib in ("pandas", "numpy", "spacy", "wordfreq", "textstat", "rapidfuzz"):
            try:
                libraries.append(f"{lib}={version(lib)}")
            except PackageNotFoundError:
                pass
        add("libraries", f"{sys.version_info[:2]} {' '.join(libraries)}".encode())
        return self.cache_dir / "tables" / digest.hexdigest()[:24]

    def _cached_table(self, name: str, build: Callable[["Corpus"], pd.DataFrame]) -> pd.DataFrame:
        """An analysis table from the cache, or built then cached (pickle keeps dtypes, lists and None exactly)."""
        path = self._tables_dir / f"{name}.pkl"
        if path.exists():
            try:
                return pd.read_pickle(path)
            except Exception as exc:  # truncated or garbled file: rebuild it
                warnings.warn(f"cache file {path} is unreadable ({type(exc).__name__}); it will be rebuilt", stacklevel=2)
                path.unlink(missing_ok=True)
        table = build(self)
        if isinstance(table, pd.DataFrame):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            table.to_pickle(tmp)
            os.replace(tmp, path)
        return table

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in table_builders():
            raise AttributeError(name)
        return self.table(name)

    @staticmethod
    def table_names() -> list[str]:
        return list(BASE_TABLES) + [n for n in table_builders() if n not in BASE_TABLES]

    def summary(self) -> dict:
        """The facts a notebook states right after loading."""
        docs = self.documents
        dates = docs["date"].dropna()
        return {
            "corpus": self.name,
            "articles": len(docs),
            "rejected inputs": len(self.rejected),
            "removed lines": len(self.removed_lines),
            "paragraphs": len(self.paragraphs),
            "words": int(docs["n_words"].sum()) if len(docs) else 0,
            "dates": f"{dates.min()} … {dates.max()}" if len(dates) else "none found",
            "not French": int((docs["language"] != "fr").sum()),
        }


def load_corpus(path: str | Path = "seeds/", **options) -> Corpus:
    """Open a corpus (folder of articles, or a .jsonl/.csv file); tables load lazily."""
    return Corpus(path, **options)
