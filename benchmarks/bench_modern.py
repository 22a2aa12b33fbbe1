"""Speed of chapter 11's functions beside what a user would otherwise write with NumPy/SciPy.

    python benchmarks/bench_modern.py [--n 4000000] [--repeat 5]

Pairs (actlab first, the hand-written baseline second; same input, timed alternately, best of
--repeat each, so a busy machine slows both alike):

* log_sigmoid         vs ``np.log(scipy.special.expit(x))`` (-inf below -745) and ``-np.logaddexp(0, -x)``
* glu, swiglu         vs ``a * expit(b)``, ``a * (b * expit(b))`` after ``np.split``
* layer_norm          vs ``(x - mean) / np.sqrt(var + eps)`` (overflows for rows of 1e200)
* rms_norm            vs ``x / np.sqrt(np.mean(x * x) + eps)``
* attention_softmax   vs ``scipy.special.softmax(np.where(mask, scale * s, -inf))`` (NaN rows when fully masked)

Rows of 1000 features (n / 1000 rows) for the normalisations and the softmax. Besides the time
each row says whether the baseline is right at the extremes the actlab function handles (the
reason to call it). Targets (printed at the end): each actlab function within the factor given
below of its baseline in float32 and float64. Timings vary with the machine: they live here,
never in the tests.
"""
from __future__ import annotations

import argparse

import numpy as np
from scipy import special

import actlab
from bench_activations import best_pair  # the same alternating timer as the activation benchmark

#: label -> the slowest acceptable time as a multiple of the baseline's
TARGETS = {"log_sigmoid": 1.5, "glu": 2.0, "swiglu": 2.0, "layer_norm": 3.0, "rms_norm": 3.0,
           "attention_softmax": 2.0}


def naive_layer_norm(x, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def naive_rms_norm(x, eps=1e-6):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)


def naive_attention_softmax(s, mask, scale):
    return special.softmax(np.where(mask, scale * s, -np.inf), axis=-1)


def extremes_ok():
    """Does each baseline give the right answer where actlab's does? (one line per function)"""
    with np.errstate(all="ignore"):
        checks = {
            "log_sigmoid": bool(np.isfinite(np.log(special.expit(-800.0)))),
            "glu": True, "swiglu": True,
            "layer_norm": bool(np.isfinite(naive_layer_norm(np.array([[1e200, 2e200, 3e200]]))).all()
                               and naive_layer_norm(np.array([[1e200, 2e200, 3e200]]))[0, 0] != 0),
            "rms_norm": bool(naive_rms_norm(np.array([[1e200, 2e200]]))[0, 0] != 0),
            "attention_softmax": bool(np.isfinite(naive_attention_softmax(np.zeros((1, 3)), np.zeros((1, 3), bool), 1.0)).all()),
        }
    return checks


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=4_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    base = rng.normal(size=args.n) * 4
    rows, failures = [], []
    ok = extremes_ok()
    for dtype in (np.float32, np.float64):
        x = base.astype(dtype)
        x2 = x.reshape(-1, 1000)
        a, b = np.split(x2, 2, axis=-1)
        mask = rng.uniform(size=x2.shape) < 0.8
        scale = 1 / np.sqrt(64)
        pairs = {
            "log_sigmoid": (lambda: actlab.log_sigmoid(x), lambda: -np.logaddexp(0, -x), "-np.logaddexp(0, -x)"),
            "glu": (lambda: actlab.glu(x2), lambda: a * special.expit(b), "a * expit(b)"),
            "swiglu": (lambda: actlab.swiglu(x2), lambda: a * (b * special.expit(b)), "a * (b * expit(b))"),
            "layer_norm": (lambda: actlab.layer_norm(x2), lambda: naive_layer_norm(x2), "(x - mean) / sqrt(var + eps)"),
            "rms_norm": (lambda: actlab.rms_norm(x2, eps=1e-6), lambda: naive_rms_norm(x2), "x / sqrt(mean(x^2) + eps)"),
            "attention_softmax": (lambda: actlab.attention_softmax(x2, mask, scale=scale),
                                  lambda: naive_attention_softmax(x2, mask, scale), "softmax(where(mask, s, -inf))"),
        }
        with np.errstate(all="ignore"):
            t_log, t_naive_log = best_pair(pairs["log_sigmoid"][0], lambda: np.log(special.expit(x)), args.repeat)
        rows.append((dtype.__name__, "log_sigmoid", t_log, t_naive_log, "np.log(expit(x))", ok["log_sigmoid"]))
        for label, (fn, baseline, name) in pairs.items():
            t, ref = best_pair(fn, baseline, args.repeat)
            rows.append((dtype.__name__, label, t, ref, name, ok[label] if label != "log_sigmoid" else True))
            if t > TARGETS[label] * ref:
                failures.append(f"{dtype.__name__} {label} {t / ref:.2f}x {name} (target <= {TARGETS[label]})")

    print(f"n = {args.n:,} values (rows of 1000 where a row is needed), best of {args.repeat}\n")
    print("| dtype | function | ms | baseline | baseline ms | ratio | baseline right at the extremes |")
    print("|---|---|---:|---|---:|---:|---|")
    for dt, label, t, ref, name, right in rows:
        print(f"| {dt} | {label} | {t * 1e3:.1f} | `{name}` | {ref * 1e3:.1f} | {t / ref:.2f} | {'yes' if right else 'no'} |")
    print()
    if failures:
        print("Targets missed:")
        for f in failures:
            print("  -", f)
    else:
        print("All targets met: " + ", ".join(f"{k} <= {v}x" for k, v in TARGETS.items()) + " its baseline.")


if __name__ == "__main__":
    main()
