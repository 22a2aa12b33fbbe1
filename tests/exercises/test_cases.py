"""The exercise checks: the key passes everything, stubs and wrong answers get the right feedback."""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

import numpy as np
import pytest
from exercise_sources import SEEDS, cases_for, namespace

import actlab
from actlab import exercises
from actlab.exercises import cases as C
from actlab.grade import runner

EX_IDS = sorted(exercises.EXERCISES)


def run_check(exercise_id, ns, lang, **kw) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exercises.check(exercise_id, ns, lang=lang, **kw)
    return out.getvalue()


def score(exercise_id, ns, seed):
    got = total = 0.0
    for case in cases_for(exercise_id, seed):
        total += case.points
        got += case.points * case.run(ns.get(case.function)).passed
    return got, total


# -- the contract ----------------------------------------------------------------------------

def test_registry_holds_the_nine_exercises():
    assert EX_IDS == [f"ex0{i}" for i in range(1, 10)]
    with pytest.raises(ValueError, match="exercise_id"):
        exercises.get("ex99")


@pytest.mark.parametrize("exercise_id", EX_IDS)
def test_module_contract(exercise_id):
    module = exercises.get(exercise_id)
    assert isinstance(module.FUNCTIONS, tuple) and module.FUNCTIONS
    assert set(module.TITLE) == {"ko", "en"}
    assert module.SLUG.startswith(exercise_id + "_")
    public = module.public_cases()
    hidden = module.hidden_cases(np.random.default_rng(0))
    ids = [c.id for c in public + hidden]
    assert len(ids) == len(set(ids)), "case ids must be unique within an exercise"
    for case in public + hidden:
        assert isinstance(case, C.Case) and case.function in module.FUNCTIONS and case.points > 0
    for f in module.FUNCTIONS:
        assert any(c.function == f for c in public), f"{f} has no public case"
        assert any(c.function == f for c in hidden), f"{f} has no hidden case"
    assert len(hidden) > len(public)


@pytest.mark.parametrize("exercise_id", EX_IDS)
def test_hidden_cases_come_from_the_rng(exercise_id):
    """Same seed, same cases; another seed, other inputs (reading the repository doesn't give them)."""
    def args(seed):  # what the grader sends its child: the arguments as JSON (dtype and bytes included)
        cases = exercises.get(exercise_id).hidden_cases(np.random.default_rng(seed))
        return [(c.id, json.dumps([runner.encode(a) for a in c.args])) for c in cases]

    assert args(3) == args(3)
    assert args(3) != args(4)


# -- the answer key --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("exercise_id", EX_IDS)
def test_the_key_passes_every_public_and_hidden_case(exercise_id, seed):
    ns = namespace(exercise_id)
    failed = [v.text("en") for c in cases_for(exercise_id, seed) if not (v := c.run(ns[c.function])).passed]
    assert not failed, "\n\n".join(failed)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("exercise_id", EX_IDS)
def test_check_output_for_the_key(exercise_id, lang):
    ns = namespace(exercise_id)
    n = len(exercises.get(exercise_id).public_cases())
    text = run_check(exercise_id, ns, lang)
    summary = {"ko": f"공개 검사 {n}개 중 {n}개를 통과했습니다. 채점할 때는 검사가 더 실행됩니다.",
               "en": f"{n}/{n} public checks passed. More checks run at grading time."}[lang]
    assert text.strip().endswith(summary)
    assert text.count("✓") == n and "✗" not in text
    _never_claims_everything(text)


def _never_claims_everything(text):
    lowered = text.lower()
    assert "all tests passed" not in lowered and "all checks passed" not in lowered
    assert "traceback" not in lowered and 'file "' not in lowered


# -- untouched stubs -------------------------------------------------------------------------

@pytest.mark.parametrize("exercise_id", EX_IDS)
def test_untouched_stubs_fail_every_case_as_not_implemented(exercise_id):
    ns = namespace(exercise_id, student=True)
    for seed in SEEDS[:2]:
        for case in cases_for(exercise_id, seed):
            verdict = case.run(ns[case.function])
            assert not verdict.passed and verdict.status == "not_implemented", case.id
            assert "not implemented yet" in verdict.text("en") and "아직 구현하지 않았습니다" in verdict.text("ko")
    for lang, words in [("ko", "아직 구현하지 않았습니다"), ("en", "not implemented yet")]:
        text = run_check(exercise_id, ns, lang)
        n = len(exercises.get(exercise_id).public_cases())
        assert text.count(words) == len(exercises.get(exercise_id).FUNCTIONS)
        assert (f"0/{n} public checks passed" if lang == "en" else f"공개 검사 {n}개 중 0개를") in text
        _never_claims_everything(text)


# -- wrong answers: pass the public checks, lose points on hidden ones ------------------------

WRONG = {
    "ex01": [
        ("linear transposes twice: breaks for 3-d batches",
         "def linear(x, W, b):\n    return (W @ x.T).T + b\n"),
        ("collapse converts to float64",
         "def collapse(W1, b1, W2, b2):\n    W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in (W1, b1, W2, b2))\n"
         "    return W2 @ W1, W2 @ b1 + b2\n"),
    ],
    "ex02": [
        ("sigmoid' from e^-x overflows at -1000",
         "def sigmoid_derivative(x):\n    return np.exp(-x) / (1 + np.exp(-x)) ** 2\n"),
        ("tanh' returns float64",
         "def tanh_derivative(x):\n    e = np.exp(-2 * np.abs(np.asarray(x, dtype=float)))\n"
         "    return 4 * e / ((1 + e) * (1 + e))\n"),
    ],
    "ex03": [
        ("relu'(0) = 1", "def relu_derivative(x):\n    return (np.asarray(x) >= 0).astype(np.asarray(x).dtype)\n"),
        ("elu's np.where overflows for large x",
         "def elu(x, alpha=1.0):\n    return np.where(x > 0, x, alpha * (np.exp(x) - 1))\n"),
        ("leaky_relu'(0) = 1",
         "def leaky_relu_derivative(x, alpha=0.01):\n    return np.where(x >= 0, 1, alpha).astype(x.dtype)\n"),
    ],
    "ex05": [
        ("z < 0 instead of z <= 0",
         "def sparsity(z):\n    return float(np.mean(z < 0))\n\n"
         "def dead_units(z):\n    return np.all(z < 0, axis=0)\n"),
    ],
    "ex06": [
        ("ties go to the last piece",
         "def maxout_winner(x, W, b):\n    z = x @ W.T + b\n    return z.shape[-1] - 1 - np.argmax(z[..., ::-1], axis=-1)\n"),
        ("leaky weights with the public alpha hard-coded",
         "def leaky_relu_weights(alpha):\n    return np.array([[1.0], [0.1]]), np.zeros(2)\n"),
    ],
    "ex07": [
        ("sigma'(z) from e^-z overflows in saturated layers",
         "def chain_gradient_norms(x, Ws, bs, g):\n"
         "    h, zs = [x], []\n"
         "    for W, b in zip(Ws, bs):\n"
         "        zs.append(W @ h[-1] + b)\n"
         "        h.append(sigmoid(zs[-1]))\n"
         "    d = lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2\n"
         "    L = len(Ws)\n"
         "    norms = np.zeros(L)\n"
         "    delta = g * d(zs[-1])\n"
         "    for l in range(L - 1, -1, -1):\n"
         "        norms[l] = np.linalg.norm(np.outer(delta, h[l]))\n"
         "        if l > 0:\n"
         "            delta = (Ws[l].T @ delta) * d(zs[l - 1])\n"
         "    return norms\n"),
    ],
    "ex08": [
        ("SiLU as b / (1 + exp(-b)) overflows for gate inputs of -1000",
         "def swiglu_ffn(x, W_in, W_out):\n"
         "    z = x @ W_in\n"
         "    h = W_out.shape[0]\n"
         "    a, b = z[..., :h], z[..., h:]\n"
         "    return (a * b / (1 + np.exp(-b))) @ W_out\n"),
        ("the width rounded to nearest instead of floor",
         "def swiglu_width(d_model, multiple_of=1):\n"
         "    hidden = int(round(8 * d_model / 3))\n"
         "    return -(-hidden // multiple_of) * multiple_of\n"),
    ],
    "ex09": [
        ("the maximum taken over masked entries too: a huge masked score wipes out the row",
         "def attention_softmax(scores, mask=None, scale=1.0):\n"
         "    scores = np.asarray(scores)\n"
         "    work = scores.astype(np.float32) if scores.dtype == np.float16 else scores\n"
         "    z = work * work.dtype.type(scale)\n"
         "    keep = np.ones(z.shape, bool) if mask is None else mask\n"
         "    e = np.exp(z - np.max(z, axis=-1, keepdims=True)) * keep\n"
         "    total = np.sum(e, axis=-1, keepdims=True)\n"
         "    return (e / np.where(total > 0, total, 1)).astype(scores.dtype)\n"),
        ("float16 computed in float16",
         "def attention(q, k, v, mask=None):\n"
         "    weights = attention_softmax(q @ k.T, mask, 1 / np.sqrt(q.shape[-1]))\n"
         "    return (weights @ v).astype(q.dtype)\n"),
    ],
}


@pytest.mark.parametrize("exercise_id,description,code",
                         [(e, d, c) for e, variants in WRONG.items() for d, c in variants],
                         ids=lambda v: v if isinstance(v, str) and len(v) < 60 else None)
def test_a_wrong_variant_passes_public_checks_but_loses_hidden_points(exercise_id, description, code):
    ns = namespace(exercise_id)
    exec(compile(code, "<wrong>", "exec"), ns)  # noqa: S102 - replaces one or two of the key's functions
    text = run_check(exercise_id, ns, "en")
    n = len(exercises.get(exercise_id).public_cases())
    assert f"{n}/{n} public checks passed" in text, text
    for seed in SEEDS:
        got, total = score(exercise_id, ns, seed)
        assert 0 < got < total, f"{description}: seed {seed} scored {got}/{total}"


# -- what a notebook warns against fails a public check ---------------------------------------

WARNED = [
    ("softmax subtracts the global maximum", "softmax", "softmax/rows-of-different-scale",
     "def softmax(x, axis=-1):\n    e = np.exp(x - np.max(x))\n    return e / np.sum(e, axis=axis, keepdims=True)\n"),
    ("log_softmax subtracts the global maximum", "log_softmax", "log_softmax/rows-of-different-scale",
     "def log_softmax(x, axis=-1):\n    z = x - np.max(x)\n    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))\n"),
    ("log_softmax as log(softmax)", "log_softmax", "log_softmax/spread-1000",
     "def log_softmax(x, axis=-1):\n    return np.log(softmax(x, axis))\n"),
]


@pytest.mark.parametrize("description,function,case_id,code", WARNED, ids=[w[0] for w in WARNED])
def test_what_ex04_warns_against_fails_a_public_check_with_its_hint(description, function, case_id, code):
    """ex04's notebook warns against a global maximum and log(softmax(x)): a public check catches each,
    names it and gives the hint; the hidden checks take points too."""
    ns = namespace("ex04")
    exec(compile(code, "<warned>", "exec"), ns)  # noqa: S102 - replaces one of the key's functions
    n = sum(c.function == function for c in exercises.get("ex04").public_cases())
    text = run_check("ex04", ns, "en", functions=[function])
    assert f"✗ {case_id}" in text and f"{n - 1}/{n} public checks passed" in text, text
    assert ("np.max(x, axis=axis, keepdims=True)" if "global" in description else "log(0)") in text
    assert "공개 검사" in run_check("ex04", ns, "ko", functions=[function])
    for seed in SEEDS:
        got, total = score("ex04", ns, seed)
        assert 0 < got < total, f"{description}: seed {seed} scored {got}/{total}"


# -- feedback --------------------------------------------------------------------------------

def _wrong_value_verdict():
    case = exercises.get("ex02").public_cases()[0]
    return case, case.run(lambda x: np.asarray(x) * 0 + 0.5)


def test_feedback_names_case_input_expected_actual_tolerance_and_hint():
    case, verdict = _wrong_value_verdict()
    assert not verdict.passed and verdict.status == "failed"
    en, ko = verdict.text("en"), verdict.text("ko")
    for word in (case.id, "input:", "x = [-4.", "expected:", "actual:", "0.5", "tolerance:", "1e-07", "hint:",
                 "outside the tolerance"):
        assert word in en, word
    for word in (case.id, "입력:", "기댓값:", "실제값:", "허용 오차:", "힌트:", "허용 오차를 벗어났습니다"):
        assert word in ko, word


@pytest.mark.parametrize("returned,needle_en,needle_ko", [
    (None, "returned None", "None을 돌려주었습니다"),
    (np.zeros(3), "wrong shape: expected (6,), got (3,)", "모양(shape)이 다릅니다"),
    ("text", "cannot be read as an array of numbers", "숫자 배열로 바꿀 수 없습니다"),
    (np.full(6, np.nan), "NaN or infinity", "NaN 또는 무한대"),
])
def test_feedback_for_results_of_the_wrong_kind(returned, needle_en, needle_ko):
    case = exercises.get("ex02").public_cases()[0]
    verdict = case.check(returned)
    assert not verdict.passed
    assert needle_en in verdict.text("en") and needle_ko in verdict.text("ko")


@pytest.mark.parametrize("returned,needle_en,needle_ko", [
    (0.66, "the value is outside the tolerance: expected 0.65, got 0.66.", "값이 허용 오차를 벗어났습니다: 기댓값 0.65, 실제값 0.66."),
    (float("nan"), "the result is NaN or infinity (expected 0.65, got nan).", "결과가 NaN 또는 무한대입니다 (기댓값 0.65, 실제값 nan)."),
], ids=["wrong", "nan"])
def test_a_wrong_number_is_reported_without_an_empty_index(returned, needle_en, needle_ko):
    """A function that returns one number: no "at index ()" in the feedback."""
    case = next(c for c in exercises.get("ex05").public_cases() if c.function == "sparsity")
    assert np.ndim(case.expected) == 0 and float(case.expected) == 0.65
    verdict = case.check(returned)
    en, ko = verdict.text("en"), verdict.text("ko")
    assert needle_en in en and needle_ko in ko, (en, ko)
    assert "()" not in en.split("problem:")[1] and "()" not in ko.split("문제:")[1]


def test_dtype_feedback():
    case = next(c for c in exercises.get("ex02").public_cases() if c.id == "sigmoid/float32")
    verdict = case.check(np.zeros(3))
    assert "wrong dtype: expected float32, got float64" in verdict.text("en")
    assert "자료형(dtype)이 다릅니다" in verdict.text("ko")


def test_an_exception_becomes_a_failed_case_with_type_and_message():
    case = exercises.get("ex04").public_cases()[0]

    def softmax(x, axis=-1):
        raise ValueError("axis 3 is out of bounds")

    verdict = case.run(softmax)
    assert verdict.status == "error" and not verdict.passed
    assert "ValueError: axis 3 is out of bounds" in verdict.text("en")
    assert "ValueError: axis 3 is out of bounds" in verdict.text("ko")
    text = run_check("ex04", {"softmax": softmax}, "en", functions=["softmax"])
    n = sum(c.function == "softmax" for c in exercises.get("ex04").public_cases())
    assert "ValueError" in text and f"0/{n} public checks passed" in text
    _never_claims_everything(text)


def test_np_where_over_both_exponentials_fails_a_public_check_with_overflow_feedback():
    def sigmoid(x):
        x = np.asarray(x)
        return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))

    text = run_check("ex02", {"sigmoid": sigmoid}, "ko", functions=["sigmoid"])
    assert "✗ sigmoid/large-inputs" in text and "FloatingPointError: overflow encountered in exp" in text
    assert "np.where는 두 식을 모두 계산합니다" in text and "공개 검사 4개 중 3개를" in text


ACCURACY_MISTAKES = [  # ex02: what the notebook warns about, each caught by a public accuracy case with its hint
    ("sigmoid_derivative", "def sigmoid_derivative(x):\n    s = sigmoid(x)\n    return s * (1 - s)\n",
     "sigmoid_derivative/tails", "s * (1 - s) is 0 once s rounds to 1"),
    ("tanh", "def tanh(x):\n    x = np.asarray(x)\n    e = np.exp(-2 * np.abs(x))\n    return np.sign(x) * (1 - e) / (1 + e)\n",
     "tanh/near-zero-float32", "np.expm1"),
    ("tanh", "def tanh(x):\n    return 2 * sigmoid(2 * np.asarray(x)) - 1\n", "tanh/near-zero-float32", "np.expm1"),
    ("tanh_derivative", "def tanh_derivative(x):\n    t = tanh(x)\n    return 1 - t * t\n",
     "tanh_derivative/tails", "4e/(1+e)²"),
]


@pytest.mark.parametrize("function,code,failing,hint", ACCURACY_MISTAKES, ids=lambda v: v if "\n" not in v else None)
def test_ex02_lost_accuracy_fails_its_public_check_with_a_hint_and_keeps_partial_credit(function, code, failing, hint):
    ns = namespace("ex02")
    exec(compile(code, "<mistake>", "exec"), ns)  # noqa: S102 - replaces one function of the key
    text = run_check("ex02", ns, "en", functions=[function])
    n = sum(c.function == function for c in exercises.get("ex02").public_cases())
    assert f"✗ {failing}" in text and hint in text and f"{n - 1}/{n} public checks passed" in text, text
    for seed in SEEDS:
        failed = {c.id for c in cases_for("ex02", seed) if c.function == function and not c.run(ns[function]).passed}
        got, total = score("ex02", ns, seed)
        assert failed and all("tails" in c or "near-zero" in c for c in failed), failed
        assert 0.5 * total < got < total, f"seed {seed}: {got}/{total}"


def test_sys_exit_and_floating_point_errors_are_feedback_too():
    case = exercises.get("ex02").public_cases()[0]
    assert case.run(lambda x: sys.exit(3)).status == "error"
    verdict = case.run(lambda x: np.exp(np.asarray(x) * 1000))
    assert verdict.status == "error" and "overflow" in verdict.text("en") and "오버플로" in verdict.text("ko")


def test_missing_and_uncallable_functions():
    text = run_check("ex05", {"sparsity": 3}, "en")
    assert "`sparsity` is not a function" in text
    assert "dead_units: no such function is defined" in text
    assert "0/6 public checks passed" in text
    ko = run_check("ex05", {}, "ko")
    assert ko.count("함수가 정의되어 있지 않습니다") == 3


def test_functions_can_be_passed_positionally_or_by_keyword():
    ns = namespace("ex05")
    by_position = run_check("ex05", None, "en", functions=["sparsity"], sparsity=ns["sparsity"])
    assert "2/2 public checks passed" in by_position
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exercises.check("ex05", ns["sparsity"], ns["dead_units"], ns["dead_fraction"], lang="en")
    assert "6/6 public checks passed" in out.getvalue()
    with pytest.raises(ValueError, match="no function"):
        exercises.check("ex05", ns, functions=["softmax"])


def test_check_follows_the_active_language():
    ns = namespace("ex05")
    before = actlab.get_language()
    try:
        actlab.set_language("en")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exercises.check("ex05", ns)
        assert "6/6 public checks passed" in out.getvalue()
        actlab.set_language("ko")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exercises.check("ex05", ns)
        assert "공개 검사 6개 중 6개를 통과했습니다" in out.getvalue()
    finally:
        actlab.set_language(before)


def test_using_actlab_in_a_solution_is_flagged():
    def sigmoid(x):
        return actlab.sigmoid(x)

    def helper(x):
        return actlab.tanh(x)

    def tanh(x):
        return helper(x)

    text = run_check("ex02", {"sigmoid": sigmoid, "tanh": tanh, "actlab": actlab}, "en",
                     functions=["sigmoid", "tanh"])
    assert "⚠ sigmoid uses actlab" in text and "⚠ tanh uses actlab" in text
    assert exercises.forbidden_references(actlab.sigmoid) == ["actlab.activations.sigmoid"]
    assert exercises.forbidden_references(namespace("ex02")["sigmoid"]) == []


def test_a_function_that_modifies_its_input_does_not_change_the_case():
    case = exercises.get("ex02").public_cases()[0]
    before = case.args[0].copy()

    def sigmoid(x):
        x *= 0
        return x

    case.run(sigmoid)
    assert np.array_equal(case.args[0], before)


# -- portability: what crosses the grader's process boundary ---------------------------------

def _roundtrip(value):
    """What the grader does with a value: runner.encode in the child, JSON text, runner.decode in the parent."""
    return runner.decode(json.loads(json.dumps(runner.encode(value))))


def _same(a, b):
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if a is None or isinstance(a, (bool, int, float, str)):
        return type(a) is type(b) and (a == b or (a != a and b != b))
    return (isinstance(b, type(a)) and np.asarray(a).dtype == np.asarray(b).dtype
            and np.array_equal(a, b, equal_nan=True))


@pytest.mark.parametrize("exercise_id", EX_IDS)
def test_cases_and_results_round_trip_through_the_graders_encoding(exercise_id):
    ns = namespace(exercise_id)
    for case in cases_for(exercise_id, 0):
        assert _same(case.args, _roundtrip(case.args)), case.id
        if case.expected is not None:
            assert _same(case.expected, _roundtrip(case.expected)), case.id
        # the grader's path: compute in "the child", ship the value, judge it in "the parent"
        value = case.call(ns[case.function])
        assert case.check(_roundtrip(value)).passed, case.id


def test_encode_refuses_objects():
    with pytest.raises(TypeError):
        runner.encode(np.array([object()]))
    with pytest.raises(ValueError):  # and the parent refuses pickled arrays from the child
        runner.decode({"k": "array", "npy": __import__("base64").b64encode(_object_npy()).decode()})
    with pytest.raises(TypeError):
        C.Case("x/y", "f", args=({"a": 1},))


def _object_npy() -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([object()]), allow_pickle=True)
    return buf.getvalue()


def test_error_verdicts_from_another_process():
    case = exercises.get("ex02").public_cases()[1]
    assert case.error_verdict("NotImplementedError", "").status == "not_implemented"
    verdict = case.error_verdict("FloatingPointError", "overflow encountered in exp")
    assert verdict.status == "error" and "overflow encountered in exp" in verdict.text("en")
    assert case.errstate["over"] == "raise" and case.errstate["under"] == "ignore"


# -- the trusted references ------------------------------------------------------------------

def test_ex07_reference_matches_finite_differences():
    from actlab.exercises import ex07

    rng = np.random.default_rng(5)
    x, Ws, bs = ex07.random_chain(rng, 4, 3)
    g = rng.normal(size=3)

    def loss(Ws_):
        return float(g @ ex07.reference_forward(x, Ws_, bs)[0][-1])  # linear in h_L: dLoss/dh_L = g

    eps = 1e-6
    numeric = np.empty(len(Ws))
    for l in range(len(Ws)):
        grad = np.zeros_like(Ws[l])
        for idx in np.ndindex(Ws[l].shape):
            up, down = Ws.copy(), Ws.copy()
            up[l][idx] += eps
            down[l][idx] -= eps
            grad[idx] = (loss(up) - loss(down)) / (2 * eps)
        numeric[l] = np.linalg.norm(grad)
    np.testing.assert_allclose(ex07.reference_gradient_norms(x, Ws, bs, g), numeric, rtol=1e-5)


def test_ex03_worked_example_is_chapter_4s():
    from actlab.exercises import ex03

    case = next(c for c in ex03.public_cases() if c.function == "forward")
    h, y = case.expected
    np.testing.assert_array_equal(h, [0.0, 2.0])
    assert round(float(y), 4) == 0.9975 and np.isclose(y, 1 / (1 + np.exp(-6)))


def test_importing_the_checks_is_light():
    code = ("import sys, time; t = time.perf_counter(); import actlab.exercises; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; "
            "print(time.perf_counter() - t)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_ex07_reference_matches_the_librarys_backprop():
    """actlab.gradflow.chain_gradients (row vectors, loss = sum of the last layer) agrees with the
    reference of the check cases (column vectors, upstream gradient g) for g = 1."""
    gradflow = pytest.importorskip("actlab.gradflow")
    if not hasattr(gradflow, "chain_gradients"):
        pytest.skip("actlab.gradflow.chain_gradients is not there")
    from actlab.exercises import ex07

    for seed, (L, n, scale) in enumerate([(3, 2, 1.0), (10, 3, 1.0), (30, 4, 1.0), (5, 3, 300.0), (1, 1, 1.0)]):
        x, Ws, bs = ex07.random_chain(np.random.default_rng(seed), L, n, scale)
        library = gradflow.chain_gradients(x[None, :], [W.T for W in Ws], list(bs), activation="sigmoid")
        np.testing.assert_allclose(library.a[-1][0], ex07.reference_forward(x, Ws, bs)[0][-1], rtol=1e-12)
        np.testing.assert_allclose(ex07.reference_gradient_norms(x, Ws, bs, np.ones(n)), library.grad_norms,
                                   rtol=1e-10, atol=0)
