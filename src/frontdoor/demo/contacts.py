"""Several weeks of synthetic contacts for the demo council, so the inbox looks like a real one.

Everything is invented: the surnames are made up to be obviously fictional (Testington,
Exampleton...), the addresses are on made-up streets, and the stories are composites of the kinds
of concern the source documents describe. A seeded random generator makes the same set every time
(relative to the day it runs). Contacts are recorded through `intake.services`, so clocks, audit
entries and the policy version are real; the first report of each carries a `demo-` submission key,
and the set is loaded only when none exists yet.

Volumes follow a front door's week: 20-40 contacts a working day, heavier on Mondays; the online
form most, then telephone, e-mail and police notifications; EDT records at night and at weekends;
missing episodes (R9), second reports of the same incident (R7), written follow-ups of telephoned
concerns (R3), sibling groups and unborn children (R4, R5), and professional consultations (R8).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.demo.areas import Area, area_of, ethnicity_of
from frontdoor.intake import services
from frontdoor.intake.models import Channel, Report
from frontdoor.intake.submissions import Child, Submission
from frontdoor.policy.registry import current_policy

LONDON = ZoneInfo("Europe/London")
SEED = 2026
KEY_PREFIX = "demo-week-"  # not a prefix of the history's keys (demo-history-)
DEFAULT_WEEKS = 6
# A child reported missing this recently may not be home yet; every earlier one has come back.
STILL_MISSING_WITHIN = dt.timedelta(hours=24)

FIRST_NAMES_CHILD = (
    "Amelia", "Ava", "Isla", "Olivia", "Mia", "Freya", "Lily", "Ivy", "Grace", "Poppy", "Evie",
    "Ruby", "Ella", "Harper", "Sophie", "Zara", "Oliver", "Noah", "Leo", "George", "Arthur",
    "Freddie", "Harry", "Theo", "Jack", "Alfie", "Charlie", "Oscar", "Archie", "Finley", "Reggie",
    "Tommy", "Kai", "Mason", "Logan", "Riley", "Jayden", "Layla", "Aisha", "Yusuf", "Maja",
)  # fmt: skip
# The first 14 are used for mothers, the rest for fathers and partners.
FIRST_NAMES_ADULT = (
    "Sarah", "Emma", "Laura", "Gemma", "Kelly", "Stacey", "Danielle", "Natalie", "Claire",
    "Joanne", "Kirsty", "Amy", "Chloe", "Agnieszka", "Lee", "Craig", "Wayne", "Dean", "Paul",
    "Mark", "Jamie", "Ryan", "Daniel", "Carl", "Gary", "Darren", "Shaun", "Tomasz",
)  # fmt: skip
# Invented to be obviously fictional: no real family is ever named in the demo.
SURNAMES = (
    "Testington", "Exampleton", "Sampleford", "Demoworth", "Fictionby", "Mockridge", "Placeholme",
    "Madeupson", "Pretendale", "Dummington", "Notarealle", "Inventorby", "Storybrook",
    "Makebelieve", "Fablethorpe", "Imaginary", "Pseudonyme", "Fauxley", "Trialworth", "Specimen",
)  # fmt: skip
STREETS = (
    "Example Street", "Sample Road", "Demo Avenue", "Fictional Close", "Testing Lane",
    "Placeholder Way", "Madeup Crescent", "Pretend Grove",
)  # fmt: skip
SCHOOLS = (
    "Exampleton Primary School", "St Sample's Catholic Primary", "Demoworth High School",
    "Testington Academy", "Little Acorns Nursery (demo)", "Fictionby College",
)  # fmt: skip


@dataclass(frozen=True)
class Story:
    """One kind of concern: the worry, who usually reports it and the household factors (R6)."""

    worry: str
    referrers: tuple[str, ...]
    flags: tuple[str, ...] = ()
    child_voice: str = ""
    perpetrator: bool = False
    immediate: bool = False


STORIES = (
    Story(
        "{child} came into school with a bruise to the cheek and said {adult}'s partner "
        "grabbed them when they would not go to bed.",
        ("school", "police"),
        ("domestic_abuse",),
        "Said they did not want to go home tonight.",
        perpetrator=True,
        immediate=True,
    ),
    Story(
        "Police attended a domestic incident at the home overnight. The children were present "
        "and upset; {adult} had a cut lip. DASH risk assessment: medium.",
        ("police",),
        ("domestic_abuse",),
        perpetrator=True,
    ),
    Story(
        "{child} has been arriving hungry and in the same clothes for over a week; attendance "
        "has fallen to 78%. {adult} has not answered calls from school.",
        ("school",),
        (),
        "Told their teacher there is 'never any food at home'.",
    ),
    Story(
        "Health visitor found the home very cluttered with dog mess on the floor; the baby has "
        "missed two immunisations and has a persistent nappy rash.",
        ("health_visitor",),
        (),
    ),
    Story(
        "{adult} disclosed at an antenatal appointment that they are using cocaine most weekends "
        "and that a previous child is in the care of a relative.",
        ("midwife",),
        ("substance_misuse",),
    ),
    Story(
        "{child} disclosed to a school counsellor that they are self-harming and that {adult} "
        "shouts at them every day. Feels nobody listens.",
        ("school",),
        ("mental_illness",),
        "Wants someone to talk to their mum about how they feel.",
    ),
    Story(
        "A neighbour reports hearing shouting and a child crying late most nights, and has seen "
        "the younger children playing outside alone after dark.",
        ("public", "anonymous"),
        (),
    ),
    Story(
        "{adult} was admitted to hospital after an overdose; the children are staying with a "
        "grandparent who says they cannot manage for more than a few days.",
        ("gp", "family"),
        ("mental_illness",),
    ),
    Story(
        "{child} was found by police in the early hours in a park with older males not known to "
        "the family, intoxicated, with a new phone and cash they could not explain.",
        ("police",),
        ("substance_misuse",),
        perpetrator=True,
        immediate=True,
    ),
    Story(
        "Concerns about {child}'s speech and development: not yet talking at three and {adult}, "
        "who has a learning disability, is struggling with routines and appointments.",
        ("health_visitor", "nursery"),
        ("learning_difficulties",),
    ),
    Story(
        "Family member worried that {adult} is drinking heavily while caring for the children "
        "alone and has driven with them after drinking.",
        ("family",),
        ("substance_misuse",),
    ),
    Story(
        "The family has been evicted and is sofa-surfing; {child} has missed school for two "
        "weeks and {adult} is asking for help with housing and food.",
        ("school", "housing"),
        (),
    ),
    Story(
        "{child} has a hand-shaped mark on the upper arm noticed during PE and gave two "
        "different explanations.",
        ("school",),
        (),
        immediate=True,
    ),
    Story(
        "GP worried about {child}'s weight loss and repeated missed appointments; {adult} "
        "became hostile when asked about the child's diet.",
        ("gp",),
        (),
    ),
)

REFERRERS: dict[str, dict[str, str]] = {
    "school": {"agency": "Exampleton Primary School", "role": "Designated safeguarding lead"},
    "police": {"agency": "Merseyside Police (demo)", "role": "Police constable"},
    "health_visitor": {"agency": "Health visiting team (demo)", "role": "Health visitor"},
    "midwife": {"agency": "Community midwifery (demo)", "role": "Community midwife"},
    "gp": {"agency": "Sampleford Medical Centre", "role": "GP"},
    "nursery": {"agency": "Little Acorns Nursery (demo)", "role": "Nursery manager"},
    "housing": {"agency": "Housing options (demo)", "role": "Housing officer"},
}

# How a working day's contacts arrive (R2): the online form most.
WORKING_DAY_CHANNELS = (
    (Channel.ONLINE_FORM, 42),
    (Channel.TELEPHONE, 20),
    (Channel.EMAIL, 12),
    (Channel.POLICE_NOTIFICATION, 12),
    (Channel.API, 5),
    (Channel.LETTER, 4),
    (Channel.IN_PERSON, 3),
)
CONSULTATIONS = (
    (
        "Is a child of 10 left alone after school for an hour a referral?",
        "Below threshold on its own: speak to the parent and consider an Early Help Assessment.",
    ),
    (
        "Parent has disclosed cannabis use; the baby seems well cared for. Do we refer?",
        "Universal and additional needs: health visitor to monitor; refer if care deteriorates.",
    ),
    (
        "Teenager says they argue with their step-dad; no injuries. Threshold?",
        "Level 2: school pastoral support and Early Help; ring back if anything is disclosed.",
    ),
    (
        "Child disclosed that dad hit mum last night. Should I call the police first?",
        "Safeguarding concerns: taken as a contact now, details recorded.",
    ),
)


@dataclass
class Staff:
    officer: User
    worker: User
    partner: User


def _day(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


def census_year_end(day: dt.date) -> dt.date:
    """31 March ending the CIN census collection year (1 April to 31 March) that holds `day`."""
    return dt.date(day.year + (day.month > 3), 3, 31)


def expected_date_for(
    rng: random.Random, *, referred_on: dt.date, today: dt.date
) -> dt.date | None:
    """An unborn child's expected date of birth, for a contact on `referred_on` and a demo loaded
    on `today`; None when no date fits.

    From 20 days to about 39 weeks after the contact, so it is at most 40 weeks before the birth
    (DfE rule 8606), most often in the last months of the pregnancy, when most concerns about a
    baby are raised. A baby due before today is born (`record_demo_births`): the census reports
    them with their date of birth, or as unborn on 31 March when born after it. A baby not yet
    due is not due before the 30 days leading to the census date either, as the DfE would query
    a baby still unborn then (8530Q): the demo's census of the year in progress stays clean.
    """
    earliest = referred_on + dt.timedelta(days=20)
    latest = referred_on + dt.timedelta(days=270)
    expected = referred_on + dt.timedelta(days=round(rng.triangular(20, 270, 50)))
    accepted_from = census_year_end(referred_on) - dt.timedelta(days=29)
    if not today <= expected < accepted_from:
        return expected
    windows = [
        (lo, hi)
        for lo, hi in (
            (earliest, min(latest, today - dt.timedelta(days=1))),
            (max(earliest, accepted_from), latest),
        )
        if lo <= hi
    ]
    if not windows:
        return None
    lo, hi = rng.choice(windows)
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


class _Generator:
    def __init__(self, *, staff: Staff, now: dt.datetime, seed: int = SEED):
        self.staff = staff
        self.now = now
        self.today = now.astimezone(LONDON).date()
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        self.council_code = current_policy().council.ons_code
        self.area: Area = area_of(self.council_code)
        self.police = next(
            (agency.name for agency in current_policy().agencies if agency.kind == "police"),
            "Police",
        )
        self.count = 0
        self.consultations = 0

    # People

    def _address(self) -> tuple[str, str]:
        rng = self.rng
        place = self.area.place(rng, away=rng.random() < 0.04)
        return f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {place.town}", place.postcode

    def _children(
        self, surname: str, address: str, postcode: str, story: Story, *, on: dt.date
    ) -> list[dict]:
        """The children of one contact on `on`: born by then, or expected (R5)."""
        rng = self.rng
        children: list[dict] = []
        if "antenatal" in story.worry or (rng.random() < 0.04):
            edd = expected_date_for(rng, referred_on=on, today=self.today)
            if edd is not None:
                # Validated as on the contact's day: the expected date may have passed since.
                children = [{"unborn": True, "expected_date_of_birth": edd}]
                if rng.random() < 0.5:
                    return children
        siblings = 1 if rng.random() < 0.65 else rng.choice((2, 2, 3, 4))
        ethnicity = ethnicity_of(rng, self.council_code)  # the family's, as recorded
        named: set[str] = set()
        for _ in range(siblings):
            age_days = rng.randint(30, 17 * 365)
            first_name = rng.choice(FIRST_NAMES_CHILD)
            while first_name in named:  # brothers and sisters are not given one name
                first_name = rng.choice(FIRST_NAMES_CHILD)
            named.add(first_name)
            children.append(
                {
                    "first_name": first_name,
                    "last_name": surname,
                    "date_of_birth": on - dt.timedelta(days=age_days),
                    "ethnicity": ethnicity,
                    # Male or female as the referrer says: read as the child's sex by the
                    # returns until the worker records it (docs/returns.md).
                    "gender": rng.choice(("male", "female")),
                    "address": address,
                    "postcode": postcode,
                    "school_or_nursery": rng.choice(SCHOOLS) if age_days > 3 * 365 else "",
                    "first_language": rng.choice(("English",) * 8 + ("Polish", "Arabic")),
                }
            )
        return children

    def _adults(
        self, surname: str, address: str, postcode: str, story: Story, *, on: dt.date
    ) -> list[dict]:
        rng = self.rng
        mother = {
            "first_name": rng.choice(FIRST_NAMES_ADULT[:14]),
            "last_name": surname,
            "date_of_birth": on - dt.timedelta(days=rng.randint(19 * 365, 45 * 365)),
            "gender": "female",
            "address": address,
            "postcode": postcode,
            "relationship_to_child": "Mother",
            "parental_responsibility": "yes",
            "lives_with_child": "yes",
        }
        adults = [mother]
        if rng.random() < 0.6:
            partner = rng.random() < 0.5
            adults.append(
                {
                    "first_name": rng.choice(FIRST_NAMES_ADULT[14:]),
                    "last_name": rng.choice(SURNAMES) if partner else surname,
                    "gender": "male",
                    "relationship_to_child": "Mother's partner" if partner else "Father",
                    "parental_responsibility": "no" if partner else "yes",
                    "lives_with_child": rng.choice(("yes", "no", "unknown")),
                    "alleged_perpetrator": story.perpetrator,
                }
            )
        return adults

    def _referrer(self, kind: str, surname: str) -> dict[str, Any]:
        rng = self.rng
        if kind == "anonymous":
            return {"type": "anonymous"}
        name = f"{rng.choice(FIRST_NAMES_ADULT)} {rng.choice(SURNAMES)}"
        if kind == "public":
            return {
                "type": "public",
                "name": name,
                "phone": "07700 900" + f"{rng.randint(0, 999):03}",
            }
        if kind == "family":
            return {
                "type": "family",
                "name": f"{rng.choice(FIRST_NAMES_ADULT)} {surname}",
                "relationship_to_child": rng.choice(("Grandmother", "Aunt", "Uncle")),
                "phone": "07700 900" + f"{rng.randint(0, 999):03}",
            }
        details = REFERRERS[kind]
        slug = name.lower().replace(" ", ".")
        agency = details["agency"]
        if kind == "police":  # the council's own force (its policy's police agency)
            agency = f"{self.police} (demo)"
        return {
            "type": "professional",
            "name": name,
            "agency": agency,
            "role": details["role"],
            "phone": f"{self.area.phone_prefix}{rng.randint(0, 999):03}",
            "email": f"{slug}@{kind.replace('_', '-')}.example",
        }

    def submission(
        self, *, on: dt.date, story: Story | None = None, referrer: str | None = None
    ) -> Submission:
        """A referral made on `on`: every date in it is as the referrer knew it that day."""
        rng = self.rng
        story = story or rng.choice(STORIES)
        surname = rng.choice(SURNAMES)
        address, postcode = self._address()
        children = self._children(surname, address, postcode, story, on=on)
        adults = self._adults(surname, address, postcode, story, on=on)
        named = next((c["first_name"] for c in children if c.get("first_name")), "The baby")
        concern = {
            "worry": story.worry.format(child=named, adult=adults[0]["first_name"]),
            "child_voice": story.child_voice,
            "child_location": "At school" if "school" in story.worry else "At home",
            "immediate_protection_needed": "yes" if story.immediate else "no",
            "parents_aware": rng.choice(("yes", "yes", "no", "unknown")),
            "other_agencies": rng.choice(("", "School nurse", "Early Help worker", "CAMHS")),
        }
        if story.perpetrator and len(adults) > 1:
            concern["alleged_perpetrator"] = f"{adults[1]['first_name']} {adults[1]['last_name']}"
        for flag in story.flags:
            concern[flag] = "yes"
        roll = rng.random()
        if roll < 0.75:
            consent = {"consent": "given"}
        elif roll < 0.9 or story.immediate:
            reason = "increased_risk" if story.immediate else "prejudice_crime"
            consent = {"consent": "not_sought", "not_sought_reason": reason}
        else:
            consent = {"consent": "refused", "notes": "Mother said she would not work with us."}
        # An expected date is checked as on the day it is given (`expected_date_for`): by now
        # it may have passed, so the unborn child goes in once the rest is validated.
        unborn = [child for child in children if child.get("unborn")]
        placeholder = {"unborn": True, "expected_date_of_birth": self.today}
        submission = Submission.model_validate(
            {
                "referrer": self._referrer(referrer or rng.choice(story.referrers), surname),
                "children": [placeholder if child.get("unborn") else child for child in children],
                "adults": adults,
                "concern": concern,
                "consent": consent,
                "referrer_level_of_need": rng.choice((None, 2, 3, 3, 4)),
            }
        )
        if not unborn:
            return submission
        expected = unborn[0]["expected_date_of_birth"]
        first = submission.children[0].model_copy(update={"expected_date_of_birth": expected})
        return submission.model_copy(update={"children": [first, *submission.children[1:]]})

    # Arrivals

    def _key(self) -> str:
        self.count += 1
        return f"{KEY_PREFIX}{self.count:04}"

    def contact(self, *, at: dt.datetime, channel: Channel) -> None:
        rng = self.rng
        referrer = "police" if channel == Channel.POLICE_NOTIFICATION else None
        submission = self.submission(on=_day(at), referrer=referrer)
        if channel in (Channel.TELEPHONE, Channel.LETTER, Channel.EMAIL, Channel.EDT):
            summary = f"{Channel(channel).label} from the referrer, summarised by the officer."
            submission = submission.model_copy(update={"summary": summary})
        by = {
            Channel.ONLINE_FORM: None,
            Channel.API: self.staff.partner,
        }.get(channel, self.staff.officer)
        key = self._key()
        recorded = services.record_contact(
            submission=submission, channel=channel, received_at=at, by=by, submission_key=key
        )
        # R3: most telephoned immediate concerns are followed by the written referral.
        follow_up = recorded.contact.written_follow_up_due_at is not None and rng.random() < 0.7
        # R7: another agency reports the same incident.
        second = rng.random() < 0.1
        if follow_up or second:
            later = at + dt.timedelta(minutes=rng.randint(20, 20 * 60))
            if later <= self.now:
                services.attach_report(
                    contact=recorded.contact,
                    submission=self.further_report(submission, on=_day(later), police=second),
                    channel=Channel.ONLINE_FORM if follow_up else Channel.POLICE_NOTIFICATION,
                    received_at=later,
                    by=None if follow_up else self.staff.officer,
                    submission_key=f"{key}-2",
                )

    def further_report(self, first: Submission, *, on: dt.date, police: bool) -> Submission:
        """A later report about the same family as `first`: the police's report of the same
        incident (R7), or else the referrer's written referral after their call (R3)."""
        if not police:
            return first.model_copy(update={"summary": ""})
        officer = self.submission(on=on, referrer="police").referrer
        worry = f"Police attended the home about this. {first.concern.worry}"
        concern = first.concern.model_copy(update={"worry": worry})
        return first.model_copy(update={"referrer": officer, "concern": concern, "summary": ""})

    def missing_episode(self, *, at: dt.datetime, channel: Channel) -> None:
        rng = self.rng
        submission = self.submission(on=_day(at), referrer="police")
        child = next((c for c in submission.children if not c.unborn), None)
        if child is None:
            return
        child = Child.model_validate(
            {**child.model_dump(), "date_of_birth": _day(at) - dt.timedelta(days=14 * 365)}
        )
        went = at - dt.timedelta(hours=rng.randint(2, 30))
        # Most children missing come home within hours; only a few reported in the last day are
        # still missing now.
        still_missing = self.now - at < STILL_MISSING_WITHIN and rng.random() < 0.3
        returned = None if still_missing else at - dt.timedelta(minutes=rng.randint(10, 90))
        services.record_missing_episode(
            child=child,
            went_missing_at=went,
            returned_at=returned,
            missing_from=rng.choice(("Home", "Children's home (demo)", "Foster placement")),
            submission=submission,
            channel=channel,
            received_at=at,
            by=self.staff.officer,
        )
        self.count += 1

    def consultation(self, *, at: dt.datetime) -> None:
        rng = self.rng
        question, advice = rng.choice(CONSULTATIONS)
        consultation = services.record_consultation(
            caller_agency=rng.choice([r["agency"] for r in REFERRERS.values()]),
            caller_role="Safeguarding lead",
            question=question,
            advice=advice,
            at=at,
            by=self.staff.worker,
        )
        self.consultations += 1
        if "taken as a contact" in advice:  # R8: safeguarding concerns came out of the call
            services.consultation_to_contact(
                consultation=consultation,
                submission=self.submission(on=_day(at)),
                by=self.staff.worker,
            )
            self.count += 1

    # Days

    def _at(self, day: dt.date, start_hour: float, end_hour: float) -> dt.datetime:
        minutes = self.rng.uniform(start_hour * 60, end_hour * 60)
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=LONDON)
        return midnight + dt.timedelta(minutes=minutes)

    def day(self, day: dt.date) -> None:
        rng = self.rng
        weekday = day.weekday() < 5
        arrivals: list[tuple[dt.datetime, str, Channel]] = []
        if weekday:
            volume = rng.randint(20, 34) + (8 if day.weekday() == 0 else 0)
            channels, weights = zip(*WORKING_DAY_CHANNELS, strict=True)
            for channel in rng.choices(channels, weights, k=volume):
                # The online form and partner systems also take referrals in the evening.
                late = channel in (Channel.ONLINE_FORM, Channel.API) and rng.random() < 0.15
                arrivals.append(
                    (self._at(day, *(17.5, 22) if late else (8.5, 17.5)), "contact", channel)
                )
            for _ in range(rng.randint(1, 3)):
                arrivals.append((self._at(day, 9, 17), "consultation", Channel.TELEPHONE))
            # EDT covers the night: from close of core hours to midnight.
            for _ in range(rng.randint(1, 3)):
                arrivals.append((self._at(day, 17.5, 23.9), "contact", Channel.EDT))
        else:
            for _ in range(rng.randint(3, 6)):
                arrivals.append((self._at(day, 0, 23.9), "contact", Channel.EDT))
            for _ in range(rng.randint(1, 3)):
                arrivals.append((self._at(day, 8, 22), "contact", Channel.ONLINE_FORM))
            for _ in range(rng.randint(1, 2)):
                arrivals.append((self._at(day, 0, 23.9), "contact", Channel.POLICE_NOTIFICATION))
        # R9: every missing episode is a contact, mostly reported at night by EDT or the police.
        for _ in range(rng.choice((0, 1, 1, 2))):
            arrivals.append(
                (
                    self._at(day, 0, 7),
                    "missing",
                    rng.choice((Channel.EDT, Channel.POLICE_NOTIFICATION)),
                )
            )
        for at, what, channel in sorted(arrivals, key=lambda arrival: arrival[0]):
            if at > self.now:
                continue
            if what == "contact":
                self.contact(at=at, channel=channel)
            elif what == "missing":
                self.missing_episode(at=at, channel=channel)
            else:
                self.consultation(at=at)


@dataclass(frozen=True)
class DemoContacts:
    contacts: int
    consultations: int


def demo_contacts_loaded() -> bool:
    return Report.objects.filter(submission_key__startswith=KEY_PREFIX).exists()


def load_demo_contacts(
    *, staff: Staff, weeks: int = DEFAULT_WEEKS, now: dt.datetime | None = None
) -> DemoContacts:
    """Record `weeks` of synthetic contacts up to `now`, once: nothing if any is already there."""
    if weeks <= 0 or demo_contacts_loaded():
        return DemoContacts(contacts=0, consultations=0)
    now = now or timezone.now()
    generator = _Generator(staff=staff, now=now)
    today = now.astimezone(LONDON).date()
    for offset in range(weeks * 7, -1, -1):
        generator.day(today - dt.timedelta(days=offset))
    return DemoContacts(contacts=generator.count, consultations=generator.consultations)
