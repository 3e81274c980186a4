from django.apps import AppConfig


class MashConfig(AppConfig):
    name = "frontdoor.mash"
    label = "mash"
    verbose_name = "MASH"
