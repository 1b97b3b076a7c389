"""A slow provider slows no one else: the chat's provider call waits beside the requests, with no
database connection, while every ordinary page answers as usual.

A real server (pytest-django's live server, one thread per request) and a fake provider that
answers after DELAY seconds. Ten members post a chat message at once while forty other requests
hit ordinary pages: none of those waits for the provider, the provider is always waited on with the
thread's connection closed, the pool (PostgreSQL) never refuses anyone, and all ten messages get
their drafts. The latencies are printed (the p95 is also in `make bench`); the assertion is the
behaviour: no ordinary page took as long as the provider.
"""

import re
import statistics
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from expenses.models import ChatMessage, ExpenseDraft
from households import background
from households.models import Role
from llmsettings import calls
from llmsettings.models import ProviderSettings
from llmsettings.providers import BuiltinProvider
from tests.factories import HouseholdFactory, MembershipFactory

DELAY = 5.0
MEMBERS = 10
ORDINARY = 40  # requests to ordinary pages, by BROWSING members at a time, spread over the wait
BROWSING = 4
PAGES = ["/", "/expenses/", "/budgets/", "/inbox/"]


class SlowProvider:
    """Answers like builtin, after DELAY seconds; notes whether its thread held a connection."""

    name = "compatible"
    label = "The slow server"
    paid = False
    model = "slow-model"
    held: list[bool] = []
    waits: list[tuple[float, float]] = []

    def __init__(self, *args, **settings):
        pass

    def parse_expenses(self, text, context):
        SlowProvider.held.append(connection.connection is not None)
        SlowProvider.waits.append((time.monotonic(), time.monotonic() + DELAY))
        time.sleep(DELAY)
        return BuiltinProvider().parse_expenses(text, context)


class Session:
    """A member signed in (a session made by the test client), talking to the server over HTTP."""

    def __init__(self, user, base_url: str):
        client = Client()
        client.force_login(user)
        self.base = base_url
        self.cookies = {"sessionid": client.cookies["sessionid"].value}

    def _open(self, path: str, data: bytes | None = None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": self.base + path,
        }
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        response = urllib.request.urlopen(request, timeout=60)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def get(self, path: str) -> tuple[float, int, str]:
        started = time.perf_counter()
        with self._open(path) as response:
            body = response.read().decode()
            return time.perf_counter() - started, response.status, body

    def post_message(self, text: str) -> tuple[float, int, str]:
        _, _, page = self.get("/chat/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "text": text}).encode()
        started = time.perf_counter()
        with self._open("/chat/", body) as response:
            page = response.read().decode()
            return time.perf_counter() - started, response.status, page


def browse(session: Session, count: int) -> list[tuple[float, int, str]]:
    """A member going from page to page while the provider thinks: `count` pages over ~DELAY s."""
    results = []
    for i in range(count):
        results.append(session.get(PAGES[i % len(PAGES)]))
        time.sleep(DELAY * 0.8 / count)
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_slow_provider_slows_no_one_else(live_server, settings, monkeypatch):
    settings.BACKGROUND_INLINE = False
    monkeypatch.setattr(calls, "make_provider", SlowProvider)
    SlowProvider.held, SlowProvider.waits = [], []
    household = HouseholdFactory(name="The Busy House")
    members = [
        MembershipFactory(
            household=household, role=Role.MEMBER if i else Role.ADMIN, user__name=f"Member {i}"
        ).user
        for i in range(MEMBERS)
    ]
    ProviderSettings.objects.create(
        household=household, provider="compatible", base_url="http://127.0.0.1:9/v1", model="slow-model"
    )
    base = live_server.url
    sessions = [Session(member, base) for member in members]

    pool = connection.pool
    most_waiting, sampling = [0], threading.Event()

    def sample_pool():
        while not sampling.is_set():
            most_waiting[0] = max(most_waiting[0], pool.get_stats().get("requests_waiting", 0))
            time.sleep(0.02)

    monitor = threading.Thread(target=sample_pool, daemon=True)
    monitor.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=MEMBERS + ORDINARY) as workers:
        posts = [
            workers.submit(session.post_message, f"{100 + i} groceries today")
            for i, session in enumerate(sessions)
        ]
        post_results = [future.result() for future in posts]
        browsing_from = time.monotonic()
        pages = [workers.submit(browse, sessions[i], ORDINARY // BROWSING) for i in range(BROWSING)]
        page_results = [result for future in pages for result in future.result()]
        browsing_to = time.monotonic()
    background.wait_all(timeout=60)
    sampling.set()

    assert all("Reading your message" in page for _, _, page in post_results), "the sender sees no progress"
    assert not any("csrfmiddlewaretoken" in page and 'name="password"' in page for _, _, page in page_results)
    latencies = sorted(seconds for seconds, _, _ in page_results)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"\nordinary pages: {len(latencies)} requests, median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, slowest {latencies[-1] * 1000:.0f} ms; chat posts answered in at most "
        f"{max(s for s, _, _ in post_results) * 1000:.0f} ms; "
        f"all drafts after {time.perf_counter() - started:.1f} s; "
        f"most requests waiting for the pool: {most_waiting[0]}"
    )
    assert {status for _, status, _ in page_results + post_results} == {200}
    assert latencies[-1] < DELAY, "an ordinary page waited for the provider"
    overlap = min(end for _, end in SlowProvider.waits) - max(
        browsing_from, min(s for s, _ in SlowProvider.waits)
    )
    assert overlap > (browsing_to - browsing_from) / 2, (
        "the pages were not asked for while the provider thought"
    )
    assert max(seconds for seconds, _, _ in post_results) < DELAY, "posting waited for the provider"
    assert SlowProvider.held == [False] * MEMBERS, "the provider was waited on with a connection open"
    assert pool.get_stats().get("requests_errors", 0) == 0, "a request was refused a connection"
    messages = ChatMessage.objects.filter(household=household, role=ChatMessage.Role.MEMBER)
    assert messages.count() == MEMBERS
    for message in messages:
        reply = ChatMessage.objects.get(reply_to=message)
        assert ExpenseDraft.objects.filter(chat_message=reply).count() == 1, message.text
