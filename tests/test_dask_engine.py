"""The Dask engine gives exactly the local engine's tables and cache chunks (LocalCluster, 2 workers).

One LocalCluster for the module: starting it and loading the model on both workers is most of
the cost, so the whole module stays under a minute on 2 cores.
"""

from __future__ import annotations

import inspect
import json

import pandas as pd
import pytest

from conftest import SEEDS

pytest.importorskip("distributed")

from analysis.cache import ANNOTATION_TABLES, text_key  # noqa: E402
from analysis.pipeline import Corpus  # noqa: E402


@pytest.fixture(scope="module")
def client():
    from analysis.dask_engine import dask_client

    with dask_client(workers=2) as client:
        yield client


@pytest.fixture(scope="module")
def seeds_clean():
    from analysis.corpus import read_corpus

    return read_corpus(SEEDS)


@pytest.fixture(scope="module")
def local(seeds_clean, tmp_path_factory, nlp):
    """The local engine's tables and cache folder for the five seeds."""
    from analysis.pipeline import annotate_corpus

    cache = tmp_path_factory.mktemp("local-cache")
    tables = annotate_corpus(seeds_clean.documents, seeds_clean.paragraphs, cache_dir=cache, nlp=nlp, progress=False)
    return tables, cache


def _chunks(cache_dir) -> dict:
    """Committed chunk files of a cache folder, by file name."""
    return {p.name: p for p in sorted(cache_dir.rglob("chunk-*")) if ".tmp" not in p.name}


def _assert_same_tables(expected: dict, got: dict) -> None:
    assert list(got) == list(expected)
    for name in ANNOTATION_TABLES:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)


def test_two_workers_give_the_local_tables(client, seeds_clean, local, tmp_path):
    from distributed import get_task_stream

    from analysis.dask_engine import annotate_corpus_dask

    with get_task_stream(client) as stream:
        tables = annotate_corpus_dask(seeds_clean.documents, seeds_clean.paragraphs, cache_dir=tmp_path,
                                      scheduler=client, partitions=3)
    _assert_same_tables(local[0], tables)
    workers = {task["worker"] for task in stream.data if "annotate_partition" in str(task.get("key"))}
    assert len(workers) == 2, stream.data  # the three partitions really ran on both workers
    assert len(client.scheduler_info()["workers"]) == 2
    # one chunk per partition, each committed with its keys
    markers = list(tmp_path.rglob("chunk-*.keys.json"))
    assert len(markers) == 3
    keys = sorted(k for m in markers for k in json.loads(m.read_text()))
    assert keys == sorted(text_key(t) for t in seeds_clean.documents.text)


def test_default_partitions_write_the_local_engines_chunk_files(client, seeds_clean, local, tmp_path):
    from analysis.dask_engine import annotate_corpus_dask

    tables = annotate_corpus_dask(seeds_clean.documents, seeds_clean.paragraphs, cache_dir=tmp_path, scheduler=client)
    _assert_same_tables(local[0], tables)
    ours, theirs = _chunks(tmp_path), _chunks(local[1])
    assert sorted(ours) == sorted(theirs)  # same documents per chunk -> same chunk names
    for name, path in ours.items():
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(theirs[name]), obj=name)
        else:
            assert json.loads(path.read_text()) == json.loads(theirs[name].read_text())


def test_only_documents_missing_from_the_cache_go_to_the_cluster(client, seeds_clean, local, tmp_path, nlp):
    """A cache filled by the local engine for two articles: Dask parses the other three only."""
    from analysis.dask_engine import annotate_corpus_dask
    from analysis.pipeline import annotate_corpus

    docs, paras = seeds_clean.documents, seeds_clean.paragraphs
    first = docs.head(2)
    annotate_corpus(first, paras[paras.doc_id.isin(first.doc_id)], cache_dir=tmp_path, nlp=nlp, progress=False)
    before = set(_chunks(tmp_path))
    tables = annotate_corpus_dask(docs, paras, cache_dir=tmp_path, scheduler=client)
    _assert_same_tables(local[0], tables)
    after = _chunks(tmp_path)
    parsed = [k for name in set(after) - before if name.endswith(".keys.json") for k in json.loads(after[name].read_text())]
    assert sorted(parsed) == sorted(text_key(t) for t in docs.text.iloc[2:])
    # and a second call finds everything in the cache: no task at all
    from distributed import get_task_stream

    with get_task_stream(client) as stream:
        again = annotate_corpus_dask(docs, paras, cache_dir=tmp_path, scheduler=client)
    assert not stream.data
    _assert_same_tables(local[0], again)


def test_empty_corpus_needs_no_cluster(tmp_path):
    from analysis.dask_engine import annotate_corpus_dask

    docs = pd.DataFrame({"doc_id": [], "text": []})
    paras = pd.DataFrame({"doc_id": [], "para_id": [], "start_char": [], "text": []})
    tables = annotate_corpus_dask(docs, paras, cache_dir=tmp_path, scheduler="tcp://127.0.0.1:1")  # never contacted
    assert list(tables) == list(ANNOTATION_TABLES) and all(t.empty for t in tables.values())


def test_lazy_model_knows_the_model_tag_without_loading_it(nlp):
    from analysis import annotate
    from analysis.dask_engine import LazyModel, installed_model_tag

    assert installed_model_tag() == annotate.model_tag(nlp)
    assert annotate.model_tag(LazyModel()) == annotate.model_tag(nlp)


@pytest.mark.skipif("engine" not in inspect.signature(Corpus).parameters,
                    reason="Corpus(engine=...) is not wired in analysis/pipeline.py yet")
def test_corpus_with_the_dask_engine_gives_every_table_of_the_local_one(client, tmp_path):
    from analysis import load_corpus

    local = load_corpus(SEEDS, cache_dir=tmp_path / "local", progress=False)
    dask = load_corpus(SEEDS, cache_dir=tmp_path / "dask", progress=False, engine="dask",
                       scheduler=client.scheduler.address)
    for name in local.table_names():
        pd.testing.assert_frame_equal(dask.table(name), local.table(name), obj=name)


def _export_has_engine() -> bool:
    from analysis.__main__ import build_parser

    args, _ = build_parser().parse_known_args(["export", "--corpus", "c", "--out", "o", "--engine", "dask"])
    return getattr(args, "engine", None) == "dask"


@pytest.mark.skipif(not _export_has_engine(), reason="export --engine is not wired in analysis/__main__.py yet")
def test_export_with_the_dask_engine_writes_the_local_csv_files(client, tmp_path, capsys):
    from analysis.__main__ import main

    base = ["export", "--corpus", str(SEEDS)]
    assert main([*base, "--out", str(tmp_path / "local"), "--cache-dir", str(tmp_path / "c1")]) == 0
    assert main([*base, "--out", str(tmp_path / "dask"), "--cache-dir", str(tmp_path / "c2"), "--engine", "dask",
                 "--scheduler", client.scheduler.address]) == 0
    written = sorted(p.name for p in (tmp_path / "local").glob("*.csv"))
    assert written == sorted(p.name for p in (tmp_path / "dask").glob("*.csv")) and "tokens.csv" in written
    for name in written:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert main([*base, "--out", str(tmp_path / "x"), "--scheduler", client.scheduler.address]) == 2
    assert "--engine dask" in capsys.readouterr().err
