from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "frontdoor.escalations"
    label = "escalations"
    verbose_name = "Escalations of professional disagreement"
