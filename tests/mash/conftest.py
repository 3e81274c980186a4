"""MASH tests start from a recorded contact, as screening's tests do."""

from tests.screening.conftest import (  # noqa: F401
    contact,
    involvement,
    make_contact,
    officer,
    person_for,
    worker,
)
