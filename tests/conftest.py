import pytest
from django.test import Client

from households.models import Role
from tests.factories import HouseholdFactory, MembershipFactory, UserFactory


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def household(db):
    return HouseholdFactory(name="The Sharmas")


@pytest.fixture
def admin_user(household):
    return MembershipFactory(household=household, role=Role.ADMIN, user__name="Asha").user


@pytest.fixture
def member_user(household, admin_user):
    return MembershipFactory(household=household, role=Role.MEMBER, user__name="Ravi").user


@pytest.fixture
def viewer_user(household, admin_user):
    return MembershipFactory(household=household, role=Role.VIEWER, user__name="Nani").user


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user)


@pytest.fixture
def member_client(member_user):
    return client_for(member_user)


@pytest.fixture
def viewer_client(viewer_user):
    return client_for(viewer_user)


@pytest.fixture
def other_household(db):
    return HouseholdFactory(name="The Neighbours")


@pytest.fixture
def other_user(other_household):
    return MembershipFactory(household=other_household, role=Role.ADMIN, user__name="Nosy").user


@pytest.fixture
def other_client(other_user):
    return client_for(other_user)


@pytest.fixture
def lonely_user(db):
    """Signed up long ago, belongs to no household now."""
    return UserFactory(name="Solo")
