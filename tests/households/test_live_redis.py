"""Live updates across processes: two daphne servers and a worker sharing Redis (REDIS_URL).

The stack is real: `manage.py migrate` on a fresh database (a temporary SQLite file, or a
throwaway database on the PostgreSQL server of DATABASE_URL when that is set), two daphne
processes with the production settings module (DEBUG on), and Redis on 127.0.0.1:6379, database
LIVE_REDIS_DB. A browser is played by urllib (login, CSRF, the add-expense form) and by a minimal
RFC 6455 client written here (the virtualenv has no WebSocket client library).

Skipped only when Redis is not answering on 127.0.0.1:6379. Every process started here is
stopped here, with bounded waits; the temporary database is removed. HEARTH_TEST_REDIS_DB (13)
or HEARTH_TEST_REDIS_URL choose another Redis database.

`test_an_idle_socket_keeps_receiving` fails while CHANNEL_LAYERS leaves redis-py 8's default
socket_timeout (5 s) in place: channels-redis' blocking read (BZPOPMIN, 5 s) then times out on
the client, the consumer crashes and the browser sees 1011 every few seconds of quiet.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
LIVE_REDIS_DB = int(os.environ.get("HEARTH_TEST_REDIS_DB", "13"))
LIVE_REDIS_URL = os.environ.get("HEARTH_TEST_REDIS_URL", f"redis://{REDIS_HOST}:{REDIS_PORT}/{LIVE_REDIS_DB}")
PASSWORD = "live-test-password-42"


def redis_answers(timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- a minimal WebSocket client


class HandshakeRefused(Exception):
    pass


@dataclass
class Closed:
    code: int | None


class WebSocket:
    """Just enough RFC 6455 for tests: handshake, masked text frames out, text/ping/close in.

    One reader task per socket turns frames into a queue of messages: text (str) or Closed(code).
    """

    GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.messages: asyncio.Queue = asyncio.Queue()
        self.closed: Closed | None = None
        self._reading = asyncio.create_task(self._read_all())

    @classmethod
    async def connect(cls, port: int, *, cookie: str = "", origin: str | None = None, timeout: float = 5):
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        headers = [
            "GET /ws/live/ HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: {origin or f'http://127.0.0.1:{port}'}",
        ]
        if cookie:
            headers.append(f"Cookie: {cookie}")
        writer.write(("\r\n".join(headers) + "\r\n\r\n").encode())
        await writer.drain()
        try:
            response = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        except asyncio.IncompleteReadError as exc:
            writer.close()
            raise HandshakeRefused(exc.partial.decode("latin1") or "connection closed") from None
        status, *lines = response.decode("latin1").split("\r\n")
        if status.split(" ")[1:2] != ["101"]:
            writer.close()
            raise HandshakeRefused(status)
        answer = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines if ": " in line)}
        expected = base64.b64encode(hashlib.sha1(key.encode() + cls.GUID).digest()).decode()
        assert answer.get("sec-websocket-accept") == expected, answer
        return cls(reader, writer)

    async def _send_frame(self, opcode: int, payload: bytes) -> None:
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        self.writer.write(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        await self.writer.drain()

    async def send_json(self, data) -> None:
        await self._send_frame(0x1, json.dumps(data).encode())

    async def _read_frame(self) -> tuple[bool, int, bytes]:
        b1, b2 = await self.reader.readexactly(2)
        n = b2 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif n == 127:
            (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
        mask = await self.reader.readexactly(4) if b2 & 0x80 else None
        payload = await self.reader.readexactly(n)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return bool(b1 & 0x80), b1 & 0x0F, payload

    async def _read_all(self) -> None:
        message = b""
        try:
            while True:
                fin, opcode, payload = await self._read_frame()
                if opcode == 0x9:  # ping: answer, as a browser does
                    await self._send_frame(0xA, payload)
                elif opcode == 0x8:  # close: answer it, and stop
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    self.closed = Closed(code)
                    with contextlib.suppress(ConnectionError):
                        await self._send_frame(0x8, payload[:2])
                    break
                elif opcode in (0x0, 0x1, 0x2):
                    message += payload
                    if fin:
                        self.messages.put_nowait((time.perf_counter(), message.decode()))
                        message = b""
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed = self.closed or Closed(None)
        self.messages.put_nowait((time.perf_counter(), self.closed))

    async def receive_timed(self, timeout: float = 5):
        """(perf_counter when it arrived, the next text message or Closed(code))."""
        return await asyncio.wait_for(self.messages.get(), timeout)

    async def receive(self, timeout: float = 5):
        return (await self.receive_timed(timeout))[1]

    async def receive_json(self, timeout: float = 5):
        message = await self.receive(timeout)
        assert isinstance(message, str), f"expected a message, got {message}"
        return json.loads(message)

    async def receive_nothing(self, timeout: float = 0.5) -> bool:
        try:
            message = await self.receive(timeout)
        except TimeoutError:
            return True
        raise AssertionError(f"expected nothing, got {message!r}")

    async def close(self) -> None:
        if self.closed is None:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._send_frame(0x8, struct.pack("!H", 1000))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._reading), 3)
        self._reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reading
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError, TimeoutError):
            await asyncio.wait_for(self.writer.wait_closed(), 2)


# ---------------------------------------------------------------- the stack: database, daphne, browser


@dataclass
class Account:
    email: str
    user_id: int
    membership: str  # uuid
    household: str  # uuid hex
    category: str  # uuid of its Groceries category
    today: str


@dataclass
class Browser:
    """Cookies and CSRF like a browser: one session, usable on any of the servers (same host)."""

    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self):
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, url: str, data: dict | None = None, timeout: float = 10) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 302 (not followed), 4xx, 5xx
            return error.code, error.read().decode(errors="replace")

    def log_in(self, base: str, email: str, password: str) -> None:
        status, page = self.request(base + "/accounts/login/")
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, page = self.request(
            base + "/accounts/login/", {"csrfmiddlewaretoken": token, "username": email, "password": password}
        )
        assert status == 302 and self.cookie("sessionid"), f"login failed ({status}): {page[:500]}"

    def session_header(self) -> str:
        return f"sessionid={self.cookie('sessionid')}"

    def add_expense(self, base: str, account: Account, amount: str = "250", description: str = "Milk") -> int:
        status, page = self.request(
            base + "/expenses/add/",
            {
                "csrfmiddlewaretoken": self.cookie("csrftoken"),
                "add-amount": amount,
                "add-description": description,
                "add-category": account.category,
                "add-date": account.today,
                "add-paid_by": str(account.user_id),
                "add-status": "paid",
            },
        )
        assert status == 302, f"POST /expenses/add/ answered {status}: {page[:800]}"
        return status


# Users get random ids: two runs sharing the Redis database must never share a `user.<id>` group.
SETUP = """
import json, secrets
from expenses.models import Category
from households.models import Membership, User
from households.services import household_create, household_join
out = []
first_id = secrets.randbelow(10**9) + 10**6
for n, email in enumerate({emails!r}):
    joins = {joins!r}.get(email)
    user = User.objects.create_user(id=first_id + n, email=email, password={password!r}, name=f"Person {{n}}")
    if joins:
        household_join(user=user, code=Membership.objects.get(user__email=joins).household.invite_code)
    else:
        household_create(user=user, name=f"Home {{n}}", currency="INR", timezone="Asia/Kolkata")
    membership = Membership.objects.select_related("household").get(user=user)
    household = membership.household
    out.append(dict(email=email, user_id=user.pk, membership=str(membership.pk), household=household.pk.hex,
                    category=str(Category.objects.get(household=household, name="Groceries").pk),
                    today=household.today().isoformat()))
print("ACCOUNTS=" + json.dumps(out))
"""

WRITE = """
from decimal import Decimal
from expenses.models import Category
from expenses.services import ExpenseData, expense_create
from households.models import User
for email in {emails!r}:
    user = User.objects.get(email=email)
    household = user.membership.household
    groceries = Category.objects.get(household=household, name="Groceries")
    expense_create(household=household, user=user, data=ExpenseData(
        amount=Decimal("99"), category=groceries, date=household.today(), paid_by=user))
"""


class Stack:
    """A database migrated once, and daphne servers on it, all sharing one Redis database."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.servers: list[tuple[subprocess.Popen, str, Path]] = []
        self.bases: list[str] = []
        self._drop_database = None
        self.database_url = self._make_database()
        self.env = dict(os.environ)
        for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
            self.env.pop(name, None)
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="true",
            SECRET_KEY=secrets.token_urlsafe(50),  # the same in every process: sessions are shared
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.database_url,
            REDIS_URL=LIVE_REDIS_URL,
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",
        )

    def _make_database(self) -> str:
        """A temporary SQLite file; or, when DATABASE_URL names PostgreSQL, a throwaway database there."""
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            return f"sqlite:///{self.workdir / 'live.sqlite3'}"
        import psycopg

        parts = urllib.parse.urlsplit(url)
        name = f"hearth_live_{secrets.token_hex(4)}"
        admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        self._drop_database = drop
        return parts._replace(path=f"/{name}").geturl()

    def manage(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [str(BIN / "python"), str(REPO / "manage.py"), *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def shell(self, code: str, timeout: float = 120) -> str:
        return self.manage("shell", "--no-imports", "-c", code, timeout=timeout)

    def accounts(self, *emails: str, joins: dict[str, str] | None = None) -> dict[str, Account]:
        """Accounts with their own household each, or joining another's: joins={email: whose}."""
        out = self.shell(SETUP.format(emails=list(emails), joins=joins or {}, password=PASSWORD))
        data = json.loads(re.search(r"^ACCOUNTS=(.*)$", out, re.MULTILINE).group(1))
        return {row["email"]: Account(**row) for row in data}

    def write_outside_daphne(self, *emails: str) -> None:
        """An expense for each account, by a plain Python process (as the django-q2 worker is)."""
        self.shell(WRITE.format(emails=list(emails)))

    def start_servers(self, count: int, timeout: float = 90) -> list[str]:
        for _ in range(count):
            port = free_port()
            log = self.workdir / f"daphne-{port}.log"
            with log.open("w") as out:
                process = subprocess.Popen(
                    [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
                    cwd=REPO,
                    env=self.env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            self.servers.append((process, f"http://127.0.0.1:{port}", log))
        deadline = time.monotonic() + timeout
        for process, base, log in self.servers[-count:]:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"daphne exited with {process.returncode}:\n{log.read_text()}")
                try:
                    with urllib.request.urlopen(base + "/accounts/login/", timeout=2) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"daphne did not answer on {base}:\n{log.read_text()}")
                time.sleep(0.2)
            self.bases.append(base)
        return self.bases[-count:]

    @staticmethod
    def port(base: str) -> int:
        return int(base.rsplit(":", 1)[1])

    def logs(self, chars: int = 3000) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-chars:]}" for _, _, log in self.servers)

    def stop(self) -> None:
        for process, _, _ in self.servers:
            if process.poll() is None:
                process.terminate()
        for process, _, _ in self.servers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._drop_database is not None:
            self._drop_database()


@contextlib.contextmanager
def running_stack(servers: int = 2):
    """A migrated database and `servers` daphne processes on it; all stopped and removed after."""
    workdir = Path(tempfile.mkdtemp(prefix="hearth-live-"))
    stack = None
    try:
        stack = Stack(workdir)
        stack.manage("migrate", "--noinput", "-v0", timeout=300)
        stack.start_servers(servers)
        yield stack
    finally:
        if stack is not None:
            stack.stop()
        shutil.rmtree(workdir, ignore_errors=True)


async def expect_invalidate(ws: WebSocket, stack: Stack, timeout: float = 10) -> dict:
    message = await ws.receive(timeout)
    assert isinstance(message, str), (
        f"the socket was closed ({message}) instead of receiving the event. A 1011 with "
        "'Timeout reading from 127.0.0.1:6379' in the log is redis-py 8's 5 s default socket_timeout "
        "cutting channels-redis' blocking read: CHANNEL_LAYERS needs socket_timeout > 5 s.\n" + stack.logs()
    )
    data = json.loads(message)
    assert data["type"] == "invalidate", data
    return data


# ---------------------------------------------------------------- the tests

pytestmark = pytest.mark.skipif(not redis_answers(), reason="Redis is not answering on 127.0.0.1:6379")

ASHA, RAVI, NOSY = "asha@example.com", "ravi@example.com", "nosy@example.com"


@pytest.fixture(scope="module")
def stack():
    with running_stack(servers=2) as stack:
        stack.people = stack.accounts(ASHA, RAVI, NOSY, joins={RAVI: ASHA})
        yield stack


async def logged_in(base: str, email: str) -> Browser:
    browser = Browser()
    await asyncio.to_thread(browser.log_in, base, email, PASSWORD)
    return browser


async def test_a_write_on_one_server_reaches_a_socket_on_the_other(stack):
    one, two = stack.bases
    asha = await logged_in(one, ASHA)
    ws = await WebSocket.connect(stack.port(one), cookie=asha.session_header())
    try:
        await asyncio.to_thread(asha.add_expense, two, stack.people[ASHA])  # same session, server 2
        message = await expect_invalidate(ws, stack)
        assert {"expenses", "budgets", "dashboard"} <= set(message["topics"]), message
        assert await ws.receive_nothing(0.5)
    finally:
        await ws.close()


async def test_an_idle_socket_keeps_receiving(stack):
    """Idle for longer than the channel layer's blocking read (5 s), the socket must stay usable."""
    one, two = stack.bases
    asha = await logged_in(one, ASHA)
    ws = await WebSocket.connect(stack.port(one), cookie=asha.session_header())
    try:
        with contextlib.suppress(TimeoutError):
            message = await ws.receive(timeout=7)
            assert not isinstance(message, Closed), (
                f"the idle socket was closed ({message}). A 1011 with 'Timeout reading from "
                "127.0.0.1:6379' in the log is redis-py 8's 5 s default socket_timeout cutting "
                "channels-redis' blocking read: CHANNEL_LAYERS needs socket_timeout > 5 s.\n" + stack.logs()
            )
            raise AssertionError(f"expected nothing while idle, got {message!r}")
        await asyncio.to_thread(asha.add_expense, two, stack.people[ASHA])
        await expect_invalidate(ws, stack)
    finally:
        await ws.close()


async def test_a_write_by_a_worker_process_reaches_the_socket_and_only_its_household(stack):
    _, two = stack.bases
    asha = await logged_in(two, ASHA)
    ws = await WebSocket.connect(stack.port(two), cookie=asha.session_header())
    try:
        # The neighbours' write first, then Asha's household's: the first event must be Asha's.
        await asyncio.to_thread(stack.write_outside_daphne, NOSY, ASHA)
        message = await expect_invalidate(ws, stack)
        assert message == {"type": "invalidate", "topics": ["budgets", "dashboard", "expenses"]}
        assert await ws.receive_nothing(0.5)
    finally:
        await ws.close()


async def test_the_real_server_refuses_a_foreign_origin_and_an_anonymous_socket(stack):
    one, _ = stack.bases
    with pytest.raises(HandshakeRefused, match="403"):
        await WebSocket.connect(stack.port(one), origin="http://evil.example")
    ws = await WebSocket.connect(stack.port(one))  # no session cookie
    try:
        assert await ws.receive(timeout=5) == Closed(4401)
    finally:
        await ws.close()


async def test_removing_a_member_on_one_server_closes_their_socket_on_the_other(stack):
    one, two = stack.bases
    ravi, asha = await logged_in(one, RAVI), await logged_in(two, ASHA)
    ravi_ws = await WebSocket.connect(stack.port(one), cookie=ravi.session_header())
    asha_ws = await WebSocket.connect(stack.port(one), cookie=asha.session_header())
    try:
        status, page = await asyncio.to_thread(
            asha.request,
            f"{two}/household/members/{stack.people[RAVI].membership}/remove/",
            {"csrfmiddlewaretoken": asha.cookie("csrftoken")},
        )
        assert status == 302, page[:500]
        assert await ravi_ws.receive(timeout=10) == Closed(4403), stack.logs()
        assert (await expect_invalidate(asha_ws, stack))["topics"] == ["members"]
    finally:
        await ravi_ws.close()
        await asha_ws.close()
