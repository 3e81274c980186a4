from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "frontdoor.privacy"
    label = "privacy"
    verbose_name = "Privacy: restricted records, disclosures, subject access and retention"
