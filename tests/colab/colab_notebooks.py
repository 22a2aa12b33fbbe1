"""What Colab will do with the course's notebooks, and which notebooks that is.

In Colab a notebook opens alone, on Python 3.12 with Colab's packages; its first cell (the setup
cell) installs actlab when the ``google.colab`` module exists, then the notebook runs top to bottom.
The tests split that into the two things that can break, each proven once:

- the install (test_colab_install.py): every distinct setup cell of the notebooks (one per
  language) runs in the Colab-like environment with a stand-in ``google.colab`` module, installs
  actlab from a wheel of this checkout (``$ACTLAB_WHEEL`` stands in for the repository address)
  and upgrades nothing Colab has. Every notebook's first cell is one of these cells, text for text,
  so this proves the install of every notebook without repeating it 34 times.
- the program (test_colab_notebooks.py): every Korean notebook, chapters and student notebooks,
  alone in an empty folder, runs top to bottom in that environment with actlab from the same wheel
  already in place (as in Colab after the first cell). The English notebooks are not run again:
  tests/notebooks/test_stored_notebooks.py (the twin test) proves that their code cells are the
  Korean ones, source and tags, after the setup cell, and the English setup cell itself runs here
  in the install test. What differs between the twins is text (Markdown, the language the library
  prints and labels in), which nbval checks in the course's own environment.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import nbsource  # noqa: E402

#: The folders Colab links point at (chapters and student notebooks; the answer keys are not linked).
FOLDERS = ("chapters/ko", "chapters/en", "exercises/ko", "exercises/en")

NOTEBOOKS = sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*.ipynb"))

#: The cell appended to every notebook run: where actlab was imported from, the language the setup cell chose.
PROBE = ("import json, actlab, actlab.i18n\n"
         "print(json.dumps({'actlab': actlab.__file__, 'lang': actlab.i18n.get_language()}))")


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def lang_of(path: Path) -> str:
    return path.parent.name


def korean() -> list[Path]:
    return [p for p in NOTEBOOKS if lang_of(p) == "ko"]


def expected_notebooks() -> set[Path]:
    """What the sources generate for the folders above: chapters and student notebooks, both languages."""
    return {path for src in nbsource.all_sources() for path, _, _ in nbsource.targets(src)
            if "solutions" not in path.parts}


def setup_cells() -> dict[str, list[Path]]:
    """Each distinct first cell of the notebooks, with the notebooks that start with it."""
    cells: dict[str, list[Path]] = {}
    for path in NOTEBOOKS:
        first = nbformat.read(path, as_version=4).cells[0]
        cells.setdefault(first.source if first.cell_type == "code" else "", []).append(path)
    return cells


def colab_env(python: Path, **extra) -> dict:
    """The environment variables of a process in the Colab-like Python (none of the course's venv)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "ACTLAB_WHEEL")}
    env.update(MPLBACKEND="Agg", PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}", **extra)
    return env


def run_alone(python: Path, notebook: Path | str, work: Path, env: dict, source: str | None = None) -> dict:
    """Run ``notebook`` (or a notebook made of ``source``) alone in the empty folder ``work``, in a
    kernel of the Colab-like ``python`` with the environment variables ``env``.

    Only the kernel is Colab's (ipykernel, IPython, NumPy, Matplotlib... what the notebook's code
    meets); the client that drives it is this environment's nbclient, as nbval's is. Colab's own
    frontend is not nbclient, so the old nbclient/jupyter_client pair in the Colab-like environment
    proved nothing about Colab, and with today's pyzmq it sometimes missed a kernel message and sat
    idle until its timeout (about one notebook in twenty, 300 s each). The kernel talks over IPC
    sockets in a temporary folder, not TCP ports: two kernels started at the same moment by the two
    workers could pick the same free port (as tools/build_notebooks.py and conftest.py)."""
    work.mkdir()
    copy = work / (Path(notebook).name if source is None else "setup.ipynb")
    if source is None:
        copy.write_bytes(Path(notebook).read_bytes())
    else:
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), copy)
    nb = nbformat.read(copy, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    # a short folder of its own: a Unix socket's path must stay under about 100 bytes
    with tempfile.TemporaryDirectory(prefix="colab-kernel-") as kernels:
        spec = Path(kernels) / "kernels" / "colab"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Colab-like Python", "language": "python"}))
        km = KernelManager(kernel_name="colab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]),
                           transport="ipc", ip=f"{kernels}/kernel")
        NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(work)}}).execute(env=env)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    probe = json.loads("".join(o.get("text", "") for o in nb.cells[-1].outputs))
    return {"errors": len(errors), **probe}
