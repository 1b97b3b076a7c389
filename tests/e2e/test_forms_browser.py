"""Every form in Hearth, filled as a person fills it, in Chromium at 390 and 1280 px.

The walk finds the pages itself (the navigation, the More menu and the links on those pages, one
page per URL pattern), opens every <details> so folded forms are reached too, and for each form:
types into every field key by key, waits past the longest debounce after each one and checks that
everything typed so far is still there (a swap that replaces the form fails here), and that the
budget context shows beside an amount where the form has one; submits it; and
when the answer is the form again with errors, checks that what was typed is kept. A second pass
types amounts no household can have (too large, negative) into every amount field and expects
the error next to the field, not a server error. Any console error, page error, CSP violation
or 5xx fails the walk.

The walk writes what it types, so it runs against a server of its own: the demo household the
other browser tests read stays as seeded. Forms that delete, remove, leave, discard or sign out
are typed into but not submitted (the unit walkers post to those).
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from tests.e2e import harness
from tests.e2e.fixtures import server_fixtures

pytestmark = pytest.mark.e2e

ADMIN = "asha@demo.hearth"
START = ["/", "/more/", "/expenses/", "/chat/", "/inbox/", "/budgets/", "/occasions/", "/analysis/"]
VISITOR_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"]
NOT_WALKED = re.compile(r"^/admin/|/logout/|\.csv$|^/join/|/status/$")
# Forms the walk types into but does not send: they take something away, or sign the walker out.
NOT_SENT = re.compile(r"delete|remove|leave|discard|rotate|logout|/role/|erase", re.IGNORECASE)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DEBOUNCE_MS = 400  # the longest hx-trigger delay in the templates
SETTLE_MS = DEBOUNCE_MS + 250
# Amounts a person mistypes, and the words the error next to the field must have.
HOSTILE_AMOUNTS = {"99999999999999": "too large", "-50": "more than zero|zero or more"}
MAX_PAGES = 60

FIELDS = (
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=checkbox])"
    ":not([type=radio]):not([type=file]):not([type=password]):not([type=image]):not([type=reset]),"
    " textarea, select"
)


# The walk's own server and logins (the other modules share the seeded one).
hearth_server, live_server_url, demo_logins, _sessions = server_fixtures("module")


def pattern(path: str) -> str:
    return UUID.sub("<id>", path)


def discover(page, base: str) -> list[str]:
    """Same-origin pages reachable from START in two clicks, one per URL pattern."""
    seen: dict[str, str] = {}
    queue = [(path, 0) for path in START]
    while queue and len(seen) < MAX_PAGES:
        path, depth = queue.pop(0)
        if NOT_WALKED.search(path) or pattern(path) in seen:
            continue
        response = page.goto(base + path)
        if response is None or not response.ok or urlsplit(page.url).path != path:
            continue  # a redirect (or an error, which the walk reports) is not a page of its own
        seen[pattern(path)] = path
        if depth < 2:
            links = page.locator("a[href]").evaluate_all(
                "links => links.map(a => new URL(a.getAttribute('href'), location.href))"
                "  .filter(u => u.origin === location.origin).map(u => u.pathname)"
            )
            queue += [(link, depth + 1) for link in dict.fromkeys(links)]
    return list(seen.values())


def quiet(page) -> None:
    """Wait until the page has loaded and no htmx request is in flight."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def open_everything(page) -> None:
    """Open every folded section, as a person would to reach the form inside, and let what opening
    loads arrive."""
    opened = page.evaluate(
        "() => { const shut = document.querySelectorAll('details:not([open])');"
        " shut.forEach(d => { d.open = true; }); return shut.length; }"
    )
    if opened:
        page.wait_for_timeout(100)
        quiet(page)


# What kind of form it is: method, where it goes, its hidden "action", the names of its fields.
FORM_KEY = """f => [
  (f.getAttribute('method') || 'get').toLowerCase(),
  new URL(f.getAttribute('action') || location.href, location.href).pathname,
  (f.querySelector('[name=action]') || {}).value || '',
  [...f.elements].map(e => e.name).filter(Boolean).sort().join(','),
].join(' ')"""


def value_for(field, index: int) -> str | None:
    """What a person would type into this field; None to leave it alone."""
    kind, name, mode, maxlength = field.evaluate(
        "e => [e.tagName === 'SELECT' ? 'select' : (e.tagName === 'TEXTAREA' ? 'textarea' : e.type),"
        " e.name, e.inputMode, e.maxLength]"
    )
    if kind == "select":
        options = field.locator("option").evaluate_all(
            "os => os.filter(o => o.value && !o.disabled && !o.selected).map(o => o.value)"
        )
        return options[0] if options else None
    today = date.today()
    if kind == "date":
        return today.isoformat()
    if kind == "month":
        return today.strftime("%Y-%m")
    if kind in ("number", "range") or mode in ("decimal", "numeric"):
        text = "1234.50" if mode == "decimal" else str(10 + index)
    elif kind == "email":
        text = f"walker{index}@example.com"
    elif kind == "url":
        text = "http://localhost:11434/v1"
    elif kind == "search":
        text = "milk"
    elif kind == "tel":
        text = "98765 43210"
    elif kind in ("text", "textarea"):
        text = f"walk {index} " + ("450 groceries" if name == "text" else "note")
    else:
        return None
    return text[:maxlength] if maxlength and maxlength > 0 else text


def fill_like_a_person(field, value: str) -> None:
    kind = field.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
    if kind == "select":
        field.select_option(value)
    elif kind in ("date", "month", "range"):
        field.fill(value)  # the browser's own picker; Playwright sets it as a person's pick does
    else:
        field.click()
        field.press("ControlOrMeta+a")
        field.press("Backspace")
        field.press_sequentially(value, delay=15)


PAGE_STATUS = "performance.getEntriesByType('navigation')[0].responseStatus"
KEPT = """([name, value]) => [...document.getElementsByName(name)].some(e => e.value === value)"""


def still_there(page, typed: list[tuple[str, str]]) -> list[str]:
    return [f"{name}={value!r}" for name, value in typed if not page.evaluate(KEPT, [name, value])]


def send(form, page) -> bool:
    """Press the form's first submit button that does not take something away. False if none."""
    buttons = form.locator("button:not([type=button]):not([type=reset]), input[type=submit]")
    for i in range(buttons.count()):
        button = buttons.nth(i)
        label = (button.inner_text() if button.evaluate("b => b.tagName") == "BUTTON" else "") or ""
        label += f" {button.get_attribute('value') or ''} {button.get_attribute('formaction') or ''}"
        if button.is_visible() and not NOT_SENT.search(label):
            button.click()
            page.wait_for_timeout(100)
            quiet(page)
            return True
    return False


def shows_errors(page) -> bool:
    return page.locator(".errorlist:visible, [aria-invalid=true]:visible").count() > 0


def forms_on(page, url: str):
    page.goto(url)
    quiet(page)
    open_everything(page)
    return page.locator("form")


def find_form(page, url: str, key: str):
    """The first form of that kind on a fresh load of the page (earlier sends may have added rows)."""
    forms = forms_on(page, url)
    keys = [pattern(k) for k in forms.evaluate_all(f"fs => fs.map({FORM_KEY})")]
    return forms.nth(keys.index(key)) if key in keys else None


def walk_form(page, url: str, key: str, amount: str | None, report: list[str]) -> dict:
    """Type into the form of that kind on `url` (with `amount` in amount fields, when given), then
    send it. Returns what was done, for the totals."""
    done = {"fields": 0, "sent": False, "amounts": 0}
    form = find_form(page, url, key)
    if form is None:
        return done
    where = f"{pattern(urlsplit(url).path)} form {key}"
    fields = form.locator(FIELDS)
    typed: list[tuple[str, str]] = []
    amount_fields = []
    for i in range(fields.count()):
        field = fields.nth(i)
        if not field.is_visible() or not field.is_editable():
            continue
        value = value_for(field, i)
        if value is None:
            continue
        is_amount = field.evaluate("e => e.inputMode === 'decimal'")
        done["amounts"] += is_amount
        if amount is not None and is_amount:
            value = amount
            amount_fields.append(field)
        fill_like_a_person(field, value)
        name = field.get_attribute("name") or ""
        typed.append((name, field.input_value()))  # as the field took it (maxlength, a picker)
        page.wait_for_timeout(SETTLE_MS)
        done["fields"] += 1
        lost = still_there(page, typed)
        if lost:
            report.append(f"{where}: typing into {name!r} wiped {', '.join(lost)}")
            return done
    if amount is None and form.locator(".budget-context-slot").count():
        # Beside the amount: the budgets it would count against (or that none does), in the form.
        done["context"] = form.locator(".budget-context-slot .budget-context").count() > 0
        if not done["context"]:
            report.append(f"{where}: typing gave no budget context beside the amount")
    if amount is not None and not amount_fields:
        return done
    if NOT_SENT.search(key):
        return done
    done["sent"] = send(form, page)
    if not done["sent"]:
        return done
    if amount is not None:
        # Refused by the browser's own check, or by the server with the error next to the field.
        blocked = any(f.evaluate("e => e.isConnected && !e.validity.valid") for f in amount_fields)
        words = re.compile(HOSTILE_AMOUNTS[amount], re.I)
        said = page.locator(".errorlist, .problems, [role=alert]").filter(has_text=words)
        if not blocked and not said.count():
            report.append(f"{where}: {amount} in an amount field gave no error")
        lost = still_there(page, [t for t in typed if t[1] == amount])
        if not blocked and lost:
            report.append(f"{where}: the refused amount was not kept: {', '.join(lost)}")
    elif page.evaluate(PAGE_STATUS) == 400 and not shows_errors(page):
        report.append(f"{where}: the server refused the form (400) but the page shows no error")
    elif shows_errors(page):
        lost = still_there(page, typed)
        if lost:
            report.append(f"{where}: the form came back with errors but lost {', '.join(lost)}")
    return done


def walk(page, urls: list[str], width: int) -> tuple[list[str], dict]:
    report: list[str] = []
    totals = {"pages": 0, "forms": 0, "fields": 0, "sent": 0, "contexts": 0, "hostile": 0}
    for url in urls:
        forms = forms_on(page, url)
        # One of each kind per page: 25 draft cards are one form to walk.
        keys = dict.fromkeys(pattern(k) for k in forms.evaluate_all(f"fs => fs.map({FORM_KEY})"))
        totals["pages"] += 1
        for key in keys:
            done = walk_form(page, url, key, None, report)
            totals["forms"] += 1
            totals["fields"] += done["fields"]
            totals["sent"] += done["sent"]
            totals["contexts"] += done.get("context", False)
            for hostile in HOSTILE_AMOUNTS if done["amounts"] else ():
                totals["hostile"] += walk_form(page, url, key, hostile, report)["sent"]
        report += [f"{p} (at {width}px)" for p in page.problems]
        page.problems.clear()
        report += [f"CSP: {v} (at {width}px)" for v in harness.csp_violations(page)]
        overflow = page.evaluate("document.documentElement.scrollWidth") - width
        if overflow > 0:
            report.append(f"{page.url} is {overflow}px wider than the {width}px window")
    print(f"walked at {width}px: {totals}")
    return report, totals


@pytest.mark.parametrize("width", harness.WIDTHS)
def test_every_member_form(page_for, live_server_url, width):
    page = page_for(ADMIN, width)
    urls = [live_server_url + path for path in discover(page, live_server_url)]
    report, totals = walk(page, urls, width)
    assert report == [], "\n".join(report)
    # The walk reached the app's forms, not an empty page: the ledger, chat, budgets, occasions.
    assert totals["pages"] >= 20 and totals["forms"] >= 25 and totals["sent"] >= 15, totals
    assert totals["hostile"] >= 10 and totals["contexts"] >= 3, totals


@pytest.mark.parametrize("width", harness.WIDTHS)
def test_every_visitor_form(anonymous_page, live_server_url, width):
    page = anonymous_page(width)
    page.problems = harness.watch(page)
    report, totals = walk(page, [live_server_url + path for path in VISITOR_PAGES], width)
    assert report == [], "\n".join(report)
    assert totals["forms"] >= 3, totals


def test_a_huge_amount_in_the_chat_is_a_flagged_draft(page_for, live_server_url):
    """A person types an amount no household has: a draft that says why, and the chat and the
    inbox still open for everyone."""
    page = page_for(ADMIN, harness.PHONE)
    page.goto(live_server_url + "/chat/")
    for text in ["99999999999999 rent", "1000000000000 groceries", "20000000 lakh"]:
        box = page.locator("#chat-form textarea")
        box.fill(text)
        box.press("Enter")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(SETTLE_MS)
        last = page.locator(".chat-member").last
        assert text in last.inner_text()
    assert page.locator(".chat-hearth").last.get_by_text(re.compile(r"too large|at most", re.I)).count()
    for path in ("/chat/", "/inbox/", "/"):
        response = page.goto(live_server_url + path)
        assert response.ok, f"{path} answered {response.status}"
    assert page.problems + harness.csp_violations(page) == []
