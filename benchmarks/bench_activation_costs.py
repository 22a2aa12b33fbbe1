"""Chapter 10's cost column: each activation as a user would write it in NumPy/SciPy, relative to ReLU.

    python benchmarks/bench_activation_costs.py [--n 1000000] [--repeat 31] [--write]

Times every expression of ``actlab.chapters.ch10_choosing.TEXTBOOK`` (``np.maximum(x, 0)`` for ReLU,
``0.5 * x * (1 + special.erf(x / np.sqrt(2)))`` for the exact GELU, ``np.logaddexp(0, x)`` for
softplus, ...) and actlab's own function beside it, on the same seeded float64 input, with
``ch10_choosing.measure_costs``: every round calls each function once in a shuffled order, and the
median of the rounds is divided by ReLU's. Prints the table chapter 10 shows and how far it is from
the stored numbers.

``--write`` stores the result, with the machine and library versions, in the package data file
``lib/actlab/chapters/activation_costs.json`` that chapter 10 reads (the same numbers in the Korean
and the English notebook, whatever machine runs them). After writing, regenerate chapter 10
(``python3 make.py notebooks chapters/src/10_choosing.md``) and run
``tests/chapters/test_ch10_choosing.py``, which fails if the chapter's statements about the costs
(which functions are close to ReLU, which cost twice as much or more, which is the most expensive)
no longer hold. Run it on a quiet machine.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from actlab.chapters import ch10_choosing as ch10

STORED = Path(ch10.__file__).with_name(ch10.COSTS_FILE)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help=f"store the result in {STORED.name}")
    args = parser.parse_args()

    costs = ch10.measure_costs(n=args.n, repeat=args.repeat, seed=args.seed)
    print(ch10.cost_table(costs, lang="en"))
    if STORED.exists():
        stored = ch10.stored_costs()
        changes = [f"{name} {stored.textbook[name]:.1f}x -> {costs.textbook[name]:.1f}x"
                   for name in costs.textbook if name in stored.textbook
                   and f"{stored.textbook[name]:.1f}" != f"{costs.textbook[name]:.1f}"]
        print("\nAgainst the stored numbers:", "; ".join(changes) if changes else "the same to one decimal")
    if args.write:
        data = costs.as_dict()
        data["textbook"] = {k: round(v, 3) for k, v in data["textbook"].items()}
        data["actlab"] = {k: round(v, 3) for k, v in data["actlab"].items()}
        STORED.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwritten: {STORED}")


if __name__ == "__main__":
    main()
