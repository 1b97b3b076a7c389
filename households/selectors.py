"""What the households' pages show: an invite as the person invited meets it, and the first-run
checklist on the dashboard."""

import re
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils.module_loading import import_string

from households.members import household_member_ids
from households.models import Household, Membership, Role
from households.services import normalize_invite_code


@dataclass(frozen=True)
class Invite:
    """A working invite code: the household it opens and who made it ("" if nobody can be named)."""

    household: Household
    inviter: str
    code: str


def invite_for_code(code: str) -> Invite | None:
    """The invite a code opens, or None when it matches no household (mistyped, or rotated away).

    The code is the credential, so this is the one lookup not scoped to a household. The inviter is
    whoever made the current code while they are still a member, else the household's first admin
    (codes made before the maker was recorded, or a maker who left). Two queries."""
    code = normalize_invite_code(code or "")
    # Codes are letters and digits (`new_invite_code`): anything else is no code, and never reaches
    # the database (PostgreSQL refuses a NUL in a query).
    if not re.fullmatch(r"[0-9A-Z]{1,16}", code):
        return None
    household = Household.objects.filter(invite_code=code).first()
    if household is None:
        return None
    people = (
        Membership.objects.filter(household=household)
        .filter(Q(user_id=household.invite_made_by_id) | Q(role=Role.ADMIN))
        .select_related("user")
        .order_by("created_at")
    )
    maker = next((m for m in people if m.user_id == household.invite_made_by_id), None)
    first_admin = next((m for m in people if m.role == Role.ADMIN), None)
    named = maker or first_admin
    return Invite(household=household, inviter=named.user.name if named else "", code=code)


@dataclass(frozen=True)
class Step:
    """One line of the first-run checklist: done, or the link that does it."""

    key: str
    label: str
    done: bool
    url: str
    action: str


def invite_step(*, household: Household, membership: Membership | None = None) -> Step:
    """The kernel's own step. The member ids are read once per household object (the pages that
    name people read them anyway), so this costs at most one query. Only an admin may invite: given
    the membership of someone who isn't, the link goes to the members page instead of a refusal."""
    done = len(household_member_ids(household)) > 1
    if membership is not None and not membership.is_admin:
        return Step("invite", "Invite your partner", done, reverse("members"), "See who can invite")
    return Step("invite", "Invite your partner", done, reverse("invite"), "Invite someone")


def first_run_steps(*, household: Household, membership: Membership | None = None) -> list[Step]:
    """The checklist a new household sees: each app's steps, in the order of INSTALLED_APPS, then
    inviting someone. The kernel names no app above it: an app lists its steps as
    `first_run_steps` on its AppConfig (dotted paths of functions taking `household=` and returning
    a Step in one cheap query), as it lists its `schedules` and `demo_steps`. At most one query
    per step."""
    paths = [path for config in apps.get_app_configs() for path in getattr(config, "first_run_steps", ())]
    return [
        *(import_string(path)(household=household) for path in paths),
        invite_step(household=household, membership=membership),
    ]
