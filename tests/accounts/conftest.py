"""A recorded contact, for the tests of API tokens that reach MASH enquiries."""

from tests.screening.conftest import contact, make_contact, officer  # noqa: F401
