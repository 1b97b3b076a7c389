"""The operator's Django admin: every registered model opens, and only staff get in."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Household, Membership, Role, User
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def operator(db):
    """A superuser who belongs to no household: operators run the server, not a household."""
    return UserFactory(name="Operator", is_staff=True, is_superuser=True)


@pytest.fixture
def operator_client(operator):
    return client_for(operator)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_admin_index_says_hearth(operator_client):
    response = operator_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Hearth administration" in response.content.decode()
    for model in REGISTERED:
        assert admin_url(model, "changelist") in response.content.decode()


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_registered_model_lists_and_adds(operator_client, household, admin_user, model):
    changelist = operator_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    if admin.site._registry[model].has_add_permission(changelist.wsgi_request):
        assert operator_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize(
    "model",
    [model for model in REGISTERED if admin.site._registry[model].search_fields],
    ids=lambda model: model._meta.label,
)
def test_every_search_box_works(operator_client, household, admin_user, model):
    response = operator_client.get(admin_url(model, "changelist"), {"q": "Sharma"})
    assert response.status_code == 200


def test_household_change_page(operator_client, household, admin_user, member_user):
    response = operator_client.get(admin_url(Household, "change", household.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The Sharmas" in page
    assert household.invite_code in page  # shown, read-only
    assert 'name="invite_code"' not in page
    assert f">{admin_user.name}<" in page  # the members inline
    assert f">{member_user.name}<" in page


def test_household_list_costs_the_same_with_more_households(operator_client, household):
    url = admin_url(Household, "changelist")
    MembershipFactory.create_batch(3, household=household)
    with CaptureQueriesContext(connection) as few:
        assert operator_client.get(url).status_code == 200
    for _ in range(5):
        MembershipFactory.create_batch(2)
    with CaptureQueriesContext(connection) as many:
        page = operator_client.get(url)
    assert len(many) == len(few)
    assert '<td class="field-member_count">3</td>' in page.content.decode()


def test_membership_and_user_change_pages(operator_client, admin_user):
    membership = admin_user.membership
    assert operator_client.get(admin_url(Membership, "change", membership.pk)).status_code == 200
    page = operator_client.get(admin_url(User, "change", admin_user.pk))
    assert page.status_code == 200
    assert admin_user.email in page.content.decode()


def test_operator_adds_a_user_who_then_logs_in(operator_client, client):
    response = operator_client.post(
        admin_url(User, "add"),
        {
            "email": "New.Person@Example.com",
            "name": "New Person",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    login = client.post(
        reverse("login"), {"username": "new.person@example.com", "password": "a-long-passphrase-9"}
    )
    assert login.status_code == 302
    assert client.get("/").url == reverse("onboarding")


def test_memberships_filter_by_household(operator_client, household, admin_user, other_user):
    response = operator_client.get(
        admin_url(Membership, "changelist"), {"household__id__exact": household.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert admin_user.name in page
    assert other_user.name not in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MEMBER])
def test_household_people_are_sent_to_the_admin_login(household, role):
    user = UserFactory()
    Membership.objects.create(household=household, user=user, role=role)
    client = client_for(user)
    for url in (reverse("admin:index"), admin_url(Membership, "changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_signed_out_visitors_are_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
