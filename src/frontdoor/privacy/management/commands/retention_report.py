import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from frontdoor.policy.registry import current_policy
from frontdoor.privacy.erasure import keep_review
from frontdoor.privacy.selectors import retention_due


class Command(BaseCommand):
    help = (
        "List the contacts due for review or deletion under the council policy's retention "
        "(counted from the last decision). Deletes nothing. Example: "
        "python -m frontdoor retention-report --as-of 2032-04-01"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--as-of", dest="as_of", default="", help="YYYY-MM-DD, today if not given"
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the report as a review to erase from"
        )

    def handle(self, *args, as_of: str, keep: bool = False, **options) -> None:
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(
                f"Give --as-of as YYYY-MM-DD, like 2032-04-01 (got {as_of!r})."
            ) from None
        try:
            report = retention_due(policy=current_policy(), as_of=day)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Retention report as of {report.as_of:%d/%m/%Y}")
        for group in (report.no_further_action, report.referrals):
            self.stdout.write(
                f"{group.label}, kept {group.years} years (last decided before "
                f"{group.decided_before:%d/%m/%Y}): {len(group.references)} due for review"
            )
            for reference in group.references:
                self.stdout.write(f"  {reference}")
        self.stdout.write(
            "Nothing has been deleted: deleting these records is a separate decision, made later."
        )
        if keep:
            review = keep_review(policy=current_policy(), as_of=day)
            self.stdout.write(
                f"Kept as retention review {review.pk}. To erase the contacts still due: "
                f"python -m frontdoor retention-erase {review.pk} --by USERNAME --confirm"
            )
