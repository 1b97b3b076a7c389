"""Writes on households, memberships and accounts."""

import re
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from households.access import ADMIN_ONLY
from households.live import disconnect_user, publish
from households.models import Household, Membership, Role, User, new_invite_code
from households.signals import household_created

# A sensible number format for the currencies households pick most; any locale can be set later.
CURRENCY_LOCALES = {
    "INR": "en_IN",
    "USD": "en_US",
    "GBP": "en_GB",
    "EUR": "de_DE",
    "AUD": "en_AU",
    "CAD": "en_CA",
    "SGD": "en_SG",
    "AED": "en_AE",
    "JPY": "ja_JP",
    "NZD": "en_NZ",
    "ZAR": "en_ZA",
    "CHF": "de_CH",
    "BRL": "pt_BR",
    "MXN": "es_MX",
}


def locale_for_currency(currency: str) -> str:
    return CURRENCY_LOCALES.get(currency, "en")


def _admin_count(household: Household) -> int:
    return Membership.objects.filter(household=household, role=Role.ADMIN).count()


def _require_admin(household: Household, user: User) -> None:
    if not Membership.objects.filter(household=household, user=user, role=Role.ADMIN).exists():
        raise PermissionDenied(ADMIN_ONLY)


def _require_member_of(household: Household, membership: Membership) -> None:
    """A membership handed in must be of `household`, even if the caller forgot to scope."""
    if membership.household_id != household.pk:
        raise PermissionDenied("That person is not a member of this household.")


def normalize_invite_code(code: str) -> str:
    """Codes are read out loud and typed back: ignore case, spaces and dashes."""
    return re.sub(r"[\s-]+", "", code).upper()


@transaction.atomic
def household_create(
    *, user: User, name: str, currency: str, timezone: str, locale: str | None = None
) -> Household:
    """Create a household with `user` as its first admin, and its default categories."""
    if Membership.objects.filter(user=user).exists():
        raise ValidationError("You already belong to a household.")
    household = Household(
        name=name.strip(),
        currency=currency,
        timezone=timezone,
        locale=locale or locale_for_currency(currency),
        invite_made_by=user,
    )
    household.full_clean()
    household.save()
    Membership.objects.create(household=household, user=user, role=Role.ADMIN)
    household_created.send(sender=Household, household=household)  # the ledger seeds its categories
    return household


@transaction.atomic
def account_signup(
    *,
    email: str,
    password: str,
    name: str,
    household_name: str = "",
    currency: str = "INR",
    timezone: str = "Asia/Kolkata",
    invite_code: str = "",
) -> User:
    """A new account: a member of the household `invite_code` opens (signed up through an invite
    link), or with its own household if `household_name` is given, else none yet (the person
    joins one with an invite code next). A code that no longer works creates nothing."""
    user = User.objects.create_user(email=email, password=password, name=name.strip())
    if invite_code:
        household_join(user=user, code=invite_code)
    elif household_name.strip():
        household_create(user=user, name=household_name, currency=currency, timezone=timezone)
    return user


@transaction.atomic
def household_join(*, user: User, code: str) -> Membership:
    code = normalize_invite_code(code)
    household = Household.objects.select_for_update().filter(invite_code=code).first()
    if household is None:
        raise ValidationError(
            {
                "code": "That invite code doesn't match any household. Codes change when an admin "
                "rotates them: ask for the current one."
            }
        )
    if Membership.objects.filter(user=user).exists():
        raise ValidationError({"code": "You already belong to a household."})
    membership = Membership.objects.create(household=household, user=user, role=Role.MEMBER)
    publish(household, "members")
    return membership


@transaction.atomic
def invite_code_rotate(*, household: Household, user: User) -> str:
    _require_admin(household, user)
    household.invite_code = new_invite_code()
    household.invite_made_by = user
    household.save(update_fields=["invite_code", "invite_made_by"])
    return household.invite_code


@transaction.atomic
def household_update(
    *, household: Household, user: User, name: str, currency: str, locale: str, timezone: str
) -> Household:
    _require_admin(household, user)
    fields = ["name", "currency", "locale", "timezone"]
    before = {field: getattr(household, field) for field in fields}
    household.name = name.strip()
    household.currency = currency
    household.locale = locale
    household.timezone = timezone
    try:
        household.full_clean(exclude=["invite_code"])
    except ValidationError:
        # Leave the caller's object as saved: the page shown next still renders it.
        for field, value in before.items():
            setattr(household, field, value)
        raise
    household.save(update_fields=fields)
    household.__dict__.pop("tzinfo", None)
    publish(household, "household", "expenses", "budgets", "dashboard")
    return household


@transaction.atomic
def membership_set_role(
    *, household: Household, actor: User, membership: Membership, role: str
) -> Membership:
    _require_admin(household, actor)
    _require_member_of(household, membership)
    if role not in Role.values:
        raise ValidationError({"role": "Choose admin, member or viewer."})
    # Lock the household's admins so two demotions at once cannot leave it with none.
    list(Membership.objects.select_for_update().filter(household=household, role=Role.ADMIN))
    if membership.role == Role.ADMIN and role != Role.ADMIN and _admin_count(household) <= 1:
        raise ValidationError(
            {"role": "A household needs at least one admin: make someone else an admin first."}
        )
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    publish(household, "members")
    return membership


@transaction.atomic
def membership_remove(*, household: Household, actor: User, membership: Membership) -> None:
    """Remove a member (an admin's action) or leave (the member's own)."""
    _require_member_of(household, membership)
    if membership.user_id != actor.pk:
        _require_admin(household, actor)
    list(Membership.objects.select_for_update().filter(household=household, role=Role.ADMIN))
    if membership.role == Role.ADMIN and _admin_count(household) <= 1:
        raise ValidationError("The last admin cannot leave: make someone else an admin first.")
    user_id = membership.user_id
    membership.delete()
    disconnect_user(user_id)
    publish(household, "members")


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete an account: it leaves its household first (last-admin rule, sockets closed), then
    everything that names the person goes (name, email, password, permissions) and it can never
    sign in again; the email address is free for a new sign-up.

    The row itself stays, empty. What the household entered keeps pointing at the same former
    member: their expenses stay theirs in "by member", and a budget for what they paid keeps
    counting exactly that (deleting the row would null the budget's member and turn it into a
    budget for everyone). Pages show such a row as "former member" (`member_label`).
    """
    membership = Membership.objects.select_related("household").filter(user=user).first()
    if membership is not None:
        membership_remove(household=membership.household, actor=user, membership=membership)
    user.email = f"deleted-{uuid.uuid4().hex}@deleted.invalid"
    user.name = ""
    user.set_unusable_password()  # also ends every session: their auth hash no longer matches
    user.is_active = user.is_staff = user.is_superuser = False
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
