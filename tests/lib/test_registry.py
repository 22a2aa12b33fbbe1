"""The registry: every entry complete, bilingual, read-only, and its stated facts true numerically."""
from __future__ import annotations

import dataclasses
import inspect
import math
import re

import numpy as np
import pytest
from scipy import optimize

import actlab
import actlab.activations as A
from actlab import ACTIVATIONS, Activation
from actlab.i18n import get_language, set_language

NAMES = list(ACTIVATIONS)
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Inputs for range checks: dense in the centre, out to both saturations, and the extremes.
GRID = np.concatenate([np.linspace(-12, 12, 240_001), np.linspace(-1000, 1000, 20_001),
                       [-1e300, -1e10, 1e10, 1e300, -np.inf, np.inf]])


def test_registry_lists_exactly_the_elementwise_functions():
    functions = [n for n in A.__all__ if not n.endswith("_derivative")]
    assert NAMES == functions  # same names, in the order the course introduces them
    assert len(NAMES) == 21


@pytest.mark.parametrize("name", NAMES)
def test_entry_fields(name):
    e = ACTIVATIONS[name]
    assert isinstance(e, Activation) and e.name == name
    assert e.fn is getattr(actlab, name) and e.derivative is getattr(actlab, name + "_derivative")
    for text in (e.name_ko, e.name_en, e.formula, e.derivative_formula, e.range_latex):
        assert isinstance(text, str) and text.strip()
    for latex in (e.formula, e.derivative_formula, e.range_latex):
        assert latex.count("{") == latex.count("}"), latex  # balanced LaTeX groups
        assert latex.count(r"\left") == latex.count(r"\right")
    for field in ("strengths", "weaknesses"):
        texts = getattr(e, field)
        assert set(texts) == {"ko", "en"}, (name, field)
        assert HANGUL.search(texts["ko"]), (name, field, texts["ko"])
        assert not HANGUL.search(texts["en"]) and texts["en"].strip()
    assert e.name_en.isascii()
    assert isinstance(e.smooth, bool) and e.kind == "elementwise"
    lo, hi = e.output_range
    assert isinstance(lo, float) and isinstance(hi, float) and lo < hi


def test_korean_names_are_korean_where_a_korean_name_exists():
    # acronyms (ReLU, GELU...) and tanh stay Latin in Korean texts too; the rest are Korean words
    for name in ("identity", "step", "sigmoid", "swish", "softplus", "softsign",
                 "hard_sigmoid", "hard_swish"):
        assert HANGUL.search(ACTIVATIONS[name].name_ko), name


@pytest.mark.parametrize("name,term", [("identity", "identity function"), ("step", "step function"),
                                       ("sigmoid", "sigmoid"), ("tanh", "hyperbolic tangent")])
def test_korean_names_are_the_glossary_terms(name, term):
    """Figures and tables name a function as the chapters do: the glossary's one Korean form."""
    from actlab.i18n import glossary

    assert ACTIVATIONS[name].name_ko == glossary()[term]["ko"]


@pytest.mark.parametrize("name", NAMES)
def test_defaults_match_the_signatures(name):
    e = ACTIVATIONS[name]
    for f in (e.fn, e.derivative):
        sig = inspect.signature(f)
        params = {k: p.default for k, p in sig.parameters.items() if k != "x"}
        assert dict(e.defaults) == params, (f.__name__, dict(e.defaults), params)
        assert list(sig.parameters)[0] == "x"


@pytest.mark.parametrize("name", NAMES)
def test_entry_is_callable_and_indexable(name):
    e = ACTIVATIONS[name]
    x = np.array([-1.0, 0.5])
    np.testing.assert_array_equal(e(x), e.fn(x))
    assert e["fn"] is e.fn and e["name_ko"] == e.name_ko
    with pytest.raises(KeyError):
        e["no_such_field"]


def test_registry_is_read_only():
    e = ACTIVATIONS["relu"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.name = "x"
    with pytest.raises(TypeError):
        ACTIVATIONS["relu"] = e
    with pytest.raises(TypeError):
        e.strengths["ko"] = "x"
    with pytest.raises(TypeError):
        ACTIVATIONS["leaky_relu"].defaults["alpha"] = 1.0


def test_labels_follow_the_language():
    before = get_language()
    try:
        e = ACTIVATIONS["sigmoid"]
        assert e.label("ko") == "시그모이드" and e.label("en") == "Sigmoid"
        set_language("en")
        assert e.label() == "Sigmoid"
        set_language("ko")
        assert e.label() == "시그모이드"
        with pytest.raises(ValueError, match="lang"):
            e.label("fr")
    finally:
        set_language(before)


@pytest.mark.parametrize("name", NAMES)
def test_formula_words_follow_the_language(name):
    e = ACTIVATIONS[name]
    for latex, in_lang in ((e.formula, e.formula_in), (e.derivative_formula, e.derivative_formula_in)):
        assert in_lang("en") == latex  # the English formula is the one written in the registry
        ko = in_lang("ko")
        words = re.findall(r"\\text\{([^}]*)\}", ko)
        assert all(HANGUL.search(w) for w in words), (name, ko)  # no English word left in Korean
        # the Korean formula differs from the English one only inside \text{...}
        strip = lambda s: re.sub(r"\s*\\text\{[^}]*\}", "", s).replace(r"\alpha ", r"\alpha")
        assert strip(ko) == strip(latex), (name, ko)
        assert ko.count("{") == ko.count("}")
    with pytest.raises(ValueError, match="lang"):
        e.formula_in("fr")


def test_formulas_with_words_are_translated():
    assert ACTIVATIONS["relu6"].derivative_formula_in("ko").endswith(r"0 & \text{그 외} \end{cases}")
    assert ACTIVATIONS["prelu"].formula_in("ko").endswith(r"(\alpha\text{는 학습})")
    assert actlab.registry.latex_in(r"1 & j \text{ wins}", "ko") == r"1 & j\text{가 최대일 때}"


@pytest.mark.parametrize("name", NAMES)
def test_outputs_lie_in_the_stated_closed_range(name):
    e = ACTIVATIONS[name]
    lo, hi = e.output_range
    y = e.fn(GRID)
    assert np.nanmin(y) >= lo and np.nanmax(y) <= hi, (name, np.nanmin(y), np.nanmax(y), lo, hi)
    # the bounds are tight: the grid comes within 1e-6 of each finite bound ...
    if math.isfinite(lo):
        assert np.nanmin(y) - lo < 1e-6, (name, np.nanmin(y), lo)
    else:
        assert np.nanmin(y) < -1e9
    if math.isfinite(hi):
        assert hi - np.nanmax(y) < 1e-6, (name, np.nanmax(y), hi)
    else:
        assert np.nanmax(y) > 1e9


@pytest.mark.parametrize("name", ["gelu", "silu", "swish", "mish", "hard_swish"])
def test_minima_agree_with_scipy_optimize(name):
    f = ACTIVATIONS[name].fn
    res = optimize.minimize_scalar(lambda x: float(f(x)), bounds=(-4.0, 0.0), method="bounded",
                                   options={"xatol": 1e-12})
    lo = ACTIVATIONS[name].output_range[0]
    assert lo <= res.fun  # a lower bound ...
    assert res.fun - lo < 1e-12, (name, res.fun, lo)  # ... and the minimum to 13 digits
    # the LaTeX shows the same number to two digits
    shown = float(re.search(r"-?\d+\.\d+", ACTIVATIONS[name].range_latex).group())
    assert abs(shown - lo) < 0.005, (name, shown, lo)


def test_open_and_closed_brackets_match_the_functions():
    """'[' means the bound is attained by some real x; '(' means it is only approached."""
    samples = np.linspace(-50, 50, 200_001)
    for name, e in ACTIVATIONS.items():
        lo, hi = e.output_range
        latex = e.range_latex
        if latex.startswith(r"\{"):  # the step function's set {0, 1}
            assert set(np.unique(e.fn(samples))) == {lo, hi}
            continue
        y = e.fn(samples)
        if math.isfinite(lo) and latex.startswith("["):
            assert np.min(y) - lo < 1e-6, name  # the grid's step is 5e-4
        if math.isfinite(lo) and latex.startswith("("):
            # never attained in exact arithmetic: check where float rounding cannot reach it yet
            assert np.min(e.fn(np.linspace(-5, 5, 1001))) > lo, name
        if math.isfinite(hi) and latex.endswith("]"):
            assert hi - np.max(y) < 1e-6, name
        if math.isfinite(hi) and latex.endswith(")"):
            assert np.max(e.fn(np.linspace(-5, 5, 1001))) < hi, name


def test_range_bounds_for_elu_family_follow_alpha():
    assert ACTIVATIONS["elu"].output_range[0] == -ACTIVATIONS["elu"].defaults["alpha"]
    assert ACTIVATIONS["celu"].output_range[0] == -ACTIVATIONS["celu"].defaults["alpha"]
    assert ACTIVATIONS["selu"].output_range[0] == -A.SELU_LAMBDA * A.SELU_ALPHA


@pytest.mark.parametrize("name", [n for n, e in ACTIVATIONS.items() if e.smooth])
def test_smooth_entries_have_continuous_derivatives(name):
    d = ACTIVATIONS[name].derivative
    x = np.linspace(-19.9, 19.9, 400_001)  # step 1e-4, below softplus' threshold
    jumps = np.abs(np.diff(d(x)))
    assert jumps.max() < 1e-3, (name, x[jumps.argmax()], jumps.max())


@pytest.mark.parametrize("name", [n for n, e in ACTIVATIONS.items() if not e.smooth])
def test_non_smooth_entries_have_a_kink(name):
    """smooth=False: a jump in f (step), in f' (relu...), or in f'' (elu, celu, softsign are C1)."""
    d = ACTIVATIONS[name].derivative
    f = ACTIVATIONS[name].fn
    h = 1e-5
    x = np.linspace(-7, 7, 1_400_001)
    second = np.diff(d(x)) / h
    assert (np.abs(np.diff(f(x))).max() > 0.5 or np.abs(np.diff(d(x))).max() > 1e-2
            or np.abs(np.diff(second)).max() > 0.1), name
