"""The live socket (/ws/live/), through the real ASGI stack: origin check, session auth, consumer.

Sockets are `WebsocketCommunicator`s on `config.asgi.application` with a real session cookie, on
the in-memory channel layer; writes go through the real services, in a worker thread, and commit
(transaction=True), so the events are the ones a browser would get. Every socket is disconnected
by the `sockets` fixture, whatever the test does.
"""

import asyncio
import contextlib
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application
from expenses.models import Category
from expenses.services import ExpenseData, expense_create
from households import consumers, services
from households.live import publish
from households.models import Membership, Role, User
from tests.factories import HouseholdFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

GOOD_ORIGIN = b"http://localhost"
LEDGER = {"type": "invalidate", "topics": ["budgets", "dashboard", "expenses"]}


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    """A fresh in-memory layer for each test, whatever REDIS_URL the shell has."""
    # Changing the setting makes channels build a new layer: nothing leaks between tests.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return get_channel_layer()


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


@pytest.fixture
async def sockets():
    """open(user) → a connected socket of `user`; all are disconnected at the end of the test."""
    opened: list[WebsocketCommunicator] = []

    async def open_socket(user=None, *, origin=GOOD_ORIGIN, expect_accept=True):
        headers = [] if origin is None else [(b"origin", origin)]
        if user is not None:
            headers.append((b"cookie", await sync_to_async(session_cookie)(user)))
        socket = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        opened.append(socket)
        connected, _ = await socket.connect(timeout=3)
        assert connected is expect_accept
        return socket

    yield open_socket
    for socket in opened:
        # A socket whose receive timed out has had its task cancelled already.
        with contextlib.suppress(asyncio.CancelledError):
            await socket.disconnect(timeout=3)


async def closed_with(socket) -> int:
    message = await socket.receive_output(timeout=3)
    assert message["type"] == "websocket.close", message
    return message.get("code")


def add_expense(household, user, amount="250"):
    """A real write: an expense through the service, committed, publishing after the commit."""
    groceries = Category.objects.get(household=household, name="Groceries")
    return expense_create(
        household=household,
        user=user,
        data=ExpenseData(amount=Decimal(amount), category=groceries, date=household.today(), paid_by=user),
    )


# ---------------------------------------------------------------- who may connect


async def test_an_anonymous_socket_is_closed_without_joining_anything(sockets, household, admin_user):
    socket = await sockets(None)
    assert await closed_with(socket) == consumers.CLOSE_ANONYMOUS
    await sync_to_async(add_expense)(household, admin_user)
    assert await socket.receive_nothing()


async def test_a_user_without_a_household_is_closed(sockets, lonely_user):
    socket = await sockets(lonely_user)
    assert await closed_with(socket) == consumers.CLOSE_NOT_A_MEMBER


async def test_a_stale_session_is_anonymous(sockets, household, member_user):
    cookie = await sync_to_async(session_cookie)(member_user)

    def log_out_everywhere():
        user = User.objects.get(pk=member_user.pk)
        user.set_password("a-brand-new-password")  # invalidates the session's auth hash
        user.save()

    await sync_to_async(log_out_everywhere)()
    socket = WebsocketCommunicator(
        application, "/ws/live/", headers=[(b"origin", GOOD_ORIGIN), (b"cookie", cookie)]
    )
    try:
        assert (await socket.connect(timeout=3))[0] is True
        assert await closed_with(socket) == consumers.CLOSE_ANONYMOUS
    finally:
        await socket.disconnect(timeout=3)


@pytest.mark.parametrize(
    "origin",
    [b"http://evil.example", b"https://localhost.evil.example", b"null", None],
    ids=["other-site", "lookalike", "null", "missing"],
)
async def test_a_foreign_origin_is_refused_before_authentication(sockets, member_user, origin):
    socket = await sockets(member_user, origin=origin, expect_accept=False)
    assert await socket.receive_nothing()


@pytest.mark.parametrize("origin", [b"http://localhost", b"http://127.0.0.1:8000", b"https://localhost"])
async def test_an_allowed_origin_is_accepted(sockets, member_user, origin):
    socket = await sockets(member_user, origin=origin)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}


# ---------------------------------------------------------------- what a socket hears


async def test_a_member_hears_writes_of_their_household_only(
    sockets, household, admin_user, member_user, other_household, other_user
):
    mine, theirs = await sockets(member_user), await sockets(other_user)
    await sync_to_async(add_expense)(household, admin_user)
    assert await mine.receive_json_from(timeout=3) == LEDGER
    assert await theirs.receive_nothing()

    await sync_to_async(add_expense)(other_household, other_user)
    assert await theirs.receive_json_from(timeout=3) == LEDGER
    assert await mine.receive_nothing()


async def test_nothing_is_sent_for_a_write_that_rolls_back(sockets, household, member_user):
    from django.db import transaction

    socket = await sockets(member_user)

    def write_then_fail():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            add_expense(household, member_user)
            raise RuntimeError("the request failed after the write")

    await sync_to_async(write_then_fail)()
    assert await socket.receive_nothing(timeout=0.3)


async def test_every_tab_of_every_member_hears_a_write(
    sockets, household, admin_user, member_user, viewer_user
):
    tabs = [await sockets(admin_user), await sockets(admin_user), await sockets(member_user)]
    tabs.append(await sockets(viewer_user))  # a viewer cannot write, but sees the others write
    await sync_to_async(add_expense)(household, member_user)
    for tab in tabs:
        assert await tab.receive_json_from(timeout=3) == LEDGER


async def test_25_sockets_across_5_households_a_write_reaches_exactly_its_5(sockets):
    def make_households():
        return [
            [MembershipFactory(household=h).user for _ in range(5)] for h in HouseholdFactory.create_batch(5)
        ]

    members = await sync_to_async(make_households)()
    socks = [[await sockets(user) for user in household_members] for household_members in members]

    writer = members[0][0]
    household = await sync_to_async(lambda: Membership.objects.get(user=writer).household)()
    await sync_to_async(add_expense)(household, writer)

    heard = await asyncio.gather(*(s.receive_json_from(timeout=3) for s in socks[0]))
    assert heard == [LEDGER] * 5
    # Exactly one message each: nothing more behind it.
    assert all(await asyncio.gather(*(s.receive_nothing(timeout=0.2) for s in socks[0])))
    others = [s for group in socks[1:] for s in group]
    assert len(others) == 20
    assert all(await asyncio.gather(*(s.receive_nothing(timeout=0.3) for s in others)))


async def test_what_a_client_sends_cannot_break_its_socket(sockets, member_user):
    socket = await sockets(member_user)
    for junk in ["not json", "[1, 2]", '"ping"', "{}", '{"type": "join", "group": "household.x"}']:
        await socket.send_to(text_data=junk)
    await socket.send_to(bytes_data=b"\x00\x01")
    assert await socket.receive_nothing()
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}


# ---------------------------------------------------------------- when membership ends


@pytest.mark.parametrize("actor", ["admin", "self"])
async def test_a_member_who_leaves_or_is_removed_loses_their_sockets_at_once(
    sockets, household, admin_user, member_user, actor
):
    leaver_tabs = [await sockets(member_user), await sockets(member_user)]
    admin_tab = await sockets(admin_user)

    def remove():
        services.membership_remove(
            household=household,
            actor=admin_user if actor == "admin" else member_user,
            membership=Membership.objects.get(user=member_user),
        )

    await sync_to_async(remove)()
    for tab in leaver_tabs:
        assert await closed_with(tab) == consumers.CLOSE_NOT_A_MEMBER
    assert await admin_tab.receive_json_from(timeout=3) == {"type": "invalidate", "topics": ["members"]}

    # The household's next write reaches the admin, and not the one who left.
    await sync_to_async(add_expense)(household, admin_user)
    assert await admin_tab.receive_json_from(timeout=3) == LEDGER
    for tab in leaver_tabs:
        assert await tab.receive_nothing()


async def test_a_removal_racing_the_connect_still_closes_the_socket(
    sockets, household, admin_user, member_user, monkeypatch
):
    """The membership is read, then removed before the socket is accepted: the removal's
    membership.ended must still reach it (the consumer joins the user's group before reading)."""
    read_membership = consumers._household_group

    async def read_then_remove(user_id):
        group = await read_membership(user_id)
        await sync_to_async(services.membership_remove)(
            household=household,
            actor=admin_user,
            membership=await sync_to_async(Membership.objects.get)(user=member_user),
        )
        return group

    monkeypatch.setattr(consumers, "_household_group", read_then_remove)
    socket = await sockets(member_user)
    assert await closed_with(socket) == consumers.CLOSE_NOT_A_MEMBER


async def test_a_removal_before_the_read_refuses_the_socket(sockets, household, admin_user, member_user):
    await sync_to_async(services.membership_remove)(
        household=household,
        actor=admin_user,
        membership=await sync_to_async(Membership.objects.get)(user=member_user),
    )
    socket = await sockets(member_user)
    assert await closed_with(socket) == consumers.CLOSE_NOT_A_MEMBER


async def test_deleting_an_account_closes_its_sockets_at_once(sockets, household, admin_user, member_user):
    tab = await sockets(member_user)
    await sync_to_async(services.account_delete)(
        user=await sync_to_async(User.objects.get)(pk=member_user.pk)
    )
    assert await closed_with(tab) == consumers.CLOSE_NOT_A_MEMBER


@pytest.mark.parametrize("change", ["account deleted", "account disabled", "moved household"])
async def test_a_ping_rechecks_the_membership_as_a_safety_net(
    sockets, household, admin_user, member_user, monkeypatch, change
):
    """A membership can end without `disconnect_user` (an account deleted in the admin, a user
    disabled): the periodic re-check on ping closes such a socket."""
    monkeypatch.setattr(consumers.LiveConsumer, "RECHECK_SECONDS", 0)
    tab = await sockets(member_user)
    await tab.send_json_to({"type": "ping"})
    assert await tab.receive_json_from(timeout=3) == {"type": "pong"}  # still a member: stays

    def end_it():
        user = User.objects.get(pk=member_user.pk)
        if change == "account deleted":
            user.delete()
        elif change == "account disabled":
            user.is_active = False
            user.save(update_fields=["is_active"])
        else:
            Membership.objects.filter(user=user).update(household=HouseholdFactory(), role=Role.ADMIN)

    await sync_to_async(end_it)()
    await tab.send_json_to({"type": "ping"})
    assert await closed_with(tab) == consumers.CLOSE_NOT_A_MEMBER
    await sync_to_async(add_expense)(household, admin_user)
    assert await tab.receive_nothing()


async def test_a_ping_within_the_recheck_interval_costs_no_query(sockets, member_user, monkeypatch):
    calls = []
    read_membership = consumers._household_group

    async def counting(user_id):
        calls.append(user_id)
        return await read_membership(user_id)

    monkeypatch.setattr(consumers, "_household_group", counting)
    tab = await sockets(member_user)
    for _ in range(3):
        await tab.send_json_to({"type": "ping"})
        assert await tab.receive_json_from(timeout=3) == {"type": "pong"}
    assert calls == [member_user.pk]  # the connect's read only


# ---------------------------------------------------------------- publish itself


async def test_publish_without_topics_sends_nothing(sockets, household, member_user):
    socket = await sockets(member_user)
    await sync_to_async(publish)(household)
    assert await socket.receive_nothing()
