from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from frontdoor.errors import DomainError
from frontdoor.policy.registry import current_policy
from frontdoor.privacy.erasure import erase_review
from frontdoor.privacy.models import RetentionReview


class Command(BaseCommand):
    help = (
        "Erase the contacts a kept retention review lists that are still due "
        "(python -m frontdoor retention-report --keep makes one). Without --confirm, shows "
        "what would be erased and erases nothing. Example: "
        "python -m frontdoor retention-erase 3 --by jsmith --confirm"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("review", type=int, help="the retention review's number")
        parser.add_argument(
            "--by", required=True, help="the username of the administrator erasing them"
        )
        parser.add_argument("--confirm", action="store_true", help="erase: without it, a dry run")

    def handle(self, *args, review: int, by: str, confirm: bool, **options) -> None:
        kept_review = RetentionReview.objects.filter(pk=review).first()
        if kept_review is None:
            raise CommandError(
                f"There is no retention review {review}: make one with "
                "python -m frontdoor retention-report --keep."
            )
        user = get_user_model().objects.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active member of staff with the username {by!r}.")
        if not confirm:
            self.stdout.write(f"{kept_review} lists {len(kept_review.references)} contact(s):")
            for reference in kept_review.references:
                self.stdout.write(f"  {reference}")
            self.stdout.write("Nothing was erased: add --confirm to erase those still due.")
            return
        try:
            erasure = erase_review(review=kept_review, by=user, policy=current_policy())
        except DomainError as error:
            raise CommandError(error.message) from None
        for reference, rows in erasure.erased.items():
            self.stdout.write(f"Erased {reference}: {sum(rows.values())} rows")
        for reference, why in erasure.kept.items():
            self.stdout.write(f"Kept {reference}: {why}")
        self.stdout.write(
            f"{len(erasure.erased)} contact(s) erased, {len(erasure.kept)} kept, "
            f"under {kept_review}."
        )
