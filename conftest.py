"""How the suite is divided: markers to run a part, and the order and grouping of the xdist workers.

At the repository root so that it applies to the notebooks under chapters/ and exercises/ (nbval
collects them) as well as to tests/, whatever paths pytest is given. The markers are registered in
pytest.ini and described in README:

- ``notebooks``: nbval's re-run of a stored notebook (chapters, student notebooks, answer keys)
- ``colab``: the Colab tests (tests/colab/)
- ``browser``: tests that drive Chromium (they use the ``browser`` fixture)
- ``slow``: all of the above; ``-m "not slow"`` runs the library, grader and checks in a minute or two

``python3 make.py test`` runs ``--dist loadfile --no-loadscope-reorder``: each test file (each
notebook) is one unit of work for a worker (its cells share a kernel, its module fixtures are built
once), except the Colab tests, whose items are independent and go to whichever worker is free (the
scheduler below; xdist's own ``loadgroup`` cannot do this under pytest 9, which ignores the node ids
xdist rewrites). Units start longest first, so that no long unit starts when the other worker is
nearly done: browser files, then notebooks, then the other files, and the many Colab items last, where
they even out the two workers' ends.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
COLAB = ROOT / "tests" / "colab"

#: Start order of the units of work (lower first); see the module docstring.
BROWSER, NOTEBOOK, OTHER, COLAB_ITEM = range(4)


def _part(item) -> int:
    path = Path(item.path)
    if path.is_relative_to(COLAB):
        return COLAB_ITEM
    if path.suffix == ".ipynb":
        return NOTEBOOK
    if "browser" in getattr(item, "fixturenames", ()):
        return BROWSER
    return OTHER


def pytest_configure(config):
    """nbval's kernels talk over IPC sockets in a folder of this process, not TCP ports: the two
    workers start kernels all the time, and two kernels started at the same moment could pick the same
    free port, one then waiting forever (tools/build_notebooks.py does the same for the same reason)."""
    try:
        from jupyter_client.manager import KernelManager
        from nbval import kernel as nbval_kernel
    except ImportError:
        return
    sockets = tempfile.mkdtemp(prefix="nbval-kernels-")
    config.add_cleanup(lambda: shutil.rmtree(sockets, ignore_errors=True))

    class IpcKernelManager(KernelManager):
        def __init__(self, **kwargs):
            super().__init__(transport="ipc", ip=f"{sockets}/kernel", **kwargs)

    nbval_kernel.KernelManager = IpcKernelManager


@pytest.hookimpl(tryfirst=True)  # before -m deselects and before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    parts = {}
    for item in items:
        part = parts[item] = _part(item)
        name = {BROWSER: "browser", NOTEBOOK: "notebooks", COLAB_ITEM: "colab"}.get(part)
        if name:
            item.add_marker(name)
            item.add_marker("slow")
    # a file is a browser unit when any of its tests opens the browser
    browser_files = {item.path for item in items if parts[item] == BROWSER}
    for item in items:
        if parts[item] == OTHER and item.path in browser_files:
            parts[item] = BROWSER
    items.sort(key=parts.__getitem__)  # stable: a file's tests keep their order


def pytest_xdist_make_scheduler(config, log):
    """With ``--dist loadfile``: a file per unit of work, but each Colab test a unit of its own."""
    if config.getoption("dist", None) != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FilesAndColabItems(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if path.startswith("tests/colab/") else path

    return FilesAndColabItems(config, log)
