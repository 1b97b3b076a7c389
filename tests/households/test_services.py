"""The rules the household services keep, whoever calls them (views, admin actions, commands)."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError

from expenses.models import Category
from households import services
from households.models import Household, Membership, Role, User
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

INVITE_ALPHABET = set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


async def _drain(layer, channel) -> list[dict]:
    messages = []
    while True:
        try:
            messages.append(await asyncio.wait_for(layer.receive(channel), timeout=0.05))
        except TimeoutError:
            return messages


class Live:
    """Listens on channel-layer groups the way a browser's socket does."""

    def __init__(self):
        self.layer = get_channel_layer()
        self.channels = {}

    def listen(self, group: str) -> None:
        channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(group, channel)
        self.channels[group] = channel

    def received(self, group: str) -> list[dict]:
        return async_to_sync(_drain)(self.layer, self.channels[group])


@pytest.fixture
def live():
    live = Live()
    async_to_sync(live.layer.flush)()
    yield live
    async_to_sync(live.layer.flush)()


def invalidated(*topics: str) -> list[dict]:
    return [{"type": "invalidate", "topics": sorted(topics)}]


# --- creating households and accounts -----------------------------------------------------------


def test_household_create_makes_the_user_its_admin_with_default_categories(lonely_user):
    household = services.household_create(
        user=lonely_user, name="  Flat 4B ", currency="GBP", timezone="Europe/London"
    )
    assert household.name == "Flat 4B"
    assert household.locale == "en_GB"
    assert Membership.objects.get(user=lonely_user).role == Role.ADMIN
    assert Category.objects.for_household(household).count() == 14


def test_a_currency_without_a_usual_locale_gets_a_neutral_one(lonely_user):
    household = services.household_create(
        user=lonely_user, name="Home", currency="THB", timezone="Asia/Bangkok"
    )
    assert household.locale == "en"


def test_household_create_refuses_someone_who_has_one(member_user):
    with pytest.raises(ValidationError, match="already belong"):
        services.household_create(user=member_user, name="Second", currency="INR", timezone="UTC")
    assert not Household.objects.filter(name="Second").exists()


@pytest.mark.parametrize(
    ("field", "value"), [("currency", "ABC"), ("timezone", "Nowhere/Town"), ("name", " ")]
)
def test_household_create_validates_and_leaves_nothing_behind(lonely_user, field, value):
    data = {"name": "Home", "currency": "INR", "timezone": "UTC", field: value}
    with pytest.raises(ValidationError) as caught:
        services.household_create(user=lonely_user, **data)
    assert field in caught.value.error_dict
    assert not Household.objects.exists()
    assert not Category.objects.exists()
    assert not Membership.objects.exists()


def test_account_signup_stores_the_email_in_lower_case(db):
    user = services.account_signup(
        email="Asha@Example.COM",
        password="a-long-passphrase",
        name=" Asha ",
        household_name="The Sharmas",
        currency="INR",
        timezone="Asia/Kolkata",
    )
    assert (user.email, user.name) == ("asha@example.com", "Asha")
    assert user.check_password("a-long-passphrase")
    assert user.membership.household.name == "The Sharmas"


def test_account_signup_without_a_household_name_makes_no_household(db):
    user = services.account_signup(email="a@example.com", password="pw-long-enough", name="A")
    assert not Membership.objects.filter(user=user).exists()
    assert not Household.objects.exists()


def test_account_signup_that_fails_on_the_household_creates_no_account(db):
    with pytest.raises(ValidationError):
        services.account_signup(
            email="a@example.com",
            password="pw-long-enough",
            name="A",
            household_name="Home",
            currency="NOPE",
            timezone="UTC",
        )
    assert not User.objects.exists()


# --- joining and the invite code ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["{code}", " {lower} ", "{a} {b}", "{a}-{b}"])
def test_join_accepts_the_code_as_people_type_it(household, lonely_user, typed):
    code = household.invite_code
    typed = typed.format(code=code, lower=code.lower(), a=code[:5], b=code[5:])
    membership = services.household_join(user=lonely_user, code=typed)
    assert (membership.household, membership.role) == (household, Role.MEMBER)


def test_join_with_an_unknown_code(lonely_user, household):
    with pytest.raises(ValidationError) as caught:
        services.household_join(user=lonely_user, code="NOTACODE22")
    assert "doesn't match any household" in caught.value.message_dict["code"][0]
    assert not Membership.objects.filter(user=lonely_user).exists()


def test_join_refuses_someone_who_has_a_household(member_user, other_household):
    with pytest.raises(ValidationError) as caught:
        services.household_join(user=member_user, code=other_household.invite_code)
    assert caught.value.message_dict["code"] == ["You already belong to a household."]
    assert member_user.membership.household != other_household


def test_join_tells_the_household_screens(household, lonely_user, live, django_capture_on_commit_callbacks):
    live.listen(household.group_name)
    with django_capture_on_commit_callbacks(execute=True):
        services.household_join(user=lonely_user, code=household.invite_code)
    assert live.received(household.group_name) == invalidated("members")


def test_rotate_makes_a_new_readable_code(household, admin_user):
    old = household.invite_code
    new = services.invite_code_rotate(household=household, user=admin_user)
    assert new != old
    assert len(new) == 10
    assert set(new) <= INVITE_ALPHABET
    assert Household.objects.get(pk=household.pk).invite_code == new
    assert not Household.objects.filter(invite_code=old).exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_only_an_admin_rotates_the_code(household, admin_user, role):
    user = MembershipFactory(household=household, role=role).user
    old = household.invite_code
    with pytest.raises(PermissionDenied):
        services.invite_code_rotate(household=household, user=user)
    assert Household.objects.get(pk=household.pk).invite_code == old


def test_an_admin_of_another_household_cannot_rotate_this_code(household, other_user):
    with pytest.raises(PermissionDenied):
        services.invite_code_rotate(household=household, user=other_user)


# --- settings -----------------------------------------------------------------------------------


def test_household_update_saves_and_moves_today_to_the_new_time_zone(
    household, admin_user, live, django_capture_on_commit_callbacks
):
    assert str(household.tzinfo) == "Asia/Kolkata"
    live.listen(household.group_name)
    with django_capture_on_commit_callbacks(execute=True):
        services.household_update(
            household=household,
            user=admin_user,
            name=" Home ",
            currency="USD",
            locale="en_US",
            timezone="Pacific/Kiritimati",
        )
    saved = Household.objects.get(pk=household.pk)
    assert (saved.name, saved.currency, saved.locale, saved.timezone) == (
        "Home",
        "USD",
        "en_US",
        "Pacific/Kiritimati",
    )
    assert str(household.tzinfo) == "Pacific/Kiritimati"
    assert live.received(household.group_name) == invalidated("household", "expenses", "budgets", "dashboard")


@pytest.mark.parametrize(
    ("field", "value"),
    [("currency", "EURO"), ("locale", "zz_ZZ"), ("timezone", "Mars/Base"), ("name", "")],
)
def test_household_update_refuses_bad_values_and_changes_nothing(household, admin_user, field, value):
    data = {"name": "Home", "currency": "USD", "locale": "en_US", "timezone": "UTC", field: value}
    with pytest.raises(ValidationError) as caught:
        services.household_update(household=household, user=admin_user, **data)
    assert field in caught.value.error_dict
    saved = Household.objects.get(pk=household.pk)
    assert (saved.name, saved.currency, saved.timezone) == ("The Sharmas", "INR", "Asia/Kolkata")
    # The caller's object is left as it was too: pages render it after the error.
    assert (household.name, household.currency, household.timezone) == (
        "The Sharmas",
        "INR",
        "Asia/Kolkata",
    )


def test_only_an_admin_updates_settings(household, member_user):
    with pytest.raises(PermissionDenied):
        services.household_update(
            household=household,
            user=member_user,
            name="Mine",
            currency="USD",
            locale="en_US",
            timezone="UTC",
        )
    assert Household.objects.get(pk=household.pk).name == "The Sharmas"


# --- roles and leaving --------------------------------------------------------------------------


def test_set_role(household, admin_user, member_user, live, django_capture_on_commit_callbacks):
    live.listen(household.group_name)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_set_role(
            household=household,
            actor=admin_user,
            membership=member_user.membership,
            role=Role.VIEWER,
        )
    assert Membership.objects.get(user=member_user).role == Role.VIEWER
    assert live.received(household.group_name) == invalidated("members")


def test_set_role_refuses_an_unknown_role(household, admin_user, member_user):
    with pytest.raises(ValidationError) as caught:
        services.membership_set_role(
            household=household, actor=admin_user, membership=member_user.membership, role="boss"
        )
    assert "role" in caught.value.error_dict
    assert Membership.objects.get(user=member_user).role == Role.MEMBER


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_set_role_needs_an_admin(household, admin_user, member_user, role):
    actor = MembershipFactory(household=household, role=role).user
    with pytest.raises(PermissionDenied):
        services.membership_set_role(
            household=household, actor=actor, membership=admin_user.membership, role=Role.VIEWER
        )
    assert Membership.objects.get(user=admin_user).role == Role.ADMIN


def test_set_role_keeps_one_admin(household, admin_user, member_user, live):
    live.listen(household.group_name)
    with pytest.raises(ValidationError, match="at least one admin"):
        services.membership_set_role(
            household=household,
            actor=admin_user,
            membership=admin_user.membership,
            role=Role.VIEWER,
        )
    assert Membership.objects.get(user=admin_user).role == Role.ADMIN
    assert live.received(household.group_name) == []


def test_set_role_only_touches_this_households_members(household, admin_user, other_user):
    """Even a caller that forgot to scope its lookup cannot reach another household."""
    with pytest.raises(PermissionDenied):
        services.membership_set_role(
            household=household,
            actor=admin_user,
            membership=other_user.membership,
            role=Role.VIEWER,
        )
    assert Membership.objects.get(user=other_user).role == Role.ADMIN


def test_a_member_leaves(household, admin_user, member_user, live, django_capture_on_commit_callbacks):
    live.listen(household.group_name)
    live.listen(f"user.{member_user.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_remove(household=household, actor=member_user, membership=member_user.membership)
    assert not Membership.objects.filter(user=member_user).exists()
    assert live.received(household.group_name) == invalidated("members")
    # The leaver's open sockets are told to close: they must stop receiving this household.
    assert live.received(f"user.{member_user.pk}") == [{"type": "membership.ended"}]


def test_an_admin_removes_a_member(household, admin_user, member_user):
    services.membership_remove(household=household, actor=admin_user, membership=member_user.membership)
    assert not Membership.objects.filter(user=member_user).exists()
    assert User.objects.filter(pk=member_user.pk).exists()


def test_a_member_cannot_remove_someone_else(household, admin_user, member_user, viewer_user):
    with pytest.raises(PermissionDenied):
        services.membership_remove(household=household, actor=member_user, membership=viewer_user.membership)
    assert Membership.objects.filter(user=viewer_user).exists()


def test_the_last_admin_cannot_leave(household, admin_user, member_user):
    with pytest.raises(ValidationError, match="last admin"):
        services.membership_remove(household=household, actor=admin_user, membership=admin_user.membership)
    assert Membership.objects.get(user=admin_user).role == Role.ADMIN


def test_one_of_two_admins_can_leave(household, admin_user):
    second = MembershipFactory(household=household, role=Role.ADMIN).user
    services.membership_remove(household=household, actor=second, membership=second.membership)
    assert list(Membership.objects.filter(role=Role.ADMIN, household=household)) == [admin_user.membership]


def test_remove_only_touches_this_households_members(household, admin_user, other_household):
    victim = MembershipFactory(household=other_household, role=Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.membership_remove(household=household, actor=admin_user, membership=victim)
    assert Membership.objects.filter(pk=victim.pk).exists()
