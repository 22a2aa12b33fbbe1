"""actlab: the activation-function library of the course (활성화 함수 강의의 라이브러리).

>>> from actlab import ACTIVATIONS, sigmoid
>>> float(sigmoid(0.0))
0.5
>>> ACTIVATIONS["relu"].name_ko
'ReLU'

Submodules are imported when needed (``from actlab import network, plotting``), so importing the
package stays cheap: the grader and the activations never load matplotlib.

``actlab`` itself is the core a student can read: activations and their registry, softmax, Maxout,
layers, the teaching network and its training, plotting, messages. What serves one chapter only
lives in :mod:`actlab.chapters` (one module per chapter notebook); the grader in :mod:`actlab.grade`.
"""
from .activations import *  # noqa: F401,F403  (every elementwise function by name)
from .activations import __all__ as _activation_names
from .activations import SELU_ALPHA, SELU_LAMBDA
from .i18n import get_language, set_language
from .maxout import maxout, maxout_argmax, maxout_grad
from .registry import ACTIVATIONS, Activation
from .softmax import log_softmax, log_softmax_jvp, log_softmax_vjp, softmax, softmax_jvp, softmax_vjp
from .attention import attention_softmax, attention_softmax_vjp, causal_mask, scaled_dot_product_attention
from .gated import geglu, geglu_vjp, glu, glu_vjp, reglu, reglu_vjp, swiglu, swiglu_vjp
from .normalization import layer_norm, layer_norm_vjp, rms_norm, rms_norm_vjp

__version__ = "0.1.0"

__all__ = [
    *_activation_names, "ACTIVATIONS", "Activation", "SELU_ALPHA", "SELU_LAMBDA",
    "softmax", "log_softmax", "softmax_jvp", "softmax_vjp", "log_softmax_jvp", "log_softmax_vjp",
    "maxout", "maxout_argmax", "maxout_grad", "set_language", "get_language", "__version__",
    "glu", "reglu", "geglu", "swiglu", "glu_vjp", "reglu_vjp", "geglu_vjp", "swiglu_vjp",
    "layer_norm", "rms_norm", "layer_norm_vjp", "rms_norm_vjp",
    "attention_softmax", "attention_softmax_vjp", "scaled_dot_product_attention", "causal_mask",
]

# Heavier submodules load on first use, so `import actlab` stays cheap (PEP 562).
_LAZY_SUBMODULES = {
    "notebook", "plotting", "layers", "losses", "optimizers", "initializers", "network", "training",
    "datasets", "gradcheck", "sparsity", "gradflow", "linear", "tables", "chapters", "exercises", "grade",
    "blocks", "precision",
}


def __dir__():
    return sorted(set(globals()) | _LAZY_SUBMODULES)


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
