from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from households.live import user_group
from households.models import Membership


@database_sync_to_async
def _household_group(user) -> str | None:
    membership = Membership.objects.select_related("household").filter(user=user).first()
    return membership.household.group_name if membership else None


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """One socket per tab; joins only the group of the user's own household."""

    groups: list[str]

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        group = await _household_group(user)
        if group is None:
            await self.close(code=4403)
            return
        self.groups = [group, user_group(user.pk)]
        for name in self.groups:
            await self.channel_layer.group_add(name, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for name in getattr(self, "groups", []):
            await self.channel_layer.group_discard(name, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def invalidate(self, event):
        await self.send_json({"type": "invalidate", "topics": event["topics"]})

    async def membership_ended(self, event):
        await self.close(code=4403)
