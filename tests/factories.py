from decimal import Decimal

import factory

from expenses.models import Category, Expense, ExpenseDraft, ExpenseStatus, Source
from households.models import Household, Membership, Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Household {n}")
    currency = "INR"
    locale = "en_IN"
    timezone = "Asia/Kolkata"

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create:
            from expenses.services import categories_create_defaults

            categories_create_defaults(household=obj)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    household = factory.SubFactory(HouseholdFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class ExpenseFactory(factory.django.DjangoModelFactory):
    """An expense in `household`, paid by `paid_by` (give both), in a default category."""

    class Meta:
        model = Expense

    household = factory.SubFactory(HouseholdFactory)
    amount = Decimal("100.00")
    currency = factory.SelfAttribute("household.currency")
    category = factory.LazyAttribute(
        lambda o: Category.objects.get(household=o.household, name=o.category_name)
    )
    description = factory.Sequence(lambda n: f"Expense {n}")
    date = factory.LazyAttribute(lambda o: o.household.today())
    status = ExpenseStatus.PAID
    paid_by = None
    logged_by = factory.SelfAttribute("paid_by")

    class Params:
        category_name = "Groceries"


class DraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpenseDraft

    household = factory.SubFactory(HouseholdFactory)
    source = Source.CHAT
    raw_text = "450 groceries"
    amount = Decimal("450.00")
    category = factory.LazyAttribute(lambda o: Category.objects.get(household=o.household, name="Groceries"))
    description = "groceries"
    date = factory.LazyAttribute(lambda o: o.household.today())
    status = ExpenseStatus.PAID
    paid_by = None
