"""MASH tests start from a recorded contact, as screening's tests do."""

from tests.screening.conftest import contact, make_contact, officer, worker  # noqa: F401
