"""Shared test configuration: hypothesis profiles.

``ci`` is derandomized (the same examples every run, so a red CI is reproducible) with no
deadline (a loaded 2-core runner must not turn slowness into failures) and prints the blob to
reproduce a failure. ``dev`` is hypothesis' default behaviour with a relaxed deadline. The
profile comes from the environment variable HYPOTHESIS_PROFILE (default ``dev``); CI sets ``ci``.
"""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Some tests call actlab.notebook.setup(), which sets NumPy's print options and the language for
    the whole process (as a notebook wants); without this, doctests later in the same xdist worker
    would print with 4 digits and fail only in some test orders."""
    from actlab.i18n import get_language, set_language

    options, lang = np.get_printoptions(), get_language()
    yield
    np.set_printoptions(**options)
    set_language(lang)
