from django.core.management.base import BaseCommand

from frontdoor.intake.duplicates import ADULT_IN_USE, Duplicate, adults_in_use, duplicates
from frontdoor.intake.models import MissingEpisode, ReportedAdult, ReportedChild
from frontdoor.mash.models import Answer, Enquiry
from frontdoor.screening.models import ConsentRecord, Decision


class Command(BaseCommand):
    help = (
        "List children and adults recorded twice on one contact that the repairs left as they "
        "are (a child decided or in use, an adult a consent record or an agency's answer is "
        "about): a worker puts each right."
    )

    def handle(self, *args, **options) -> None:
        children = duplicates(
            ReportedChild.objects.select_related("contact"),
            decided=set(Decision.objects.values_list("child_id", flat=True)),
            in_use=set(Enquiry.objects.values_list("child_id", flat=True))
            | set(MissingEpisode.objects.values_list("child_id", flat=True)),
        )
        adults = duplicates(
            ReportedAdult.objects.select_related("contact"),
            decided=set(),
            in_use=adults_in_use(consent_records=ConsentRecord.objects, answers=Answer.objects),
            in_use_because=ADULT_IN_USE,
        )
        self._list(children, one="child", many="children")
        self._list(adults, one="adult", many="adults")

    def _list(self, found: list[Duplicate], *, one: str, many: str) -> None:
        left = [duplicate for duplicate in found if duplicate.left_because]
        if not left:
            self.stdout.write(f"No {one} is recorded twice on one contact.")
            return
        count = f"1 {one} is" if len(left) == 1 else f"{len(left)} {many} are"
        self.stdout.write(f"{count} recorded twice on one contact:")
        for duplicate in left:
            self.stdout.write(
                f"  {duplicate.first.contact.reference}: {many} {duplicate.first.pk} and "
                f"{duplicate.later.pk} ({duplicate.left_because})"
            )
