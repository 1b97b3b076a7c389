"""A real Hearth server and a real browser, shared by the e2e tests (conftest.py) and shoot.py.

The server is daphne in a subprocess, on a free port, with the production settings module
(DEBUG on) and a fresh SQLite file in a temporary folder, migrated and loaded with the demo
household. The browser is Debian's chromium driven by Playwright; nothing is ever downloaded
(never run `playwright install`).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the virtualenv's bin/ (we run as .venv/bin/python or pytest)
SCREENSHOTS = REPO / "artifacts" / "screenshots"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE, DESKTOP = 390, 1280
WIDTHS = (PHONE, DESKTOP)
HEIGHT = {PHONE: 844, DESKTOP: 800}

# Records CSP violations on the page, whatever the browser prints about them.
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  var where = e.target && e.target.outerHTML ? " on " + e.target.outerHTML.slice(0, 200) : "";
  window.__cspViolations.push(
    e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    (e.sample ? " (" + e.sample + ")" : "") + " at " + e.sourceFile + ":" + e.lineNumber + where
  );
});
"""


@dataclass
class Server:
    url: str
    logins: dict[str, str] = field(default_factory=dict)  # email -> password, from seed_demo
    log: Path | None = None

    def log_tail(self, lines: int = 40) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The pytest process sets config.settings_test; the server runs the real settings.
    for name in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{database}",  # an absolute path: sqlite:////tmp/...
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def parse_logins(seed_output: str) -> dict[str, str]:
    """The demo logins seed_demo prints: '... login: EMAIL  password: PASSWORD'."""
    return dict(re.findall(r"login: (\S+)\s+password: (\S+)", seed_output))


def demo_password() -> str:
    """The demo password, read from seed_demo's source (for a server we did not seed)."""
    source = (REPO / "households/management/commands/seed_demo.py").read_text()
    match = re.search(r'^DEMO_PASSWORD = "([^"]+)"', source, re.MULTILINE)
    if not match:
        raise RuntimeError("DEMO_PASSWORD not found in seed_demo.py")
    return match.group(1)


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"daphne did not answer on {url} within {timeout:.0f} s:\n{log.read_text()}")


@contextmanager
def running_server() -> Iterator[Server]:
    """Migrate and seed a fresh database, start daphne on it, yield it, stop it, clean up."""
    workdir = Path(tempfile.mkdtemp(prefix="hearth-e2e-"))
    env = server_env(workdir / "e2e.sqlite3")
    manage = [str(BIN / "python"), str(REPO / "manage.py")]
    process = None
    try:
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
            done = subprocess.run([*manage, *command], cwd=REPO, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"manage.py {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
        logins = parse_logins(done.stdout)
        if not logins:
            raise RuntimeError(f"seed_demo printed no logins:\n{done.stdout}")

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = workdir / "daphne.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(url, process, log)
        yield Server(url=url, logins=logins, log=log)
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def launch_browser(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"No browser at {CHROMIUM}. On Debian: apt-get install -y chromium "
            "(or set CHROMIUM to a Chromium binary). Never `playwright install`."
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def new_context(browser, width: int = DESKTOP, **options):
    context = browser.new_context(viewport={"width": width, "height": HEIGHT.get(width, 800)}, **options)
    context.set_default_timeout(15_000)
    context.add_init_script(_CSP_LISTENER)
    return context


def watch(page) -> list[str]:
    """Collect console errors, uncaught exceptions and server errors (any 5xx answer, to a page
    load or to an htmx request) of a page. CSP violations are console errors too.

    One console line is not a problem: Chromium's "Failed to load resource" for a page the server
    answered 400 to a form post. That is Hearth refusing what was typed, with the form and its
    errors as the page (the form walk checks the errors are shown and the text kept)."""
    problems: list[str] = []
    refused: set[str] = set()  # URLs of form posts answered with the form and its errors

    def on_response(response) -> None:
        request = response.request
        if response.status >= 500:
            problems.append(f"{response.status} from {request.method} {response.url}")
        elif response.status == 400 and request.method == "POST" and request.resource_type == "document":
            refused.add(response.url)

    def on_console(msg) -> None:
        if msg.type != "error":
            return
        if msg.text.startswith("Failed to load resource") and msg.location.get("url") in refused:
            return
        problems.append(f"console.{msg.type}: {msg.text} ({page.url})")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc} ({page.url})"))
    return problems


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Log in through the real login form; raises if the form does not let us in."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise RuntimeError(f"Could not log in as {email}: still on {page.url}")


def screenshot(page, path, full_page: bool = True) -> None:
    """Save a PNG of the page. For a full page the window is first made as tall as the page, so
    fixed bars (the phone tab bar) sit at its real bottom instead of covering content midway."""
    if not full_page:
        page.screenshot(path=path)
        return
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
    try:
        page.screenshot(path=path, full_page=True)
    finally:
        page.set_viewport_size(size)


def slug(path: str) -> str:
    """'/' -> 'dashboard', '/household/members/' -> 'household-members'."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", path.split("?")[0]).strip("-")
    return name or "dashboard"
