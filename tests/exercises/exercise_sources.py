"""Shared helpers of tests/exercises: read an exercise's bilingual source, build the key's or a
student's namespace. A uniquely named module rather than conftest.py, which another folder's
conftest could shadow when the whole suite runs in one process.

The parser here is deliberately independent of tools/nbsource.py: the tests check the sources as
the format in the team brief defines them (cells start with a ``%% <kind>`` marker line).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import actlab
from actlab import exercises

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "exercises" / "src"
SEEDS = (0, 1, 2, 7, 12345)
_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*\n?", re.M | re.S)


def source_path(exercise_id: str) -> Path:
    return SOURCES / f"{exercises.get(exercise_id).SLUG}.md"


def cells(exercise_id: str) -> list[tuple[str, str]]:
    """(marker words, text) of every cell of the exercise's source, in order."""
    out: list[tuple[str, list[str]]] = []
    for line in source_path(exercise_id).read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("%% "):
            out.append((line[3:].strip(), []))
        elif out:
            out[-1][1].append(line)
    return [(kind, "".join(text).strip("\n") + "\n") for kind, text in out]


def stub(code: str) -> str:
    """What the student sees: each solution region becomes ``raise NotImplementedError``."""
    return _REGION.sub(lambda m: f"{m.group(1)}raise NotImplementedError\n", code)


def namespace(exercise_id: str, student: bool = False) -> dict:
    """Run the key's (or the stubbed) code cells, as the notebook would, minus the check cells."""
    ns: dict = {"actlab": actlab, "__name__": "__main__"}
    for kind, text in cells(exercise_id):
        words = kind.split()
        if words[0] != "code" or "check" in words[1:]:
            continue
        source = stub(text) if student and "solution" in words[1:] else text
        exec(compile(source, f"<{exercise_id} cell>", "exec"), ns)  # noqa: S102 - our own sources
    return ns


def cases_for(exercise_id: str, seed: int):
    return exercises.all_cases(exercise_id, np.random.default_rng(seed))
