import factory
from faker.providers.person.en_GB import Provider as Names

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role

PASSWORD = "correct-horse-battery"

# Names the tests give reported children and adults that Faker's English names contain. A test
# that checks a withheld name is absent from a page must never find it there inside a member of
# staff's name ("Ellis" in "Ruth Ellis", "Ann" in "Joanne"): staff are never given one.
# `tests/accounts/test_factories.py` keeps the list whole.
REPORTED_NAMES = (
    "Ada", "Alex", "Ann", "Ava", "Bill", "Brown", "Doyle", "Elis", "Elliot", "Ellis", "Erin",
    "Jay", "Jo", "Jones", "Kay", "Kieran", "Lee", "Leon", "Max", "Morgan", "New", "Oliver", "Pat",
    "Robin", "Sam", "Smith", "Wendy", "William", "Wren", "Zo",
)  # fmt: skip


def _free(names) -> tuple[str, ...]:
    return tuple(
        name for name in names if not any(taken.lower() in name.lower() for taken in REPORTED_NAMES)
    )


STAFF_FIRST_NAMES = _free([*Names.first_names_male, *Names.first_names_female])
STAFF_LAST_NAMES = _free(Names.last_names)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("random_element", elements=STAFF_FIRST_NAMES)
    last_name = factory.Faker("random_element", elements=STAFF_LAST_NAMES)
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    role = Role.MASH_SOCIAL_WORKER
    password = factory.django.Password(PASSWORD)
