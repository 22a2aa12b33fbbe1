"""Every Korean notebook (chapters and student notebooks) runs alone in Colab's environment; why
the English twins need not run again here: colab_notebooks.py."""
from __future__ import annotations

import pytest

import colab_env
from colab_notebooks import colab_env as env_for, korean, rel, run_alone


@pytest.mark.parametrize("notebook", korean(), ids=rel)
def test_notebook_runs_alone_in_colab_with_actlab_installed(notebook, colab_python, actlab_wheel, tmp_path):
    env = env_for(colab_python, PYTHONPATH=str(actlab_wheel["site"]))
    # shared: notebooks run side by side; only the install test changes the environment
    with colab_env.locked(colab_env.lock_file(colab_env.folder()), exclusive=False):
        report = run_alone(colab_python, notebook, tmp_path / "alone", env)
    assert report["errors"] == 0
    assert report["actlab"].startswith(str(actlab_wheel["site"])), f"not the wheel's actlab: {report['actlab']}"
    assert report["lang"] == "ko"
