"""`manage.py qcluster`: django-q2's worker, with every process owning its database connections.

django-q2 forks its sentinel, then the workers, the pusher and the monitor, after Django has set
up. It closes Django's connections first, but with the psycopg pool (`OPTIONS["pool"]`) closing a
connection only hands it back to a pool that lives on in the class-level
`DatabaseWrapper._connection_pools`: every child then inherits the same open sockets, queries get
each other's answers, and a process blocked on a read that another one took hangs for good. So
before every fork this command closes each connection and each pool (and their worker threads, so
none holds a lock across the fork); each process opens its own after.

Stopping is bounded as well: on SIGTERM or SIGINT the workers get STOP_GRACE seconds to finish the
task in hand, then whatever is still running is stopped. A task stopped that way is not
acknowledged, so the broker hands it out again once `Q_CLUSTER["retry"]` has passed; the jobs are
written to be run twice (the import goes on from its last committed chunk, recurring drafts are
unique per rule and date).
"""

import contextlib
import logging
import os
import signal
from pathlib import Path

from django.conf import settings
from django.db import connections
from django_q import cluster
from django_q.management.commands import qcluster

logger = logging.getLogger(__name__)

STOP_GRACE = 5  # seconds the workers get to finish their task after SIGTERM, before they are stopped
KILL_WAIT = 3  # seconds to wait for a stopped process to go


def close_database_connections() -> None:
    """Close every connection of this thread and every connection pool of this process."""
    for alias in connections:
        connection = connections[alias]
        connection.close()
        if alias in getattr(type(connection), "_connection_pools", {}):
            connection.close_pool()


_registered = False


def close_connections_at_fork() -> None:
    """From now on, a fork of this process (or of its children) starts with no database socket."""
    global _registered
    if not _registered:
        os.register_at_fork(before=close_database_connections)
        _registered = True


def descendants(pid: int) -> list[int]:
    """The pids of every process under `pid`, children first (Linux; elsewhere none are found)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process has gone
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found.extend(children)
        todo.extend(children)
    return found


def _signal_all(pids: list[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


class Cluster(cluster.Cluster):
    def stop(self) -> bool:
        if not self.sentinel.is_alive():
            return False
        logger.info("Q Cluster %s stopping.", self.name)
        self.stop_event.set()
        self.sentinel.join(STOP_GRACE)
        if self.sentinel.is_alive():
            # Workers still busy: stop them. The sentinel then sees them gone and stops the rest.
            logger.warning(
                "Q Cluster %s: tasks still running after %s s are stopped; they run again later.",
                self.name,
                STOP_GRACE,
            )
            _signal_all(descendants(self.sentinel.pid), signal.SIGTERM)
            self.sentinel.join(KILL_WAIT)
        if self.sentinel.is_alive():
            _signal_all([*descendants(self.sentinel.pid), self.sentinel.pid], signal.SIGKILL)
            self.sentinel.join(KILL_WAIT)
        logger.info("Q Cluster %s has stopped.", self.name)
        self.start_event = None
        self.stop_event = None
        return True


class Command(qcluster.Command):
    def handle(self, *args, **options):
        settings.SECRET_KEY  # noqa: B018 (django-q2 signs tasks with it: fail now, not in a worker)
        if options.get("cluster_name"):
            os.environ["Q_CLUSTER_NAME"] = options["cluster_name"]
        close_connections_at_fork()
        q = Cluster()
        q.start()
        if options.get("run_once", False):
            q.stop()
