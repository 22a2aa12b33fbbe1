"""Every Korean page of the site, opened in Chromium with the network limited to the local server,
loads without a failed request or a console error (scripts, styles, fonts, MathJax, figures included)
and has every formula typeset without a TeX error."""
from __future__ import annotations

import pytest

from site_pages import check_page, site_pages


@pytest.mark.parametrize("path", site_pages("ko"))
def test_page_loads_offline_without_errors(page, site, path):
    check_page(page, path)
