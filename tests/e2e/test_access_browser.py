"""Every page as a phone user, a keyboard user and a screen reader meet it, in a real browser.

The pages are found by following links from the menus (one per page shape: one budget, one
occasion, one expense …), so a new page is covered without being listed here. On each, at
390 px and 1280 px wide, with every disclosure open too: axe-core finds no WCAG 2.1 A/AA
violation, and (at 390 px) every link, button and disclosure is at least 44 × 44 px.
"""

import re
from decimal import Decimal

import pytest

from tests.e2e import audit, harness

pytestmark = pytest.mark.e2e

ADMIN = "asha@demo.hearth"
VISITOR_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"]


def _check(page, url: str, width: int) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    problems = [f"{page.url}: {line}" for line in audit.axe_violations(page)]
    if width == harness.PHONE:
        problems += [f"small target: {line}" for line in audit.small_targets(page)]
    audit.open_disclosures(page)
    page.wait_for_load_state("networkidle")  # a disclosure may fetch what it shows
    problems += [f"{page.url} (opened): {line}" for line in audit.axe_violations(page)]
    if width == harness.PHONE:
        problems += [f"small target (opened): {line}" for line in audit.small_targets(page)]
    return list(dict.fromkeys(problems))


@pytest.mark.parametrize("width", harness.WIDTHS)
def test_every_member_page_passes_axe_and_has_44px_targets(page_for, live_server_url, width):
    page = page_for(ADMIN, width)
    pages = audit.crawl(page, live_server_url)
    assert len(pages) >= 25, pages  # the crawl found the app, not just a login page
    problems = []
    for path in pages:
        problems += _check(page, live_server_url + path, width)
    assert page.problems + problems == []


@pytest.mark.parametrize("width", harness.WIDTHS)
def test_every_visitor_page_passes_axe_and_has_44px_targets(anonymous_page, live_server_url, width):
    page = anonymous_page(width)
    problems = []
    for path in VISITOR_PAGES:
        problems += _check(page, live_server_url + path, width)
    assert page.problems + problems == []


def test_the_phone_dashboard_fits_in_three_screens(page_for, live_server_url):
    page = page_for(ADMIN, harness.PHONE)
    page.goto(live_server_url + "/")
    page.wait_for_load_state("networkidle")
    height = audit.page_height(page)
    assert height <= 3 * harness.HEIGHT[harness.PHONE], f"the dashboard is {height}px tall"
    # What needs attention comes first, and the budgets' children wait behind a disclosure.
    cards = page.locator("#dashboard-body > section h2").all_inner_texts()
    assert cards[0] == "Needs attention", cards
    assert page.locator(".sub-budgets").count() > 0
    assert page.locator(".sub-budgets[open]").count() == 0
    harness.screenshot(page, harness.SCREENSHOTS / "e2e-dashboard-fits-390.png")


def _amount(text: str) -> Decimal:
    """₹1,20,000.50 → Decimal("120000.50") (the demo household counts in rupees)."""
    return Decimal(re.sub(r"[^\d.]", "", text))


def test_every_chart_table_row_links_to_a_list_with_its_total(page_for, live_server_url):
    """Each row of "Show as a table" (categories, members, months) opens the expense list whose
    paid total is the row's number."""
    page = page_for(ADMIN, harness.DESKTOP)
    page.goto(live_server_url + "/")
    rows = []
    for table in ("cat-table", "member-table", "trend-table"):
        for row in page.locator(f"#{table} tbody tr").all():
            link = row.locator("th a")
            if link.count() == 0:
                continue  # "Former members" has no list of its own, so it has no link
            rows.append(
                (table, link.inner_text(), link.get_attribute("href"), row.locator("td").first.inner_text())
            )
    assert len(rows) >= 15, rows
    wrong = []
    for table, label, href, shown in rows:
        page.goto(live_server_url + href)
        paid = page.locator(".totals .amount-paid").first.inner_text()
        if _amount(paid) != _amount(shown):
            wrong.append(f"{table} {label}: {shown} on the dashboard, {paid} paid on {href}")
    assert wrong == []
