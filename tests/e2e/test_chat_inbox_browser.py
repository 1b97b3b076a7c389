"""The chat and the inbox as a person uses them, in Chromium at 390 and 1280 px: the newest reply
is in view after a send, the composer leaves the thread most of a phone's screen, a long paste is
kept with its count, and "Confirm all" goes once nothing waits. Screenshots go to
artifacts/screenshots/."""

import pytest
from playwright.sync_api import expect

from tests.e2e import harness

pytestmark = pytest.mark.e2e

MEMBER = "ravi@demo.hearth"


def shot(page, name: str, width: int) -> None:
    harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=harness.SCREENSHOTS / f"e2e-{name}-{width}.png")


def problems(page) -> list[str]:
    # Every console error, page error and CSP violation fails these tests.
    return list(page.problems) + harness.csp_violations(page)


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] < height


@pytest.mark.parametrize("width", [harness.PHONE, harness.DESKTOP])
def test_chat_send_scroll_confirm_and_long_paste(page_for, live_server_url, width):
    page = page_for(MEMBER, width)
    page.goto(live_server_url + "/chat/")
    box = page.locator("#chat-form textarea")
    for text in ["petrol 1800", "auto 60 and chai 30", "milk 64, curd 40 and paneer 110"]:
        box.fill(text)
        box.press("Enter")
        expect(page.locator(".chat-member").last).to_contain_text(text)
    reply = page.locator(".chat-hearth").last
    expect(reply).to_contain_text("I made 3 drafts")
    page.wait_for_timeout(300)
    assert in_view(page, page.locator(".chat-member").last), "the message just sent is not in view"
    assert in_view(page, reply.locator(".bubble")), "Hearth's reply is not in view"
    shot(page, "chat-after-send", width)

    # The composer and the tab bar leave most of the screen to the thread.
    covered = page.evaluate(
        """() => {
          const form = document.getElementById('chat-form').getBoundingClientRect().height;
          const bar = document.querySelector('.tabbar');
          const shown = bar && getComputedStyle(bar).display !== 'none';
          return form + (shown ? bar.getBoundingClientRect().height : 0);
        }"""
    )
    assert covered < 0.2 * page.viewport_size["height"], f"composer and tab bar cover {covered}px"
    # Each card shows its own draft, not the whole message again.
    assert reply.locator(".raw").count() == 0

    # Confirm the three cards one by one: "Confirm all" goes once fewer than two wait.
    confirm_all = reply.locator(".confirm-all")
    expect(confirm_all).to_have_count(1)
    for _ in range(2):
        reply.locator(".draft-form button", has_text="Confirm").first.click()
        page.wait_for_timeout(400)
    expect(confirm_all).to_have_count(0)
    shot(page, "chat-confirmed", width)

    # A long paste stays whole, with the count beside it; sending it keeps it and says why.
    long_text = ("450 groceries " * 360).strip()
    box = page.locator("#chat-form textarea")
    box.fill(long_text)
    expect(page.locator("#chat-count")).to_contain_text("5,039 characters")
    box.press("Enter")
    expect(page.locator("#chat-form")).to_contain_text("That message is 5,039 characters long")
    assert len(page.locator("#chat-form textarea").input_value()) == len(long_text)
    shot(page, "chat-long-paste", width)
    assert not problems(page), problems(page)


def test_inbox_confirm_all_ready_and_discard_ticked(page_for, live_server_url):
    page = page_for(MEMBER, harness.PHONE)
    page.goto(live_server_url + "/chat/")
    box = page.locator("#chat-form textarea")
    box.fill("bought a gift for Meera, books 300, taxi 250")
    box.press("Enter")
    expect(page.locator(".chat-hearth").last).to_contain_text("draft")
    page.goto(live_server_url + "/inbox/")
    shot(page, "inbox", harness.PHONE)
    page.locator(".draft-pick input").first.check()
    page.get_by_role("button", name="Discard ticked").click()
    expect(page.locator(".messages")).to_contain_text("Discarded 1 draft")
    button = page.get_by_role("button", name="Confirm all")
    if button.count():
        button.first.click()
        expect(page.locator(".messages")).to_contain_text("Saved")
    shot(page, "inbox-after-confirm-all", harness.PHONE)
    page.goto(live_server_url + "/inbox/?show=discarded")
    expect(page.locator(".draft-card")).to_have_count(1)
    shot(page, "inbox-discarded", harness.PHONE)
    assert not problems(page), problems(page)
