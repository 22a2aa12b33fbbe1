"""Fixtures of the Colab tests: the Colab-like environment and this checkout's library as a wheel.

Both are made once per run and shared by the xdist workers (the first worker to get there builds,
the other waits on a lock file), instead of once per test module as before.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # colab_env, colab_notebooks

import colab_env  # noqa: E402
from colab_notebooks import ROOT  # noqa: E402


@pytest.fixture(scope="session")
def colab_python() -> Path:
    """The Colab-like environment's python, pristine: Colab's packages, no actlab."""
    return colab_env.ensure()


@pytest.fixture(scope="session")
def actlab_wheel(tmp_path_factory, colab_python) -> dict:
    """``{"wheel": path, "site": folder}``: a wheel of this checkout's library, and the same wheel
    installed by pip into a folder of its own, to put on ``PYTHONPATH`` where actlab is "already
    installed"; built once for all workers in the run's shared temporary folder."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder all workers of this run share (pytest-xdist's documented recipe)
    base = shared / "colab-actlab"
    with colab_env.locked(shared / "colab-actlab.lock"):
        if not (base / "done").exists():
            shutil.rmtree(base, ignore_errors=True)
            # built from a copy: building in the checkout leaves build/lib/actlab there, a second copy
            # of the library that a graded submission could try to load by path
            src = base / "src"
            shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
            for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT.md"):
                shutil.copy2(ROOT / name, src / name)
            subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "--disable-pip-version-check", "-w", base / "dist", src], check=True, cwd=base)
            wheel = next((base / "dist").glob("actlab-*.whl"))
            colab_env.pip(colab_python, "install", "-q", "--no-deps", "--target", base / "site", wheel, check=True)
            (base / "done").write_text(wheel.name)
    return {"wheel": base / "dist" / (base / "done").read_text(), "site": base / "site"}
