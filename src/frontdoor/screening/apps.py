from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "frontdoor.screening"
    label = "screening"
    verbose_name = "Screening and decisions"
