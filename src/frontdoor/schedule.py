"""The front door's regular jobs, and how often each runs.

`python -m frontdoor run-schedule` runs them in a loop (the embedded default starts it beside the
web server and the background worker); in production run `run-schedule --once` from cron every
minute, or the loop under a process manager. Each job keeps its own interval either way: a job
runs only when its interval has passed since it last started in any process, which the shared
cache remembers (`claim`). Each job is also safe to run twice at once: they lock or mark what they
take.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

from frontdoor.handoffs.delivery import deliver_due
from frontdoor.intake.attachments import remove_abandoned_uploads
from frontdoor.mash.enquiries import chase
from frontdoor.outbox.services import check_deliveries, send_pending
from frontdoor.policy.row_security import every_council

# A run is due this much before its interval has fully passed, so cron's minute (which is not
# exactly sixty seconds apart from one run to the next) never skips a one-minute job.
EARLY = dt.timedelta(seconds=5)


def _send_outbox() -> str:
    return f"sent {send_pending()} messages"


def _check_deliveries() -> str:
    return f"found {check_deliveries()} messages not delivered"


def _deliver_handoffs() -> str:
    return f"delivered {deliver_due()} hand-offs"


def _chase_enquiries() -> str:
    return f"chased {chase()} MASH requests"


def _remove_abandoned_uploads() -> str:
    return (
        f"removed {remove_abandoned_uploads(older_than=dt.timedelta(hours=24))} abandoned uploads"
    )


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[], str]


JOBS: tuple[Job, ...] = (
    # Messages are also sent by the background worker straight after each commit; this catches
    # any the worker missed and retries failed sends.
    Job("send-outbox", dt.timedelta(minutes=1), _send_outbox),
    # GOV.UK Notify says within minutes whether a message arrived; a referrer not told shows on
    # the contact soon enough to phone them the same day.
    Job("check-deliveries", dt.timedelta(minutes=5), _check_deliveries),
    # R36: a Red enquiry is due in 2 hours, so agencies are chased within minutes of the mark.
    Job("chase-enquiries", dt.timedelta(minutes=1), _chase_enquiries),
    # R44: hand-offs are also delivered straight after each commit; this retries failed ones,
    # and probes a record that is down so that its backlog goes as soon as it is back.
    Job("deliver-handoffs", dt.timedelta(minutes=1), _deliver_handoffs),
    Job("remove-abandoned-uploads", dt.timedelta(hours=24), _remove_abandoned_uploads),
)


def claim(job: Job, now: dt.datetime) -> bool:
    """Whether `job` is due at `now`, taking it if so.

    Two processes reading at the same instant may both take it: every job is safe to run twice.
    """
    key = f"frontdoor:schedule:{job.name}"
    last = cache.get(key)
    if last is not None and now - last < job.every - EARLY:
        return False
    cache.set(key, now, timeout=None)
    return True


def run_due(now: dt.datetime) -> list[tuple[str, str, bool]]:
    """Run each job due at `now`: (name, what it did or why it failed, whether it succeeded)."""
    done = []
    for job in JOBS:
        if not claim(job, now):
            continue
        try:
            # The regular jobs serve every council, and no request (row_security).
            with every_council():
                done.append((job.name, job.run(), True))
        except Exception as error:  # one failing job must not stop the others
            done.append((job.name, str(error), False))
    return done


def forget_runs() -> None:
    """Make every job due now (for tests, and after changing the intervals)."""
    cache.delete_many([f"frontdoor:schedule:{job.name}" for job in JOBS])
