"""How long the website takes to build: a clean build of both books, then an unchanged rebuild.

    python benchmarks/bench_book.py

Rebuilds the site in place (_build/), as `python3 make.py book` does. Targets on the 2-core
development machine: a clean build under 60 s, an unchanged rebuild under 5 s (Sphinx reads and
writes nothing when no source changed; a slow one means something invalidates every page).
The test command builds the site once and does not time it: timings belong here, not in the tests.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"clean build": 60.0, "unchanged rebuild": 5.0}


def timed(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    times = {"clean build": timed(), "unchanged rebuild": timed("--incremental")}
    slow = 0
    for name, seconds in times.items():
        ok = seconds <= TARGETS[name]
        slow += not ok
        print(f"{name:18s} {seconds:6.1f} s   target <= {TARGETS[name]:.0f} s   {'ok' if ok else 'SLOW'}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
