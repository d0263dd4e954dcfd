"""Fixtures for browser tests: one headless Chromium for the whole run, a fresh browser
context (cookies, storage) per test, and pytest-django's live server for the site.

Under pytest-xdist each worker has its own: Chromium (with its own profile in a new
temporary folder), live server (on a port the system chooses) and test database."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.browser import pages
from tests.browser.pages import Site

# Playwright's sync API keeps an event loop running in the main thread, which makes Django
# refuse database access from fixtures and tests unless told this is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STYLESHEET = PROJECT_ROOT / "safeguarding" / "web" / "static" / "build" / "app.css"
CHROMIUM = os.environ.get("SAFEGUARDING_TEST_CHROMIUM", "/usr/bin/chromium")
# Without these Chromium stalls on a closed network, trying to reach Google services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Wide enough for GOV.UK's desktop layout, so screenshots show the two-thirds grid.
VIEWPORT = {"width": 1280, "height": 900}

# Screenshots of every page are numbered in the order each process takes them: under
# pytest-xdist each worker keeps its own in a folder named for it, so none overwrites
# another's.
if pages.SCREENSHOT_EVERY_PAGE and os.environ.get("PYTEST_XDIST_WORKER"):
    pages.SCREENSHOTS.mkdir(exist_ok=True)
    pages.SCREENSHOTS = pages.SCREENSHOTS / os.environ["PYTEST_XDIST_WORKER"]


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if not STYLESHEET.exists():
        pytest.fail(f"{STYLESHEET} is missing: run `cd frontend && npm run build` first")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def base_url(live_server: object) -> str:
    return str(live_server)


@pytest.fixture
def new_site(browser: Browser, base_url: str) -> Iterator[Callable[[dict[str, int]], Site]]:
    """Makes a Site in its own browser context (cookies, storage) at a given window size."""
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int]) -> Site:
        context = browser.new_context(base_url=base_url, viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Site(context.new_page(), base_url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def site(new_site: Callable[[dict[str, int]], Site]) -> Site:
    return new_site(VIEWPORT)


@pytest.fixture
def page(site: Site) -> Page:
    return site.page


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            # WhiteNoise warns that STATIC_ROOT is absent: tests serve files from the finders.
            item.add_marker(pytest.mark.filterwarnings("ignore:No directory at:UserWarning"))
