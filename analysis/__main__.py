"""Command line: `python -m analysis {export,report,bench} …` (see `--help` of each)."""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_export(args) -> int:
    """Write every table as CSV (UTF-8, header row, one file per table named after it)."""
    from .pipeline import load_corpus

    if args.scheduler and args.engine != "dask":
        return _fail("--scheduler only applies to --engine dask")
    corpus = load_corpus(args.corpus, cache_dir=args.cache_dir, processes=args.processes,
                         engine=args.engine, scheduler=args.scheduler)
    documents = corpus.documents
    print(f"read {corpus.path}: {len(documents)} article(s), {len(corpus.rejected)} rejected input(s), "
          f"{len(corpus.removed_lines)} removed line(s)")
    for row in corpus.rejected.itertuples():
        where = f", line {int(row.line_no)}" if row.line_no == row.line_no and row.line_no is not None else ""
        print(f"  rejected {row.source_path}{where}: {row.reason}")
    if documents.empty:
        return _fail(f"no readable article in {corpus.path}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for name in corpus.table_names():
        table = corpus.table(name)
        path = out / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8")
        print(f"  wrote {path} ({len(table)} rows)")
    print(f"done in {time.perf_counter() - start:.1f} s (cache: {corpus.cache_dir})")
    return 0


def cmd_report(args) -> int:
    """Execute every notebook against the corpus and write the report site: one page per notebook,
    annotated articles (a fixed-seed sample on a large corpus) and an index, all offline."""
    from .report import run_report

    return run_report(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Analyse a corpus of French news articles.")
    sub = parser.add_subparsers(dest="command", required=True)

    export = sub.add_parser("export", help="write every table as CSV", description=cmd_export.__doc__)
    export.add_argument("--corpus", required=True, help="folder of .txt/.md/.html articles, or a .jsonl/.csv file with a text column")
    export.add_argument("--out", required=True, help="folder for the CSV files (created if missing)")
    export.add_argument("--cache-dir", default=None, help="annotation cache folder (default: .cache/ at the project root)")
    export.add_argument("--processes", type=int, default=1,
                        help="spaCy worker processes (default 1); with --engine dask and no --scheduler: "
                             "the LocalCluster's worker processes (default 2)")
    export.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="where the spaCy pass runs: on this machine (local, default) or as Dask tasks (dask)")
    export.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="with --engine dask: an existing Dask scheduler (tcp://host:8786, or a scheduler "
                             "file *.json); default: a LocalCluster of 2 worker processes on this machine")
    export.set_defaults(func=cmd_export)

    from .report import add_report_arguments

    report = sub.add_parser("report", help="execute the notebooks and write the HTML report site", description=cmd_report.__doc__)
    add_report_arguments(report)  # --corpus, --out, --articles N, --article ID (repeatable), --seed
    report.set_defaults(func=cmd_report)

    from .bench import add_arguments, cmd_bench

    bench = sub.add_parser("bench", help="measure speed and memory as ratios against bare spaCy", description=cmd_bench.__doc__)
    add_arguments(bench)  # --corpus, --limit N (0: all), --processes, --batch-size, --out FILE.json, --dask
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .annotate import ModelNotInstalled
    from .corpus import CorpusError

    args = build_parser().parse_args(argv)
    warnings.simplefilter("ignore", FutureWarning)
    try:
        return args.func(args)
    except (CorpusError, ModelNotInstalled) as exc:
        return _fail(str(exc))
    except RuntimeError as exc:
        return _fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
