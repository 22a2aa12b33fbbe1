"""Colab's view of the English notebooks (chapters and exercises): see colab_notebooks.py."""
import pytest

from colab_notebooks import (ROOT, check_every_notebook_of_the_book_is_run,
                             check_installing_actlab_upgrades_nothing_colab_has,
                             check_notebook_runs_alone_after_its_first_cell_installs_actlab, make_colab, notebooks)


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    return make_colab(tmp_path_factory)


def test_there_are_en_notebooks():
    assert len(notebooks("en")) == 10 + 7


@pytest.mark.parametrize("notebook", notebooks("en"), ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_runs_alone_after_its_first_cell_installs_actlab(colab, notebook, tmp_path):
    check_notebook_runs_alone_after_its_first_cell_installs_actlab(colab, notebook, tmp_path)
