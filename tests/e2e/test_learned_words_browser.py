"""Learning a household's word, as a person does it in Chromium at 390 and 1280 px: a chat draft
for a word Hearth does not know lands in Other, the member picks the right category and confirms,
and the next message with that word arrives in it; the categories page shows the word, and
renaming and forgetting it work there."""

import pytest
from playwright.sync_api import expect

from tests.e2e import harness

pytestmark = pytest.mark.e2e

MEMBER = "ravi@demo.hearth"


def shot(page, name: str, width: int) -> None:
    harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=harness.SCREENSHOTS / f"e2e-{name}-{width}.png", full_page=True)


def send(page, text: str):
    box = page.locator("#chat-form textarea")
    box.press_sequentially(text, delay=20)
    box.press("Enter")
    expect(page.locator(".chat-member").last).to_contain_text(text)
    reply = page.locator(".chat-hearth").last
    expect(reply).to_contain_text("I made 1 draft")
    return reply


@pytest.mark.parametrize("width", [harness.PHONE, harness.DESKTOP])
def test_a_corrected_word_is_learned_shown_renamed_and_forgotten(page_for, live_server_url, width):
    word = {harness.PHONE: "lakshmiamma", harness.DESKTOP: "kamalamma"}[width]  # one a run
    page = page_for(MEMBER, width)
    page.goto(live_server_url + "/chat/")

    reply = send(page, f"{word} 400")
    category = reply.locator(".draft-form select[name$='-category']").last
    expect(category.locator("option:checked")).to_have_text("Other")
    category.select_option(label="Housing")
    page.wait_for_timeout(500)  # past any debounce: the choice must survive
    expect(category.locator("option:checked")).to_have_text("Housing")
    reply.locator(".draft-form button", has_text="Confirm").last.click()
    expect(reply).to_contain_text("Saved")

    reply = send(page, f"{word} 450 this week")
    expect(reply.locator(".draft-form select[name$='-category'] option:checked").last).to_have_text("Housing")
    shot(page, "learned-chat", width)
    reply.locator(".draft-form button", has_text="Discard").last.click()  # leave the chat as found
    expect(reply.locator(".draft-form button", has_text="Confirm")).to_have_count(0)

    page.goto(live_server_url + "/categories/")
    learned = page.locator("#learned-words")
    expect(learned).to_contain_text(f"“{word}” → Housing")
    shot(page, "learned-categories", width)

    learned.get_by_role("link", name=f"Edit “{word}”").click()
    phrase = page.locator("input[name='phrase']")
    phrase.fill("")
    phrase.press_sequentially(f"{word} ji", delay=20)
    page.locator("select[name='category']").select_option(label="Kids")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#learned-words")).to_contain_text(f"“{word} ji” → Kids")

    page.locator("#learned-words").get_by_role("link", name=f"Edit “{word} ji”").click()
    shot(page, "learned-edit", width)
    page.get_by_role("button", name=f"Forget “{word} ji”").click()
    expect(page.locator("body")).to_contain_text(f"Hearth forgot “{word} ji”")
    expect(page.locator("#learned-words")).not_to_contain_text(f"{word} ji")

    assert not (list(page.problems) + harness.csp_violations(page))
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    assert overflow <= 0, f"the categories page is {overflow}px wider than the window"
