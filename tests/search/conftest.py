"""Search tests start from recorded contacts, as screening's tests do."""

from tests.screening.conftest import (  # noqa: F401
    contact,
    make_contact,
    officer,
    person_for,
    worker,
)
