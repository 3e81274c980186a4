from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "frontdoor.outbox"
    label = "outbox"
    verbose_name = "Outbox"
