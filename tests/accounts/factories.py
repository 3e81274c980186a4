import factory

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    role = Role.MASH_SOCIAL_WORKER
    password = factory.django.Password(PASSWORD)
