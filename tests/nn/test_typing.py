"""The functions exported from ``actlab`` are typed as ``jax.nn`` types its own: arrays in as
``ArrayLike``, arrays out as ``np.ndarray``, every parameter and return annotated, and every
annotation resolves (no name used in a hint is left unimported)."""
import inspect
import typing

import numpy as np
import pytest
from numpy.typing import ArrayLike

import actlab
from actlab import activations

EXPORTED = [name for name in actlab.__all__ if inspect.isfunction(getattr(actlab, name))]


def test_the_exported_functions_are_many():
    assert {"sigmoid", "gelu_derivative", "softmax", "log_softmax_vjp", "maxout"} <= set(EXPORTED)


@pytest.mark.parametrize("name", EXPORTED)
def test_exported_function_is_fully_annotated(name):
    fn = getattr(actlab, name)
    hints = typing.get_type_hints(fn)  # raises NameError if a hint names something not imported
    params = [p for p in inspect.signature(fn).parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert [p.name for p in params if p.name not in hints] == [], f"{name}: parameters without a type"
    assert "return" in hints, f"{name}: no return type"


@pytest.mark.parametrize("name", [n for n in activations.__all__])
def test_activations_take_arraylike_and_return_ndarray(name):
    hints = typing.get_type_hints(getattr(activations, name))
    assert hints["x"] == ArrayLike and hints["return"] is np.ndarray


@pytest.mark.parametrize("name, params", [
    ("softmax", {"x": ArrayLike, "axis": int}), ("log_softmax_vjp", {"x": ArrayLike, "g": ArrayLike, "axis": int}),
    ("maxout", {"z": ArrayLike, "k": int, "axis": int}), ("leaky_relu", {"alpha": float}),
    ("prelu", {"alpha": ArrayLike}),  # a learned slope may be one per channel
    ("gelu", {"approximate": typing.Literal["none", "tanh"]}),
])
def test_parameters_have_the_types_jax_nn_gives_them(name, params):
    hints = typing.get_type_hints(getattr(actlab, name))
    assert {k: hints[k] for k in params} == params


CORE = ["activations", "softmax", "maxout", "losses", "initializers", "sparsity", "datasets", "optimizers", "training",
        "layers", "network", "gradflow", "gradcheck", "linear", "plotting", "notebook", "i18n", "registry", "tables"]


def _core_functions():
    import importlib

    for module_name in CORE:
        module = importlib.import_module(f"actlab.{module_name}")
        for name in module.__all__:
            if inspect.isfunction(getattr(module, name)):
                yield f"{module_name}.{name}", getattr(module, name)


@pytest.mark.parametrize("name, fn", list(_core_functions()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_function_of_the_core_is_annotated(name, fn):
    """Annotated, not necessarily resolvable here: a hint may name a class imported only for type
    checkers (the network, where importing it would be circular)."""
    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert [p.name for p in params if p.annotation is inspect.Parameter.empty] == [], name
    assert sig.return_annotation is not inspect.Signature.empty, name
