"""The front door's regular jobs, and how often each runs.

`python -m frontdoor run-schedule` runs them in a loop (the embedded default starts it beside the
web server and the background worker); in production run `run-schedule --once` from cron every
minute, or the loop under a process manager. Each job is safe to run twice at once: they lock or
mark what they take.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


def _send_outbox() -> str:
    from frontdoor.outbox.services import send_pending

    return f"sent {send_pending()} messages"


def _chase_enquiries() -> str:
    from frontdoor.mash.enquiries import chase

    return f"chased {chase()} MASH requests"


def _remove_abandoned_uploads() -> str:
    from frontdoor.intake.attachments import remove_abandoned_uploads

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
    # R36: a Red enquiry is due in 2 hours, so agencies are chased within minutes of the mark.
    Job("chase-enquiries", dt.timedelta(minutes=1), _chase_enquiries),
    Job("remove-abandoned-uploads", dt.timedelta(hours=24), _remove_abandoned_uploads),
)
