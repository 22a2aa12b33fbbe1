"""A Colab-like Python: Python 3.12 with the packages Colab ships, in a virtual environment kept
between runs (``.venv/colab-py3.12``, or the folder in ``$ACTLAB_COLAB_ENV``).

    python3 tests/colab/colab_env.py     build it, or check that the kept one is still pristine

``python3 make.py test`` runs this in the background while it builds the book, so that the Colab
tests find the environment ready; the tests call :func:`ensure` themselves, which waits for a build
under way and builds it when nobody did. Standard library only: make.py runs it before the course's
virtual environment exists.

The environment is shared by the pytest workers and by runs: a lock file beside it (``fcntl.flock``:
the stdlib's lock, since this runs before any package is installed; the Colab tests are POSIX-only
anyway) is held exclusively while it is built or changed and shared while a notebook runs in it.
:func:`ensure` rebuilds it when Python, the package list or what ``pip freeze`` shows differ from
what was recorded after the build, so a test never starts from an environment an earlier run changed.
"""
from __future__ import annotations

import contextlib
import fcntl
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

STAMP = "colab-env.json"


def folder() -> Path:
    return Path(os.environ.get("ACTLAB_COLAB_ENV") or ROOT / ".venv" / "colab-py3.12")


def python312() -> str:
    """Python 3.12 when the machine has it (Colab's version), else the running interpreter."""
    candidates = [shutil.which("python3.12"), *sorted(glob.glob("/root/.pyenv/versions/3.12*/bin/python3.12")),
                  "/usr/bin/python3.12"]
    for exe in filter(None, candidates):
        if subprocess.run([exe, "-c", "pass"], capture_output=True).returncode == 0:
            return exe
    return sys.executable


def lock_file(env: Path) -> Path:
    return env.parent / f"{env.name}.lock"


@contextlib.contextmanager
def locked(path: Path, *, exclusive: bool = True):
    """Hold the lock file ``path``: exclusive to build or change what it guards, shared to use it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pip(py, *args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(py), "-m", "pip", *args, "--disable-pip-version-check"], **kw)


def install(py) -> None:
    """Colab's packages into the environment at ``py``: with the course venv's uv when make.py has
    installed it (the list pulls in about 90 packages; pip takes minutes), else with the
    environment's own pip. The environment keeps its pip either way: the setup cell runs it."""
    uv = ROOT / ".venv" / "bin" / "uv"
    if uv.exists() and subprocess.run([str(uv), "pip", "install", "-q", "--compile-bytecode", "--python", str(py), *COLAB_PACKAGES]).returncode == 0:
        return
    pip(py, "install", "-q", *COLAB_PACKAGES, check=True)


def freeze(py) -> list[str]:
    out = pip(py, "freeze", capture_output=True, text=True, check=True)
    return sorted(out.stdout.splitlines())


def wanted(base_python: str) -> dict:
    version = subprocess.run([base_python, "-c", "import sys; print(sys.version)"], capture_output=True,
                             text=True, check=True).stdout.strip()
    return {"python": version, "packages": COLAB_PACKAGES}


def ensure(env: Path | None = None) -> Path:
    """The environment's python, pristine (Colab's packages and nothing else); built when missing
    or changed. Waits while another process builds it."""
    env = env or folder()
    py = env / "bin" / "python"
    base = python312()
    with locked(lock_file(env)):
        stamp = env / STAMP
        recorded = json.loads(stamp.read_text()) if stamp.exists() else None
        if recorded and py.exists() and {k: recorded[k] for k in ("python", "packages")} == wanted(base):
            # an interrupted run may have left actlab installed: that alone is no reason to rebuild
            pip(py, "uninstall", "-q", "-y", "actlab", capture_output=True)
            if freeze(py) == recorded["freeze"]:
                return py
        print(f"[colab] building a Colab-like environment in {env} with {base}", flush=True)
        shutil.rmtree(env, ignore_errors=True)
        subprocess.run([base, "-m", "venv", str(env)], check=True)
        install(py)
        stamp.write_text(json.dumps({**wanted(base), "freeze": freeze(py)}, indent=1))
    return py


if __name__ == "__main__":
    print(ensure())
