"""What Colab will do: each notebook, alone in an empty folder, on a fresh Python 3.12 with Colab's
packages, installs actlab from its first cell and runs top to bottom.

The stand-in ``google.colab`` module makes the setup cell believe it runs in Colab, and the
``ACTLAB_WHEEL`` variable points its install at a wheel built from this checkout instead of the
repository address. The environment holds only what Colab preinstalls (pinned to versions Colab has
shipped, ipywidgets 7.7 included), so the test also proves that installing actlab upgrades nothing.

Shared by test_colab_ko.py and test_colab_en.py: two modules, each with its own environment, so that
the two xdist workers (--dist loadfile) share the work instead of one running all 34 notebooks.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]

# Versions Colab has shipped for Python 3.12 (what `pip list` printed there in 2025); loose enough
# that PyPI still serves wheels for them.
COLAB_PACKAGES = [
    "numpy==2.0.2", "scipy==1.15.3", "matplotlib==3.10.0", "ipywidgets==7.7.1", "ipykernel==6.17.1",
    "ipython==7.34.0", "nbformat==5.10.4", "nbclient==0.10.2", "jupyter_client==7.4.9",
]

NOTEBOOKS = sorted(
    p for folder in ("chapters/ko", "chapters/en", "exercises/ko", "exercises/en")
    for p in (ROOT / folder).glob("*.ipynb")
)

RUNNER = r"""
import json, sys
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
print(json.dumps({"errors": len(errors)}))
"""


def python312() -> str:
    """Python 3.12 when the machine has it (Colab's version), else the running interpreter."""
    candidates = [shutil.which("python3.12"), *sorted(glob.glob("/root/.pyenv/versions/3.12*/bin/python3.12")),
                  "/usr/bin/python3.12"]
    for exe in filter(None, candidates):
        if subprocess.run([exe, "-c", "pass"], capture_output=True).returncode == 0:
            return exe
    return sys.executable


def notebooks(lang: str) -> list[Path]:
    return [p for p in NOTEBOOKS if p.parent.name == lang]


def make_colab(tmp_path_factory):
    """A Colab-like Python 3.12 environment and a wheel of this checkout's library."""
    base = tmp_path_factory.mktemp("colab")
    # built from a copy: building in the checkout leaves build/lib/actlab there, a second copy of the
    # library that a graded submission could try to load by path
    src = base / "src"
    shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT.md"):
        shutil.copy2(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", base / "dist", src], check=True, cwd=base)
    wheel = next((base / "dist").glob("actlab-*.whl"))
    venv = base / "venv"
    subprocess.run([python312(), "-m", "venv", venv], check=True)
    py = venv / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", *COLAB_PACKAGES], check=True)
    standin = base / "standin" / "google" / "colab"
    standin.mkdir(parents=True)
    (standin.parent / "__init__.py").write_text("")
    (standin / "__init__.py").write_text('"""Stand-in for Colab\'s module: only its presence matters."""\n')
    env = dict(os.environ, PYTHONPATH=str(base / "standin"), ACTLAB_WHEEL=str(wheel), MPLBACKEND="Agg")
    env.pop("VIRTUAL_ENV", None)
    return {"base": base, "py": py, "env": env}


def freeze(py) -> set[str]:
    out = subprocess.run([py, "-m", "pip", "freeze", "--disable-pip-version-check"], capture_output=True, text=True)
    return set(out.stdout.splitlines())


def check_every_notebook_of_the_book_is_run():
    """The glob above picks up new chapters by itself; this checks it finds exactly the notebooks the
    book's table of contents lists (chapters 01-10 and the exercises, both languages), no answer key."""
    import yaml
    tocs = [yaml.safe_load((ROOT / name).read_text(encoding="utf-8")) for name in ("_toc.yml", "_toc_en.yml")]
    listed = {ROOT / f"{c['file']}.ipynb" for toc in tocs for part in toc["parts"] for c in part["chapters"]
              if c["file"].startswith(("chapters/", "exercises/"))}
    assert len(listed) == 2 * (10 + 7), sorted(str(p.relative_to(ROOT)) for p in listed)
    missing = sorted(str(p.relative_to(ROOT)) for p in listed - set(NOTEBOOKS))
    assert not missing, f"notebooks of the toc that this test would not run: {missing}"
    assert set(NOTEBOOKS) == listed
    assert not [p for p in NOTEBOOKS if "solutions" in p.parts]


def check_installing_actlab_upgrades_nothing_colab_has(colab):
    before = freeze(colab["py"])
    subprocess.run([colab["py"], "-m", "pip", "install", "-q", colab["env"]["ACTLAB_WHEEL"]], check=True)
    after = freeze(colab["py"])
    changed = {line for line in after - before if not line.lower().startswith("actlab")}
    assert not changed, f"installing actlab changed Colab's packages: {sorted(changed)}"
    subprocess.run([colab["py"], "-m", "pip", "uninstall", "-q", "-y", "actlab"], check=True)


def check_notebook_runs_alone_after_its_first_cell_installs_actlab(colab, notebook, tmp_path):
    subprocess.run([colab["py"], "-m", "pip", "uninstall", "-q", "-y", "actlab"], capture_output=True)
    work = tmp_path / "alone"
    work.mkdir()
    copy = work / notebook.name
    shutil.copy(notebook, copy)
    result = subprocess.run([colab["py"], "-c", RUNNER, copy, work], env=colab["env"], cwd=work,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"errors": 0}
    installed = subprocess.run([colab["py"], "-m", "pip", "show", "actlab"], capture_output=True, text=True)
    assert installed.returncode == 0, "the first cell did not install actlab"
