"""The only way anything reaches the browsers: invalidation events after a commit."""

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
    message = {"type": "invalidate", "topics": sorted(set(topics))}
    transaction.on_commit(lambda: _send(household.group_name, message), robust=True)


def disconnect_user(user_id) -> None:
    """Close the sockets of a user who has just left (or been removed from) a household."""
    transaction.on_commit(
        lambda: _send(user_group(user_id), {"type": "membership.ended"}), robust=True
    )
