"""Gradescope: an autograder zip that grades one uploaded notebook with the same checks.

    actlab-grade gradescope ex02 --out autograder.zip     # then upload it as the assignment's autograder

The zip holds what Gradescope's autograder specification asks for (gradescope-autograders.readthedocs.io,
"Autograder Specifications"): ``setup.sh`` (run once, as root, when Gradescope builds the image:
installs Python, pip, bubblewrap where apt-get can, and the grading dependencies) and
``run_autograder`` (run for each submission: grades ``$AUTOGRADER_ROOT/submission/*.ipynb`` and writes
``$AUTOGRADER_ROOT/results/results.json``; ``AUTOGRADER_ROOT`` defaults to ``/autograder``), plus a copy
of the ``actlab`` package (without its fonts) and ``config.json`` (exercise, seed, limits).

results.json: the total ``score``; one test per graded function for its public checks
(``visibility: visible``) and one for its hidden checks (``visibility: after_published``: the student
sees it once the instructor publishes the grades), each with ``score``, ``max_score``, ``status`` and
the feedback lines in the notebook's language; ``output`` carries the status, problems while running
and the isolation line. The seed is in ``config.json``: keep the zip private.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import stat
import sys
import time
import zipfile
from pathlib import Path

from .core import Graded, Limits, Result, Settings, UsageError, grade_submission, limits_line, load_exercise
from .core import function_feedback, problems_feedback
from .feedback import MESSAGES, number
from .sandbox import hidden_dirs, slot_uids

PACKAGE = Path(__file__).resolve().parents[1]  # lib/actlab
#: What grading needs: the package's own lower bounds (pyproject.toml), below the next major
#: release; Gradescope's image then installs the wheels built for its Python.
REQUIREMENTS = ("numpy>=1.24,<3", "scipy>=1.10,<2", "nbformat>=5.7,<6")

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, while building the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_BREAK_SYSTEM_PACKAGES=1
need=()
command -v python3 >/dev/null || need+=(python3)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
command -v bwrap >/dev/null || need+=(bubblewrap)   # the whitelist sandbox, where the image allows it
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" || true
fi
python3 -m pip install --no-input -q -r requirements.txt
PYTHONPATH="$PWD/lib" python3 -c "import actlab.grade, numpy, nbformat"   # fail the build, not the first student
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for each submission (working directory /autograder).
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
mkdir -p "$ROOT/results"
PYTHONPATH="$ROOT/source/lib" exec python3 -m actlab.grade.gradescope --root "$ROOT"
"""


def _add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # fixed: the same inputs, the same zip
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def build_autograder(exercise: str, out: str | os.PathLike, *, seed: int, timeout: float = 60.0, class_lang: str = "ko") -> Path:
    """Write the autograder zip for ``exercise`` (ex01..ex09) to ``out``; returns its path."""
    ex = load_exercise(exercise, seed)  # a mistake in the exercise id fails here, before writing anything
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give the zip file to write, e.g. {out / 'autograder.zip'}")
    if timeout <= 0:
        raise UsageError("--timeout must be > 0")
    config = {"exercise": exercise, "name": ex.name, "seed": seed, "timeout": timeout, "class_lang": class_lang}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        _add(zf, "setup.sh", SETUP_SH.encode(), executable=True)
        _add(zf, "run_autograder", RUN_AUTOGRADER.encode(), executable=True)
        _add(zf, "requirements.txt", ("\n".join(REQUIREMENTS) + "\n").encode())
        _add(zf, "config.json", json.dumps(config, indent=1).encode())
        for path in sorted(PACKAGE.rglob("*")):
            rel = path.relative_to(PACKAGE)
            if path.is_file() and "__pycache__" not in rel.parts and rel.parts[0] != "fonts":
                _add(zf, f"lib/actlab/{rel.as_posix()}", path.read_bytes())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())
    return out


def _notebooks(folder: Path) -> list[Path]:
    """Every notebook uploaded (``.ipynb`` in any case; checkpoints and hidden files skipped)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(".ipynb")
                  and ".ipynb_checkpoints" not in p.parts and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _find_submission(folder: Path, ex_name: str) -> Path | None:
    """The notebook to grade when several were uploaded: those named after the exercise first
    (``ex02_sigmoid_tanh.ipynb`` over ``scratch.ipynb``), then the newest, then by name."""
    found = _notebooks(folder)
    if not found:
        return None
    named = [p for p in found if p.name.lower().startswith(ex_name.lower())]
    return sorted(named or found, key=lambda p: (-p.stat().st_mtime, str(p)))[0]


def results_json(result: Result, seconds: float = 0.0) -> dict:
    """Gradescope's results.json for one graded submission (see the module docstring)."""
    g: Graded = result.graded
    ex, lang = g.exercise, g.lang
    tests = []
    for f in ex.functions:
        for hidden in (False, True):
            got, top = g.points(f, hidden=hidden)
            if not top:
                continue
            lines = function_feedback(g, f, hidden=hidden) if g.status != "invalid" else []
            tests.append({
                "name": MESSAGES("gs_hidden" if hidden else "gs_public", lang=lang, function=f),
                "score": float(number(got)), "max_score": float(number(top)),
                "status": "passed" if got == top else "failed",
                "output": "\n".join(line[2:] if line.startswith("  ") else line for line in lines),
                "visibility": "after_published" if hidden else "visible",
            })
    head = [MESSAGES("status", lang=lang, status=g.status, text=g.reason or MESSAGES("ok", lang=lang))]
    if g.status != "invalid":
        head += ["", *problems_feedback(g), limits_line(g)]
    return {"score": float(number(g.score)), "execution_time": round(seconds, 3),
            "output": "\n".join(head).strip() + "\n", "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests,
            "extra_data": {"exercise": ex.name, "status": g.status, "flags": list(g.flags)}}


def run_autograder(root: str | os.PathLike) -> dict:
    """Grade ``root/submission``'s notebook with ``root/source/config.json``; write and return results.json."""
    root = Path(root)
    config = json.loads((root / "source" / "config.json").read_text(encoding="utf-8"))
    ex = load_exercise(config["exercise"], int(config["seed"]))
    settings = Settings(Limits(timeout=float(config["timeout"])), class_lang=config.get("class_lang", "ko"))
    start = time.monotonic()
    path = _find_submission(root / "submission", ex.name)
    if path is None:
        # no notebook, so no language to tell: both
        text = "\n".join(MESSAGES("gs_no_notebook", lang=lang) for lang in ("ko", "en"))
        results = {"score": 0.0, "output": text + "\n", "visibility": "visible",
                   "tests": [], "extra_data": {"exercise": ex.name, "status": "invalid"}}
    else:
        # as in a batch: its own unprivileged user as root; the builtin path also covers the
        # autograder's own folders (the seed is in source/config.json)
        hide = hidden_dirs({str(root / "source"), str(root / "submission"), str(root / "results")})
        result = grade_submission(ex, path.name[:-6], path.read_bytes(), settings, slot_uids(1)[0], hide)
        results = results_json(result, time.monotonic() - start)
        others = [str(p.relative_to(root / "submission")) for p in _notebooks(root / "submission") if p != path]
        line = MESSAGES("gs_graded_file", lang=result.graded.lang, name=str(path.relative_to(root / "submission")))
        if others:
            line += " " + MESSAGES("gs_others", lang=result.graded.lang, n=len(others), names=", ".join(others[:5]))
        results["output"] = line + "\n" + results["output"]
        results["extra_data"]["graded_file"] = str(path.relative_to(root / "submission"))
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m actlab.grade.gradescope --root /autograder`` (what run_autograder calls)."""
    p = argparse.ArgumentParser(prog="python -m actlab.grade.gradescope")
    p.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    args = p.parse_args(argv)
    results = run_autograder(args.root)
    print(f"score {results['score']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
