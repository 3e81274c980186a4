from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "frontdoor.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from frontdoor.audit import signals  # noqa: F401 - connects the sign-in receivers
