"""benchmarks/bench_grader.py checks its targets (the timing itself belongs to the benchmark, not here)."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_grader", ROOT / "benchmarks" / "bench_grader.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_says_whether_its_targets_are_met():
    verdict = _bench().verdict
    assert verdict(0.12, 0.13, 2.16, {"ok": 200}, 200).startswith("All targets met")
    slow = verdict(0.5, 0.6, 2.0, {"ok": 200}, 200)
    assert "Targets missed" in slow and "4.0x" in slow and "0.600 s CPU" in slow
    assert "statuses" in verdict(0.1, 0.1, 2.0, {"ok": 150, "error": 50}, 200)
