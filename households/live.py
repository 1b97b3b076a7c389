"""The only way anything reaches the browsers: invalidation events after a commit.

Events name topics, never data: a screen that hears "budgets" re-fetches its fragments over HTTP,
scoped to the household as every request is. Nothing is sent before the transaction commits, and
nothing at all when it rolls back (Django drops the on-commit callbacks of a rolled-back savepoint).
Each `publish` is one message; the browser (static/js/live.js) coalesces bursts.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def user_group(user_id) -> str:
    return f"user.{user_id}"


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, message)


def publish(household, *topics: str) -> None:
    """Tell every open screen of `household` that `topics` changed, once the transaction commits."""
    if not topics:
        return
    message = {"type": "invalidate", "topics": sorted(set(topics))}
    group = household.group_name
    transaction.on_commit(lambda: _send(group, message), robust=True)


def disconnect_user(user_id) -> None:
    """Close the sockets of a user who has just left (or been removed from) a household."""
    transaction.on_commit(lambda: _send(user_group(user_id), {"type": "membership.ended"}), robust=True)
