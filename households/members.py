"""How the household's pages name people, including those who left."""

from households.models import Membership

FORMER_MEMBER = "former member"


def household_member_ids(household) -> frozenset:
    """The ids of the household's members now, read once per household object (one per request)."""
    ids = household.__dict__.get("_member_ids")
    if ids is None:
        ids = frozenset(Membership.objects.filter(household=household).values_list("user_id", flat=True))
        household.__dict__["_member_ids"] = ids
    return ids


def member_label(user, household) -> str:
    """A person as the household's pages name them.

    Rows keep pointing at people who left (removed, or their account deleted: `account_delete`
    empties the account but keeps the row), so every page says who it was without losing the
    row: the name while they are a member, "Ravi (former member)" after they left, "former
    member" when the account was deleted (no name) or nobody is linked any more.
    """
    if user is None or not user.name:
        return FORMER_MEMBER
    if household is None or user.pk in household_member_ids(household):
        return user.name
    return f"{user.name} ({FORMER_MEMBER})"
