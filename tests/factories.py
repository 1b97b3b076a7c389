import factory

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
