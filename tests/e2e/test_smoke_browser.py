"""Smoke test in a real browser: log in, every page opens at phone and desktop width with the
right navigation, no console errors, no CSP violations. Screenshots go to artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import harness

pytestmark = pytest.mark.e2e

ADMIN = "asha@demo.hearth"
# Pages every household has; the pages the navigation and the More menu link to are added.
MEMBER_PAGES = ["/", "/more/", "/household/members/", "/household/invite/", "/household/settings/"]
VISITOR_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"]


def shot(page, name: str, width: int) -> None:
    harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    harness.screenshot(page, harness.SCREENSHOTS / f"e2e-{name}-{width}.png")


def page_problems(page, width: int) -> list[str]:
    """What is wrong with the page that is open now (empty when all is well)."""
    problems = [f"CSP violation: {v} ({page.url})" for v in harness.csp_violations(page)]
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    if overflow > 0:
        problems.append(f"{page.url} is {overflow}px wider than the {width}px window")
    return problems


def test_log_in_and_see_the_dashboard(anonymous_page, live_server_url, demo_logins):
    page = anonymous_page(harness.DESKTOP)
    page.goto(live_server_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))

    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(demo_logins[ADMIN])
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(live_server_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Sharmas")
    dashboard_link = page.locator("nav.nav-desktop").get_by_role("link", name="Dashboard")
    expect(dashboard_link).to_have_attribute("aria-current", "page")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    assert page.problems + page_problems(page, harness.DESKTOP) == []


def test_wrong_password_is_refused(anonymous_page, live_server_url):
    page = anonymous_page(harness.PHONE)
    page.goto(live_server_url + "/accounts/login/")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("main").get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(ADMIN)


@pytest.mark.parametrize("width", harness.WIDTHS)
def test_member_pages(page_for, live_server_url, width):
    page = page_for(ADMIN, width)
    page.goto(live_server_url + "/more/")
    # Every page the main navigation and the More menu link to, so new pages are covered too.
    links = page.locator("nav.tabbar a, nav.nav-desktop a, main ul.menu a").evaluate_all(
        "links => links.map(a => new URL(a.href)).filter(u => u.origin === location.origin)"
        "  .map(u => u.pathname)"
    )
    paths = list(dict.fromkeys(p for p in [*MEMBER_PAGES, *links] if not p.startswith("/admin/")))

    problems = []
    for path in paths:
        response = page.goto(live_server_url + path)
        page.wait_for_load_state("networkidle")
        if not response.ok:
            problems.append(f"{path} answered {response.status}")
        tabbar, desktop_nav = page.locator("nav.tabbar"), page.locator("nav.nav-desktop")
        if width == harness.PHONE:
            expect(tabbar).to_be_visible()
            expect(desktop_nav).to_be_hidden()
        else:
            expect(desktop_nav).to_be_visible()
            expect(tabbar).to_be_hidden()
        problems += page_problems(page, width)
        shot(page, harness.slug(path), width)
    assert page.problems + problems == []


@pytest.mark.parametrize("width", harness.WIDTHS)
def test_visitor_pages(anonymous_page, live_server_url, width):
    page = anonymous_page(width)
    problems = []
    for path in VISITOR_PAGES:
        response = page.goto(live_server_url + path)
        if not response.ok:
            problems.append(f"{path} answered {response.status}")
        expect(page.locator("nav.tabbar")).to_have_count(0)
        expect(page.locator("nav.nav-desktop")).to_have_count(0)
        problems += page_problems(page, width)
        shot(page, harness.slug(path), width)
    assert page.problems + problems == []
