import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from frontdoor.intake.attachments import remove_abandoned_uploads


class Command(BaseCommand):
    help = "Delete online-form uploads of referrals never submitted (run it daily)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=48,
            help="how long an unsent upload is kept (default 48 hours)",
        )

    def handle(self, *args, older_than_hours: int, **options) -> None:
        if older_than_hours < 1:
            raise CommandError("--older-than-hours must be at least 1")
        removed = remove_abandoned_uploads(older_than=dt.timedelta(hours=older_than_hours))
        self.stdout.write(f"Removed {removed} abandoned upload{'s' if removed != 1 else ''}.")
