"""People and involvements as the council's records would hold them."""

from __future__ import annotations

import datetime as dt

import factory

from frontdoor.people.models import Gender, Involvement, Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = "Ellis"
    last_name = "Examplechild"
    date_of_birth = dt.date(2015, 3, 2)
    gender = Gender.MALE
    postcode = "L21 7PQ"


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    person = factory.SubFactory(PersonFactory)
    kind = Involvement.Kind.EARLY_HELP
    started_on = dt.date(2026, 1, 5)
    ended_on = None
    allocated_worker = "Dana Keeling"
    allocated_worker_email = "dana.keeling@example.invalid"
    team = "Early Help South"
    source_system = "early-help-module"
    external_id = factory.Sequence(lambda n: f"EH-{n:05d}")


# Valid NHS numbers (modulus 11): the first is the NHS's own published example.
NHS_NUMBER = "9434765919"
OTHER_NHS_NUMBER = "9434765870"
