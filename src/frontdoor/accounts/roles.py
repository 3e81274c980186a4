"""Staff roles, and what each can do (the home page lists these for the signed-in user)."""

from django.db import models


class Role(models.TextChoices):
    CONTACT_OFFICER = "contact_officer", "Contact officer"
    MASH_SOCIAL_WORKER = "mash_social_worker", "MASH social worker"
    MASH_MANAGER = "mash_manager", "MASH manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    PARTNER_AGENCY = "partner_agency", "Partner agency user"
    # The agency's own manager (a police MASH sergeant, a health safeguarding lead): answers as
    # its users do, and oversees the agency's answering for every council that asks it (R36).
    PARTNER_AGENCY_MANAGER = "partner_agency_manager", "Partner agency manager"
    EARLY_HELP_WORKER = "early_help_worker", "Early help worker"
    EXPLOITATION_COORDINATOR = "exploitation_coordinator", "Exploitation coordinator"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    ADMINISTRATOR = "administrator", "Administrator"


# The roles of a partner agency's people: each belongs to one agency (`User.agency_key`) and sees
# only what was sent to it, never the council's own records (R11, R45).
PARTNER_ROLES = frozenset({Role.PARTNER_AGENCY, Role.PARTNER_AGENCY_MANAGER})


def is_partner(user: object) -> bool:
    """True for a partner agency's user or manager (`PARTNER_ROLES`)."""
    return getattr(user, "role", None) in PARTNER_ROLES
