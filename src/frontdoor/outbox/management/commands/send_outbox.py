from django.core.management.base import BaseCommand

from frontdoor.outbox.services import send_pending


class Command(BaseCommand):
    help = "Send the e-mails waiting in the outbox (safe to run from a scheduler)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args, limit: int, **options):
        sent = send_pending(limit=limit)
        self.stdout.write(f"Sent {sent} message{'s' if sent != 1 else ''}.")
