"""Moving in from a bank, as a person does it in Chromium at 390 and 1280 px: upload a statement
with withdrawal and deposit columns, see it recognised with its mapping filled in, import it,
and see what was skipped (salary, card bill, self-transfer, cash, a refund) and what the drafts
add up to. Screenshots go to artifacts/screenshots/."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import harness

pytestmark = pytest.mark.e2e

MEMBER = "ravi@demo.hearth"
FILES = Path(__file__).resolve().parents[1] / "expenses" / "imports"


def shot(page, name: str, width: int) -> None:
    harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=harness.SCREENSHOTS / f"e2e-{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", [harness.PHONE, harness.DESKTOP])
def test_a_bank_statement_is_recognised_previewed_and_imported(page_for, live_server_url, width):
    expected = json.loads((FILES / "expected.json").read_text(encoding="utf-8"))[
        "bank_withdrawal_deposit.csv"
    ]
    page = page_for(MEMBER, width)
    page.goto(live_server_url + "/expenses/import/")
    page.locator("input[type=file]").set_input_files(str(FILES / "bank_withdrawal_deposit.csv"))
    page.locator("form button[type=submit]").first.click()

    expect(page.locator("#import-recognised")).to_contain_text(
        "Recognised: Bank statement (withdrawal and deposit columns)"
    )
    expect(page.locator("select[name=amount] option:checked")).to_contain_text("Withdrawal Amt.")
    expect(page.locator("select[name=inflow] option:checked")).to_contain_text("Deposit Amt.")
    expect(page.locator("select[name=date_format] option:checked")).to_contain_text("DD/MM/YY")
    expect(page.locator("#outcome-drafts")).to_contain_text(str(expected["expenses"]))
    # Cash counted as spent, by choice, then back to the default: the preview follows each time.
    page.get_by_label("A cash withdrawal (the cash is spent later)").check()
    page.get_by_role("button", name="Check again").click()
    cash = expected["skipped"]["cash"]
    expect(page.locator("#outcome-drafts")).to_contain_text(str(expected["expenses"] + cash))
    page.get_by_label("A cash withdrawal (the cash is spent later)").uncheck()
    page.get_by_role("button", name="Check again").click()
    expect(page.locator("#outcome-drafts")).to_contain_text(str(expected["expenses"]))
    shot(page, "import-map", width)
    page.get_by_role("button", name="Import").click()

    expect(page.locator("#import-drafts")).to_have_text(str(expected["expenses"]))
    expect(page.locator("#import-skipped")).to_contain_text(str(sum(expected["skipped"].values())))
    expect(page.locator("#import-skipped-rows")).to_contain_text("A card-bill payment")
    expect(page.locator("#import-skipped-rows")).to_contain_text("Income or money coming in")
    shown = page.locator("#import-total").inner_text()
    assert re.sub(r"[^0-9.]", "", shown) == expected["total"], shown  # to the cent
    shot(page, "import-status", width)

    assert not (list(page.problems) + harness.csp_violations(page))
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    assert overflow <= 0, f"the import status page is {overflow}px wider than the window"


@pytest.mark.parametrize("width", [harness.PHONE, harness.DESKTOP])
def test_the_files_categories_are_mapped_in_the_preview(page_for, live_server_url, width):
    page = page_for(MEMBER, width)
    page.goto(live_server_url + "/expenses/import/")
    page.locator("input[type=file]").set_input_files(str(FILES / "mint.csv"))
    page.locator("form button[type=submit]").first.click()

    expect(page.locator("#import-recognised")).to_contain_text("Recognised: Mint")
    hair = page.get_by_label("Hearth category for Hair", exact=True)
    # Personal care the first time; the shared demo household remembers a choice for the next file.
    target = {harness.PHONE: "Kids", harness.DESKTOP: "Gifts"}[width]
    hair.select_option(label=target)
    page.get_by_role("button", name="Check again").click()
    hair = page.get_by_label("Hearth category for Hair", exact=True)
    expect(hair.locator("option:checked")).to_have_text(target)  # kept through the check
    shot(page, "import-categories", width)
    wide = page.evaluate(
        """(w) => [...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap'))
             .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)""",
        width,
    )
    assert not wide, f"wider than the {width}px window: {wide}"
    drafts = page.locator("#outcome-drafts").inner_text()
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-drafts")).to_have_text(drafts.split(" ")[0])

    assert not (list(page.problems) + harness.csp_violations(page))
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    assert overflow <= 0, f"the import page is {overflow}px wider than the window"
