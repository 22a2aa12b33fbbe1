"""The static delegation screen (no processes: fast)."""
import pytest

from actlab.grade.notebook import InvalidNotebook, read_submission, to_python
from actlab.grade.screen import screen

from grader_notebooks import notebook

FNS = ("sigmoid", "tanh")
HONEST = "import numpy as np\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"


def flagged(*cells):
    return screen(list(enumerate(cells, start=1)), FNS)


@pytest.mark.parametrize("code", [
    "import actlab\ndef sigmoid(x):\n    return actlab.sigmoid(x)",
    "def sigmoid(x):\n    return actlab.sigmoid(x)",  # actlab from the setup cell
    "from actlab import sigmoid as s\ndef sigmoid(x):\n    return s(x)",
    "from actlab.activations import sigmoid as ref\ndef sigmoid(x):\n    return ref(x)",
    "import scipy.special\ndef sigmoid(x):\n    return scipy.special.expit(x)",
    "import scipy\ndef sigmoid(x):\n    return scipy.special.expit(x)",
    "from scipy import special\ndef sigmoid(x):\n    return special.expit(x)",
    "from scipy.special import expit\ndef sigmoid(x):\n    return expit(x)",
    "from scipy.special import *\ndef sigmoid(x):\n    return expit(x)",
    "import torch\ndef sigmoid(x):\n    return torch.sigmoid(torch.tensor(x)).numpy()",
    "f = torch_alias = None\nimport torch as T\nf = T.sigmoid\ndef sigmoid(x):\n    return f(x)",
    "def sigmoid(x):\n    import actlab\n    return actlab.sigmoid(x)",
    "def sigmoid(x):\n    return __import__('act' + 'lab').sigmoid(x)",
    "import importlib\ndef sigmoid(x):\n    return importlib.import_module('x').sigmoid(x)",
    "def sigmoid(x):\n    import importlib\n    return importlib.import_module(name).sigmoid(x)",
    "import sys\ndef sigmoid(x):\n    return sys.modules['actlab'].sigmoid(x)",
    "def sigmoid(x):\n    return eval('np.tanh')(x)",
    "def sigmoid(x):\n    return globals()['ref'](x)",
    "def helper(x):\n    return actlab.sigmoid(x)\ndef sigmoid(x):\n    return helper(x)",
    "def deep(x):\n    return actlab.sigmoid(x)\ndef helper(x):\n    return deep(x)\ndef sigmoid(x):\n    return helper(x)",
    "class Act:\n    def f(self, x):\n        return actlab.sigmoid(x)\ndef sigmoid(x):\n    return Act().f(x)",
    "sigmoid = lambda x: actlab.sigmoid(x)",
    "import actlab\nsigmoid = actlab.sigmoid",
    "def sigmoid(x):\n    return getattr(np, name)(x)",
    # a copy of the library (a build/ folder, another environment) loaded by path under another name
    "import importlib.util as u\ns = u.spec_from_file_location('m', p + '/__init__.py', submodule_search_locations=[p])\n"
    "m = u.module_from_spec(s)\ns.loader.exec_module(m)\ndef sigmoid(x):\n    return m.activations.sigmoid(x)",
    "from importlib.util import module_from_spec as mfs, spec_from_file_location as sfl\nm = mfs(sfl('m', path))\n"
    "def sigmoid(x):\n    return m.sigmoid(x)",
    "from importlib import util\ndef load(p):\n    s = util.spec_from_file_location('m', p)\n    m = util.module_from_spec(s)\n"
    "    s.loader.exec_module(m)\n    return m\nref = load(path).sigmoid\ndef sigmoid(x):\n    return ref(x)",
    "import runpy as r\nns = r.run_path(path)\ndef sigmoid(x):\n    return ns['sigmoid'](x)",
    "import marshal as m, types\nf = types.FunctionType(m.loads(data), {})\ndef sigmoid(x):\n    return f(x)",
    # the import machinery found through the class hierarchy, without naming a module
    "imp = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'BuiltinImporter'][0]\n"
    "def sigmoid(x):\n    return imp.load_module('x').f(x)",
    "def sigmoid(x):\n    return print.__self__.open",
])
def test_delegation_is_flagged(code):
    assert "sigmoid" in flagged(code), code


@pytest.mark.parametrize("code", [
    HONEST,
    HONEST + 'def tanh(x):\n    """Like torch.tanh and actlab.tanh, but mine."""\n    return np.tanh(x)',
    HONEST + "import actlab\nprint(actlab.sigmoid(0.0))  # comparing at top level is fine",
    HONEST + "def tanh(x):\n    special = 2.0\n    return np.tanh(x) * special / 2",
    HONEST + "def tanh(x):\n    return getattr(np, 'tanh')(x)",
    "import numpy as np\nfrom math import exp\ndef sigmoid(x):\n    return np.vectorize(lambda v: 1 / (1 + exp(-v)))(x)",
    HONEST + "import importlib, sys\nimportlib.reload(np)  # at top level, not used by a graded function\n"
             "def tanh(x):\n    return np.tanh(x) * (1 + sys.float_info.epsilon * 0)",
])
def test_honest_code_is_not_flagged(code):
    assert "sigmoid" not in flagged(code) and "tanh" not in flagged(code)


def test_reason_names_module_cell_line_and_helper():
    found = flagged(HONEST, "def helper(x):\n    return actlab.tanh(x)\n", "def tanh(x):\n    return helper(x)")
    assert found["tanh"] == ("module", "actlab.tanh", 2, 2, "helper")
    assert "sigmoid" not in found


def test_syntax_errors_are_skipped():
    assert flagged("def sigmoid(x) return", HONEST) == {}


def test_magics_become_calls():
    code = to_python("%timeit f(1)\n!ls\ndef f(x):\n    return x\n")
    compile(code, "<cell>", "exec")
    assert "get_ipython()" in code and "def f(x):" in code


def test_setup_and_check_cells_are_skipped_and_language_read():
    sub = read_submission(notebook(["x = 1"], lang="en").encode())
    assert sub.lang == "en"
    assert [src for _, src in sub.cells] == ["x = 1"]
    assert sub.cells[0][0] == 3  # numbered like the notebook's cells (setup, markdown, this)


def test_untagged_check_cell_runs():
    """Only the tag decides: a cell that also defines a function must never be dropped."""
    code = 'def f(x):\n    return x\nactlab.exercises.check("ex02", globals())'
    sub = read_submission(notebook(["x = 1", code], check_cell=False).encode())
    assert [src for _, src in sub.cells] == ["x = 1", code]


@pytest.mark.parametrize("data", [b"\xff\xfe", b"[]", b'{"cells": 3, "nbformat": 4}', b"{", b'{"nbformat": 5, "cells": []}'])
def test_invalid(data):
    with pytest.raises(InvalidNotebook):
        read_submission(data)


def _without_ids(text: str) -> bytes:
    import json

    raw = json.loads(text)
    for cell in raw["cells"]:
        cell.pop("id", None)
    return json.dumps(raw).encode()


def test_cells_without_ids_are_read_without_a_warning():
    """Jupyter before 2021 wrote no cell ids: nbformat warns on stderr for each such notebook."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sub = read_submission(_without_ids(notebook(["x = 1"], lang="en")))
    assert [src for _, src in sub.cells] == ["x = 1"] and sub.lang == "en"
    assert not caught, [str(w.message) for w in caught]


@pytest.mark.parametrize("data, ko, en", [
    (b"\xff\xfe", "UTF-8 텍스트가 아닙니다", "not UTF-8 text"),
    (b'{"cells": [', "JSON 형식이 올바르지 않습니다", "not valid JSON"),
    (b'{"hello": 1}', "Jupyter 노트북이 아닙니다", "not a Jupyter notebook"),
    (b'{"nbformat": 5, "cells": []}', "지원하지 않는 노트북 형식", "unsupported nbformat 5"),
    (b'{"nbformat": 4, "nbformat_minor": 5, "cells": 3, "metadata": {}}', "노트북 구조가 올바르지 않습니다", "not a valid notebook"),
], ids=["utf8", "json", "no-cells", "nbformat", "schema"])
def test_why_a_file_is_not_a_notebook_is_said_in_both_languages(data, ko, en):
    with pytest.raises(InvalidNotebook) as info:
        read_submission(data)
    assert ko in info.value.text("ko") and en in info.value.text("en") and en in str(info.value)


@pytest.mark.parametrize("lang, needle", [("ko", "노트북 파일로 읽을 수 없습니다: JSON 형식이 올바르지 않습니다"),
                                          ("en", "not a notebook the grader can read: not valid JSON")],
                         ids=["ko", "en"])
def test_a_broken_notebook_gets_feedback_in_its_own_language(lang, needle):
    """A notebook cut short still holds its setup cell: its language is read from the raw text."""
    from actlab.grade import Settings, load_exercise
    from actlab.grade.core import grade_submission

    from grader_notebooks import FAKE, GOOD

    text = notebook(GOOD, lang=lang)
    cut = text[: text.index("def double")].encode()
    result = grade_submission(load_exercise(FAKE, 0), "s", cut, Settings())
    assert result.row["status"] == "invalid" and needle in result.row["feedback"], result.row
    assert needle in result.feedback
    assert ("점수: 0 / 8" if lang == "ko" else "Score: 0 / 8") in result.feedback


def test_korean_grader_messages_avoid_hedged_particles():
    """이(가), (으)로 and the like read as machine text; the messages are phrased to need none."""
    from actlab.grade.feedback import MESSAGES

    hedged = [key for key in MESSAGES.keys() if "이(가)" in MESSAGES(key, lang="ko") or "(으)로" in MESSAGES(key, lang="ko")]
    assert not hedged


# -- one list of forbidden modules (issue 9: the check cell warned about jax, the grader let it through)

@pytest.mark.parametrize("module", ["jax", "tensorflow", "keras"])
def test_every_forbidden_module_is_flagged_by_the_check_cell_the_screen_and_the_child(module, tmp_path, monkeypatch):
    import types

    from actlab import exercises
    from actlab.grade import core, screen as screen_module

    assert screen_module.FORBIDDEN is exercises.FORBIDDEN_MODULES and module in exercises.FORBIDDEN_MODULES
    # the screen
    code = f"import {module}\ndef sigmoid(x):\n    return {module}.nn.sigmoid(x)"
    assert flagged(code)["sigmoid"][:2] == ("module", f"{module}.nn.sigmoid")
    # the check cell
    fake = types.ModuleType(module)
    fake.sigmoid = lambda x: x
    fake.sigmoid.__module__ = module
    ns = {"lib": fake}
    exec("def sigmoid(x):\n    return lib.sigmoid(x)", ns)
    assert exercises.forbidden_references(ns["sigmoid"]) == [f"lib ({module})"]
    # the child: the grader sends it the same list to replace by stand-ins
    sent = {}

    def spy(*args, **kwargs):
        sent.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr(core, "run_child", spy)
    from grader_notebooks import FAKE, GOOD, notebook

    ex = core.load_exercise(FAKE, 0)
    with pytest.raises(RuntimeError, match="stop here"):
        core.grade_submission(ex, "s", notebook(GOOD).encode(), core.Settings(isolation="builtin"))
    assert sent["blocked"] == exercises.FORBIDDEN_MODULES


def test_the_child_replaces_a_forbidden_module_by_a_stand_in_that_raises(tmp_path):
    """At run time, in the child: a call the static screen could not see is delegation too."""
    from actlab.grade import Limits, Settings, grade_batch

    from grader_notebooks import FAKE, GOOD, notebook, write

    # the module is bound inside a helper the graded function never names: the screen sees nothing
    sneaky = "import numpy as np\ndef setup():\n    global lib\n    lib = __import__('ker' + 'as')\nsetup()"
    write(tmp_path, "s", notebook([sneaky, "def double(x):\n    return lib.ops.multiply(2, x)", GOOD[2]]))
    rows = grade_batch(FAKE, [tmp_path / "s.ipynb"], tmp_path / "g.csv", workers=1, settings=Settings(Limits(timeout=20)))
    text = (tmp_path / "g_feedback" / "s.txt").read_text(encoding="utf-8")
    assert rows[0]["functions"] == "double=0/4;softsign=4/4", text
    assert "keras.ops.multiply" in text and "delegation" in rows[0]["flags"], text  # the run-time fence's message
