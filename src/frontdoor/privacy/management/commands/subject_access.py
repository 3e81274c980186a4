import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdoor import exports
from frontdoor.accounts.models import User
from frontdoor.errors import DomainError
from frontdoor.people.models import Person
from frontdoor.privacy.subject_access import subject_access_export


class Command(BaseCommand):
    help = (
        "Write one person's subject access export as JSON, with referrers' and other people's "
        "details redacted. Recorded on the audit trail as a disclosure. Example: "
        "python -m frontdoor subject-access 42 --output person-42.json"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("person_id", type=int)
        parser.add_argument("--output", type=Path, required=True, help="FILE.json")
        parser.add_argument("--by", default="", help="the administrator's username, for the audit")

    def handle(self, *args, person_id: int, output: Path, by: str, **options) -> None:
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise CommandError(f"There is no person with record number {person_id}.")
        user = None
        if by:
            user = User.objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"There is no user {by!r}.")
        try:
            export = subject_access_export(person=person, by=user, through="command line")
        except DomainError as error:
            raise CommandError(error.message) from None
        output.write_text(json.dumps(export, indent=2, ensure_ascii=False), encoding="utf-8")
        exports.record_written(
            export=exports.SUBJECT_ACCESS,
            by=user,
            paths=[output],
            rows=len(export["contacts"]),
            filters={"person": person_id},
        )
        self.stdout.write(
            f"Wrote the subject access export for person {person_id} "
            f"({len(export['contacts'])} contacts) to {output}."
        )
