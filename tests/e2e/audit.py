"""What a person with a phone, a screen reader or shaky thumbs meets on a page, measured in the
browser: WCAG 2.1 A/AA violations found by axe-core (Deque's engine, bundled by the pinned
axe-playwright-python package), tap targets smaller than 44 × 44 px, and the pages to look at.

Used by test_access_browser.py and by `python tests/e2e/audit.py` (a report, with the numbers a
closing note quotes: dashboard height and small targets per page).
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):  # run as a script: make `tests.e2e` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import axe_playwright_python

from tests.e2e import harness

MIN_TARGET = 44  # px, both ways: the founding plan's touch target (WCAG 2.5.5)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Pages a crawl starts from: the menus link to the rest.
START = ["/", "/more/"]
# Never followed: leaving, downloads, the operators' admin, and pages that act on a GET.
SKIP = re.compile(r"^/(admin/|accounts/logout/|static/)|\.csv$|/export|/download")
# Ids in a path stand for one page shape: /budgets/12/ and /budgets/13/ are the same page.
ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27})(?=/)")


@cache
def axe_source() -> str:
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def axe_violations(page) -> list[str]:
    """WCAG 2.1 A and AA violations on the page as it is now, one line per rule and node."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())  # through the debugger protocol: the page's CSP is not involved
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    lines = []
    for rule in result["violations"]:
        for node in rule["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"{rule['id']} ({rule['impact']}): {target} — {node['failureSummary'][:160]}")
    return lines


# Every visible thing a finger can tap, with its size; links inside a sentence are measured too
# (the plan asks for 44 px everywhere, not WCAG 2.5.8's inline exception).
_TARGETS_JS = """
min => {
  const tappable = 'a[href], button, summary, select, input:not([type=hidden]), textarea, label,'
    + ' [role=button], [tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(tappable)) {
    if (el.closest('[hidden], [aria-hidden=true], .visually-hidden')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    // A visually hidden control (a checkbox behind its label) is tapped through its label.
    if (el.matches('input') && (el.offsetWidth <= 1 || style.opacity === '0')) continue;
    // A field's label is not a target of its own: the field is. A checkbox or radio button is
    // tapped through its label, so the label is measured instead of the box.
    const toggle = '[type=checkbox], [type=radio]';
    if (el.matches('label') && !(el.control && el.control.matches(toggle))) continue;
    if (el.matches(toggle) && el.labels && el.labels.length) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width < min - 0.5 || box.height < min - 0.5) {  // sub-pixel layout: 43.98 is 44
      const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '')
        .trim().replace(/\\s+/g, ' ').slice(0, 40);
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
      out.push(`${name} "${text}" ${Math.round(box.width)}×${Math.round(box.height)} (${location.pathname})`);
    }
  }
  return out;
}
"""


def small_targets(page) -> list[str]:
    return page.evaluate(_TARGETS_JS, MIN_TARGET)


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def open_disclosures(page) -> None:
    """Open every <details> and every "Show as a table" toggle, so what they hide is checked too."""
    page.evaluate(
        "() => { document.querySelectorAll('details').forEach(d => d.open = true);"
        " document.querySelectorAll('input.table-toggle').forEach(c => c.checked = true); }"
    )


def shape(path: str) -> str:
    return ID.sub("/<id>", path)


def crawl(page, base_url: str, start=START, limit: int = 80) -> list[str]:
    """Every page shape a member reaches by following links from the menus: one path per shape
    (one budget, one occasion, one expense …), breadth first."""
    seen_shapes: set[str] = set()
    found: list[str] = []
    queue = list(start)
    while queue and len(found) < limit:
        path = queue.pop(0)
        if shape(urlsplit(path).path) in seen_shapes or SKIP.search(urlsplit(path).path):
            continue
        response = page.goto(base_url + path)
        if response is None or not response.ok or not page.url.startswith(base_url):
            continue
        seen_shapes.add(shape(urlsplit(path).path))
        found.append(path)
        links = page.locator("a[href]").evaluate_all(
            "links => links.map(a => new URL(a.getAttribute('href'), location.href))"
            "  .filter(u => u.origin === location.origin)"
            "  .map(u => u.pathname)"
        )
        queue += [link for link in dict.fromkeys(links) if shape(link) not in seen_shapes]
    return found


def report(base_url: str | None = None) -> None:
    from contextlib import nullcontext

    from playwright.sync_api import sync_playwright

    server = nullcontext(harness.Server(url=base_url)) if base_url else harness.running_server()
    with server as running, sync_playwright() as playwright:
        browser = harness.launch_browser(playwright)
        password = running.logins.get("asha@demo.hearth") or harness.demo_password()
        for width in harness.WIDTHS:
            context = harness.new_context(browser, width)
            page = context.new_page()
            harness.log_in(page, running.url, "asha@demo.hearth", password)
            paths = crawl(page, running.url)
            total_small = total_axe = 0
            for path in paths:
                page.goto(running.url + path)
                page.wait_for_load_state("networkidle")
                height = page_height(page)
                small = small_targets(page) if width == harness.PHONE else []
                open_disclosures(page)
                violations = axe_violations(page)
                total_small += len(small)
                total_axe += len(violations)
                print(f"{width} {path}  height={height}  small={len(small)}  axe={len(violations)}")
                for line in violations:
                    print("    axe:", line)
                for line in small[:8]:
                    print("    small:", line)
            print(f"== {width}: {len(paths)} pages, {total_small} small targets, {total_axe} axe nodes")
            context.close()
        browser.close()


if __name__ == "__main__":
    report(sys.argv[1] if len(sys.argv) > 1 else None)
