"""Shared helpers of tests/exercises: read an exercise's bilingual source, build the key's or a
student's namespace. A uniquely named module rather than conftest.py, which another folder's
conftest could shadow when the whole suite runs in one process.

The sources are read with jupytext, independently of tools/nbsource.py (only its rule for per-language
comments is shared): the tests check the sources as the format defines them (MyST notebooks; Markdown cells
carry ``lang``, code cells their kind as a tag).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext
import numpy as np

import actlab
from actlab import exercises

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from nbsource import localize  # noqa: E402
SOURCES = ROOT / "exercises" / "src"
SEEDS = (0, 1, 2, 7, 12345)
_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*\n?", re.M | re.S)


def source_path(exercise_id: str) -> Path:
    return SOURCES / f"{exercises.get(exercise_id).SLUG}.md"


def cells(exercise_id: str, lang: str | None = None) -> list[tuple[str, str]]:
    """(kind, text) of every cell of the exercise's source, in order, its own setup cell aside: kind is
    ``md ko``, ``md en``, ``code`` or ``code <tag>`` (``code solution``, ``code check``). With ``lang``, code
    as that language's notebooks have it: its own version of a per-language cell, its own comments."""
    nb = jupytext.read(source_path(exercise_id), fmt="myst")
    out = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            out.append((f"md {cell.metadata['lang']}", cell.source + "\n"))
        elif "setup" in cell.metadata.get("tags", []) or cell.metadata.get("lang", lang) != lang:
            continue
        else:
            code = localize(cell.source, lang) if lang else cell.source
            out.append((" ".join(["code", *cell.metadata.get("tags", [])]), code + "\n"))
    return out


def stub(code: str) -> str:
    """What the student sees: each solution region becomes ``raise NotImplementedError``."""
    return _REGION.sub(lambda m: f"{m.group(1)}raise NotImplementedError\n", code)


def namespace(exercise_id: str, student: bool = False, lang: str = "en") -> dict:
    """Run the key's (or the stubbed) code cells, as the notebook would, minus the check cells."""
    ns: dict = {"actlab": actlab, "__name__": "__main__"}
    for kind, text in cells(exercise_id, lang):
        words = kind.split()
        if words[0] != "code" or "check" in words[1:]:
            continue
        source = stub(text) if student and "solution" in words[1:] else text
        exec(compile(source, f"<{exercise_id} cell>", "exec"), ns)  # noqa: S102 - our own sources
    return ns


def cases_for(exercise_id: str, seed: int):
    return exercises.all_cases(exercise_id, np.random.default_rng(seed))
