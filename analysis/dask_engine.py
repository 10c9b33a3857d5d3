"""The spaCy pass on Dask: one task per partition of the corpus, on one machine or a cluster.

Same result as the local engine (`analysis.pipeline.annotate_corpus`), same cache:

    from analysis.dask_engine import annotate_corpus_dask
    tables = annotate_corpus_dask(corpus.documents, corpus.paragraphs, cache_dir=".cache")
    tables = annotate_corpus_dask(..., scheduler="tcp://10.0.0.5:8786")   # an existing cluster

How it works:

1. The client looks up the cache (model tag read from the installed model package's
   `meta.json`, so the client never loads the 300 MB model) and keeps only the documents
   whose text is not parsed yet.
2. Those documents go into a `dask.bag`, `CHUNK_DOCS` per partition (or `partitions=`
   partitions). Each partition is one task: the worker loads the model once per process
   (`annotate.load_model` keeps it in a module-level dict; `client.run` warms every worker
   first) and builds the rows with `annotate.annotate_documents` — the same code as the
   local engine, nothing duplicated.
3. The client writes each finished partition as a cache chunk (`AnnotationCache.write_chunk`)
   as soon as it arrives: a killed run resumes where it stopped, workers need no shared
   disk, and there is a single writer. With the default partitioning the chunk files are
   exactly those the local engine writes (same documents per chunk, same names).
4. `annotate_corpus` then assembles the corpus tables from the chunks, as for the local engine.

Analysis tables (entities, frames, readability) are built by `Corpus.table` on the client
from these tables, whatever the engine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from . import annotate
from .annotate import LazyModel, installed_model_meta, installed_model_tag  # noqa: F401 (re-exported)
from .cache import ANNOTATION_TABLES, CHUNK_DOCS, AnnotationCache, default_cache_dir, text_key

DEFAULT_WORKERS = 2


# -- on the workers ------------------------------------------------------------------------
def _worker_model_tag(name: str = annotate.MODEL_NAME) -> str:
    """Load the model in this worker process (once) and say which one it is."""
    return annotate.model_tag(annotate.load_model(name))


def _annotate_partition(records, *, batch_size: int, model_name: str, expected_tag: str) -> list[tuple[list[str], dict[str, pd.DataFrame]]]:
    """Parse one partition of documents; return its cache chunks as (doc keys, {table: rows}).

    `records` are (doc_id, doc_key, text, [(para_id, start_char, text), …]). Rows are built
    by `annotate.annotate_documents`, exactly as in the local engine, and keyed by `doc_key`;
    a new chunk starts every CHUNK_DOCS documents, as `pipeline._parse_into_cache` does.
    """
    records = list(records)
    nlp = annotate.load_model(model_name)  # module-level cache: once per worker process
    if (tag := annotate.model_tag(nlp)) != expected_tag:
        raise RuntimeError(f"this Dask worker has the spaCy model {tag} but the client expects {expected_tag}: "
                           f"install the same model on every worker ({annotate.INSTALL_COMMAND})")
    documents = pd.DataFrame([(r[0], r[2]) for r in records], columns=["doc_id", "text"])
    paragraphs = pd.DataFrame([(r[0], para_id, start, text) for r in records for para_id, start, text in r[3]],
                              columns=["doc_id", "para_id", "start_char", "text"])
    key_of = {r[0]: r[1] for r in records}
    chunks: list[tuple[list[str], dict[str, pd.DataFrame]]] = []
    pending: dict[str, list[pd.DataFrame]] = {t: [] for t in ANNOTATION_TABLES}
    pending_keys: list[str] = []

    def flush():
        chunks.append((pending_keys, {t: [pd.concat(f, ignore_index=True)] if f else [] for t, f in pending.items()}))

    for doc_id, frames in annotate.annotate_documents(documents, paragraphs, nlp, batch_size=batch_size):
        for table, frame in frames.items():
            pending[table].append(frame.drop(columns="doc_id").assign(doc_key=key_of[doc_id]))
        pending_keys.append(key_of[doc_id])
        if len(pending_keys) >= CHUNK_DOCS:
            flush()
            pending, pending_keys = {t: [] for t in ANNOTATION_TABLES}, []
    # Documents with no paragraph to parse still get an (empty) entry, so they count as done.
    done = {k for keys, _ in chunks for k in keys} | set(pending_keys)
    pending_keys += [r[1] for r in records if r[1] not in done]
    if pending_keys:
        flush()
    return chunks


# -- on the client ----------------------------------------------------------------------------
@contextmanager
def dask_client(scheduler=None, *, workers: int | None = None) -> Iterator:
    """A `distributed.Client`: given one, an existing scheduler, or a new LocalCluster.

    `scheduler` is a Client (used as is, not closed), an address such as
    `tcp://10.0.0.5:8786`, a scheduler file (`*.json`, as written by
    `dask scheduler --scheduler-file`), or None: a LocalCluster of `workers` (default 2)
    single-threaded worker processes, closed on exit.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, (str, Path)):
        yield scheduler
        return
    if scheduler:
        text = str(scheduler)
        client = Client(scheduler_file=text) if text.endswith(".json") else Client(text)
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=workers or DEFAULT_WORKERS, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _records(todo: pd.DataFrame, paragraphs: pd.DataFrame, keys: dict[str, str]) -> list[tuple]:
    paras = paragraphs[paragraphs["doc_id"].isin(keys)]
    by_doc: dict[str, list[tuple]] = {}
    for row in paras[["doc_id", "para_id", "start_char", "text"]].itertuples(index=False):
        by_doc.setdefault(row.doc_id, []).append((int(row.para_id), int(row.start_char), row.text))
    return [(d, keys[d], t, by_doc.get(d, [])) for d, t in zip(todo["doc_id"], todo["text"])]


def parse_into_cache_dask(todo: pd.DataFrame, paragraphs: pd.DataFrame, cache: AnnotationCache, *, client,
                          expected_tag: str, partitions: int | None = None, batch_size: int = 64,
                          model_name: str = annotate.MODEL_NAME, progress: bool = False) -> int:
    """Parse the documents of `todo` on the cluster, writing one cache chunk per CHUNK_DOCS documents.

    Returns the number of documents parsed.
    """
    import dask.bag as db
    from distributed import as_completed
    from tqdm.auto import tqdm

    keys = {d: text_key(t) for d, t in zip(todo["doc_id"], todo["text"])}
    records = _records(todo, paragraphs, keys)
    if partitions:
        bag = db.from_sequence(records, npartitions=max(1, min(int(partitions), len(records))))
    else:
        bag = db.from_sequence(records, partition_size=CHUNK_DOCS)
    tags = client.run(_worker_model_tag, model_name)  # load the model on every worker, in parallel
    if wrong := {w: t for w, t in tags.items() if t != expected_tag}:
        raise RuntimeError(f"Dask workers with another spaCy model than {expected_tag}: {wrong}")
    parts = bag.map_partitions(_annotate_partition, batch_size=batch_size, model_name=model_name,
                               expected_tag=expected_tag).to_delayed()
    futures = client.compute(parts)
    bar = tqdm(total=len(records), desc="spaCy (dask)", unit="article", disable=not progress or len(records) <= 5)
    parsed = 0
    try:
        for future in as_completed(futures):
            for chunk_keys, rows in future.result():
                cache.write_chunk(rows, chunk_keys)  # committed now: a killed run resumes from here
                parsed += len(chunk_keys)
                bar.update(len(chunk_keys))
            future.release()
    finally:
        bar.close()
        client.cancel(futures)
    return parsed


def annotate_corpus_dask(
    documents: pd.DataFrame,
    paragraphs: pd.DataFrame,
    *,
    cache_dir: str | Path | None = None,
    scheduler=None,
    partitions: int | None = None,
    workers: int | None = None,
    batch_size: int = 64,
    progress: bool = False,
    model_name: str = annotate.MODEL_NAME,
) -> dict[str, pd.DataFrame]:
    """Sentences, tokens and mentions, the documents not in the cache parsed as Dask tasks.

    Returns exactly what `analysis.pipeline.annotate_corpus` returns (same tables, columns,
    order and cache). `scheduler`: see `dask_client` (None starts a LocalCluster of `workers`
    processes, default 2). `partitions`: number of Dask partitions (default: one per
    CHUNK_DOCS documents, which gives the same cache chunks as the local engine).
    """
    from .pipeline import annotate_corpus

    if documents.empty:
        return annotate_corpus(documents, paragraphs, cache_dir=cache_dir, progress=False)
    root = Path(cache_dir) if cache_dir else default_cache_dir()
    tag = installed_model_tag(model_name)
    cache = AnnotationCache(root, f"{tag}-a{annotate.ANNOTATION_VERSION}")  # as in annotate_corpus
    doc_ids = list(documents["doc_id"])
    keys = [text_key(t) for t in documents["text"]]
    assembled = cache.corpus_dir(doc_ids, keys)
    if not all((assembled / f"{t}.parquet").exists() for t in ANNOTATION_TABLES):
        known = cache.known_keys()
        todo = documents[[k not in known for k in keys]].drop_duplicates("text")
        if len(todo):
            with dask_client(scheduler, workers=workers) as client:
                parse_into_cache_dask(todo, paragraphs, cache, client=client, expected_tag=tag,
                                      partitions=partitions, batch_size=batch_size, model_name=model_name,
                                      progress=progress)
    # Everything is in the cache now: the local engine assembles (and re-parses locally only
    # if a chunk broke in between, loading the model then).
    return annotate_corpus(documents, paragraphs, cache_dir=root, batch_size=batch_size, progress=False,
                           nlp=LazyModel(model_name))
