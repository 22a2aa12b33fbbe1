"""Helpers for the grader's tests: notebooks made on the fly, and the fake exercise (not a conftest:
tests/exercises has one, and two modules named conftest collide)."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
FAKE = str(HERE / "fake_exercise.py")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(
    not IS_ROOT, reason="filesystem and user isolation need root (CI runs as root); run as root to test it")

GOOD = ["import numpy as np",
        "def double(x):\n    return 2 * x",
        "def softsign(x):\n    return x / (1 + np.abs(x))"]
STUB = ["import numpy as np",
        "def double(x):\n    raise NotImplementedError  # 여기에 코드를 쓰세요",
        "def softsign(x):\n    raise NotImplementedError  # 여기에 코드를 쓰세요"]


def notebook(cells, lang="ko", check_cell=True) -> str:
    """A notebook like the generated ones: setup cell, the given code cells, a tagged check cell."""
    setup = ("import os, subprocess, sys\ntry:\n    import google.colab  # noqa: F401\nexcept ImportError:\n"
             f"    pass\nimport actlab\nactlab.notebook.setup(\"{lang}\")")
    nb_cells = [new_code_cell(setup), new_markdown_cell("# 연습")]
    nb_cells += [new_code_cell(c) for c in cells]
    if check_cell:
        nb_cells.append(new_code_cell('actlab.exercises.check("fake", globals())', metadata={"tags": ["check"]}))
    return nbformat.writes(new_notebook(cells=nb_cells))


def write(directory: Path, name: str, text: str) -> Path:
    path = Path(directory) / f"{name}.ipynb"
    path.write_text(text, encoding="utf-8")
    return path
