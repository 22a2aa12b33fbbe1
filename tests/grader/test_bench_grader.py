"""benchmarks/bench_grader.py measures what it says: its generated class (answer keys, keys with one
function broken, stubs) grades as intended, so a fast number can only come from real grading.
(The timing itself belongs to the benchmark, not to a test.)"""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_grader", ROOT / "benchmarks" / "bench_grader.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmarks_class_grades_as_it_claims(tmp_path):
    bench = _bench()
    (tmp_path / "src").mkdir()
    key = bench.make_submissions("ex02", 6, tmp_path / "src")
    n, wall, cpu, statuses, rows = bench.bench_grader("ex02", tmp_path / "src" / "submissions", tmp_path, workers=2)
    assert n == 6 and statuses["ok"] == 6 and wall > 0 and cpu > 0
    by_id = {r["submission"]: r for r in rows}
    top = by_id["student0000"]["max_score"]
    assert [by_id[f"student{i:04d}"]["score"] == top for i in (0, 3)] == [True, True]   # answer keys
    for i in (1, 4):                                                                      # one function broken
        assert 0 < float(by_id[f"student{i:04d}"]["score"]) < float(top)
        assert "=0/" in by_id[f"student{i:04d}"]["functions"]
    assert [by_id[f"student{i:04d}"]["score"] for i in (2, 5)] == ["0", "0"]               # stubs
    assert key.name.startswith("ex02_")
    # a grader that fails every submission is not reported as fast
    verdict = bench.verdict(0.01, 0.01, 2.0, {"ok": 0, "error": 6}, 6)
    assert verdict.startswith("Targets missed") and "statuses" in verdict
    assert bench.verdict(0.25, 0.1, 2.0, statuses, 6).startswith("Targets missed")        # 8x: below the 10x target
    assert bench.verdict(0.15, 0.1, 2.0, statuses, 6).startswith("All targets met")        # 13x meets it
