from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from frontdoor.accounts.roles import Role


class User(AbstractUser):
    """A member of staff or of a partner agency who signs in."""

    role = models.CharField(max_length=40, choices=Role.choices)
    # The partner agency a partner agency user belongs to: a key of the council policy's agencies.
    agency_key = models.CharField(max_length=60, blank=True)
    team = models.CharField(max_length=120, blank=True)
    job_title = models.CharField(max_length=120, blank=True)

    # Who changed an account, when and what: every change kept (the password hash is not).
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.PARTNER_AGENCY, agency_key__gt="")
                    | (~models.Q(role=Role.PARTNER_AGENCY) & models.Q(agency_key=""))
                ),
                name="partner_users_belong_to_one_agency",
                violation_error_message=(
                    "A partner agency user belongs to one agency; other staff belong to none."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "No role"
