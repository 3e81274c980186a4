"""Staff roles, and what each can do (the home page lists these for the signed-in user)."""

from django.db import models


class Role(models.TextChoices):
    CONTACT_OFFICER = "contact_officer", "Contact officer"
    MASH_SOCIAL_WORKER = "mash_social_worker", "MASH social worker"
    MASH_MANAGER = "mash_manager", "MASH manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    PARTNER_AGENCY = "partner_agency", "Partner agency user"
    EARLY_HELP_WORKER = "early_help_worker", "Early help worker"
    EXPLOITATION_COORDINATOR = "exploitation_coordinator", "Exploitation coordinator"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    ADMINISTRATOR = "administrator", "Administrator"
