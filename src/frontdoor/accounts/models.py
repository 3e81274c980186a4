import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models

from frontdoor.accounts.roles import PARTNER_ROLES, Role
from frontdoor.change_history import HistoricalRecords
from frontdoor.policy.councils import council_field

if TYPE_CHECKING:
    from frontdoor.policy.schema import Agency


class User(AbstractUser):
    """A member of staff or of a partner agency who signs in."""

    role = models.CharField(max_length=40, choices=Role.choices)
    # The partner agency a partner agency user or manager belongs to: a key of their council's
    # policy's agencies. Where that policy names the agency a partner of the service, the user
    # answers for every council that sends to it (`policy.partners`).
    agency_key = models.CharField(max_length=60, blank=True)
    team = models.CharField(max_length=120, blank=True)
    # The council a member of staff works for: they sign in to its pages only.
    council = council_field()
    job_title = models.CharField(max_length=120, blank=True)

    # Who changed an account, when and what: every change kept (the password hash is not).
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(PARTNER_ROLES), agency_key__gt="")
                    | (~models.Q(role__in=sorted(PARTNER_ROLES)) & models.Q(agency_key=""))
                ),
                name="partner_users_belong_to_one_agency",
                violation_error_message=(
                    "A partner agency user or manager belongs to one agency; other staff "
                    "belong to none."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def council_key(self) -> str:
        """The key of the council the user works for. The column is never empty
        (`council_field` fills it in as the user is made); the typing knows only a key or
        nothing, so a user without one is refused here rather than taken for another council's."""
        if not self.council_id:
            raise ValueError(f"The user {self.username} has no council.")
        return self.council_id

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "No role"

    @property
    def agency(self) -> "Agency | None":
        """The partner agency the user belongs to, as their council's policy gives it, wherever
        they sign in; None for the council's own staff (or a key the policy no longer lists)."""
        if not self.agency_key:
            return None
        from frontdoor.policy.councils import serving_council
        from frontdoor.policy.registry import get_loaded_policy

        # The column is never empty (`council_field`); the typing knows only a key or nothing.
        policy = get_loaded_policy(self.council_id or serving_council()).policy
        return next((a for a in policy.agencies if a.key == self.agency_key), None)

    @property
    def agency_name(self) -> str:
        """The name of the user's partner agency ("Merseyside Police"), or its key when the
        policy no longer lists it; empty for the council's own staff."""
        agency = self.agency
        return agency.name if agency else self.agency_key


class ApiToken(models.Model):
    """A partner system's key to the API, acting as one user. Only a hash of the token is kept."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    # What uses it ("Merseyside Police system"), so a leaked or unused token can be found.
    name = models.CharField(max_length=120)
    # sha256 of the token: the token itself is printed once, when issued, and never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, to tell tokens apart in the admin and in logs.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    # Updated at most once a minute, so a busy partner system does not write on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set when issued: a token forgotten by the system it was for stops working on its own.
    expires_at = models.DateTimeField()
    # Space-separated keys of `accounts.scopes.SCOPES`, narrowing what the user's role allows;
    # empty: everything the role allows.
    scopes = models.CharField(max_length=200, blank=True)
    # The record system (a key of the policy's record systems) whose hand-offs the token
    # receives (R44, R45): it lists and accepts that record's hand-offs and no other's. Empty:
    # it receives none.
    record_system = models.CharField(max_length=40, blank=True)

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def state(self, at: dt.datetime) -> State:
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= at:
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def scope_list(self) -> list[str]:
        return sorted(self.scopes.split())

    @property
    def receives_nothing(self) -> bool:
        """Issued to receive hand-offs before a token named its record system (R44): it has the
        scope `handoffs:receive` and no record system, so it receives nothing until a token is
        issued again naming one. Issuing such a token now is refused (`tokens.receiving_for`)."""
        return "handoffs:receive" in self.scopes.split() and not self.record_system


class EnrolmentLink(models.Model):
    """A one-time link with which a member of staff sets up their authenticator app, given to
    them by an administrator. Only a hash of the link's secret is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    # sha256 of the secret in the link: the link itself is shown once, when issued.
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Authenticator set-up link for {self.user}"

    def usable(self, at: dt.datetime) -> bool:
        return self.used_at is None and at < self.expires_at
