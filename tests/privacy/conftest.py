"""Privacy tests start from a recorded contact, as screening's tests do."""

import datetime as dt

from frontdoor.screening.decisions import record_decision
from tests.screening.conftest import (  # noqa: F401
    contact,
    make_contact,
    officer,
    person_for,
    worker,
)


def advise_every_child(decided, *, by, now: dt.datetime) -> None:
    """Decide every child of `decided`: information and advice, so its retention clock starts."""
    for child in decided.children.all():
        record_decision(
            contact=decided,
            child=child,
            by=by,
            level=1,
            outcome="information_and_advice",
            rationale="Advice given.",
            now=now,
        )
