"""Speed and peak memory of actlab's activations on 10^7 values, beside NumPy/SciPy baselines.

    python benchmarks/bench_activations.py [--n 10000000] [--repeat 5] [--derivatives]

Every time is the best of --repeat calls in this same run (so the ratios compare like with like
on whatever machine runs it). Baselines: a plain memory copy (the floor), ``np.maximum(x, 0)``
for relu, ``scipy.special.expit`` for sigmoid, ``np.tanh`` for tanh and ``scipy.special.softmax``
for softmax (on the same 10^7 values shaped (10^4, 10^3), along the last axis).

Peak memory is measured with tracemalloc, which sees NumPy's array allocations; it is reported
as peak / input size and includes the returned result, so "result + at most two input-sized
temporaries" means a peak of at most 3.0.

Targets (checked and printed at the end): sigmoid faster than expit (float32); relu within 1.2x of
np.maximum; softmax no slower than SciPy's; every activation within 10x a copy in float32 except
the erf-based GELU; peak <= 3.0 x input. Each function and its baseline are timed alternately
(best of --repeat each), so a busy machine slows both alike. Timings vary with the machine: they live here, never in
the tests. OPENBLAS_CORETYPE is left as the environment sets it (elementwise ops do not use BLAS).
"""
from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from scipy import special

import actlab
from actlab import ACTIVATIONS


def best(fn, repeat):
    fn()  # warm up: first-touch page faults and lazy imports stay out of the timing
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def best_pair(fn, baseline, repeat):
    """Best times of fn and its baseline, measured alternately so both see the same machine load."""
    fn(), baseline()
    t_fn, t_base = [], []
    for _ in range(repeat):
        for f, times in ((fn, t_fn), (baseline, t_base)):
            t = time.perf_counter()
            f()
            times.append(time.perf_counter() - t)
    return min(t_fn), min(t_base)


def peak_ratio(fn, nbytes):
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del out
    return peak / nbytes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--derivatives", action="store_true", help="time the derivatives too")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    base = rng.normal(0.0, 3.0, args.n)  # both signs, both tails of every kink and saturation
    rows, failures = [], []
    for dtype in (np.float32, np.float64):
        x = base.astype(dtype)
        copy = best(lambda: x.copy(), args.repeat)
        baselines = {
            "relu": lambda: np.maximum(x, 0),
            "sigmoid": lambda: special.expit(x),
            "tanh": lambda: np.tanh(x),
        }
        names = {"relu": "np.maximum", "sigmoid": "expit", "tanh": "np.tanh"}
        rows.append((dtype.__name__, "copy (floor)", copy, None, "", 1.0, peak_ratio(lambda: x.copy(), x.nbytes)))
        for name, entry in ACTIVATIONS.items():
            fns = [(name, entry.fn)]
            if name == "gelu":
                fns.append(("gelu tanh", lambda v: entry.fn(v, approximate="tanh")))
            if args.derivatives:
                fns.append((name + "'", entry.derivative))
            for label, fn in fns:
                if label in baselines:
                    t, ref = best_pair(lambda: fn(x), baselines[label], args.repeat)
                else:
                    t, ref = best(lambda: fn(x), args.repeat), None
                mem = peak_ratio(lambda: fn(x), x.nbytes)
                rows.append((dtype.__name__, label, t, ref, names.get(label, ""), t / copy, mem))
                if ref is not None and label == "relu" and t > 1.2 * ref:
                    failures.append(f"{dtype.__name__} relu {t / ref:.2f}x np.maximum (target <= 1.2)")
                if label == "sigmoid" and dtype is np.float32 and t >= ref:
                    failures.append(f"float32 sigmoid {t / ref:.2f}x expit (target < 1)")
                if dtype is np.float32 and t > 10 * copy and label != "gelu" and not label.endswith("'"):
                    failures.append(f"float32 {label} {t / copy:.1f}x copy (target <= 10)")
                if mem > 3.05:  # result + two temporaries (+ small row vectors)
                    failures.append(f"{dtype.__name__} {label} peak {mem:.2f}x input (target <= 3.0)")
        x2 = x.reshape(10**4, -1) if x.size % 10**4 == 0 else x.reshape(1, -1)
        t, ref = best_pair(lambda: actlab.softmax(x2, axis=-1), lambda: special.softmax(x2, axis=-1), args.repeat)
        rows.append((dtype.__name__, "softmax", t, ref, "scipy softmax", t / copy,
                     peak_ratio(lambda: actlab.softmax(x2), x2.nbytes)))
        if t > ref:
            failures.append(f"{dtype.__name__} softmax {t / ref:.2f}x scipy (target <= 1)")
        t = best(lambda: actlab.log_softmax(x2, axis=-1), args.repeat)
        rows.append((dtype.__name__, "log_softmax", t, None, "", t / copy,
                     peak_ratio(lambda: actlab.log_softmax(x2), x2.nbytes)))

    print(f"n = {args.n:,} values, best of {args.repeat}; peak = tracemalloc peak / input bytes\n")
    print("| dtype | function | ms | ratio to copy | baseline | baseline ms | ratio to baseline | peak |")
    print("|---|---|---:|---:|---|---:|---:|---:|")
    for dt, label, t, ref, refname, r_copy, mem in rows:
        ref_ms = f"{ref * 1e3:.1f}" if ref is not None else ""
        ratio = f"{t / ref:.2f}" if ref is not None else ""
        print(f"| {dt} | {label} | {t * 1e3:.1f} | {r_copy:.1f} | {refname} | {ref_ms} | {ratio} | {mem:.2f} |")
    print()
    if failures:
        print("Targets missed:")
        for f in failures:
            print("  -", f)
    else:
        print("All targets met: sigmoid < expit (float32), relu <= 1.2x np.maximum, softmax <= scipy, "
              "every activation <= 10x copy in float32 (erf GELU exempt), peak <= 3.0x input.")


if __name__ == "__main__":
    main()
