"""Write → event latency of live updates on a real stack (not in the default run; prints, never asserts time).

.venv/bin/pytest tests/bench/test_live_latency.py -o addopts="" -s -q

Two daphne processes (production settings, DEBUG on) on a fresh SQLite database (or a throwaway
PostgreSQL database when DATABASE_URL names one), Redis on 127.0.0.1:6379 as the channel layer;
the stack of tests/households/test_live_redis.py. One household with one budget; 10 sockets open
on server A. For each of 100 writes (after 5 warm-up writes), the clock starts just before the
POST /expenses/add/ is sent and stops when each socket's reader parses the event frame:

- cross-process: the POST goes to server B (event through Redis to A's sockets);
- same process:  the POST goes to server A;
- raw fan-out:   a group_send from this process straight into Redis (no HTTP, no database).

Goal: p95 ≤ 30 ms on loopback (the "last of 10 sockets" column).
"""

import asyncio
import http.client
import os
import statistics
import time
import urllib.parse

import pytest

from tests.households.test_live_redis import (
    LIVE_REDIS_URL,
    PASSWORD,
    Browser,
    WebSocket,
    redis_answers,
    running_stack,
)

SOCKETS = 10
WRITES = 100
WARMUP = 5
EMAIL = "bench@example.com"

pytestmark = pytest.mark.skipif(not redis_answers(), reason="Redis is not answering on 127.0.0.1:6379")

BUDGET = """
from decimal import Decimal
from budgets.services import budget_create
from households.models import User
user = User.objects.get(email={email!r})
budget_create(household=user.membership.household, user=user, name="Everything", amount=Decimal("100000000"))
"""


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))]


def summary(name: str, values_ms: list[float]) -> str:
    return (
        f"  {name:<34} p50 {pct(values_ms, 50):7.2f}  p95 {pct(values_ms, 95):7.2f}  "
        f"max {max(values_ms):7.2f}  mean {statistics.fmean(values_ms):7.2f} ms  (n={len(values_ms)})"
    )


class Poster:
    """POST /expenses/add/ on one keep-alive connection; returns (start, response) perf_counter times."""

    def __init__(self, base: str, browser: Browser, account):
        parts = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
        self.fields = {
            "csrfmiddlewaretoken": browser.cookie("csrftoken"),
            "add-amount": "12.50",
            "add-description": "Bench",
            "add-category": account.category,
            "add-date": account.today,
            "add-paid_by": str(account.user_id),
            "add-status": "paid",
        }

    def post(self) -> tuple[float, float]:
        body = urllib.parse.urlencode(self.fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        started = time.perf_counter()
        self.conn.request("POST", "/expenses/add/", body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        answered = time.perf_counter()
        assert response.status == 302, response.status
        return started, answered

    def close(self):
        self.conn.close()


async def run_writes(sockets, post, count: int):
    """(last-socket latencies, every socket's latencies, response times, last event − response), in ms."""
    last, each, responses, after_response = [], [], [], []
    for n in range(WARMUP + count):
        started, answered = await asyncio.to_thread(post)
        arrivals = [await ws.receive_timed(timeout=10) for ws in sockets]
        for _, message in arrivals:
            assert isinstance(message, str) and '"invalidate"' in message, message
        if n < WARMUP:
            continue
        latencies = [(at - started) * 1000 for at, _ in arrivals]
        last.append(max(latencies))
        each.extend(latencies)
        responses.append((answered - started) * 1000)
        after_response.append(max(at for at, _ in arrivals) * 1000 - answered * 1000)
    return last, each, responses, after_response


async def run_fanout(sockets, group: str, count: int):
    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(hosts=[{"address": LIVE_REDIS_URL, "socket_timeout": 30}])
    last = []
    try:
        for n in range(WARMUP + count):
            started = time.perf_counter()
            await layer.group_send(group, {"type": "invalidate", "topics": ["bench"]})
            arrivals = [await ws.receive_timed(timeout=10) for ws in sockets]
            if n >= WARMUP:
                last.append(max((at - started) * 1000 for at, _ in arrivals))
    finally:
        await layer.close_pools()
    return last


async def test_write_to_event_latency_on_10_sockets():
    with running_stack(servers=2) as stack:
        account = stack.accounts(EMAIL)[EMAIL]
        stack.shell(BUDGET.format(email=EMAIL))
        a, b = stack.bases
        browser = Browser()
        await asyncio.to_thread(browser.log_in, a, EMAIL, PASSWORD)
        sockets = [
            await WebSocket.connect(stack.port(a), cookie=browser.session_header()) for _ in range(SOCKETS)
        ]
        to_a, to_b = Poster(a, browser, account), Poster(b, browser, account)
        try:
            cross = await run_writes(sockets, to_b.post, WRITES)
            same = await run_writes(sockets, to_a.post, WRITES)
            fanout = await run_fanout(sockets, f"household.{account.household}", WRITES)
        finally:
            to_a.close()
            to_b.close()
            for ws in sockets:
                await ws.close()

        load = os.getloadavg()[0]
        print(
            f"\nLive updates, write → event on {SOCKETS} sockets, {WRITES} writes, daphne + Redis, loopback"
        )
        print(
            f"  database {stack.database_url.split(':', 1)[0]}, REDIS_URL {LIVE_REDIS_URL}, load {load:.1f}"
        )
        print("cross-process (POST to server B, sockets on A):")
        print(summary("last of 10 sockets", cross[0]))
        print(summary("every socket", cross[1]))
        print(summary("HTTP response (302)", cross[2]))
        print(summary("last event − HTTP response", cross[3]))
        print("same process (POST to server A, sockets on A):")
        print(summary("last of 10 sockets", same[0]))
        print(summary("every socket", same[1]))
        print(summary("HTTP response (302)", same[2]))
        print(summary("last event − HTTP response", same[3]))
        print("raw fan-out (group_send from this process → Redis → A → 10 sockets):")
        print(summary("last of 10 sockets", fanout))
