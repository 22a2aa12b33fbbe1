"""Every page of the Korean book, opened in Chromium with the network limited to the local server,
loads without a failed request or a console error (scripts, styles, fonts, MathJax, figures included),
has every formula typeset without a TeX error, and passes axe-core's WCAG 2 A/AA rules."""
from __future__ import annotations

import pytest

from site_pages import check_page, site_pages


@pytest.mark.parametrize("path", site_pages("ko"))
def test_page_loads_offline_without_errors_and_is_accessible(page, site, path):
    check_page(page, path)
