from django_tasks import task

from frontdoor.handoffs.delivery import deliver_due


@task()
def deliver_handoffs() -> int:
    """Deliver the hand-offs due to their webhooks (queued after a commit that makes one)."""
    return deliver_due()
