"""How long each stored notebook takes to run from a fresh kernel (a report, not a test).

    .venv/bin/python benchmarks/notebook_times.py [notebooks or folders...]

Runs the notebooks one at a time (so timings don't compete for the 2 cores), each in a new kernel
with its own folder as working directory, exactly as nbval and `make.py notebooks` do, and prints
the kernel start-up, the run time of the cells, the slowest cell and the total. Nothing is written.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from build_notebooks import ipc_kernel, kernel_env  # noqa: E402

FOLDERS = ["chapters/ko", "chapters/en", "exercises/ko", "exercises/en",
           "exercises/solutions/ko", "exercises/solutions/en"]


def notebooks(args) -> list[Path]:
    if not args:
        return [p for f in FOLDERS for p in sorted((ROOT / f).glob("*.ipynb"))]
    out = []
    for a in args:
        p = Path(a).resolve()
        out += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    return out


def run(path: Path) -> tuple[float, float, float, int]:
    """(kernel start-up s, cells s, slowest cell s, index of the slowest cell)."""
    nb = nbformat.read(path, as_version=4)
    with ipc_kernel() as km:  # as build_notebooks.py: on TCP a kernel once sat idle here until the 900 s timeout
        client = NotebookClient(nb, km=km, timeout=900, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        t0 = time.perf_counter()
        with client.setup_kernel(cwd=str(path.parent), env=kernel_env()):
            t1 = time.perf_counter()
            times = []
            for index, cell in enumerate(nb.cells):
                start = time.perf_counter()
                client.execute_cell(cell, index)
                times.append(time.perf_counter() - start)
            t2 = time.perf_counter()
    slowest = max(range(len(times)), key=times.__getitem__)
    return t1 - t0, t2 - t1, times[slowest], slowest


def main(argv) -> None:
    paths = notebooks(argv)
    print(f"{'notebook':<48} {'kernel s':>8} {'cells s':>8} {'slowest cell':>16}")
    total = 0.0
    for path in paths:
        startup, cells, slow, idx = run(path)
        total += startup + cells
        print(f"{str(path.relative_to(ROOT)):<48} {startup:8.2f} {cells:8.2f} {slow:9.2f} (#{idx:>3})", flush=True)
    print(f"{len(paths)} notebooks, {total:.1f} s in total (one at a time)")


if __name__ == "__main__":
    main(sys.argv[1:])
