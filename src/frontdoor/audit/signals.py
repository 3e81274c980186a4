"""Sign-ins, sign-outs and failed sign-ins go on the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from frontdoor.audit import services as audit


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    audit.record(actor=user, action="account.signed_in", target=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record(actor=user, action="account.signed_out", target=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username tried is kept (never the password) so repeated failures can be seen.
    audit.record(
        actor=None,
        action="account.sign_in_failed",
        changes={"username": str(credentials.get("username", ""))[:150]},
    )
