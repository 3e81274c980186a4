from django.core.management.base import BaseCommand

from frontdoor.mash.enquiries import chase


class Command(BaseCommand):
    help = (
        "Chase partner agencies whose MASH enquiries are due soon or overdue; each "
        "request is chased once per stage, so run it every few minutes from a scheduler."
    )

    def handle(self, *args, **options):
        chased = chase()
        self.stdout.write(f"Chased {chased} request{'s' if chased != 1 else ''}.")
