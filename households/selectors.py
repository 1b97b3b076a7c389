"""What the households' pages show: an invite as the person invited meets it."""

import re
from dataclasses import dataclass

from django.db.models import Q

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
