from django_tasks import task

from frontdoor.handoffs.delivery import deliver_due
from frontdoor.policy.councils import serving


@task()
def deliver_handoffs(council: str = "") -> int:
    """Deliver the hand-offs due to their webhooks (queued after a commit that makes one), as
    `council`, the council served when it was queued: the task delivers that council's
    hand-offs alone (and sees no other's: row-level security), and the regular job delivers
    every council's."""
    if not council:  # queued before tasks named their council
        return deliver_due()
    with serving(council):
        return deliver_due(councils=[council])
