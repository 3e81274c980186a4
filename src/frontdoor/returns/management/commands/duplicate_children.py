from django.core.management.base import BaseCommand

from frontdoor.intake.duplicates import duplicates
from frontdoor.intake.models import MissingEpisode, ReportedChild
from frontdoor.mash.models import Enquiry
from frontdoor.screening.models import Decision


class Command(BaseCommand):
    help = (
        "List children recorded twice on one contact that the repair left as they are "
        "(both decided, or the later one decided or in use): a worker puts each right."
    )

    def handle(self, *args, **options) -> None:
        found = [
            duplicate
            for duplicate in duplicates(
                ReportedChild.objects.select_related("contact"),
                decided=set(Decision.objects.values_list("child_id", flat=True)),
                in_use=set(Enquiry.objects.values_list("child_id", flat=True))
                | set(MissingEpisode.objects.values_list("child_id", flat=True)),
            )
            if duplicate.left_because
        ]
        if not found:
            self.stdout.write("No child is recorded twice on one contact.")
            return
        self.stdout.write(
            f"{len(found)} child{'ren are' if len(found) != 1 else ' is'} recorded twice on "
            "one contact:"
        )
        for duplicate in found:
            self.stdout.write(
                f"  {duplicate.first.contact.reference}: children {duplicate.first.pk} and "
                f"{duplicate.later.pk} ({duplicate.left_because})"
            )
