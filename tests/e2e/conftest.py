"""Fixtures for real-browser tests: a daphne server in a subprocess and Debian's chromium.

These tests talk to the server over HTTP and never touch pytest-django's test database; the
server has its own SQLite file (see harness.py). Run them with `make e2e`.
"""

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e import harness
from tests.e2e.fixtures import server_fixtures

hearth_server, live_server_url, demo_logins, _sessions = server_fixtures("session")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        try:
            browser = harness.launch_browser(playwright)
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server_url, demo_logins, _sessions):
    """page_for(email, width=1280): a new page, logged in as that demo member.

    The first call for an email logs in through the real login form; later calls reuse the
    session cookie. Each page's console errors are in page.problems.
    """
    contexts = []

    def make(email: str, width: int = harness.DESKTOP):
        if email not in _sessions:
            context = harness.new_context(browser, width)
            harness.log_in(context.new_page(), live_server_url, email, demo_logins[email])
            _sessions[email] = context.storage_state()
            context.close()
        context = harness.new_context(browser, width, storage_state=_sessions[email])
        contexts.append(context)
        page = context.new_page()
        page.problems = harness.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def anonymous_page(browser):
    """anonymous_page(width=1280): a new page with nobody logged in."""
    contexts = []

    def make(width: int = harness.DESKTOP):
        context = harness.new_context(browser, width)
        contexts.append(context)
        page = context.new_page()
        page.problems = harness.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
