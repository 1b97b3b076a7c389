"""The live socket (/ws/live/): one per tab, told which topics changed; it never carries data."""

import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from households.live import user_group
from households.models import Membership

# Close codes the browser reads (static/js/live.js): do not reconnect, the answer will not change.
CLOSE_ANONYMOUS = 4401
CLOSE_NOT_A_MEMBER = 4403


@database_sync_to_async
def _household_group(user_id) -> str | None:
    """The group of the user's household; None when they have none or their account is disabled."""
    membership = (
        Membership.objects.select_related("household").filter(user_id=user_id, user__is_active=True).first()
    )
    return membership.household.group_name if membership else None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Joins only the group of the signed-in user's own household, and the user's own group
    (through which `households.live.disconnect_user` closes the sockets of someone who left).

    Refusals are sent as an accepted socket closed with 4401/4403 rather than a refused handshake:
    a browser only ever sees 1006 for a refused handshake and would keep retrying.

    The browser pings every ~25 s. At most every RECHECK_SECONDS a ping re-checks the membership
    (a safety net for a membership that ended without `disconnect_user`, such as a deleted account)
    and re-joins the groups, which keeps them from expiring in the channel layer (a day by default).
    """

    RECHECK_SECONDS = 300

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_ANONYMOUS)
            return
        self.user_id = user.pk
        # Join the user's group before reading the membership: a removal committed after the read
        # is then sure to reach this socket, and one committed before it is seen by the read.
        own = user_group(user.pk)
        await self.channel_layer.group_add(own, self.channel_name)
        self.groups = [own]
        household = await _household_group(user.pk)
        if household is None:
            await self._leave_groups()
            await self.accept()
            await self.close(code=CLOSE_NOT_A_MEMBER)
            return
        await self.channel_layer.group_add(household, self.channel_name)
        self.groups.append(household)
        self.household_group = household
        self.checked_at = time.monotonic()
        await self.accept()

    async def _leave_groups(self):
        for name in self.groups:
            await self.channel_layer.group_discard(name, self.channel_name)
        self.groups = []

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Whatever a client sends, the worst it gets is no answer: never a crashed consumer.
        try:
            content = json.loads(text_data) if text_data else None
        except ValueError:
            return
        if isinstance(content, dict):
            await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if content.get("type") != "ping" or not self.groups:
            return
        if time.monotonic() - self.checked_at >= self.RECHECK_SECONDS:
            self.checked_at = time.monotonic()
            if await _household_group(self.user_id) != self.household_group:
                await self.membership_ended({})
                return
            for name in self.groups:
                await self.channel_layer.group_add(name, self.channel_name)
        await self.send_json({"type": "pong"})

    async def invalidate(self, event):
        if not self.groups:
            return  # closed or closing: events already queued for this socket are dropped
        await self.send_json({"type": "invalidate", "topics": list(event["topics"])})

    async def membership_ended(self, event):
        await self._leave_groups()  # not one more event, even before the close completes
        await self.close(code=CLOSE_NOT_A_MEMBER)
