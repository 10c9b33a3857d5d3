"""`python -m analysis bench`: how fast and how big, as ratios against bare spaCy.

    python -m analysis bench [--corpus PATH] [--limit N] [--processes P] [--out bench.json] [--dask]

One run, on the same texts (the first N articles of the corpus), measures:

(a) the cold build of every table in one process — read + clean, the spaCy pass with its
    cache, and every registered table (`corpus.table(name)` for `corpus.table_names()`) —
    against bare `nlp.pipe` over the same cleaned paragraph texts, same model, same batch
    size (goal ≤ 1.25×);
(b) a warm reload of every table from that cache against the cold build (goal ≥ 50×);
(c) the cold build with P spaCy processes against 1 (goal ≥ 1.6× for P = 2);
(d) peak memory for N articles against N/10 (goal ≤ 1.5×);
(e) tokens per second of every stage, so the slowest one is visible;
(f) the quote extractor alone on malformed articles (an unclosed « at the start of a long
    article, a 5,000-word paragraph, 40 quote marks in a row) and on a well-formed one of about
    the same length: seconds per article (goal: well under a second) and their ratio.

Every measurement runs in a fresh Python process (`python -m analysis.bench --child …`), so
caches are really cold (a new temporary cache folder per cold build), a warm reload is what
a notebook sees when it starts, and peak memory belongs to one build only. Four processes:
1. the cold build, 1 process (model loaded before the clock starts);
2. the warm reload of every table from that cache, then, in the same process, bare
   `nlp.pipe` (after the reload, so that the reload still pays its own model load);
3. the cold build with P spaCy processes (skipped when P = 1);
4. the cold build of the first N/10 articles, for peak memory;
(+ with --dask, the cold build with the Dask engine on a LocalCluster of P workers).
Model loading is timed on its own: it is left out of (a) on both sides (bare `nlp.pipe` does
not include it) and counted on both sides of (b) (a fresh process pays it in both cases).
Stage times are exclusive: a model load or a cache write nested in a stage is counted as
itself, not as that stage.

Peak memory is the child's own `getrusage(RUSAGE_SELF).ru_maxrss`, i.e. the peak resident
set size the kernel saw, read by the child just before it exits (what the parent's
RUSAGE_CHILDREN would report, but per child: RUSAGE_CHILDREN gives the maximum over every
child waited for so far, so two sizes measured from one parent would mix). Not tracemalloc:
it sees only what goes through Python's (and numpy's) allocators, not pyarrow's memory pool
or other native buffers, and it slows the build down several times, which would spoil the
timings measured in the same run. The baseline (interpreter, libraries, model) is reported
too, since it dominates small corpora.

Absolute times vary on a shared machine; the ratios are what count. Each time is measured
as wall time (what a user waits) and CPU time of the measuring process. (a) and (b) compare
single-process runs and are judged on CPU time, which other jobs on a shared machine barely
change (on an idle machine the two are equal; wall-time ratios are reported too); (c) is
about wall time by nature, and the output warns when other jobs made it unreliable; it also
gives an estimate of (c) on an idle machine from the CPU times of the main process and of
spaCy's workers.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from .cache import PROJECT_ROOT

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpora" / "fr_news_2k.jsonl"
DEFAULT_LIMIT = 400
DEFAULT_PROCESSES = 2
DEFAULT_BATCH_SIZE = 64

GOALS = {  # ratio key: (comparison, goal, what it measures)
    "cold_vs_bare": ("<=", 1.25, "(a) cold build of all tables / bare nlp.pipe"),
    "warm_speedup": (">=", 50.0, "(b) cold build / warm reload from the cache"),
    "parallel_speedup": (">=", 1.6, "(c) 1 process / {p} processes (cold build)"),
    "memory_ratio": ("<=", 1.5, "(d) peak memory, {n} / {n10} articles"),
}

WHY = {
    "read_clean": "reading and cleaning are pure Python, line by line (analysis.corpus), and are redone on every "
                  "load: their output is not cached",
    "load_model": "loading the spaCy model",
    "spacy": "the spaCy model itself (tokenizer, tagger, parser, NER)",
    "rows": "annotate._DocRows: a Python loop over every token, sentence and entity of each Doc, then three "
            "DataFrames per document",
    "cache_io": "Parquet: chunk writes, reading the chunks back and assembling the corpus tables (concat, merge, "
                "sort), or on reload reading the assembled tables",
    "annotate_other": "annotate_corpus bookkeeping: text hashes, cache look-up, spaCy's Doc streaming",
}
TABLE_WHY = "built in Python by {module} from the annotation tables"
LOADERS = {"annotate": "annotate_corpus (only for the model's name and version, the cache key)",
           "read_clean": "the reader"}


# ---------------------------------------------------------------------------------------------
# Measuring inside a child process
# ---------------------------------------------------------------------------------------------
class _Clock:
    """Wall and CPU time accumulated per label, each exclusive of the labelled calls nested in it.

    E.g. the model loaded lazily while an analysis table is built counts as `load_model`, not
    as that table; the rows and cache writes done during the spaCy pass are not spaCy's time.
    """

    def __init__(self):
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._stack: list[list] = []  # [label, nested wall, nested cpu] of the calls in progress
        self.called_from: dict[str, list[str]] = {}  # label -> the labels it was called within

    def add(self, label: str, wall: float, cpu: float) -> None:
        self.wall[label] = self.wall.get(label, 0.0) + wall
        self.cpu[label] = self.cpu.get(label, 0.0) + cpu

    def run(self, label: str, fn, *args, **kwargs):
        w, c = time.perf_counter(), time.process_time()
        if self._stack and self._stack[-1][0] not in self.called_from.setdefault(label, []):
            self.called_from[label].append(self._stack[-1][0])
        self._stack.append([label, 0.0, 0.0])
        try:
            return fn(*args, **kwargs)
        finally:
            _, nested_w, nested_c = self._stack.pop()
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            self.add(label, wall - nested_w, cpu - nested_c)
            if self._stack:
                self._stack[-1][1] += wall
                self._stack[-1][2] += cpu

    def wrap(self, owner, attr: str, label: str) -> None:
        """Time every call of owner.attr (a module function or a class method) under `label`."""
        real = getattr(owner, attr)
        clock = self

        def timed(*args, **kwargs):
            return clock.run(label, real, *args, **kwargs)

        setattr(owner, attr, timed)

    def stage(self, label: str) -> dict:
        return {"wall": self.wall.get(label, 0.0), "cpu": self.cpu.get(label, 0.0)}


def _rss_mb(field: str = "VmRSS") -> float | None:
    """Current (VmRSS) or peak (VmHWM) resident memory of this process in MB (Linux), else None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _maxrss_mb(who: int) -> float:
    import resource

    kb = resource.getrusage(who).ru_maxrss
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024  # bytes on macOS, KiB elsewhere


def _cpu_seconds(who: int) -> float:
    import resource

    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _instrument(clock: _Clock) -> None:
    """Time the parts of the spaCy pass that are not spaCy (this child process only)."""
    from . import annotate
    from .cache import AnnotationCache

    clock.wrap(annotate, "load_model", "load_model")
    clock.wrap(annotate._DocRows, "add", "rows")
    clock.wrap(annotate._DocRows, "frames", "rows")
    for method in ("write_chunk", "read_chunks", "known_keys", "load_corpus_tables", "save_corpus_tables"):
        clock.wrap(AnnotationCache, method, "cache_io")


def _child_build(args: dict) -> dict:
    """Build every table of a corpus (cold or warm, local or Dask engine) and time each stage."""
    from . import annotate
    from .pipeline import Corpus, table_builders

    table_builders()  # import the analysis modules now: module imports are not what is measured
    clock = _Clock()
    _instrument(clock)
    model_load = None
    if args.get("preload_model"):  # cold builds: the model is loaded before the clock starts, as for bare nlp.pipe
        w, c = time.perf_counter(), time.process_time()
        nlp = annotate.load_model()
        model_load = {"wall": time.perf_counter() - w, "cpu": time.process_time() - c}
        nlp("Échauffement du modèle.")
    clock.wall.clear()
    clock.cpu.clear()
    baseline = _rss_mb()
    options = {}
    if args.get("engine", "local") != "local" and "engine" in inspect.signature(Corpus).parameters:
        options["engine"] = args["engine"]
    corpus = Corpus(args["corpus"], cache_dir=args["cache_dir"], processes=args["processes"],
                    batch_size=args["batch_size"], progress=False, **options)
    peaks: dict[str, float | None] = {}
    total_w, total_c = time.perf_counter(), time.process_time()
    clock.run("read_clean", lambda: corpus.documents)
    peaks["read_clean"] = _rss_mb("VmHWM")
    if args.get("engine") == "dask" and "engine" not in options:  # Corpus(engine=...) not wired yet
        clock.run("annotate", _dask_annotation, corpus, args)
    else:
        clock.run("annotate", lambda: corpus.sentences)
    peaks["annotate"] = _rss_mb("VmHWM")
    names = corpus.table_names()
    builders = table_builders()
    for name in names:
        clock.run(f"table:{name}", corpus.table, name)
    peaks["tables"] = _rss_mb("VmHWM")
    total = {"wall": time.perf_counter() - total_w, "cpu": time.process_time() - total_c}
    import resource

    tokens = corpus.tokens
    result = {
        "engine": args.get("engine", "local"),
        "load_model": model_load,
        "stages": {label: clock.stage(label) for label in clock.wall},
        "called_from": clock.called_from,
        "total": total,
        "tables": names,
        "table_modules": {n: getattr(builders.get(n), "__module__", "analysis.pipeline") for n in names},
        "articles": len(corpus.documents),
        "paragraphs": len(corpus.paragraphs),
        "words": int(corpus.documents["n_words"].sum()),
        "tokens": len(tokens),
        "tokens_mb": float(tokens.memory_usage(deep=True).sum()) / 2**20,
        "baseline_mb": baseline,
        "peak_mb_by_stage": peaks,
        "peak_mb": _maxrss_mb(resource.RUSAGE_SELF),
        "peak_children_mb": _maxrss_mb(resource.RUSAGE_CHILDREN),
        "cpu_children": _cpu_seconds(resource.RUSAGE_CHILDREN),  # spaCy's worker processes, once joined
    }
    if args.get("bare_after"):  # after the build, so that a warm reload pays its own model load
        result["bare"] = _bare_pipe(corpus.documents, corpus.paragraphs, args["batch_size"])
    return result


def _dask_annotation(corpus, args: dict):
    """The spaCy pass of `corpus` on a Dask LocalCluster, stored where the Corpus keeps it."""
    from .dask_engine import annotate_corpus_dask

    tables = annotate_corpus_dask(corpus.documents, corpus.paragraphs, cache_dir=corpus.cache_dir,
                                  workers=args["processes"], batch_size=args["batch_size"])
    corpus.__dict__["_annotation"] = tables  # what the cached_property Corpus._annotation holds
    return tables


def _bare_pipe(documents, paragraphs, batch_size: int) -> dict:
    """Bare `nlp.pipe` over the cleaned paragraph texts the pipeline parses, nothing kept (model loaded)."""
    from . import annotate

    texts = [text for text, _ in annotate._units(documents, paragraphs)]
    nlp = annotate.load_model()
    nlp("Échauffement du modèle.")
    w, c = time.perf_counter(), time.process_time()
    for doc in nlp.pipe(texts, batch_size=batch_size):
        pass
    return {"wall": time.perf_counter() - w, "cpu": time.process_time() - c}


def _child_main(payload: str) -> int:
    import warnings

    warnings.simplefilter("ignore")
    args = json.loads(payload)
    result = _child_build(args)
    print("BENCH-RESULT " + json.dumps(result))
    return 0


def _run_child(args: dict) -> dict:
    """Run one measurement in a fresh interpreter and return what it reports."""
    command = [sys.executable, "-m", "analysis.bench", "--child", json.dumps(args)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-RESULT "):
            return json.loads(line[len("BENCH-RESULT "):])
    raise RuntimeError(f"benchmark step {args['mode']} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")


# ---------------------------------------------------------------------------------------------
# The same texts: the first N articles of a corpus, as a corpus of their own
# ---------------------------------------------------------------------------------------------
def _data_files(folder: Path, dest: Path) -> None:
    """Copy a teacher's data-file overrides (boilerplate.yaml, …) so the subset is cleaned the same way."""
    from .datafiles import DATA_FILE_NAMES

    for name in DATA_FILE_NAMES:
        if (folder / name).is_file():
            shutil.copy2(folder / name, dest / name)


def _is_article_file(path: Path) -> bool:
    from .corpus import HTML_SUFFIXES, TEXT_SUFFIXES
    from .datafiles import DATA_FILE_NAMES

    return (path.is_file() and not path.name.startswith(".") and path.name not in DATA_FILE_NAMES
            and path.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES)


def count_items(corpus: Path) -> int:
    """Articles (files, or JSONL/CSV records) in a corpus, before cleaning."""
    if corpus.is_dir():
        return sum(_is_article_file(p) for p in corpus.iterdir())
    if corpus.suffix.lower() == ".jsonl":
        with corpus.open(encoding="utf-8", errors="replace") as src:
            return sum(1 for line in src if line.strip())
    if corpus.suffix.lower() in (".csv", ".tsv"):
        with corpus.open(encoding="utf-8", errors="replace", newline="") as src:
            return max(0, sum(1 for _ in _csv_rows(src)) - 1)
    return 1


def _csv_rows(src):
    head = src.readline()
    src.seek(0)
    try:
        dialect = csv.Sniffer().sniff(head, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(src, dialect)


def subset_corpus(corpus: Path, limit: int, dest: Path) -> Path:
    """The first `limit` articles of `corpus` as a corpus in `dest` (0 or more than there are: all)."""
    dest.mkdir(parents=True, exist_ok=True)
    if corpus.is_dir():
        files = sorted(p for p in corpus.iterdir() if _is_article_file(p))
        target = dest / corpus.name
        target.mkdir()
        for path in files[:limit] if limit else files:
            shutil.copy2(path, target / path.name)
        _data_files(corpus, target)
        return target
    target = dest / corpus.name
    suffix = corpus.suffix.lower()
    if suffix == ".jsonl":
        with corpus.open(encoding="utf-8", errors="surrogateescape") as src, \
                target.open("w", encoding="utf-8", errors="surrogateescape") as out:
            lines = (line for line in src if line.strip())
            out.writelines(islice(lines, limit) if limit else lines)
    elif suffix in (".csv", ".tsv"):
        with corpus.open(encoding="utf-8", errors="surrogateescape", newline="") as src, \
                target.open("w", encoding="utf-8", errors="surrogateescape", newline="") as out:
            rows = _csv_rows(src)
            writer = csv.writer(out, delimiter=",")
            writer.writerows(islice(rows, limit + 1) if limit else rows)
    else:
        shutil.copy2(corpus, target)
    _data_files(corpus.parent, dest)
    return target


# ---------------------------------------------------------------------------------------------
# The benchmark
# ---------------------------------------------------------------------------------------------
def _ratio(num: float, den: float) -> float:
    return num / den if den > 0 else float("inf")


def _met(key: str, value: float) -> bool:
    op, goal, _ = GOALS[key]
    return value <= goal if op == "<=" else value >= goal


def _stage_rows(build: dict) -> dict[str, dict]:
    """Stages of a build in pipeline order, the spaCy pass split into spaCy / rows / cache I/O / model load."""
    stages = {k: dict(v) for k, v in build["stages"].items()}  # exclusive times (see _Clock)
    zero = {"wall": 0.0, "cpu": 0.0}
    rows = {"read_clean": stages["read_clean"]}
    if stages.get("load_model", zero)["wall"] > 0.05:
        rows["load_model"] = stages["load_model"]
    parsed = stages.get("rows", zero)["wall"] > 0  # documents went through spaCy in this process
    if parsed or build.get("engine") == "dask":
        rows["spacy"] = stages["annotate"]  # the pass minus rows, cache I/O and model load
        rows["rows"] = stages.get("rows", zero)
    else:
        rows["annotate_other"] = stages["annotate"]
    rows["cache_io"] = stages.get("cache_io", zero)
    for name in build["tables"]:
        stage = stages[f"table:{name}"]
        if stage["wall"] >= 0.0005 or name not in ("documents", "paragraphs", "removed_lines", "rejected",
                                                   "sentences", "tokens"):
            rows[f"table:{name}"] = stage
    tokens = max(1, build["tokens"])
    for stage in rows.values():
        stage["tokens_per_s"] = tokens / stage["wall"] if stage["wall"] >= 0.005 else None  # else: built with another table
    return rows


def _why(stage: str, build: dict, cold: dict | None = None) -> str:
    """Why a stage costs; for a warm reload (`cold` given), whether it was recomputed instead of reloaded."""
    if stage.startswith("table:"):
        name = stage[len("table:"):]
        text = TABLE_WHY.format(module=build["table_modules"].get(name, "analysis.pipeline"))
        if cold is not None and build["stages"][stage]["cpu"] > 0.25 * cold["stages"].get(stage, {}).get("cpu", 0):
            text += ", recomputed on every load: analysis tables are not cached on disk"
        return text
    if stage == "load_model":
        callers = build.get("called_from", {}).get("load_model", [])
        named = [LOADERS.get(c) or f"{build['table_modules'].get(c.removeprefix('table:'), 'an analysis module')} "
                 f"(table {c.removeprefix('table:')}: it parses its word lists and cue phrases with the model)"
                 for c in callers]
        text = WHY["load_model"] + (f", asked for by {' and '.join(named)}" if named else "")
        if cold is not None and not build["stages"].get("rows", {}).get("wall"):
            text += ", although every document came from the cache"
        return text
    return WHY.get(stage, "")


def _costliest(stages: dict[str, dict], exclude=(), top: int = 3, key: str = "wall") -> list[tuple[str, float]]:
    items = [(k, v[key]) for k, v in stages.items() if k not in exclude and v[key] > 0]
    return sorted(items, key=lambda kv: -kv[1])[:top]


def run_benchmark(corpus: str | Path = DEFAULT_CORPUS, limit: int = DEFAULT_LIMIT, processes: int = DEFAULT_PROCESSES,
                  out: str | Path | None = None, *, batch_size: int = DEFAULT_BATCH_SIZE, dask: bool = False,
                  log=print) -> dict:
    """Run the benchmark on the first `limit` articles (0: all) of `corpus`; return the figures.

    Writes them as JSON to `out` when given. `processes`: the spaCy processes of (c), compared
    with 1 (with 1, (c) is not measured and its ratio is 1.0). `dask`: also time the cold
    build with the Dask engine on a LocalCluster of `processes` workers. `log`: where progress
    lines go (None: silent).
    """
    log = log or (lambda *a, **k: None)
    corpus = Path(corpus).expanduser()
    if not corpus.exists():
        from .corpus import CorpusError

        raise CorpusError(f"no such corpus: {corpus}")
    started = time.perf_counter()
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    work = Path(tempfile.mkdtemp(prefix="analysis-bench-"))
    try:
        available = count_items(corpus)
        n_items = min(limit, available) if limit else available
        path_n = subset_corpus(corpus, n_items, work / "n")
        n10_items = max(1, n_items // 10)
        path_n10 = subset_corpus(path_n, n10_items, work / "n10")

        def child(mode: str, path: Path, cache: str, procs: int = 1, **extra) -> dict:
            args = {"mode": mode, "corpus": str(path), "cache_dir": str(work / cache), "processes": procs,
                    "batch_size": batch_size, **extra}
            return _run_child(args)

        log(f"bench: {n_items} article(s) of {corpus} (temporary copy and caches in {work})")
        log("  1/4 cold build, 1 process, empty cache …")
        cold = child("build", path_n, "cache-cold", 1, preload_model=True)
        log(f"      {cold['total']['wall']:.1f} s")
        log("  2/4 warm reload from that cache in a fresh process, then bare nlp.pipe over the same paragraphs …")
        warm = child("build", path_n, "cache-cold", 1, bare_after=True)
        log(f"      {warm['total']['wall']:.1f} s, bare nlp.pipe {warm['bare']['wall']:.1f} s")
        if processes > 1:
            log(f"  3/4 cold build, {processes} spaCy processes, empty cache …")
            parallel = child("build", path_n, "cache-parallel", processes, preload_model=True)
            log(f"      {parallel['total']['wall']:.1f} s")
        else:
            log("  3/4 (skipped: processes=1)")
            parallel = None
        log(f"  4/4 cold build of {n10_items} article(s) (N/10), for peak memory …")
        small = child("build", path_n10, "cache-small", 1, preload_model=True)
        dask_run = None
        if dask:
            log(f"  +   cold build with the Dask engine ({processes} workers) …")
            dask_run = child("build", path_n, "cache-dask", processes, engine="dask")
            log(f"      {dask_run['total']['wall']:.1f} s")
        log("  +   quote extraction on malformed articles …")
        malformed = malformed_quote_timing()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _report(malformed=malformed, corpus=corpus, n_items=n_items, n10_items=n10_items, processes=processes, batch_size=batch_size,
                   cold=cold, warm=warm, parallel=parallel, small=small, dask_run=dask_run,
                   load=(load_start, os.getloadavg() if hasattr(os, "getloadavg") else None),
                   seconds=time.perf_counter() - started, out=out, log=log)


MALFORMED_GOAL_S = 1.0  # quote extraction on a malformed article: well under a second


def malformed_quote_timing(repeat: int = 3) -> dict:
    """Seconds the quote extractor (alone, on the parsed tables) spends per malformed article —
    an unclosed « at the start of a long article, a 5,000-word paragraph, 40 quote marks in a
    row — and its ratio to a well-formed article of about the same length."""
    from .pipeline import load_corpus
    from .quotes import build_quotes

    normal = "« Nous sommes prêts à la diplomatie », a déclaré un haut responsable américain. "
    articles = {
        "unclosed_quote": "« " + "Le président a parlé longuement de la sécurité en Europe. " * 200,
        "paragraph_of_5000_words": " ".join(["la négociation continue"] * 1700),
        "forty_quote_marks": "« » " * 20 + "Le Kremlin a déclaré que les discussions continueraient.",
        "well_formed": (normal + "Le Kremlin a indiqué que les discussions continueraient. ") * 90,
    }
    work = Path(tempfile.mkdtemp(prefix="analysis-bench-quotes-"))
    try:
        for name, body in articles.items():
            (work / f"{name}.txt").write_text(f"Titre\n\n{body}\n", encoding="utf-8")
        corpus = load_corpus(work, cache_dir=work / "cache", progress=False)
        tables = (corpus.paragraphs, corpus.sentences, corpus.tokens, corpus.mentions)
        seconds = {}
        for doc_id in articles:
            docs = corpus.documents[corpus.documents["doc_id"] == doc_id]
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                build_quotes(docs, *tables)
                best = min(best, time.perf_counter() - start)
            seconds[doc_id] = best
    finally:
        shutil.rmtree(work, ignore_errors=True)
    worst = max(v for k, v in seconds.items() if k != "well_formed")
    return {"seconds_per_article": seconds, "worst_malformed_s": worst,
            "worst_vs_well_formed": _ratio(worst, seconds["well_formed"]),
            "goal_s": MALFORMED_GOAL_S, "met": worst <= MALFORMED_GOAL_S}


def _report(*, malformed=None, corpus, n_items, n10_items, processes, batch_size, cold, warm, parallel, small, dask_run,
            load, seconds, out, log) -> dict:
    import spacy

    from . import annotate

    cold_stages, warm_stages = _stage_rows(cold), _stage_rows(warm)
    model_load = cold["load_model"]
    cold_t, warm_t, bare_t = cold["total"], warm["total"], warm["bare"]
    # (a) and (b) compare single-process runs: judged on CPU time, which other jobs on a shared
    # machine barely change (on an idle machine it equals wall time); (c) needs wall time.
    ratios = {
        "cold_vs_bare": _ratio(cold_t["cpu"], bare_t["cpu"]),
        "warm_speedup": _ratio(cold_t["cpu"] + model_load["cpu"], warm_t["cpu"]),
        "parallel_speedup": _ratio(cold_t["wall"], parallel["total"]["wall"]) if parallel else 1.0,
        "memory_ratio": _ratio(cold["peak_mb"], small["peak_mb"]),
    }
    ratios_wall = {
        "cold_vs_bare": _ratio(cold_t["wall"], bare_t["wall"]),
        "warm_speedup": _ratio(cold_t["wall"] + model_load["wall"], warm_t["wall"]),
    }
    extra = {
        "memory_growth_ratio": _ratio(cold["peak_mb"] - cold["baseline_mb"], small["peak_mb"] - small["baseline_mb"])
        if cold.get("baseline_mb") and small.get("baseline_mb") else None,
        "spacy_in_build_vs_bare": _ratio(cold_stages["spacy"]["cpu"], bare_t["cpu"]),
        "cpu_share_of_wall_cold_build": _ratio(cold_t["cpu"], cold_t["wall"]),
    }
    if parallel:
        # What (c) would be on an idle machine, from CPU times: reading and the analysis tables run
        # in the main process only; during the spaCy pass the main process (feeding texts,
        # rebuilding each Doc it receives, building rows) and the workers share min(P, cores) cores.
        stages = parallel["stages"]
        main_pass = sum(stages.get(k, {}).get("cpu", 0.0) for k in ("annotate", "rows", "cache_io", "load_model"))
        workers_cpu = parallel.get("cpu_children") or 0.0
        cores = min(processes, os.cpu_count() or 1)
        serial = parallel["total"]["cpu"] - main_pass
        extra["parallel_cpu_main"] = parallel["total"]["cpu"]
        extra["parallel_cpu_workers"] = workers_cpu
        extra["parallel_work_vs_1_process"] = _ratio(parallel["total"]["cpu"] + workers_cpu, cold_t["cpu"])
        extra["parallel_speedup_idle_estimate"] = _ratio(
            cold_t["cpu"], serial + max(main_pass, (main_pass + workers_cpu) / cores))
    if dask_run:
        extra["dask_speedup"] = _ratio(cold_t["wall"], dask_run["total"]["wall"])

    # (e) tokens per second: every stage of the cold build, and bare spaCy
    tokens = cold["tokens"]
    per_token = {k: v for k, v in cold_stages.items() if k != "load_model"}
    slowest = min(per_token, key=lambda k: per_token[k]["tokens_per_s"] or float("inf"))

    why: dict[str, str] = {}
    if not _met("cold_vs_bare", ratios["cold_vs_bare"]):
        overhead = cold_t["cpu"] - bare_t["cpu"]
        costs = _costliest(cold_stages, exclude=("spacy", "load_model"), key="cpu")
        parts = "; ".join(f"{k.removeprefix('table:')} {v:.1f} s = {100 * v / max(overhead, 1e-9):.0f}% of the "
                          f"overhead ({_why(k, cold)})" for k, v in costs)
        why["cold_vs_bare"] = (f"the build costs {overhead:.1f} CPU s more than bare spaCy ({bare_t['cpu']:.1f} s); "
                               f"the spaCy pass inside the build takes {extra['spacy_in_build_vs_bare']:.2f}x bare "
                               f"spaCy; beyond it: {parts}")
    if not _met("warm_speedup", ratios["warm_speedup"]):
        costs = _costliest(warm_stages, key="cpu")
        parts = "; ".join(f"{k.removeprefix('table:')} {v:.2f} s = {100 * v / max(warm_t['cpu'], 1e-9):.0f}% "
                          f"({_why(k, warm, cold)})" for k, v in costs)
        why["warm_speedup"] = f"a warm reload still takes {warm_t['cpu']:.2f} CPU s: {parts}"
    if parallel and not _met("parallel_speedup", ratios["parallel_speedup"]):
        serial = max(0.0, cold_t["cpu"] - cold_stages["spacy"]["cpu"]) / max(cold_t["cpu"], 1e-9)
        bound = 1 / (serial + (1 - serial) / processes)
        costs = _costliest(cold_stages, exclude=("spacy", "load_model"), key="cpu")
        cpus = os.cpu_count() or 1
        busy = load[0][0] if load[0] else None
        why["parallel_speedup"] = (
            f"only spaCy's parse runs in {processes} processes; {100 * serial:.0f}% of the 1-process build is serial "
            f"(main process only: {', '.join(k.removeprefix('table:') for k, _ in costs)}), so Amdahl's law caps the "
            f"speed-up at {bound:.2f}x; while the {processes} workers parse, the main process feeds them and turns "
            f"what they send back into rows ({processes + 1} busy processes on {cpus} core(s)); the work is "
            f"{extra['parallel_work_vs_1_process']:.2f}x the 1-process CPU time (main process "
            f"{extra['parallel_cpu_main']:.1f} s, workers {extra['parallel_cpu_workers']:.1f} s"
            + ("; the extra is moving Docs between processes (spaCy serialises each Doc in a worker and rebuilds "
               "it in the main process) and starting the workers" if extra["parallel_work_vs_1_process"] > 1.1 else "")
            + f"), which on an idle machine would give about {extra['parallel_speedup_idle_estimate']:.2f}x"
            + (f"; other jobs kept the machine busy (load average {busy:.1f} at start)" if busy and busy > cpus / 2 else ""))
    if not _met("memory_ratio", ratios["memory_ratio"]):
        why["memory_ratio"] = (
            f"peak {cold['peak_mb']:.0f} MB vs {small['peak_mb']:.0f} MB; the parse itself streams (peak after the "
            f"spaCy pass: {cold['peak_mb_by_stage'].get('annotate') or 0:.0f} MB), but every table is held in memory "
            f"(tokens alone: {cold['tokens_mb']:.0f} MB) and assembling them from the chunks concatenates, merges and "
            f"sorts copies of them")

    goals = {k: {"goal": f"{op} {goal}", "value": ratios[k], "met": _met(k, ratios[k]), "why": why.get(k)}
             for k, (op, goal, _) in GOALS.items()}
    if not parallel:
        goals["parallel_speedup"].update(met=None, why="not measured: processes=1 (run with --processes 2)")
    result = {
        "corpus": str(corpus),
        "articles": cold["articles"],
        "articles_requested": n_items,
        "paragraphs": cold["paragraphs"],
        "words": cold["words"],
        "tokens": tokens,
        "processes": processes,
        "batch_size": batch_size,
        "machine": {
            "cpus": os.cpu_count(), "loadavg_start": load[0], "loadavg_end": load[1],
            "python": platform.python_version(), "spacy": spacy.__version__, "model": annotate.MODEL_NAME,
        },
        "ratios": ratios,
        "ratios_wall_time": ratios_wall,
        "ratios_extra": extra,
        "goals": goals,
        "seconds": {
            "cold_build": cold_t, "warm_reload": warm_t, "bare_nlp_pipe": bare_t, "load_model": model_load,
            "cold_build_parallel": parallel["total"] if parallel else None,
            "cold_build_dask": dask_run["total"] if dask_run else None,
            "benchmark": seconds,
        },
        "stages": {"cold": cold_stages, "warm": warm_stages,
                   "bare_nlp_pipe": {**bare_t, "tokens_per_s": tokens / bare_t["wall"] if bare_t["wall"] else None}},
        "slowest_stage": slowest,
        "memory": {
            "method": "ru_maxrss (getrusage RUSAGE_SELF) of a fresh child process per size, MB",
            "articles_n": cold["articles"], "articles_n10": small["articles"],
            "peak_mb_n": cold["peak_mb"], "peak_mb_n10": small["peak_mb"],
            "baseline_mb_n": cold["baseline_mb"], "baseline_mb_n10": small["baseline_mb"],
            "peak_mb_by_stage_n": cold["peak_mb_by_stage"], "peak_mb_by_stage_n10": small["peak_mb_by_stage"],
            "tokens_table_mb_n": cold["tokens_mb"],
        },
        "raw": {"cold": cold, "warm": warm, "parallel": parallel, "small": small, "dask": dask_run},
        "malformed_quotes": malformed,
    }
    log(format_table(result))
    if out:
        Path(out).write_text(json.dumps(result, indent=2, allow_nan=True) + "\n", encoding="utf-8")
        log(f"figures written to {out}")
    return result


def _fmt_rate(value, wall: float | None = None) -> str:
    if not value or (wall is not None and wall < 0.005):  # too short to measure: built with another table
        return "-"
    return f"{value:,.0f}"


def format_table(result: dict) -> str:
    """The printed report: stages with tokens/s, then the four ratios against their goals."""
    cold = result["stages"]["cold"]
    warm = result["stages"]["warm"]
    total = result["seconds"]["cold_build"]["wall"]
    load = result["machine"]["loadavg_start"]
    lines = [
        f"{result['articles']} articles, {result['tokens']:,} tokens, {result['words']:,} words "
        f"({Path(result['corpus']).name}), batch size {result['batch_size']}, {result['machine']['cpus']} CPU(s)"
        + (f", load average {load[0]:.1f} at start" if load else ""),
        "",
        f"{'stage (cold build, 1 process)':<34}{'wall s':>8}{'cpu s':>8}{'tokens/s':>11}{'share':>7}   {'warm s':>7}",
    ]
    for name, stage in cold.items():
        label = {"read_clean": "read + clean", "spacy": "spaCy parse (in the build)", "rows": "rows from Docs",
                 "cache_io": "cache I/O (Parquet)", "load_model": "load spaCy model"}.get(name, name.replace("table:", "table "))
        w = warm.get(name) or (warm.get("annotate_other") if name == "spacy" else None)
        lines.append(f"{label:<34}{stage['wall']:>8.2f}{stage['cpu']:>8.2f}{_fmt_rate(stage['tokens_per_s'], stage['wall']):>11}"
                     f"{100 * stage['wall'] / max(total, 1e-9):>6.0f}%   {(w['wall'] if w else 0):>7.2f}")
    if "load_model" in warm and "load_model" not in cold:
        lines.append(f"{'load spaCy model':<34}{'(before)':>8}{'':>8}{'':>11}{'':>7}   {warm['load_model']['wall']:>7.2f}")
    s = result["seconds"]
    bare = result["stages"]["bare_nlp_pipe"]
    lines += [
        f"{'cold build total':<34}{s['cold_build']['wall']:>8.2f}{s['cold_build']['cpu']:>8.2f}"
        f"{_fmt_rate(result['tokens'] / max(total, 1e-9)):>11}{'100%':>7}   {s['warm_reload']['wall']:>7.2f}",
        f"{'bare nlp.pipe':<34}{bare['wall']:>8.2f}{bare['cpu']:>8.2f}{_fmt_rate(bare['tokens_per_s']):>11}",
        f"{'spaCy model load (not in (a))':<34}{s['load_model']['wall']:>8.2f}{s['load_model']['cpu']:>8.2f}",
    ]
    if s.get("cold_build_parallel"):
        lines.append(f"{'cold build, ' + str(result['processes']) + ' processes':<34}{s['cold_build_parallel']['wall']:>8.2f}")
    if s.get("cold_build_dask"):
        lines.append(f"{'cold build, Dask engine':<34}{s['cold_build_dask']['wall']:>8.2f}")
    slowest = result["slowest_stage"]
    lines += [f"slowest stage: {slowest} ({_fmt_rate(cold[slowest]['tokens_per_s'])} tokens/s)", "",
              f"{'ratio':<46}{'measured':>9}{'goal':>9}  met"]
    mem = result["memory"]
    for key, (op, goal, text) in GOALS.items():
        value = result["ratios"][key]
        label = text.format(p=result["processes"], n=mem["articles_n"], n10=mem["articles_n10"])
        met = {True: "yes", False: "NO", None: "-"}[result["goals"][key]["met"]]
        lines.append(f"{label:<46}{value:>8.2f}x{op + ' ' + format(goal, 'g'):>9}  {met}")
    wall = result["ratios_wall_time"]
    lines.append(f"  (a) and (b) on CPU time; on wall time: (a) {wall['cold_vs_bare']:.2f}x, (b) {wall['warm_speedup']:.1f}x"
                 f" (the build got {100 * result['ratios_extra']['cpu_share_of_wall_cold_build']:.0f}% of a core)")
    extra = result["ratios_extra"]
    if extra.get("memory_growth_ratio") is not None:
        lines.append(f"  memory: peak {mem['peak_mb_n']:.0f} MB vs {mem['peak_mb_n10']:.0f} MB; above the baseline "
                     f"(libraries + model, {mem['baseline_mb_n']:.0f} MB) growth ratio {extra['memory_growth_ratio']:.1f}x")
    if extra.get("parallel_speedup_idle_estimate"):
        lines.append(f"  (c) from CPU times, as on an idle machine: {extra['parallel_speedup_idle_estimate']:.2f}x "
                     f"(work {extra['parallel_work_vs_1_process']:.2f}x the 1-process CPU time; main process "
                     f"{extra['parallel_cpu_main']:.1f} s, spaCy workers {extra['parallel_cpu_workers']:.1f} s)")
    if extra.get("dask_speedup"):
        lines.append(f"  Dask engine (LocalCluster, {result['processes']} workers) vs 1 process: {extra['dask_speedup']:.2f}x")
    if result["ratios_extra"]["cpu_share_of_wall_cold_build"] < 0.8:
        lines.append("  note: other jobs kept the machine busy (the 1-process build ran less than 80% of its time): "
                     "wall times, and (c), are unreliable in this run")
    malformed = result.get("malformed_quotes")
    if malformed:
        per = ", ".join(f"{k.replace('_', ' ')} {v * 1000:.0f} ms" for k, v in malformed["seconds_per_article"].items())
        lines.append(f"{'quotes, worst malformed article (seconds)':<46}{malformed['worst_malformed_s']:>8.3f}s"
                     f"{'<= ' + format(malformed['goal_s'], 'g'):>9}  {'yes' if malformed['met'] else 'NO'}")
        lines.append(f"  quote extraction per article: {per}; worst malformed / well-formed "
                     f"{malformed['worst_vs_well_formed']:.2f}x")
    for key, goal in result["goals"].items():
        if goal["why"]:
            lines.append(f"{key}: {goal['why']}" if goal["met"] is None else f"why {key} misses its goal: {goal['why']}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS),
                        help="corpus path (default: ../shared/corpora/fr_news_2k.jsonl beside the project)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                        help=f"use the first N articles (default {DEFAULT_LIMIT}: a few minutes on 2 cores; 0: all)")
    parser.add_argument("--processes", type=int, default=DEFAULT_PROCESSES,
                        help=f"spaCy processes compared with 1 in ratio (c) (default {DEFAULT_PROCESSES})")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="nlp.pipe batch size (default 64)")
    parser.add_argument("--out", default=None, help="write the figures as JSON to this file (e.g. bench.json)")
    parser.add_argument("--dask", action="store_true", help="also time the cold build with the Dask engine (LocalCluster)")
    return parser


def cmd_bench(args) -> int:
    """Measure the pipeline against bare spaCy and print the ratios (see analysis/bench.py)."""
    if args.limit < 0:
        print("error: --limit must be 0 (all) or a positive number", file=sys.stderr)
        return 2
    from .corpus import CorpusError

    try:
        run_benchmark(args.corpus, args.limit, args.processes, args.out, batch_size=args.batch_size, dask=args.dask)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child_main(argv[1])
    parser = add_arguments(argparse.ArgumentParser(prog="python -m analysis bench", description=cmd_bench.__doc__))
    return cmd_bench(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
