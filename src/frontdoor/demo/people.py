"""Known people for the demo council, so screening shows matches, open cases and history (R18-R21).

Everything is invented. Some of the demo contacts' children are made "already known": a person
record close to how the contact reported them (sometimes a nickname, a swapped day and month of
birth, a missing postcode, so the matching page has something to explain), with involvements: open
to social care with an allocated worker, open to early help, social care closed in the last three
months, missing episodes. A few are linked to their contact already. A few hundred other fictional
people fill the index. A seeded generator makes the same set every time (relative to today), and
the set is made only once.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from frontdoor.demo.areas import area_of, ethnicity_of
from frontdoor.demo.contacts import FIRST_NAMES_ADULT, FIRST_NAMES_CHILD, STREETS, SURNAMES
from frontdoor.intake.models import ReportedChild
from frontdoor.people.corrections import correct_details
from frontdoor.people.matching import candidates
from frontdoor.people.models import Gender, Involvement, Person, Sex
from frontdoor.people.names import nickname_forms
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import OutcomeEffect
from frontdoor.screening.linking import create_person_from, link_reported_person

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

SEED = 2027
OTHER_PEOPLE = 300
WORKERS = (
    ("Dana Keeling", "Locality North"),
    ("Priya Fernhurst", "Locality South"),
    ("Owen Tallis", "Children with Disabilities"),
    ("Bea Marchetti", "Family Wellbeing Centre"),
)


def record_system_for(kind: str) -> str:
    """The key of the council's case record that holds involvements of `kind`: the early help
    record for early help, the social care record for the rest, as the policy names them."""
    early_help = kind == Involvement.Kind.EARLY_HELP
    effect = OutcomeEffect.EARLY_HELP if early_help else OutcomeEffect.ASSESSMENT
    system = current_policy().handoffs.record_system_for(effect)
    assert system is not None  # every policy has a record for each routing effect
    return system.key


def demo_people_loaded() -> bool:
    return Involvement.objects.filter(external_id__regex=r"^(SC|EH|MISS)-[0-9]+-[0-9]+$").exists()


def _email(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@demo.invalid"


def _varied_first_name(rng: random.Random, first_name: str) -> str:
    """The name as another system might hold it: the formal name behind a nickname, say."""
    forms = sorted(nickname_forms(first_name) - {first_name.lower()})
    return forms[0].title() if forms and rng.random() < 0.5 else first_name


@transaction.atomic
def load_demo_people(*, by: User, today: dt.date | None = None) -> int:
    """Make the demo's known people and their involvements; return how many were made."""
    if demo_people_loaded():
        return 0

    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not a secret
    today = today or timezone.localdate()
    made = 0
    children = list(
        ReportedChild.objects.filter(unborn=False, person__isnull=True)
        .exclude(last_name="")
        .select_related("contact")
        .order_by("id")
    )
    # Every fourth reported child is known to the council already.
    for n, child in enumerate(children[::4]):
        born = child.date_of_birth
        if born and n % 7 == 3 and born.day <= 12 and born.day != born.month:
            born = born.replace(day=born.month, month=born.day)  # a day/month slip on record
        person = Person(
            first_name=_varied_first_name(rng, child.first_name),
            last_name=child.last_name,
            date_of_birth=born,
            gender=child.gender or Gender.NOT_KNOWN,
            ethnicity=child.ethnicity,
            address=child.address,
            postcode="" if n % 5 == 4 else child.postcode,
        )
        person._change_reason = "Demo data"  # type: ignore[attr-defined]  # read by simple_history as it saves
        person.save()
        made += 1
        _involvements_for(rng, person, n, today)
        if n % 6 == 0:  # a few already linked to their contact
            link_reported_person(reported=child, person=person, by=by)

    area = area_of(current_policy().council.ons_code)
    for n in range(OTHER_PEOPLE):
        place = area.place(rng)
        adult = rng.random() < 0.3
        born = today - dt.timedelta(
            days=rng.randrange(18 * 365, 50 * 365) if adult else rng.randrange(30, 17 * 365)
        )
        person = Person(
            first_name=rng.choice(FIRST_NAMES_ADULT if adult else FIRST_NAMES_CHILD),
            last_name=rng.choice(SURNAMES),
            date_of_birth=born,
            postcode=place.postcode,
            address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {place.town}",
        )
        person._change_reason = "Demo data"  # type: ignore[attr-defined]  # read by simple_history as it saves
        person.save()
        made += 1
        if not adult and n % 3 == 0:
            _involvements_for(rng, person, n + 1, today)
    return made


def _involvements_for(rng: random.Random, person: Person, n: int, today: dt.date) -> None:
    worker, team = WORKERS[n % len(WORKERS)]
    started = today - dt.timedelta(days=rng.randrange(60, 700))
    pattern = n % 5
    if pattern == 0:  # R19: open to social care, with an allocated worker
        _involvement(person, Involvement.Kind.SOCIAL_CARE, started, None, worker, team, n)
    elif pattern == 1:  # R20: open to early help
        worker, team = WORKERS[3]
        _involvement(person, Involvement.Kind.EARLY_HELP, started, None, worker, team, n)
    elif pattern == 2:  # R21: social care closed within the last three months
        ended = today - dt.timedelta(days=rng.randrange(5, 85))
        started = min(started, ended - dt.timedelta(days=30))  # an episode ends after it starts
        _involvement(person, Involvement.Kind.SOCIAL_CARE, started, ended, worker, team, n)
    elif pattern == 3:  # R34: missing episodes, three within one month
        first = today - dt.timedelta(days=rng.randrange(10, 25))
        for episode in range(3):
            went = first + dt.timedelta(days=episode * 6)
            Involvement.objects.create(
                person=person,
                kind=Involvement.Kind.MISSING_EPISODE,
                started_on=went,
                ended_on=went + dt.timedelta(days=1),
                source_system=record_system_for(Involvement.Kind.MISSING_EPISODE),
                external_id=f"MISS-{person.pk}-{episode}",
                notes="Home",
            )
    else:  # closed long ago: known, not open
        ended = today - dt.timedelta(days=rng.randrange(200, 500))
        started = min(started, ended) - dt.timedelta(days=400)
        kind = Involvement.Kind.EARLY_HELP
        _involvement(person, kind, started, ended, worker, team, n)


def _involvement(
    person: Person,
    kind: str,
    started: dt.date,
    ended: dt.date | None,
    worker: str,
    team: str,
    n: int,
) -> None:
    prefix = "EH" if kind == Involvement.Kind.EARLY_HELP else "SC"
    Involvement.objects.create(
        person=person,
        kind=kind,
        started_on=started,
        ended_on=ended,
        allocated_worker=worker if ended is None else "",
        allocated_worker_email=_email(worker) if ended is None else "",
        team=team,
        source_system=record_system_for(kind),
        external_id=f"{prefix}-{person.pk}-{n}",
    )


# A candidate this alike (surname, first name and date of birth agree) is the child: the worker
# links them rather than making a second record.
SAME_CHILD_SCORE = 80


def match_or_create(*, reported: ReportedChild, by: User) -> Person:
    """Screening's answer to "is this child known?" (R18), as a worker gives it: link the child
    to the known person they clearly are, or make them a record. Return the person."""
    if reported.person is not None:
        return reported.person
    found = candidates(
        first_name=reported.first_name,
        last_name=reported.last_name,
        date_of_birth=reported.date_of_birth,
        postcode=reported.postcode,
        limit=1,
    )
    if found and found[0].score >= SAME_CHILD_SCORE:
        link_reported_person(reported=reported, person=found[0].person, by=by)
        return found[0].person
    return create_person_from(reported=reported, by=by)


@transaction.atomic
def record_demo_births(*, by: User, today: dt.date | None = None) -> int:
    """R5: the babies the demo's contacts reported unborn are born around their expected date,
    if that is before today: the worker makes each a person record from the contact's child and
    records the birth on it, as a midwife would tell them. The contact's child still says the
    baby was unborn then, so the census reports them with their date of birth (or as unborn on
    31 March when born after it). Return how many were born."""
    rng = random.Random(SEED + 1)  # noqa: S311 - repeatable demo data, not a secret
    today = today or timezone.localdate()
    council = current_policy().council.ons_code
    due = (
        ReportedChild.objects.filter(
            unborn=True, person__isnull=True, expected_date_of_birth__lt=today
        )
        .select_related("contact")
        .order_by("id")
    )
    born = 0
    for child in due:
        assert child.expected_date_of_birth is not None  # an unborn child's, by the filter
        # Around the expected date, and by yesterday: a baby due is not left overdue, which
        # the census would query (8530Q).
        birth = min(
            child.expected_date_of_birth + dt.timedelta(days=rng.randint(-14, 7)),
            today - dt.timedelta(days=1),
        )
        if birth <= timezone.localdate(child.contact.received_at):
            continue  # due within days of the contact: not born yet
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        person = create_person_from(reported=child, by=by)
        correct_details(
            record=person,
            by=by,
            details={
                "first_name": rng.choice(FIRST_NAMES_CHILD),
                "date_of_birth": birth,
                "expected_date_of_birth": None,
                "sex": sex,
                "gender": Gender.MALE if sex == Sex.MALE else Gender.FEMALE,
                "ethnicity": ethnicity_of(rng, council),
            },
            reason="Born: the midwife told us the date of birth.",
            at=dt.datetime.combine(birth + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC),
        )
        born += 1
    return born
