"""Work that waits on the network, done beside the request rather than in it.

A provider can take 15 s to answer. Waiting for it in a view would hold one of the server's few
request threads (and, with a transaction open, a pooled database connection). ``submit`` runs the
function in a small pool of threads of its own once the current transaction has committed; each
thread closes its database connections when done. With ``BACKGROUND_INLINE`` (the test settings)
it runs at once, in the caller, after commit.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections, transaction

log = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_futures: set[Future] = set()


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=getattr(settings, "BACKGROUND_THREADS", 16), thread_name_prefix="hearth-background"
        )
    return _executor


def _run(fn, args) -> None:
    close_old_connections()
    try:
        fn(*args)
    except Exception:
        log.exception("Background work %s failed", getattr(fn, "__qualname__", fn))
    finally:
        connections.close_all()


def submit(fn, *args) -> None:
    """Run `fn(*args)` after the current transaction commits, in a background thread."""

    def start():
        if getattr(settings, "BACKGROUND_INLINE", False):
            fn(*args)
            return
        future = _pool().submit(_run, fn, args)
        _futures.add(future)
        future.add_done_callback(_futures.discard)

    transaction.on_commit(start)


def wait_all(timeout: float | None = None) -> None:
    """Wait for the work submitted so far (tests and shutdown)."""
    for future in list(_futures):
        future.result(timeout=timeout)
