"""Is the child known to another council on the service? ("known elsewhere", R18)

Matching finds a child among the council's own records. On a service of several councils, the
same rule (`people.matching.known_to`) also looks among the records of each other council whose
policy, like this council's, allows it (`screening.known_elsewhere`). The worker is told only
that the child is known there and whom to ask: that council's MASH, from its policy. Never the
details, as a restricted record is shown (R45). Each time, both councils' audit trails say so.

On PostgreSQL the other councils' records are behind the database's wall
(`policy.row_security`): the query and the audit trail's reading open it to the councils asked,
and no further.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from frontdoor.audit import services as audit
from frontdoor.people.matching import known_to
from frontdoor.people.models import Person
from frontdoor.policy.councils import councils_knowing_elsewhere, serving_council
from frontdoor.policy.registry import get_loaded_policy
from frontdoor.policy.row_security import open_to

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.intake.models import Contact, ReportedAdult, ReportedChild


@dataclass(frozen=True)
class KnownElsewhere:
    council: str  # the council's key
    name: str
    ask: str  # whom to ask, in words: "their MASH on 0151 934 3535 or mash@..."


def described(reported: ReportedChild | ReportedAdult) -> dict[str, Any]:
    """A reported child or adult as matching takes them (`people.matching.candidates`)."""
    return {
        "first_name": reported.first_name,
        "last_name": reported.last_name,
        "date_of_birth": reported.date_of_birth
        or getattr(reported, "expected_date_of_birth", None),
        "postcode": reported.postcode,
        "nhs_number": getattr(reported, "nhs_number", ""),
        "other_names": reported.other_names,
    }


def whom_to_ask(council: str) -> str:
    """The MASH of `council`, as its policy gives it."""
    numbers = get_loaded_policy(council).policy.contact_numbers
    email = f" or {numbers.mash_email}" if numbers.mash_email else ""
    return f"their MASH on {numbers.mash}{email}"


def known_elsewhere(
    *, reported: ReportedChild | ReportedAdult, contact: Contact, by: User
) -> list[KnownElsewhere]:
    """The other councils on the service that know `reported`, each with whom to ask."""
    others = councils_knowing_elsewhere()
    if not others:
        return []
    known = known_to(others, **described(reported))
    found = []
    for council, person_ids in sorted(known.items()):
        name = get_loaded_policy(council).policy.council.name
        audit.record(
            actor=by,
            action="person.known_elsewhere_shown",
            target=contact,
            changes={"reported": reported.name, "known_to": council},
        )
        # The other council's records it was found in, and its audit trail (each entry is its
        # person's council's): read and written with the database's wall
        # (`policy.row_security`) open to that council alone.
        with open_to({council}):
            for person in Person.objects.filter(pk__in=person_ids):
                audit.record(
                    actor=by,
                    action="person.known_elsewhere_told",
                    target=person,
                    changes={"told_to": serving_council(), "contact": contact.reference},
                )
        found.append(KnownElsewhere(council=council, name=name, ask=whom_to_ask(council)))
    return found
