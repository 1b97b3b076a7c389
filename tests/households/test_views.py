"""The households app through HTTP, as its users meet it: accounts, onboarding, members, settings."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from expenses.models import DEFAULT_CATEGORIES, Category
from households.access import ADMIN_ONLY, VIEWER_REFUSED
from households.models import Household, Membership, Role, User
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.test_isolation import unique_routes

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def text(response) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(response.content.decode())


def field_errors(response, form: str, field: str) -> list[str]:
    """The errors of one field, after checking that they are rendered beside that field."""
    bound = response.context[form]
    errors = bound.errors.get(field, [])
    if errors:
        assert f'id="{bound[field].auto_id}_error"' in response.content.decode(), (
            f"the errors of {field} are not rendered beside it"
        )
    return errors


def can_log_in(email: str, password: str) -> bool:
    from django.test import Client

    response = Client().post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302


# --- sign-up ------------------------------------------------------------------------------------

SIGNUP = {
    "name": "Meera Iyer",
    "email": "Meera.Iyer@Example.com",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
    "household_name": "The Iyers",
    "currency": "USD",
    "timezone": "America/New_York",
}


def test_signup_creates_account_household_and_logs_in(client):
    response = client.post(reverse("signup"), SIGNUP)

    assert response.status_code == 302
    assert response.url == "/"
    user = User.objects.get(email="meera.iyer@example.com")
    assert user.name == "Meera Iyer"
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.ADMIN
    household = membership.household
    assert (household.name, household.currency, household.timezone) == (
        "The Iyers",
        "USD",
        "America/New_York",
    )
    assert household.locale == "en_US"
    categories = set(Category.objects.for_household(household).values_list("name", flat=True))
    assert categories == {name for name, _ in DEFAULT_CATEGORIES}
    assert len(categories) == 14

    home = client.get("/")
    assert home.status_code == 200
    assert "The Iyers" in text(home)
    assert "Your household is ready" in text(home)
    assert can_log_in("meera.iyer@example.com", NEW_PASSWORD)


def test_signup_page_renders_and_sends_signed_in_people_home(client, admin_client):
    page = client.get(reverse("signup"))
    assert page.status_code == 200
    for name in ("name", "email", "password1", "password2", "household_name", "currency"):
        assert f'name="{name}"' in page.content.decode()
    assert admin_client.get(reverse("signup")).url == "/"


def test_signup_with_an_email_already_used_says_so_beside_the_field(client, admin_user):
    response = client.post(reverse("signup"), {**SIGNUP, "email": admin_user.email.upper()})

    assert response.status_code == 200
    assert field_errors(response, "form", "email") == [
        "An account with this email already exists. Log in instead."
    ]
    assert User.objects.count() == 1
    assert not Household.objects.filter(name="The Iyers").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("currency", "XYZ"), ("currency", "usd"), ("timezone", "Mars/Olympus_Mons")],
)
def test_signup_with_a_bad_currency_or_timezone_is_a_field_error(client, field, value):
    response = client.post(reverse("signup"), {**SIGNUP, field: value})

    assert response.status_code == 200
    assert field_errors(response, "form", field)
    assert not User.objects.exists()
    assert not Household.objects.exists()


def test_signup_with_passwords_that_differ_is_a_field_error(client):
    response = client.post(reverse("signup"), {**SIGNUP, "password2": NEW_PASSWORD + "!"})

    assert response.status_code == 200
    assert field_errors(response, "form", "password2")
    assert not User.objects.exists()


def test_signup_through_an_invite_link_joins_its_household_at_once(client, household):
    """Someone invited by link has no account yet: signing up from it makes them a member."""
    join_url = reverse("join", args=[household.invite_code])
    login_page = client.get(f"{reverse('login')}?next={join_url}")
    signup_url = re.search(r'href="(/accounts/signup/[^"]*)"', login_page.content.decode())[1]
    assert "next=" in signup_url

    response = client.post(html.unescape(signup_url), SIGNUP, follow=True)

    assert response.redirect_chain == [("/", 302)]
    user = User.objects.get(email="meera.iyer@example.com")
    assert Membership.objects.get(user=user).household == household
    assert not Household.objects.exclude(pk=household.pk).exists()  # "The Iyers" was not made
    assert "You joined The Sharmas." in text(response)


def test_signup_ignores_a_next_address_on_another_site(client):
    response = client.post(reverse("signup") + "?next=https://evil.example/", SIGNUP)
    assert response.url == "/"


# --- log in, log out, passwords -----------------------------------------------------------------


def test_login_with_email_in_any_case(client, admin_user):
    response = client.post(
        reverse("login"), {"username": f"  {admin_user.email.upper()} ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_login_works_for_an_email_stored_in_mixed_case(client, household):
    """Accounts made by an operator in the Django admin keep the case they were typed in."""
    user = UserFactory(email="Kabir.Rao@Example.com")
    MembershipFactory(household=household, user=user)
    assert can_log_in("kabir.rao@example.com", PASSWORD)
    assert can_log_in("KABIR.RAO@EXAMPLE.COM", PASSWORD)


def test_login_with_a_wrong_password_says_so(client, admin_user):
    response = client.post(reverse("login"), {"username": admin_user.email, "password": "nope"})

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert "email" in errors[0] and "password" in errors[0]
    assert "case-sensitive" not in errors[0]  # the email isn't
    assert errors[0] in text(response)
    assert client.get("/").status_code == 302


def test_login_returns_to_the_page_asked_for(client, admin_user):
    response = client.post(
        reverse("login") + "?next=/household/members/",
        {"username": admin_user.email, "password": PASSWORD, "next": "/household/members/"},
    )
    assert response.url == "/household/members/"


def test_logout(admin_client):
    response = admin_client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert admin_client.get("/").url == "/accounts/login/?next=/"


def test_password_change(admin_client, admin_user):
    assert admin_client.get(reverse("password_change")).status_code == 200
    response = admin_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("password_change_done")
    assert admin_client.get(response.url).status_code == 200
    assert admin_client.get("/").status_code == 200  # still signed in
    assert can_log_in(admin_user.email, NEW_PASSWORD)
    assert not can_log_in(admin_user.email, PASSWORD)


def test_password_change_with_a_wrong_old_password(admin_client, admin_user):
    response = admin_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert field_errors(response, "form", "old_password")
    assert can_log_in(admin_user.email, PASSWORD)


def test_password_reset_by_email(client, admin_user):
    response = client.post(reverse("password_reset"), {"email": admin_user.email.upper()})
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [admin_user.email]
    assert "Hearth" in message.subject + message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body)[1]

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("password_reset_complete")
    assert client.get(done.url).status_code == 200

    assert can_log_in(admin_user.email, NEW_PASSWORD)
    assert not can_log_in(admin_user.email, PASSWORD)
    used_again = client.get(link, follow=True)
    assert used_again.context["validlink"] is False
    assert "This reset link has been used or has expired" in text(used_again)


def test_password_reset_for_an_unknown_email_sends_nothing_and_tells_nothing(client, admin_user):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


# --- onboarding ---------------------------------------------------------------------------------


@pytest.fixture
def lonely_client(client, lonely_user):
    client.force_login(lonely_user)
    return client


@pytest.mark.parametrize("path", ["/", "/household/members/", "/household/settings/", "/more/"])
def test_a_user_without_household_is_sent_to_welcome(lonely_client, path):
    response = lonely_client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("onboarding")


def test_welcome_page_offers_create_and_join(lonely_client, lonely_user):
    page = lonely_client.get(reverse("onboarding"))
    assert page.status_code == 200
    assert 'name="join-code"' in page.content.decode()
    assert 'name="create-name"' in page.content.decode()
    assert lonely_client.get(reverse("password_change")).status_code == 200  # own account


def test_welcome_creates_a_household(lonely_client, lonely_user):
    response = lonely_client.post(
        reverse("onboarding"),
        {
            "action": "create",
            "create-name": "Solo's flat",
            "create-currency": "EUR",
            "create-timezone": "Europe/Berlin",
        },
    )
    assert response.url == "/"
    membership = Membership.objects.get(user=lonely_user)
    assert membership.role == Role.ADMIN
    assert (membership.household.name, membership.household.currency) == ("Solo's flat", "EUR")
    assert Category.objects.for_household(membership.household).count() == 14
    assert lonely_client.get("/").status_code == 200


def test_welcome_create_with_bad_values_shows_field_errors(lonely_client, lonely_user):
    response = lonely_client.post(
        reverse("onboarding"),
        {
            "action": "create",
            "create-name": "",
            "create-currency": "XXXX",
            "create-timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 200
    assert field_errors(response, "create_form", "name")
    assert field_errors(response, "create_form", "currency")
    assert not Membership.objects.filter(user=lonely_user).exists()


def test_welcome_joins_with_a_code_typed_loosely(lonely_client, lonely_user, household):
    response = lonely_client.post(
        reverse("onboarding"),
        {"action": "join", "join-code": f"  {household.invite_code.lower()} "},
        follow=True,
    )
    assert response.redirect_chain[0][0] == "/"
    membership = Membership.objects.get(user=lonely_user)
    assert (membership.household, membership.role) == (household, Role.MEMBER)
    assert f"You joined {household.name}." in text(response)


def test_welcome_with_a_code_prefills_it_and_names_the_household(lonely_client, household, admin_user):
    response = lonely_client.get(f"{reverse('onboarding')}?code={household.invite_code}")
    assert response.context["join_form"]["code"].value() == household.invite_code
    assert f'value="{household.invite_code}"' in response.content.decode()
    assert "Join The Sharmas — invited by Asha" in text(response)


def test_join_link_code_is_passed_on_intact(lonely_client):
    response = lonely_client.get("/join/AB%26CD%23EF/")
    assert response.status_code == 404
    assert "AB&CD#EF" in text(response)


def test_join_link_for_someone_already_in_a_household(member_client, other_household):
    response = member_client.get(reverse("join", args=[other_household.invite_code]))
    assert response.status_code == 200
    assert "To join The Neighbours, leave The Sharmas first" in text(response)
    assert not Membership.objects.filter(household=other_household, role=Role.MEMBER).exists()


def test_join_link_for_a_signed_out_person_joins_as_they_log_in(client, household, lonely_user):
    join_url = reverse("join", args=[household.invite_code])
    assert client.get(join_url).status_code == 200  # the invitation, not a bare login page
    response = client.post(
        f"{reverse('login')}?next={join_url}",
        {"username": lonely_user.email, "password": PASSWORD, "next": join_url},
    )
    assert response.url == "/"
    assert Membership.objects.get(user=lonely_user).household == household


def test_welcome_with_a_wrong_code_says_so_beside_the_code(lonely_client, lonely_user):
    response = lonely_client.post(reverse("onboarding"), {"action": "join", "join-code": "WRONG"})
    assert response.status_code == 200
    [error] = field_errors(response, "join_form", "code")
    assert "doesn't match any household" in error
    assert error in text(response)
    assert not Membership.objects.filter(user=lonely_user).exists()


def test_welcome_with_an_empty_code(lonely_client, lonely_user):
    response = lonely_client.post(reverse("onboarding"), {"action": "join", "join-code": ""})
    assert response.status_code == 200
    assert field_errors(response, "join_form", "code")


def test_welcome_is_not_for_people_with_a_household(member_client, member_user):
    assert member_client.get(reverse("onboarding")).url == "/"
    response = member_client.post(
        reverse("onboarding"), {"action": "create", "create-name": "Second", "create-currency": "INR"}
    )
    assert response.url == "/"
    assert Membership.objects.filter(user=member_user).count() == 1
    assert not Household.objects.filter(name="Second").exists()


def test_rotating_the_code_retires_the_old_one(admin_client, household, lonely_client, lonely_user):
    old = household.invite_code
    response = admin_client.post(reverse("invite_rotate"), follow=True)
    household.refresh_from_db()
    new = household.invite_code
    assert new != old
    assert "The old code no longer works" in text(response)
    assert new in text(response)

    refused = lonely_client.post(reverse("onboarding"), {"action": "join", "join-code": old})
    assert field_errors(refused, "join_form", "code")
    assert not Membership.objects.filter(user=lonely_user).exists()

    joined = lonely_client.post(reverse("onboarding"), {"action": "join", "join-code": new})
    assert joined.url == "/"
    assert Membership.objects.get(user=lonely_user).household == household


def test_rotating_needs_a_post(admin_client, household):
    old = household.invite_code
    assert admin_client.get(reverse("invite_rotate")).status_code == 405
    household.refresh_from_db()
    assert household.invite_code == old


# --- invite -------------------------------------------------------------------------------------


def test_invite_page_shows_code_and_link_to_admins(admin_client, household):
    response = admin_client.get(reverse("invite"))
    assert response.status_code == 200
    assert household.invite_code in text(response)
    assert f"http://testserver/join/{household.invite_code}/" in text(response)


def test_invite_page_is_for_admins_only(member_client, household):
    response = member_client.get(reverse("invite"))
    assert response.status_code == 403
    assert ADMIN_ONLY in text(response)
    assert household.invite_code not in text(response)
    assert "Invite someone" not in text(member_client.get(reverse("members")))


def test_a_member_cannot_rotate_the_code(member_client, household):
    old = household.invite_code
    response = member_client.post(reverse("invite_rotate"))
    assert response.status_code == 403
    assert ADMIN_ONLY in text(response)
    household.refresh_from_db()
    assert household.invite_code == old


# --- members ------------------------------------------------------------------------------------


def role_of(user) -> str:
    return Membership.objects.get(user=user).role


def test_members_page_lists_this_household_only(member_client, admin_user, other_user):
    response = member_client.get(reverse("members"))
    assert response.status_code == 200
    assert admin_user.email in text(response)
    assert other_user.email not in text(response)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ADMIN, Role.MEMBER])
def test_admin_changes_a_role(admin_client, member_user, role):
    membership = member_user.membership
    response = admin_client.post(reverse("member_role", args=[membership.pk]), {"role": role}, follow=True)
    assert response.redirect_chain[0][0] == reverse("members")
    assert role_of(member_user) == role
    assert f"Ravi is now {role.label.lower()}." in text(response)


def test_admin_gives_a_role_that_does_not_exist(admin_client, member_user):
    response = admin_client.post(
        reverse("member_role", args=[member_user.membership.pk]), {"role": "owner"}, follow=True
    )
    assert role_of(member_user) == Role.MEMBER
    assert "Choose admin, member or viewer." in text(response)


def test_admin_removes_a_member(admin_client, member_user, household):
    response = admin_client.post(reverse("member_remove", args=[member_user.membership.pk]), follow=True)
    assert "Ravi was removed from the household." in text(response)
    assert not Membership.objects.filter(user=member_user).exists()
    assert User.objects.filter(pk=member_user.pk).exists()  # the account stays


def test_a_removed_member_is_sent_to_welcome(admin_client, member_user, member_client):
    admin_client.post(reverse("member_remove", args=[member_user.membership.pk]))
    assert member_client.get("/").url == reverse("onboarding")


def test_the_last_admin_cannot_be_demoted(admin_client, admin_user, member_user):
    response = admin_client.post(
        reverse("member_role", args=[admin_user.membership.pk]),
        {"role": Role.MEMBER},
        follow=True,
    )
    assert role_of(admin_user) == Role.ADMIN
    assert "A household needs at least one admin" in text(response)


def test_an_admin_can_step_down_when_there_is_another(admin_client, admin_user, member_user):
    admin_client.post(reverse("member_role", args=[member_user.membership.pk]), {"role": "admin"})
    admin_client.post(reverse("member_role", args=[admin_user.membership.pk]), {"role": "member"})
    assert (role_of(admin_user), role_of(member_user)) == (Role.MEMBER, Role.ADMIN)
    assert admin_client.get(reverse("invite")).status_code == 403


def test_the_last_admin_cannot_leave(admin_client, admin_user, member_user):
    response = admin_client.post(reverse("leave"), follow=True)
    assert role_of(admin_user) == Role.ADMIN
    assert "The last admin cannot leave" in text(response)
    assert response.redirect_chain[-1][0] == reverse("members")


def test_the_last_admin_cannot_remove_themselves_either(admin_client, admin_user):
    admin_client.post(reverse("member_remove", args=[admin_user.membership.pk]))
    assert role_of(admin_user) == Role.ADMIN


def test_a_member_can_leave(member_client, member_user, household):
    response = member_client.post(reverse("leave"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("onboarding")
    assert "You left the household." in text(response)
    assert not Membership.objects.filter(user=member_user).exists()
    assert Membership.objects.filter(household=household).count() == 1


def test_a_member_cannot_change_roles_or_remove(member_client, admin_user, member_user):
    role = member_client.post(reverse("member_role", args=[admin_user.membership.pk]), {"role": Role.VIEWER})
    promote = member_client.post(
        reverse("member_role", args=[member_user.membership.pk]), {"role": Role.ADMIN}
    )
    remove = member_client.post(reverse("member_remove", args=[admin_user.membership.pk]))

    for response in (role, promote, remove):
        assert response.status_code == 403
        assert ADMIN_ONLY in text(response)
    assert (role_of(admin_user), role_of(member_user)) == (Role.ADMIN, Role.MEMBER)


def test_members_page_shows_role_controls_to_admins_only(admin_client, member_client, member_user):
    action = reverse("member_role", args=[member_user.membership.pk])
    assert action in admin_client.get(reverse("members")).content.decode()
    assert action not in member_client.get(reverse("members")).content.decode()


# --- viewers ------------------------------------------------------------------------------------


def test_viewer_writes_are_refused_with_a_clear_message(
    viewer_client, viewer_user, admin_user, member_user, household
):
    before = (
        list(Membership.objects.order_by("pk").values()),
        list(Household.objects.order_by("pk").values()),
    )
    attempts = [
        (reverse("member_role", args=[member_user.membership.pk]), {"role": Role.VIEWER}),
        (reverse("member_role", args=[viewer_user.membership.pk]), {"role": Role.ADMIN}),
        (reverse("member_remove", args=[member_user.membership.pk]), {}),
        (reverse("invite_rotate"), {}),
        (
            reverse("household_settings"),
            {"name": "Mine", "currency": "USD", "locale": "en_US", "timezone": "UTC"},
        ),
        (reverse("onboarding"), {"action": "create", "create-name": "Another"}),
    ]
    for url, data in attempts:
        response = viewer_client.post(url, data)
        assert response.status_code == 403, url
        assert VIEWER_REFUSED in text(response), url
    after = (
        list(Membership.objects.order_by("pk").values()),
        list(Household.objects.order_by("pk").values()),
    )
    assert after == before


@pytest.mark.parametrize("name", ["home", "more", "members", "household_settings", "password_change"])
def test_viewer_can_look_around(viewer_client, name):
    assert viewer_client.get(reverse(name)).status_code == 200


def test_viewer_can_leave(viewer_client, viewer_user):
    response = viewer_client.post(reverse("leave"))
    assert response.url == reverse("onboarding")
    assert not Membership.objects.filter(user=viewer_user).exists()


def test_viewer_can_change_their_own_password_and_log_out(viewer_client, viewer_user):
    response = viewer_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("password_change_done")
    assert can_log_in(viewer_user.email, NEW_PASSWORD)
    assert viewer_client.post(reverse("logout")).url == reverse("login")


# --- household settings -------------------------------------------------------------------------

SETTINGS = {"name": "Sharma-Iyer home", "currency": "EUR", "locale": "de_DE", "timezone": "UTC"}


def test_admin_changes_household_settings(admin_client, household):
    response = admin_client.post(reverse("household_settings"), SETTINGS, follow=True)
    assert response.redirect_chain[0][0] == reverse("household_settings")
    assert "Household settings saved." in text(response)
    household.refresh_from_db()
    assert (household.name, household.currency, household.locale, household.timezone) == (
        "Sharma-Iyer home",
        "EUR",
        "de_DE",
        "UTC",
    )
    assert "Sharma-Iyer home" in text(admin_client.get("/"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "x" * 81),
        ("currency", "EURO"),
        ("currency", "ZZZ"),
        ("locale", "xx_YY"),
        ("timezone", "Europe/Atlantis"),
    ],
)
def test_bad_settings_are_field_errors_and_nothing_is_saved(admin_client, household, field, value):
    response = admin_client.post(reverse("household_settings"), {**SETTINGS, field: value})
    assert response.status_code == 200
    assert field_errors(response, "form", field)
    assert Household.objects.get(pk=household.pk).name == "The Sharmas"
    assert Household.objects.get(pk=household.pk).currency == "INR"
    # The page around the form still shows the saved household, not the rejected values.
    assert '<span class="household-name">The Sharmas</span>' in response.content.decode()


def test_a_member_sees_the_settings_but_cannot_change_them(member_client, household):
    page = member_client.get(reverse("household_settings"))
    assert page.status_code == 200
    assert "Only an admin can change these." in text(page)
    assert 'value="The Sharmas"' in page.content.decode()
    assert all(field.field.disabled for field in page.context["form"])
    assert "Save settings" not in text(page)

    response = member_client.post(reverse("household_settings"), SETTINGS)
    assert response.status_code == 403
    assert ADMIN_ONLY in text(response)
    household.refresh_from_db()
    assert (household.name, household.currency) == ("The Sharmas", "INR")


def test_settings_keep_a_time_zone_that_is_not_in_the_list(admin_client, household):
    """A household set to e.g. Etc/GMT-4 (by an operator) can still save its other settings."""
    Household.objects.filter(pk=household.pk).update(timezone="Etc/GMT-4")
    page = admin_client.get(reverse("household_settings"))
    assert page.context["form"]["timezone"].value() == "Etc/GMT-4"
    response = admin_client.post(reverse("household_settings"), {**SETTINGS, "timezone": "Etc/GMT-4"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.name, household.timezone) == ("Sharma-Iyer home", "Etc/GMT-4")


# --- signed-out visitors ------------------------------------------------------------------------

# Pages a signed-out person must reach; everything else sends them to log in.
PUBLIC = {
    "join",  # the invitation itself; the sample code matches no household, which the page says
    "login",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}

SAMPLE_ARGUMENTS = {
    "UUIDConverter": "3f2c1b7e-8d4a-4c2e-9b1a-0e5f6d7c8b9a",
    "IntConverter": "1",
    "SlugConverter": "a-slug",
    "StringConverter": "ABC",
    "PathConverter": "a/b",
}


def sample_path(route) -> str:
    if route.name is None and not route.arguments:
        return "/" + route.route.lstrip("^").rstrip("$")
    kwargs = {}
    for name, converter in route.arguments.items():
        kind = type(converter).__name__
        if kind not in SAMPLE_ARGUMENTS:
            pytest.fail(f"Add a sample value for {kind} ({route}) to SAMPLE_ARGUMENTS.")
        kwargs[name] = converter.to_python(SAMPLE_ARGUMENTS[kind])
    if route.name is None:
        pytest.fail(f"Give the URL pattern {route.route} a name.")
    return reverse(route.name, kwargs=kwargs)


PRIVATE_ROUTES = [route for route in unique_routes() if route.name not in PUBLIC]


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=str)
def test_signed_out_visitors_are_sent_to_log_in(client, household, route):
    path = sample_path(route)
    for response in (client.get(path), client.post(path, {"name": "x"})):
        assert response.status_code == 302, path
        location = urlsplit(response.url)
        assert location.path == reverse("login"), path
        assert parse_qs(location.query) == {"next": [path]}, path
    assert Household.objects.count() == 1


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_answer_signed_out_visitors(client, name):
    route = next(route for route in unique_routes() if route.name == name)
    assert client.get(sample_path(route)).status_code == (404 if name == "join" else 200)


def test_the_walk_covers_the_households_pages():
    names = {route.name for route in PRIVATE_ROUTES}
    assert {"home", "members", "member_role", "household_settings", "logout"} <= names
    assert not any(name and name.startswith("admin:") for name in names)


def test_the_currency_list_offers_the_ones_in_use_with_the_common_ones_first(client):
    page = client.get(reverse("signup")).content.decode()
    offered = re.findall(r'<option value="([A-Z]{3})"', page)
    assert offered[:3] == ["INR", "USD", "EUR"]
    assert {"JPY", "BRL", "KES", "CHF"} <= set(offered)
    assert not {"ADP", "AFA", "XAU", "XTS", "XXX", "DEM"} & set(offered)  # obsolete, metals, test codes
    assert len(offered) == len(set(offered)) < 170


def test_a_currency_no_longer_offered_is_kept_when_other_settings_change(admin_client, household):
    Household.objects.filter(pk=household.pk).update(currency="DEM")  # set by an operator, years ago
    response = admin_client.post(reverse("household_settings"), {**SETTINGS, "currency": "DEM"}, follow=True)
    assert response.status_code == 200
    household.refresh_from_db()
    assert household.currency == "DEM" and household.name == SETTINGS["name"]
