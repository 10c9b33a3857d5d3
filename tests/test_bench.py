"""`python -m analysis bench`: every ratio is measured and reported (never a timing threshold here).

Speed is what the benchmark measures; these tests only check that it runs end to end on a tiny
corpus and reports every figure as a sensible number.
"""

from __future__ import annotations

import json
import math

import pytest

from analysis import bench
from conftest import SEEDS

RATIOS = ("cold_vs_bare", "warm_speedup", "parallel_speedup", "memory_ratio")


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


def _check(result: dict, processes: int) -> None:
    assert set(result["ratios"]) == set(RATIOS)
    assert all(_positive(result["ratios"][k]) for k in RATIOS), result["ratios"]
    assert all(_positive(v) for v in result["ratios_wall_time"].values()), result["ratios_wall_time"]
    for key in RATIOS:
        goal = result["goals"][key]
        assert goal["goal"].split()[0] in ("<=", ">=") and goal["met"] in (True, False, None)
        assert goal["met"] or goal["why"], key  # a missed (or unmeasured) goal says why
    assert result["articles"] == 2 and result["tokens"] > 100 and result["processes"] == processes
    seconds = result["seconds"]
    for key in ("cold_build", "warm_reload", "bare_nlp_pipe", "load_model"):
        assert _positive(seconds[key]["wall"]), key
    assert (seconds["cold_build_parallel"] is not None) == (processes > 1)
    # (e) tokens per second of every stage: reading/cleaning, spaCy, and each analysis table
    cold = result["stages"]["cold"]
    assert {"read_clean", "spacy", "rows", "cache_io"} <= set(cold)
    assert any(k.startswith("table:") for k in cold)
    assert all(_positive(cold[k]["tokens_per_s"]) for k in ("read_clean", "spacy"))
    assert result["slowest_stage"] in cold
    memory = result["memory"]
    assert "ru_maxrss" in memory["method"]
    assert memory["articles_n"] == 2 and memory["articles_n10"] == 1
    assert _positive(memory["peak_mb_n"]) and _positive(memory["peak_mb_n10"])
    # quote extraction on malformed articles (issue: well under a second each), as measured seconds
    malformed = result["malformed_quotes"]
    assert set(malformed["seconds_per_article"]) == {"unclosed_quote", "paragraph_of_5000_words", "forty_quote_marks",
                                                     "well_formed"}
    assert all(_positive(v) for v in malformed["seconds_per_article"].values())
    assert _positive(malformed["worst_vs_well_formed"]) and malformed["met"] in (True, False)


def test_run_benchmark_on_two_seed_articles_with_two_processes(tmp_path):
    lines = []
    result = bench.run_benchmark(SEEDS, limit=2, processes=2, out=tmp_path / "bench.json", log=lines.append)
    _check(result, processes=2)
    assert json.loads((tmp_path / "bench.json").read_text())["ratios"] == pytest.approx(result["ratios"])
    printed = "\n".join(lines)
    for text in ("(a) cold build", "(b) cold build / warm reload", "(c) 1 process / 2 processes", "(d) peak memory",
                 "tokens/s", "slowest stage", "read + clean", "spaCy parse", "quotes, worst malformed article"):
        assert text in printed, text


def test_bench_command_with_one_process_writes_the_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["--corpus", str(SEEDS), "--limit", "2", "--processes", "1", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    _check(result, processes=1)
    assert result["ratios"]["parallel_speedup"] == 1.0  # not measured with one process
    assert result["goals"]["parallel_speedup"]["met"] is None
    assert "(d) peak memory" in capsys.readouterr().out


def test_bench_rejects_a_negative_limit(capsys):
    assert bench.main(["--limit", "-1"]) == 2
    assert "--limit" in capsys.readouterr().err


def test_subset_takes_the_first_articles_of_every_corpus_kind(tmp_path):
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Texte {i}."}) + "\n" for i in range(5)), encoding="utf-8")
    (tmp_path / "boilerplate.yaml").write_text("# teacher's override\n", encoding="utf-8")
    sub = bench.subset_corpus(jsonl, 3, tmp_path / "s1")
    assert [json.loads(line)["id"] for line in sub.read_text().splitlines()] == ["a0", "a1", "a2"]
    assert (sub.parent / "boilerplate.yaml").exists()  # the subset is cleaned with the same rules
    assert bench.count_items(jsonl) == 5 and bench.count_items(bench.subset_corpus(jsonl, 0, tmp_path / "s2")) == 5

    csv_path = tmp_path / "c.csv"
    csv_path.write_text('id;text\nx1;"Un; deux"\nx2;Trois\nx3;Quatre\n', encoding="utf-8")
    sub = bench.subset_corpus(csv_path, 2, tmp_path / "s3")
    assert bench.count_items(sub) == 2 and "Un; deux" in sub.read_text()

    folder = bench.subset_corpus(SEEDS, 2, tmp_path / "s4")
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in SEEDS.glob("*.txt"))[:2]
