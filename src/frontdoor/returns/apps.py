from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "frontdoor.returns"
    label = "returns"
    verbose_name = "Statutory returns and dashboards"
