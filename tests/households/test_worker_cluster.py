"""The real worker on PostgreSQL: `manage.py qcluster` as production runs it, with Redis.

The cluster runs as a subprocess with the production settings module on the test database (this
test commits its data: transaction=True), REDIS_URL set so its live events go through Redis, and
two workers. Imports are uploaded and started through the web views, as a person does; the
recurring schedule is created by `setup_schedules` and fired by the cluster's own scheduler.

What it proves: a 50,000-row import and a second one started at the same time both finish with a
draft per row; the recurring drafts are made; no database socket is open in two processes (every
backend in pg_stat_activity belongs to exactly one process, found through /proc); SIGTERM stops the
cluster within 10 s even in the middle of an import, and the import then finishes, without a row
twice, on the next start.

Every wait is bounded, and every process started here is killed here, whatever happens. Needs
PostgreSQL (DATABASE_URL) and Redis on 127.0.0.1:6379 (database HEARTH_TEST_WORKER_REDIS_DB, 12).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from expenses.models import Cadence, Category, ExpenseDraft, ImportBatch, RecurringRule, Source
from expenses.recurrence import occurrences
from households.management.commands.qcluster import descendants

REPO = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{os.environ.get('HEARTH_TEST_WORKER_REDIS_DB', '12')}"
BIG_ROWS, SECOND_ROWS, THIRD_ROWS = 50_000, 10_000, 50_000  # the third outlasts the stop grace


def redis_answers(timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker's connections need PostgreSQL"),
    pytest.mark.skipif(not redis_answers(), reason="Redis is not answering on 127.0.0.1:6379"),
]


# ---------------------------------------------------------------- the cluster as a subprocess


def database_url() -> str:
    """The test database (pytest-django's, with this test's committed rows) as a DATABASE_URL."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class Cluster:
    """`manage.py qcluster` in its own session, so that whatever it leaves can be killed."""

    def __init__(self, log: Path):
        self.log = log
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="false",
            SECRET_KEY=settings.SECRET_KEY,  # tasks are signed: the same key as the test process
            DATABASE_URL=database_url(),
            REDIS_URL=REDIS_URL,
            EMAIL_URL="smtp://127.0.0.1:25",  # an explicit mailer; nothing is sent
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        with log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(REPO / "manage.py"), "qcluster"],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = self.process.pid

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def tail(self, chars: int = 4000) -> str:
        return f"--- qcluster log (last {chars} characters)\n{self.text()[-chars:]}"

    def wait_running(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not re.search(r"Q Cluster \S+ \[\S+\] running", self.text()):
            assert self.process.poll() is None, (
                f"qcluster exited with {self.process.returncode}\n{self.tail()}"
            )
            assert time.monotonic() < deadline, f"qcluster not running after {timeout} s\n{self.tail()}"
            time.sleep(0.2)
        # The pusher logs after the sentinel says "running": wait for every process to be up.
        while len(self.pids()) < 1 + 1 + Conf.WORKERS + 2:  # main, sentinel, workers, monitor, pusher
            assert time.monotonic() < deadline, f"cluster processes missing: {self.pids()}\n{self.tail()}"
            time.sleep(0.2)

    def pids(self) -> list[int]:
        return [self.pid, *descendants(self.pid)] if self.process.poll() is None else []

    def terminate(self, within: float) -> float:
        """SIGTERM to the cluster's main process (as `kill`, systemd or docker send it); seconds to stop."""
        processes = self.pids()
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"qcluster still running {within} s after SIGTERM\n{self.tail()}") from None
        deadline = started + within
        while left := [pid for pid in processes if Path(f"/proc/{pid}").exists() and not zombie(pid)]:
            assert time.monotonic() < deadline, f"processes left after SIGTERM: {left}\n{self.tail()}"
            time.sleep(0.1)
        return time.monotonic() - started

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


@pytest.fixture
def start_cluster(tmp_path):
    clusters: list[Cluster] = []

    def start() -> Cluster:
        cluster = Cluster(tmp_path / "qcluster.log")
        clusters.append(cluster)
        cluster.wait_running()
        return cluster

    yield start
    for cluster in clusters:
        cluster.kill()


# ---------------------------------------------------------------- who holds which database socket


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(int(target[8:-1]))
    except OSError:
        pass  # the process has gone
    return inodes


def tcp_ports(pid: int) -> dict[int, tuple[int, int]]:
    """inode → (local port, remote port) for the TCP sockets of pid's network namespace."""
    ports = {}
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], int(fields[9])
            ports[inode] = (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16))
    return ports


def database_sockets(cluster: Cluster) -> dict[int, int]:
    """Every backend of the test database that the cluster talks to: backend pid → its one process.

    Fails when a socket to PostgreSQL is open in more than one process, or when a backend's client
    socket is held by more than one.
    """
    pg_port = int(connection.settings_dict["PORT"] or 5432)
    processes = cluster.pids()
    ports = tcp_ports(cluster.pid)
    holders: dict[int, set[int]] = {}  # local port of a socket to PostgreSQL → processes holding it
    for pid in processes:
        for inode in socket_inodes(pid):
            local, remote = ports.get(inode, (None, None))
            if remote == pg_port:
                holders.setdefault(local, set()).add(pid)
    shared = {port: pids for port, pids in holders.items() if len(pids) > 1}
    assert not shared, f"database sockets open in several processes (client port → pids): {shared}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, client_port FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        backends = cursor.fetchall()
    owners = {}
    for backend, client_port in backends:
        if client_port in holders:
            (owners[backend],) = holders[client_port]
    return owners


# ---------------------------------------------------------------- the app, as a person uses it


def statement(rows: int, first: int = 0) -> bytes:
    lines = ["Date,Description,Amount"]
    today = timezone.localdate()
    for n in range(first, first + rows):
        day = today - timedelta(days=n % 300)
        lines.append(f"{day.isoformat()},Shop {n},{n % 9000 + 1}.{n % 100:02d}")
    return ("\r\n".join(lines) + "\r\n").encode()


def start_import(client, name: str, data: bytes) -> ImportBatch:
    """Upload, then map the columns: the view queues the import (>= BACKGROUND_ROWS rows)."""
    response = client.post(
        reverse("import"), {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get(file_name=name)
    mapping = {"date": "0", "description": "1", "amount": "2", "category": ""}
    response = client.post(
        reverse("import_map", args=[batch.pk]), {**mapping, "date_format": "YYYY-MM-DD", "has_header": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.QUEUED
    return batch


@pytest.fixture
def queue_for_the_cluster(monkeypatch):
    """The test settings run tasks inline (Q_CLUSTER sync): here they go to the broker, as in production."""
    monkeypatch.setattr(Conf, "SYNC", False)


class LiveEvents:
    """Listens, on the cluster's Redis, to one household's live events (in a thread with its own loop)."""

    def __init__(self, group: str):
        self.messages: list[dict] = []
        self.ready, self.stopping = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=asyncio.run, args=(self._listen(group),), daemon=True)
        self.thread.start()
        assert self.ready.wait(15), "could not join the household's group on Redis"

    async def _listen(self, group: str) -> None:
        from channels_redis.core import RedisChannelLayer

        layer = RedisChannelLayer(hosts=[{"address": REDIS_URL, "socket_timeout": 15}])
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        self.ready.set()
        try:
            while not self.stopping.is_set():
                with contextlib.suppress(TimeoutError):
                    self.messages.append(await asyncio.wait_for(layer.receive(channel), 1))
        finally:
            await layer.group_discard(group, channel)
            await layer.close_pools()

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(15)


def wait_until(what, done, cluster: Cluster, timeout: float, every=None) -> float:
    started = time.monotonic()
    while not done():
        assert cluster.process.poll() is None, f"qcluster exited while waiting for {what}\n{cluster.tail()}"
        assert time.monotonic() - started < timeout, f"{what}: not after {timeout} s\n{cluster.tail()}"
        if every:
            every()
        time.sleep(0.5)
    return time.monotonic() - started


def refreshed(batch: ImportBatch) -> ImportBatch:
    batch.refresh_from_db()
    return batch


def assert_done(batch: ImportBatch, rows: int) -> None:
    batch.refresh_from_db()
    assert (batch.state, batch.processed_rows, batch.draft_count, batch.errors) == (
        ImportBatch.State.DONE,
        rows,
        rows,
        [],
    )
    drafts = ExpenseDraft.objects.filter(import_batch=batch, source=Source.IMPORT)
    assert drafts.count() == rows
    assert drafts.values("import_row").distinct().count() == rows  # no row twice


# ---------------------------------------------------------------- the test


def test_the_real_cluster_on_postgresql(
    start_cluster, queue_for_the_cluster, household, member_client, capsys
):
    today = household.today()
    rent = RecurringRule.objects.create(
        household=household,
        amount="15000.00",
        description="Rent",
        category=Category.objects.get(household=household, name="Housing"),
        cadence=Cadence.MONTHLY,
        day_of_month=1,
        start_date=today - timedelta(days=70),
    )
    call_command("setup_schedules", stdout=io.StringIO())
    big_file, second_file = statement(BIG_ROWS), statement(SECOND_ROWS, first=BIG_ROWS)
    live = LiveEvents(household.group_name)
    try:
        cluster = start_cluster()
        queued = time.monotonic()
        big = start_import(member_client, "big.csv", big_file)
        second = start_import(member_client, "second.csv", second_file)  # both at once, on two workers
        owners: dict[int, int] = {}  # backend pid → the one process whose socket it is
        finished: dict[str, float] = {}

        def watch():
            owners.update(database_sockets(cluster))
            for batch in (big, second):
                if batch.file_name not in finished and refreshed(batch).state == ImportBatch.State.DONE:
                    finished[batch.file_name] = time.monotonic() - queued

        # The cluster's scheduler looks every 30 s or so; both workers may be busy importing then.
        wait_until(
            "both imports and the recurring drafts",
            lambda: len(finished) == 2 and ExpenseDraft.objects.filter(rule=rent).exists(),
            cluster,
            timeout=420,
            every=watch,
        )
        all_done = time.monotonic() - queued
        assert_done(big, BIG_ROWS)
        assert_done(second, SECOND_ROWS)
        expected = occurrences(rent, rent.start_date, today)
        assert len(expected) >= 2
        made = ExpenseDraft.objects.filter(rule=rent, source=Source.RECURRING)
        assert sorted(made.values_list("occurrence_date", flat=True)) == expected

        # Every process that worked had backends of its own: the pusher and both workers at least.
        assert len(set(owners.values())) >= 3, owners
        # The workers' events reached Redis, where every web process listens.
        assert {"type": "invalidate", "topics": ["drafts"]} in live.messages, live.messages[:5]
    finally:
        live.close()

    # SIGTERM in the middle of an import: stopped within 10 s; the next start finishes it.
    third = start_import(member_client, "third.csv", statement(THIRD_ROWS, first=BIG_ROWS + SECOND_ROWS))
    wait_until("the third import to start", lambda: refreshed(third).processed_rows > 0, cluster, 120, watch)
    busy_stop = cluster.terminate(within=10)
    third.refresh_from_db()
    stopped_at = third.processed_rows
    assert third.state == ImportBatch.State.RUNNING and 0 < stopped_at < THIRD_ROWS, (
        stopped_at,
        cluster.tail(),
    )
    # Not acknowledged, the task is handed out again once Q_CLUSTER["retry"] has passed: let it pass.
    assert OrmQ.objects.filter(lock__gt=timezone.now()).update(lock=timezone.now()) == 1

    cluster = start_cluster()
    wait_until(
        "the third import to finish", lambda: refreshed(third).state == ImportBatch.State.DONE, cluster, 240
    )
    assert_done(third, THIRD_ROWS)
    database_sockets(cluster)
    idle_stop = cluster.terminate(within=10)

    with capsys.disabled():
        print(
            f"\nqcluster on PostgreSQL, 2 workers: {BIG_ROWS:,} rows imported {finished['big.csv']:.1f} s "
            f"after queueing, {SECOND_ROWS:,} started with it {finished['second.csv']:.1f} s, recurring "
            f"drafts and both imports done {all_done:.1f} s; SIGTERM stopped it in {busy_stop:.1f} s busy "
            f"({stopped_at:,} of {THIRD_ROWS:,} rows in, the rest on the next start) and {idle_stop:.1f} s "
            f"idle; {len(owners)} backends seen, in {len(set(owners.values()))} processes, none shared"
        )
