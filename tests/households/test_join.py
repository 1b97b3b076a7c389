"""Joining a household through its invite link, as the person invited meets it: signed out (sign up
or log in), signed in without a household, already in one, and with a code that doesn't work."""

import html
import re

import pytest
from django.urls import reverse

from households.models import Household, Membership, Role, User
from tests.factories import PASSWORD, HouseholdFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"
SIGNUP = {
    "name": "Meera Iyer",
    "email": "meera@example.com",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


def text(response) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def link(response, label: str) -> str:
    """The address of the link whose text is `label`."""
    found = re.search(rf'<a [^>]*href="([^"]+)"[^>]*>\s*{re.escape(label)}\s*</a>', response.content.decode())
    assert found, f"no link {label!r}"
    return html.unescape(found[1])


@pytest.fixture
def join_url(household, admin_user):
    return reverse("join", args=[household.invite_code])


INVITED = "Join The Sharmas — invited by Asha"


# --- signed out ---------------------------------------------------------------------------------


def test_the_join_page_names_the_household_and_who_invited(client, join_url):
    page = client.get(join_url)
    assert page.status_code == 200
    assert INVITED in text(page)
    assert link(page, "Create an account and join") == f"{reverse('signup')}?next={join_url}"
    assert link(page, "Log in and join") == f"{reverse('login')}?next={join_url}"


def test_the_login_page_reached_from_the_link_names_the_household_and_inviter(client, join_url):
    page = client.get(link(client.get(join_url), "Log in and join"))
    assert page.status_code == 200
    assert INVITED in text(page)
    assert "Log in to Hearth" not in text(page)


def test_the_signup_page_reached_from_the_link_names_them_and_asks_for_no_household(client, join_url):
    page = client.get(link(client.get(join_url), "Create an account and join"))
    assert page.status_code == 200
    assert INVITED in text(page)
    content = page.content.decode()
    assert 'name="email"' in content
    assert 'name="household_name"' not in content and 'name="currency"' not in content


def test_a_plain_login_page_names_no_household(client, household, admin_user):
    page = client.get(reverse("login"))
    assert "The Sharmas" not in text(page) and "invited by" not in text(page)
    assert "Log in to Hearth" in text(page)


def test_signing_up_through_the_link_joins_in_one_step(client, household, join_url):
    signup_url = link(client.get(join_url), "Create an account and join")
    response = client.post(signup_url, SIGNUP, follow=True)

    assert response.redirect_chain == [("/", 302)]
    user = User.objects.get(email="meera@example.com")
    membership = Membership.objects.get(user=user)
    assert (membership.household, membership.role) == (household, Role.MEMBER)
    assert Household.objects.count() == 1  # no household of her own
    assert "You joined The Sharmas." in text(response)
    assert response.context["household"] == household  # the dashboard of the household joined


def test_signing_up_from_the_login_page_of_the_link_joins_too(client, household, join_url):
    login_page = client.get(link(client.get(join_url), "Log in and join"))
    signup_page = client.get(link(login_page, "Create an account and join"))
    assert INVITED in text(signup_page)
    response = client.post(link(login_page, "Create an account and join"), SIGNUP)
    assert response.url == "/"
    assert Membership.objects.get(user__email="meera@example.com").household == household


def test_logging_in_through_the_link_joins_in_one_step(client, household, join_url, lonely_user):
    login_url = link(client.get(join_url), "Log in and join")
    response = client.post(
        login_url, {"username": lonely_user.email, "password": PASSWORD, "next": join_url}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert Membership.objects.get(user=lonely_user).household == household
    assert "You joined The Sharmas." in text(response)


def test_a_wrong_password_through_the_link_keeps_the_invite_and_joins_nothing(client, join_url, lonely_user):
    response = client.post(
        f"{reverse('login')}?next={join_url}",
        {"username": lonely_user.email, "password": "wrong", "next": join_url},
    )
    assert response.status_code == 200
    assert INVITED in text(response)
    assert "don't match an account" in text(response)
    assert not Membership.objects.filter(user=lonely_user).exists()


def test_a_signup_error_through_the_link_keeps_the_invite(client, join_url):
    response = client.post(f"{reverse('signup')}?next={join_url}", {**SIGNUP, "password2": "other"})
    assert response.status_code == 200
    assert INVITED in text(response)
    assert not User.objects.filter(email="meera@example.com").exists()


def test_a_code_rotated_while_signing_up_creates_nothing_and_says_so(
    client, household, admin_client, join_url
):
    signup_url = link(client.get(join_url), "Create an account and join")
    admin_client.post(reverse("invite_rotate"))
    response = client.post(signup_url, SIGNUP)
    # The page no longer offers the old invite: a plain sign-up that says why, with the household
    # fields she can start one with; no account yet.
    assert response.status_code == 200
    assert "invited by" not in text(response)
    assert "The invite link you came from no longer works" in text(response)
    assert 'name="household_name"' in response.content.decode()
    assert not User.objects.filter(email="meera@example.com").exists()
    # She signs up without a household name: her account is made and the link explains itself.
    plain = {**SIGNUP, "household_name": "", "currency": "INR", "timezone": "Asia/Kolkata"}
    joined = client.post(signup_url, plain, follow=True)
    assert joined.status_code == 404
    assert "This invite link doesn't work" in text(joined)
    assert User.objects.filter(email="meera@example.com").exists()
    assert not Membership.objects.filter(household=household, role=Role.MEMBER).exists()


def test_posting_the_join_page_signed_out_asks_to_log_in(client, household, join_url):
    response = client.post(join_url)
    assert response.url == f"{reverse('login')}?next={join_url.replace('/', '%2F')}"
    assert not Membership.objects.filter(household=household, role=Role.MEMBER).exists()


# --- signed in ----------------------------------------------------------------------------------


@pytest.fixture
def lonely_client(client, lonely_user):
    client.force_login(lonely_user)
    return client


def test_signed_in_without_a_household_one_button_joins(lonely_client, lonely_user, household, join_url):
    page = lonely_client.get(join_url)
    assert page.status_code == 200
    assert INVITED in text(page)
    assert f'action="{join_url}"' in page.content.decode()
    assert not Membership.objects.filter(user=lonely_user).exists()  # a GET changes nothing

    response = lonely_client.post(join_url, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert Membership.objects.get(user=lonely_user).household == household
    assert "You joined The Sharmas." in text(response)


def test_a_member_of_another_household_is_told_what_joining_takes(
    other_client, other_user, household, join_url
):
    page = other_client.get(join_url)
    assert page.status_code == 200
    words = text(page)
    assert INVITED in words
    assert "You're in The Neighbours now" in words
    assert "opening this link changed nothing" in words
    assert "leave The Neighbours first" in words
    assert link(page, "Members") == reverse("members")
    assert "Join The Sharmas" not in re.findall(r"<button[^>]*>([^<]*)</button>", page.content.decode())

    other_client.post(join_url)  # a crafted POST changes nothing either
    assert Membership.objects.get(user=other_user).household.name == "The Neighbours"
    assert not Membership.objects.filter(household=household, user=other_user).exists()


def test_a_member_of_the_same_household_is_told_so(member_client, join_url):
    page = member_client.get(join_url)
    assert "You're already a member of The Sharmas." in text(page)


def test_after_leaving_the_link_joins(other_client, other_user, household, join_url):
    MembershipFactory(household=other_user.membership.household, role=Role.ADMIN)  # not the last admin
    assert other_client.post(reverse("leave")).status_code == 302
    assert other_client.post(join_url).url == "/"
    assert Membership.objects.get(user=other_user).household == household


def test_an_admin_who_rotates_the_code_is_named_by_the_new_link(client, household, admin_user):
    ravi = MembershipFactory(household=household, role=Role.ADMIN, user__name="Ravi").user
    from tests.conftest import client_for

    client_for(ravi).post(reverse("invite_rotate"))
    household.refresh_from_db()
    page = client.get(reverse("join", args=[household.invite_code]))
    assert "Join The Sharmas — invited by Ravi" in text(page)


def test_an_old_invite_names_the_first_admin(client):
    old = HouseholdFactory(name="Old house")  # made before the maker was recorded
    MembershipFactory(household=old, role=Role.MEMBER, user__name="Zed")
    MembershipFactory(household=old, role=Role.ADMIN, user__name="First")
    MembershipFactory(household=old, role=Role.ADMIN, user__name="Second")
    assert old.invite_made_by is None
    page = client.get(reverse("join", args=[old.invite_code]))
    assert "Join Old house — invited by First" in text(page)


def test_a_maker_who_left_gives_way_to_the_first_admin(client, household, admin_user, member_user):
    Household.objects.filter(pk=household.pk).update(invite_made_by=member_user)
    assert "invited by Ravi" in text(client.get(reverse("join", args=[household.invite_code])))
    Membership.objects.filter(user=member_user).delete()
    assert "invited by Asha" in text(client.get(reverse("join", args=[household.invite_code])))


def test_a_new_household_records_its_creator_as_the_inviter(client):
    client.post(
        reverse("signup"),
        {**SIGNUP, "household_name": "Flat 4B", "currency": "INR", "timezone": "Asia/Kolkata"},
    )
    household = Household.objects.get(name="Flat 4B")
    assert household.invite_made_by.email == "meera@example.com"
    anonymous = type(client)()
    assert "Join Flat 4B — invited by Meera Iyer" in text(
        anonymous.get(reverse("join", args=[household.invite_code]))
    )


# --- codes that don't work ----------------------------------------------------------------------

BAD_CODE_WORDS = "This invite link doesn't work"


@pytest.mark.parametrize(
    "code", ["WRONGCODE1", "x", "AB%26CD%23EF", "a" * 300, "%F0%9F%8F%A0", "ABC/extra", "AB%00CD"]
)
def test_a_garbage_code_gets_a_clear_page(client, household, code):
    response = client.get(f"/join/{code}/")
    assert response.status_code == 404
    assert BAD_CODE_WORDS in text(response)
    assert "Ask the person who invited you for the current link" in text(response)
    assert link(response, "Create an account") == reverse("signup")


def test_a_rotated_code_gets_a_clear_page(client, admin_client, household):
    old = household.invite_code
    admin_client.post(reverse("invite_rotate"))
    response = client.get(reverse("join", args=[old]))
    assert response.status_code == 404
    assert BAD_CODE_WORDS in text(response)
    assert "an admin of the household makes a new code" in text(response)
    assert "The Sharmas" not in text(response)


@pytest.mark.parametrize("who", ["lonely", "member"])
def test_a_bad_code_signed_in_points_somewhere_useful(client, lonely_user, member_user, who):
    client.force_login(lonely_user if who == "lonely" else member_user)
    response = client.get("/join/NOPE/")
    assert response.status_code == 404
    assert BAD_CODE_WORDS in text(response)
    if who == "lonely":
        assert link(response, "Enter a code or start a household") == reverse("onboarding")
    else:
        assert link(response, "Back to The Sharmas") == "/"
    assert client.post("/join/NOPE/").status_code == 404  # no join, no error


def test_a_code_is_read_as_people_type_it(client, household, admin_user):
    loose = household.invite_code.lower()[:5] + "-" + household.invite_code.lower()[5:]
    assert INVITED in text(client.get(reverse("join", args=[loose])))


def test_the_login_page_with_a_bad_code_in_next_is_a_plain_login(client):
    page = client.get(f"{reverse('login')}?next=/join/NOPE/")
    assert page.status_code == 200
    assert "Log in to Hearth" in text(page)


# --- escaping -----------------------------------------------------------------------------------


def test_the_household_and_inviter_names_are_shown_as_text(client, lonely_user):
    evil = HouseholdFactory(name="<script>alert(1)</script>")
    MembershipFactory(household=evil, role=Role.ADMIN, user=UserFactory(name="<b>Mallory</b>"))
    join_url = reverse("join", args=[evil.invite_code])
    pages = [
        client.get(join_url),
        client.get(f"{reverse('login')}?next={join_url}"),
        client.get(f"{reverse('signup')}?next={join_url}"),
    ]
    for page in pages:
        content = page.content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "<b>Mallory</b>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
        assert "Join <script>alert(1)</script> — invited by <b>Mallory</b>" in text(page)

    response = client.post(
        f"{reverse('login')}?next={join_url}",
        {"username": lonely_user.email, "password": PASSWORD, "next": join_url},
        follow=True,
    )
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "You joined <script>alert(1)</script>." in text(response)


@pytest.mark.parametrize(
    "path", ["/join/%3Cscript%3Ealert(1)%3C%2Fscript%3E/", "/join/%3Cimg%20src=x%20onerror=alert(1)%3E/"]
)
def test_a_hostile_code_is_shown_as_text(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "<script>" not in response.content.decode() and "<img src=x" not in response.content.decode()
    assert BAD_CODE_WORDS in text(response)
