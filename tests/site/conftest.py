"""Fixtures for the website tests: the built site, a local HTTP server, and Debian's Chromium.

The site must have been built already (``python3 make.py test`` builds it before running pytest);
``ACTLAB_SITE_HTML`` points the tests at another build. Every browser request that does not go to
the local server is blocked and recorded, so a page that needs the internet fails its test.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # site_helpers, whatever pytest's import mode
from site_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, INSTALL_HINT, site_html_dir  # noqa: E402

@pytest.fixture(scope="session")
def site() -> Path:
    html = site_html_dir()
    if not all((html / lang / "index.html").exists() for lang in ("ko", "en")):
        pytest.fail(f"no built site at {html}: build it first with `python3 make.py book` "
                    "(`python3 make.py test` builds it before the tests)")
    return html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site) -> str:
    """The built site on http://127.0.0.1:<free port>/ for the whole session."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(INSTALL_HINT)
    sync_api = pytest.importorskip("playwright.sync_api", reason="the python package playwright is missing")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                             args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class PageProblems:
    """What went wrong while a page was open: blocked, failed or 4xx/5xx requests, console errors."""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.console: list[str] = []
        self.in_flight = 0
        # Which document (counting main-frame navigations) each request belongs to: leaving a page
        # aborts what it still loads (a late favicon, say), which is no fault of that page.
        self.document = 0
        self.request_document: dict = {}
        self.aborted_by_leaving: list[tuple[int, str]] = []

    def request_failed(self, request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure and request.url.startswith("http://127.0.0.1"):
            self.aborted_by_leaving.append((self.request_document.get(request, self.document),
                                            f"{request.url} ({failure})"))
        else:
            self.failed.append(f"{request.url} ({failure})")

    def all(self) -> list[str]:
        # An aborted request counts unless the page that made it has been left since.
        aborted = [url for document, url in self.aborted_by_leaving if document == self.document]
        return ([f"blocked (not local): {u}" for u in self.blocked] + [f"failed: {u}" for u in self.failed + aborted]
                + [f"console: {m}" for m in self.console])

    def clear(self) -> None:
        self.blocked.clear()
        self.failed.clear()
        self.console.clear()
        self.aborted_by_leaving.clear()


@pytest.fixture
def page(browser, server):
    """A fresh browser page whose network is the local server only; ``page.problems`` lists failures."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    problems = PageProblems()

    def only_local(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1" or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            problems.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("console", lambda msg: problems.console.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: problems.console.append(f"uncaught: {err}"))
    page.on("requestfailed", problems.request_failed)

    def navigated(frame):
        if frame == page.main_frame:
            problems.document += 1
    page.on("framenavigated", navigated)
    page.on("request", lambda req: problems.request_document.__setitem__(req, problems.document))

    def count(change):
        def on_event(_):
            problems.in_flight += change
        return on_event
    page.on("request", count(+1))
    page.on("requestfinished", count(-1))
    page.on("requestfailed", count(-1))
    page.on("response", lambda resp: problems.failed.append(f"{resp.url} (HTTP {resp.status})")
            if resp.status >= 400 else None)
    page.problems = problems
    page.base_url = server
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
