from django_tasks import task

from frontdoor.outbox.services import send_pending


@task()
def send_outbox() -> int:
    """Send everything waiting in the outbox (queued after a commit that adds a message)."""
    total = 0
    while sent := send_pending():
        total += sent
    return total
