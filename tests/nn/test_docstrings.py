"""The examples in the docstrings of the nn modules run and print what they say."""
import doctest
import importlib

import pytest

MODULES = ["layers", "losses", "optimizers", "initializers", "network", "training", "datasets", "gradcheck",
           "sparsity", "gradflow"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"actlab.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0 or name in {"layers"}
