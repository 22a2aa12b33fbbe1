"""What the first cell of every course notebook calls: ``actlab.notebook.setup("ko")`` (or ``"en"``).

:func:`setup` makes the notebook's outputs the same on every run and every machine, so nbval can
compare them with the stored ones and the website shows what CI checked:

* the active language (labels, printed text and feedback follow it);
* in a Jupyter kernel (Jupyter, nbclient, nbval, Colab): the inline backend with SVG figures and
  no ``Date`` metadata -- even when the environment says ``MPLBACKEND=Agg``, which the kernel
  would otherwise inherit and then show no figures at all;
* the bundled Hangul font and the course style (:func:`actlab.plotting.use_style`);
* NumPy print options: 4 significant decimals, no scientific notation for ordinary numbers.

In plain Python it does the same minus the inline backend, so scripts and tests can call it.

>>> import actlab
>>> actlab.notebook.setup("en")
>>> actlab.get_language()
'en'
"""
from __future__ import annotations

import numpy as np

from .i18n import set_language

__all__ = ["setup", "in_kernel", "PRINT_OPTIONS"]

PRINT_OPTIONS = {"precision": 4, "suppress": True}


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python without IPython installed
        return None
    return get_ipython()


def in_kernel() -> bool:
    """True inside a Jupyter kernel (ipykernel's shell), where figures display inline."""
    shell = _shell()
    return shell is not None and hasattr(shell, "kernel")


def _inline_svg(shell) -> None:
    # Order matters: activating the inline backend resets some rcParams (InlineBackend.rc),
    # so the course style is applied after it.
    shell.run_line_magic("matplotlib", "inline")
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # matplotlib-inline older than 0.1.3: IPython's (deprecated) copy
        from IPython.display import set_matplotlib_formats

    from .plotting import SVG_METADATA

    set_matplotlib_formats("svg", metadata=SVG_METADATA)


def setup(lang: str = "ko") -> None:
    """Language, deterministic inline SVG figures, Hangul font and style, NumPy print options."""
    set_language(lang)
    if in_kernel():
        _inline_svg(_shell())
    from .plotting import use_style

    use_style()
    np.set_printoptions(**PRINT_OPTIONS)
