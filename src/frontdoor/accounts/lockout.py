"""Lockout after repeated failed sign-ins (django-axes): the page shown, and the audit entry.

Failures are counted per username and address together (settings AXES_*), so someone guessing at
one account cannot lock its owner out from everywhere else. Administrators unlock an account by
deleting its access attempts in the admin (Axes, Access attempts).
"""

from __future__ import annotations

from axes.helpers import get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from frontdoor.audit import services as audit


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a page saying what happened, until when, and whom to contact."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    return render(
        request,
        "accounts/locked_out.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "cool_off": "1 minute" if minutes == 1 else f"{minutes} minutes",
            "until": timezone.localtime() + cool_off if cool_off else None,
            "support_contact": settings.FRONTDOOR_SUPPORT_CONTACT,
        },
        status=429,
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    # Beside each failed sign-in (audit.signals), the moment the account was locked.
    audit.record(
        actor=None,
        action="account.locked_out",
        changes={"username": str(username or "")[:150], "ip_address": ip_address or ""},
    )
