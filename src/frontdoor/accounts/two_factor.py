"""Two-factor sign-in for staff: a time-based code (TOTP) from an authenticator app, after the
password (django-otp).

FRONTDOOR_TWO_FACTOR decides who must give a code:
- `required` (production): everyone. Someone without an app set up is sent to set one up, and
  until the code is given every page but the sign-in, set-up and sign-out pages is refused.
  Setting an app up needs a one-time link from an administrator (`issue_enrolment_link`), opened
  after signing in with the password: otherwise whoever first had the password (a phished or
  shared first password) would set up their own app and own the account.
- `optional` (the demo and the tests): only those who have set an app up; others sign in with
  their password alone, so demo sign-ins stay one step, and anyone may set an app up.

API bearer tokens are not affected: the API never reads the session.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.accounts.access import SignedInRequest
from frontdoor.accounts.models import EnrolmentLink, User
from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

REQUIRED = "required"
OPTIONAL = "optional"
MODES = (REQUIRED, OPTIONAL)

# Set at sign-in: this session's user has an app set up, so in the optional mode they must
# still give a code. Kept in the session so that no page pays a query to find out.
HAS_DEVICE_KEY = "two_factor_has_device"

# Pages an unverified session may still open: to give the code, to set an app up, to leave.
# Pages open to everyone (login_not_required: sign-in, the public form, the API) stay open too.
UNVERIFIED_PAGES = frozenset(
    {
        "accounts:logout",
        "accounts:two_factor_set_up",
        "accounts:two_factor_enrol",
        "accounts:two_factor_verify",
        "admin:logout",
    }
)

DEVICE_NAME = "Authenticator app"
# How long a set-up link works: long enough to reach a new starter, short enough that one left
# in an inbox soon stops working.
ENROLMENT_LINK_LIFETIME = dt.timedelta(hours=72)


def is_verified(user: User | AnonymousUser) -> bool:
    # OTPMiddleware adds is_verified(); a user just signed in by login() is a bare User.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def code_needed(request: HttpRequest) -> bool:
    """True when the signed-in user must still give a code in this session."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    return settings.FRONTDOOR_TWO_FACTOR == REQUIRED or bool(request.session.get(HAS_DEVICE_KEY))


def next_page(request: HttpRequest, *, default: str = "") -> str:
    """The page to go on to afterwards, if it is one of ours (never another site)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def page_for(request: HttpRequest, *, then: str) -> str:
    """Where a user who must give a code goes: to set an app up, or to give its code; or on to
    `then` itself when it is a page an unverified session may open (a set-up link)."""
    if _open_unverified(then):
        return then
    has_device = bool(request.session.get(HAS_DEVICE_KEY))
    url = reverse("accounts:two_factor_verify" if has_device else "accounts:two_factor_set_up")
    return f"{url}?{urlencode({'next': then})}"


def _open_unverified(url: str) -> bool:
    try:
        return resolve(urlsplit(url).path).view_name in UNVERIFIED_PAGES
    except Resolver404:
        return False


def link_needed() -> bool:
    """Whether setting an app up needs a link from an administrator (the required mode)."""
    return settings.FRONTDOOR_TWO_FACTOR == REQUIRED


@receiver(user_logged_in)
def _note_whether_user_has_device(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_KEY] = user_has_device(user, confirmed=True)


class TwoFactorMiddleware:
    """Refuse every page that needs a sign-in until the code is given (when it is needed).

    Runs as a view hook, after LoginRequiredMiddleware, so a page open to everyone is known by
    its view (login_not_required) rather than by a list of paths that could fall out of date.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in UNVERIFIED_PAGES:
            return None
        if not code_needed(request):
            return None
        return redirect(page_for(request, then=request.get_full_path()))


# Setting an app up, and giving its code.


def pending_device(user: User) -> TOTPDevice:
    """The app this user is setting up: made once, so reloading the page keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_in_words(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in (base32), in groups of four to read."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The set-up link as a QR code, drawn inline (SVG): no image request, no data: URL."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#0b0c0c", light="#ffffff", omitsize=False
    )
    return mark_safe(svg)  # generated by segno from our own URL, with no user input


def _check_code(device: TOTPDevice, code: str) -> None:
    code = "".join(code.split())
    if not code:
        raise DomainError("Enter the 6-digit code from your authenticator app")
    if not (code.isdigit() and len(code) == device.digits):
        raise DomainError("Enter the code as 6 digits, like 123456")
    allowed, details = device.verify_is_allowed()
    if not allowed:
        until = timezone.localtime((details or {}).get("locked_until") or timezone.now())
        raise DomainError(
            f"You have entered a wrong code too many times: wait until {until:%H:%M:%S} "
            "and enter a new code"
        )
    if not device.verify_token(code):
        raise DomainError(
            "The code is not right: enter the code your app shows now, "
            "and check the time on your phone is correct"
        )


def confirm_set_up(
    *, request: SignedInRequest, device: TOTPDevice, code: str, link: EnrolmentLink | None = None
) -> TOTPDevice:
    """Confirm a new app with its first code; the session is then verified. In the required
    mode only through a set-up link, which is then used up."""
    user = request.user
    if user_has_device(user, confirmed=True):
        # Only an administrator replaces an app (by deleting it in the admin): otherwise a
        # stolen password would be enough to add the thief's own app.
        raise DomainError("You have already set up an authenticator app: enter its code instead")
    if link is None and link_needed():
        raise DomainError(NO_LINK)
    # Checked outside the transaction below: a wrong code's throttling count must be kept.
    try:
        _check_code(device, code)
    except DomainError:
        audit.record(actor=user, action="account.two_factor_failed", target=user)
        raise
    with transaction.atomic():
        if link is not None:
            _use_link(link, user=user)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit.record(actor=user, action="account.two_factor_set_up", target=user)
    otp_login(request, device)
    request.session[HAS_DEVICE_KEY] = True
    return device


def verify(*, request: HttpRequest, code: str) -> TOTPDevice:
    """Check the code of the user's app; the session is then verified."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        raise DomainError("Set up an authenticator app first")
    try:
        _check_code(device, code)
    except DomainError:
        # Wrong codes are on the audit trail like wrong passwords, so repeated guessing shows.
        audit.record(actor=user, action="account.two_factor_failed", target=user)
        raise
    otp_login(request, device)
    audit.record(actor=user, action="account.two_factor_verified", target=user)
    return device


# Set-up links: an administrator gives a member of staff a one-time link to set up their app.

NO_LINK = (
    "Setting up an authenticator app needs a set-up link from your administrator: ask them for one"
)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def issue_enrolment_link(
    *, user: User, by: User | None, at: dt.datetime | None = None
) -> tuple[EnrolmentLink, str]:
    """A one-time link with which `user` sets up an authenticator app after signing in with
    their password; returned with its secret, which is shown once and never stored. `by` None:
    the operator, from the command line (the first administrator has nobody to ask)."""
    if by is not None:
        require(by, "two_factor.issue_link")
    if not user.is_active:
        raise DomainError(f"{user.username} is not an active account.")
    if user_has_device(user, confirmed=True):
        raise DomainError(
            f"{user.username} has an authenticator app already. If it is lost, remove it in "
            "the admin (OTP TOTP, TOTP devices) first, then give them a link."
        )
    at = at or timezone.now()
    secret = secrets.token_urlsafe(32)
    link = EnrolmentLink.objects.create(
        user=user,
        secret_hash=_hash(secret),
        created_at=at,
        created_by=by,
        expires_at=at + ENROLMENT_LINK_LIFETIME,
    )
    audit.record(
        actor=by,
        action="account.two_factor_link_issued",
        target=user,
        changes={"link": link.pk, "expires_at": link.expires_at.isoformat()},
    )
    return link, secret


def enrolment_link_for(*, user: User, secret: str, at: dt.datetime | None = None) -> EnrolmentLink:
    """The set-up link with `secret`, if it is `user`'s and still usable; else refuse saying
    what to do. Someone else's link is refused as an unknown one, so a link says nothing of
    whose it is."""
    link = EnrolmentLink.objects.filter(secret_hash=_hash(secret)).first()
    if link is None or link.user_id != user.pk:
        raise DomainError(
            "This set-up link is not one for your account: check you signed in as the person "
            "it was given to, or ask your administrator for a new link"
        )
    at = at or timezone.now()
    if link.used_at is not None:
        raise DomainError(
            "This set-up link has been used already: ask your administrator for a new one"
        )
    if not link.usable(at):
        raise DomainError("This set-up link has expired: ask your administrator for a new one")
    return link


def _use_link(link: EnrolmentLink, *, user: User) -> None:
    """Use the link up, once: of two tabs confirming at once, the second is refused."""
    link = EnrolmentLink.objects.select_for_update().get(pk=link.pk)
    now = timezone.now()
    if not link.usable(now):
        raise DomainError(
            "This set-up link has been used already or has expired: "
            "ask your administrator for a new one"
        )
    link.used_at = now
    link.save(update_fields=["used_at"])
    audit.record(
        actor=user, action="account.two_factor_link_used", target=user, changes={"link": link.pk}
    )
