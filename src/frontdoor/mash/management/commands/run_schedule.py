import time

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from frontdoor.schedule import JOBS, run_due


class Command(BaseCommand):
    help = "Run the front door's regular jobs: sending e-mail, chasing MASH enquiries, tidying."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="run each job that is due once and stop (for cron, every minute)",
        )

    def handle(self, *args, once: bool, **options):
        if once and isinstance(caches["default"], LocMemCache | DummyCache):
            # Each run from cron is a new process: a cache of its own remembers no last run.
            raise CommandError(
                "run-schedule --once keeps when each job last ran in the cache the processes "
                "share, and FRONTDOOR_CACHE_URL=locmem:// keeps none between runs: every job, "
                "the daily clean-up too, would run every minute. Leave FRONTDOOR_CACHE_URL empty "
                "(the database's cache) or give a redis:// address, or run run-schedule without "
                "--once as a process that keeps running."
            )
        while True:
            if not once:
                # A long-running loop drops connections the database has closed or that
                # outlived CONN_MAX_AGE; a single run from cron keeps its own.
                close_old_connections()
            for name, said, succeeded in run_due(timezone.now()):
                if succeeded:
                    self.stdout.write(f"{name}: {said}")
                else:
                    self.stderr.write(f"{name} failed: {said}")
            if once:
                return
            time.sleep(min(job.every for job in JOBS).total_seconds() / 4)
