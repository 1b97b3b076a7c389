"""Take full-page screenshots of Hearth pages at phone (390 px) and desktop (1280 px) width.

    .venv/bin/python tests/e2e/shoot.py / /more/ /household/members/
    .venv/bin/python tests/e2e/shoot.py --anon /accounts/login/ --anon /accounts/signup/
    .venv/bin/python tests/e2e/shoot.py / --user ravi@demo.hearth --dark --out /tmp/shots
    .venv/bin/python tests/e2e/shoot.py / --base-url http://127.0.0.1:8000   # a running server

Without --base-url it starts its own server exactly like the e2e tests do (daphne, a fresh
SQLite database with the demo household) and stops it afterwards. Paths are shot logged in as
--user; --anon paths are shot logged out (logged-in users are redirected away from the login
and sign-up pages). Console errors and CSP violations are printed as warnings.
"""

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.e2e` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from playwright.sync_api import sync_playwright

from tests.e2e import harness


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="paths to shoot logged in, e.g. / /more/")
    parser.add_argument(
        "--anon", action="append", default=[], metavar="PATH", help="a path to shoot logged out"
    )
    parser.add_argument("--user", default="asha@demo.hearth", help="demo login (default: Asha)")
    parser.add_argument("--password", help="password (default: the demo password)")
    parser.add_argument("--out", default=str(harness.SCREENSHOTS), help="folder for the PNGs")
    parser.add_argument("--base-url", help="use this running server instead of starting one")
    parser.add_argument("--width", type=int, action="append", help="window widths (default: 390 and 1280)")
    parser.add_argument("--dark", action="store_true", help="prefer the dark colour scheme")
    parser.add_argument("--viewport-only", action="store_true", help="not the full page")
    args = parser.parse_args(argv)
    if not args.paths and not args.anon:
        parser.error("give at least one path")
    return args


def shoot(browser, base_url: str, paths, widths, out: Path, args, login=None) -> int:
    """Save one PNG per path and width; returns the number of pages with problems."""
    bad = 0
    for width in widths if paths else []:
        context = harness.new_context(browser, width, color_scheme="dark" if args.dark else "light")
        page = context.new_page()
        problems = harness.watch(page)
        if login:
            harness.log_in(page, base_url, *login)
        for path in paths:
            problems.clear()
            response = page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            file = out / f"{harness.slug(path)}-{width}{'-dark' if args.dark else ''}.png"
            harness.screenshot(page, file, full_page=not args.viewport_only)
            note = "" if response is None else f"  [{response.status}]"
            if page.url != base_url + path:
                note += f"  (ended at {page.url.removeprefix(base_url)})"
            print(f"{file}{note}")
            for problem in problems + harness.csp_violations(page):
                print(f"  warning: {problem}")
            bad += bool(problems) or (response is not None and not response.ok)
        context.close()
    return bad


def main(argv=None) -> int:
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    widths = args.width or list(harness.WIDTHS)
    server = nullcontext(harness.Server(url=args.base_url.rstrip("/"))) if args.base_url else None
    with server or harness.running_server() as running, sync_playwright() as playwright:
        password = args.password or running.logins.get(args.user) or harness.demo_password()
        browser = harness.launch_browser(playwright)
        try:
            bad = shoot(browser, running.url, args.anon, widths, out, args)
            bad += shoot(browser, running.url, args.paths, widths, out, args, login=(args.user, password))
        finally:
            browser.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
