"""Docstrings: the examples in the library's docstrings run and print what they say, and every
public name of the library (``actlab``, its submodules, ``actlab.chapters``) has a docstring."""
import doctest
import importlib
import inspect
import pkgutil

import pytest

import actlab

MODULES = ["layers", "losses", "optimizers", "initializers", "network", "training", "datasets", "gradcheck",
           "sparsity", "gradflow", "i18n", "registry", "tables"]

# The grader and the exercises' checks are documented for instructors in guide/, not as a library API.
NOT_LIBRARY = ("actlab.grade", "actlab.exercises")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"actlab.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0 or name in {"layers"}


def library_modules() -> list[str]:
    names = ["actlab"]
    for info in pkgutil.walk_packages(actlab.__path__, "actlab."):
        last = info.name.rsplit(".", 1)[-1]
        if not last.startswith("_") and not info.name.startswith(NOT_LIBRARY):
            names.append(info.name)
    return names


def public_names(module) -> list[str]:
    """``__all__`` when the module declares it, else what it defines without a leading underscore."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [n for n, v in vars(module).items() if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__]


def undocumented(module) -> list[str]:
    missing = [] if (module.__doc__ or "").strip() else ["(module docstring)"]
    for name in public_names(module):
        obj = getattr(module, name)
        if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.isbuiltin(obj)):
            continue  # constants and catalogues are described in the module docstring
        if inspect.isclass(obj):
            if obj.__doc__ is None or obj.__doc__.startswith(f"{obj.__name__}("):  # dataclass's generated one
                missing.append(name)
            for attr, value in vars(obj).items():
                if attr.startswith("_") or not (inspect.isfunction(value) or isinstance(value, (property, classmethod, staticmethod))):
                    continue
                if not (inspect.getdoc(getattr(obj, attr)) or "").strip():  # an override inherits its base's
                    missing.append(f"{name}.{attr}")
        elif not (inspect.getdoc(obj) or "").strip():
            missing.append(name)
    return missing


@pytest.mark.parametrize("module_name", library_modules())
def test_every_public_name_has_a_docstring(module_name):
    module = importlib.import_module(module_name)
    assert not undocumented(module), f"{module_name}: no docstring on {undocumented(module)}"


def test_the_public_api_is_covered():
    """The test above reaches the core, the chapters and every name exported from ``actlab``."""
    modules = library_modules()
    assert {"actlab", "actlab.activations", "actlab.registry", "actlab.chapters.ch09_vanishing_exploding"} <= set(modules)
    assert not any(m.startswith(NOT_LIBRARY) for m in modules)
    assert {"sigmoid", "ACTIVATIONS", "softmax", "maxout"} <= set(public_names(actlab))
