"""The setup cell in Colab: it installs actlab and upgrades nothing Colab has (see colab_notebooks.py)."""
from __future__ import annotations

import pytest
import yaml

import colab_env
from colab_notebooks import NOTEBOOKS, ROOT, colab_env as env_for, expected_notebooks, lang_of, rel, run_alone, setup_cells

SETUP_CELLS = setup_cells()


def test_the_colab_tests_cover_every_notebook_of_both_books():
    """The glob of colab_notebooks.py picks up new chapters by itself; this checks it finds exactly
    the chapters and student notebooks that the sources generate and both books' tables of contents
    list, the same number in each language, and no answer key."""
    tocs = [yaml.safe_load((ROOT / name).read_text(encoding="utf-8")) for name in ("_toc.yml", "_toc_en.yml")]
    listed = {ROOT / f"{c['file']}.ipynb" for toc in tocs for part in toc["parts"] for c in part["chapters"]
              if c["file"].startswith(("chapters/", "exercises/"))}
    assert set(NOTEBOOKS) == expected_notebooks(), "stored notebooks differ from what the sources generate"
    missing = sorted(rel(p) for p in listed - set(NOTEBOOKS))
    assert not missing, f"notebooks of the tocs that these tests would not cover: {missing}"
    assert set(NOTEBOOKS) == listed, f"not in a toc: {sorted(rel(p) for p in set(NOTEBOOKS) - listed)}"
    ko = [p.relative_to(p.parent.parent.parent) for p in NOTEBOOKS if lang_of(p) == "ko"]
    en = [p.relative_to(p.parent.parent.parent) for p in NOTEBOOKS if lang_of(p) == "en"]
    assert ko and [str(p).replace("/ko/", "/") for p in ko] == [str(p).replace("/en/", "/") for p in en]
    assert not [p for p in NOTEBOOKS if "solutions" in p.parts]


def test_every_notebook_starts_with_a_setup_cell_tested_here():
    """The install is tested once per distinct setup cell (below): that covers every notebook only
    while each notebook's first cell is one of them and the cells are what Colab needs."""
    assert "" not in SETUP_CELLS, f"no code cell first: {[rel(p) for p in SETUP_CELLS.get('', [])]}"
    for cell, paths in SETUP_CELLS.items():
        assert len({lang_of(p) for p in paths}) == 1, "one setup cell per language (it sets the language)"
        assert "google.colab" in cell and "ACTLAB_WHEEL" in cell and "pip" in cell


@pytest.mark.parametrize("cell", list(SETUP_CELLS),
                         ids=[f"{lang_of(p[0])}-{len(p)}-notebooks" for p in SETUP_CELLS.values()])
def test_setup_cell_installs_actlab_and_upgrades_nothing_colab_has(cell, colab_python, actlab_wheel, tmp_path):
    lang = lang_of(SETUP_CELLS[cell][0])
    standin = tmp_path / "standin" / "google" / "colab"
    standin.mkdir(parents=True)
    (standin.parent / "__init__.py").write_text("")
    (standin / "__init__.py").write_text('"""Stand-in for Colab\'s module: only its presence matters."""\n')
    env = env_for(colab_python, PYTHONPATH=str(tmp_path / "standin"), ACTLAB_WHEEL=str(actlab_wheel["wheel"]))
    # exclusive: installing changes the environment the other worker's notebooks run in
    with colab_env.locked(colab_env.lock_file(colab_env.folder())):
        before = colab_env.freeze(colab_python)
        assert not [line for line in before if line.lower().startswith("actlab")], "actlab there before the cell"
        try:
            report = run_alone(colab_python, "setup", tmp_path / "alone", env, source=cell)
            after = colab_env.freeze(colab_python)
        finally:
            colab_env.pip(colab_python, "uninstall", "-q", "-y", "actlab", capture_output=True)
    assert report["errors"] == 0
    site = colab_python.parent.parent / "lib"
    assert report["actlab"].startswith(str(site)), f"the cell did not install actlab: imported {report['actlab']}"
    assert report["lang"] == lang
    added = sorted(set(after) - set(before))
    assert [line.split("@")[0].split("==")[0].strip().lower() for line in added] == ["actlab"], added
    assert not set(before) - set(after), f"installing actlab changed Colab's packages: {sorted(set(before) - set(after))}"
