import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from frontdoor.schedule import JOBS


class Command(BaseCommand):
    help = "Run the front door's regular jobs: sending e-mail, chasing MASH enquiries, tidying."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="run every job once and stop (for cron)"
        )

    def handle(self, *args, once: bool, **options):
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for job in JOBS:
                if once or now - last_run.get(job.name, -1e12) >= job.every.total_seconds():
                    last_run[job.name] = now
                    if not once:
                        # A long-running loop drops connections the database has closed or
                        # that outlived CONN_MAX_AGE; a single run from cron keeps its own.
                        close_old_connections()
                    try:
                        self.stdout.write(f"{job.name}: {job.run()}")
                    except Exception as error:  # one failing job must not stop the others
                        self.stderr.write(f"{job.name} failed: {error}")
            if once:
                return
            time.sleep(min(job.every for job in JOBS).total_seconds() / 4)
