from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "frontdoor.demo"
    label = "demo"
    verbose_name = "Demonstration data"
