"""Two members, two browsers: one confirms an expense in the chat, the other's budget page updates.

Run with `make e2e`. Prints how long the update took; screenshots go to artifacts/screenshots/.
"""

import re
import time
from decimal import Decimal

from playwright.sync_api import expect

from tests.e2e import harness

ASHA, RAVI = "asha@demo.hearth", "ravi@demo.hearth"


def groceries_meter(page):
    return page.locator(".budget-node .meter").filter(
        has=page.get_by_role("link", name="Groceries", exact=True)
    )


def spent(meter) -> Decimal:
    # A top-level meter's legend, or a sub-budget's one-line summary.
    text = meter.locator(".label-spent summary, .meter-summary a").first.inner_text()
    return Decimal(re.search(r"([\d,]+\.\d\d)", text).group(1).replace(",", ""))


def wait_for_spent(meter, expected: Decimal, timeout: float) -> float:
    """Seconds until the meter shows `expected` spent; fails after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if spent(meter) == expected:
                return time.monotonic() - start
        except Exception:  # the fragment is being swapped; look again
            pass
        time.sleep(0.02)
    raise AssertionError(f"the meter still shows {spent(meter)}, not {expected}, after {timeout} s")


def confirm_in_chat(page, base_url: str, text: str) -> None:
    page.goto(base_url + "/chat/")
    page.get_by_label("What did you spend?").fill(text)
    page.get_by_role("button", name="Send").click()
    # The reply to this message, not an earlier one still holding a pending draft.
    expect(page.locator(".chat-member").last).to_contain_text(text)
    card = page.locator(".chat-hearth").last.locator(".draft-card").first
    card.get_by_role("button", name="Confirm").wait_for()
    card.get_by_role("button", name="Confirm").click()
    expect(card).to_contain_text("Saved")


def test_partner_sees_the_meter_move_without_a_reload(page_for, live_server_url):
    watcher = page_for(ASHA)
    watcher.goto(live_server_url + "/budgets/")
    watcher.locator("#live-status[data-state='live']").wait_for(timeout=10_000)
    # Groceries is a sub-budget of Household: open the disclosures it waits behind.
    watcher.evaluate("document.querySelectorAll('details.sub-budgets').forEach(d => d.open = true)")
    meter = groceries_meter(watcher)
    before = spent(meter)

    writer = page_for(RAVI, width=harness.PHONE)
    confirm_in_chat(writer, live_server_url, "450 groceries")
    started = time.monotonic()
    writer.get_by_text("Saved").first.wait_for()
    elapsed = wait_for_spent(meter, before + Decimal("450"), timeout=2.0)
    print(
        f"\nthe partner's meter updated {(time.monotonic() - started) * 1000:.0f} ms after the confirm "
        f"answered ({elapsed * 1000:.0f} ms after polling began)"
    )
    assert watcher.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload

    # The socket drops: the page reconnects and shows current numbers, including what
    # happened while it was away.
    watcher.evaluate("window.hearthLive.drop()")
    confirm_in_chat(writer, live_server_url, "groceries 100")
    writer.get_by_text("Saved").first.wait_for()
    watcher.locator("#live-status[data-state='live']").wait_for(timeout=10_000)
    wait_for_spent(meter, before + Decimal("550"), timeout=5.0)

    harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in harness.WIDTHS:
        watcher.set_viewport_size({"width": width, "height": harness.HEIGHT[width]})
        watcher.screenshot(path=str(harness.SCREENSHOTS / f"live-budgets-{width}.png"), full_page=True)
    assert watcher.problems == [] and writer.problems == []
    assert harness.csp_violations(watcher) == []


def test_a_budget_another_member_deletes_is_said_once_not_as_a_stack_of_errors(page_for, live_server_url):
    """Ravi looks at a budget; Asha deletes it. Ravi's live meter finds it gone: one notice in
    words, and the page stops asking for it (no repeated failures on later events)."""
    asha = page_for(ASHA)
    asha.goto(live_server_url + "/budgets/new/")
    asha.get_by_label("Name").fill("Short-lived")
    asha.get_by_label("Amount").fill("500")
    asha.get_by_role("button", name="Save budget").click()
    asha.wait_for_url(live_server_url + "/budgets/")
    asha.get_by_role("link", name="Short-lived", exact=True).click()
    asha.wait_for_url(re.compile(r"/budgets/[0-9a-f-]{36}/$"))
    budget_url = asha.url

    ravi = page_for(RAVI, width=harness.PHONE)
    ravi.goto(budget_url)
    ravi.locator("#live-status[data-state='live']").wait_for(timeout=10_000)
    asha.get_by_role("button", name="Delete").click()
    asha.wait_for_url(live_server_url + "/budgets/")

    toast = ravi.locator("#toasts .toast")
    toast.first.wait_for(timeout=5_000)
    confirm_in_chat(asha, live_server_url, "20 groceries")  # another live event: nothing new
    asha.get_by_text("Saved").first.wait_for()
    ravi.wait_for_timeout(1_000)
    assert toast.all_inner_texts() == [
        "Another member deleted something shown here. Reload the page to see the latest."
    ]
    # What the browser logs for the one 404 is all; no page error, no CSP violation.
    assert [p for p in ravi.problems if "404" not in p] == []
    assert harness.csp_violations(ravi) == []
