from django_tasks import task

from frontdoor.outbox.services import send_pending


@task()
def send_outbox() -> int:
    """Send what is waiting in the outbox (queued after each commit that adds a message)."""
    return send_pending()
