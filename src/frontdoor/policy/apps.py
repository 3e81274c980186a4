from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "frontdoor.policy"
    label = "policy"
    verbose_name = "Council policy"

    def ready(self) -> None:
        # An invalid policy file stops start-up here, naming the file, the field and the problem
        # (in ready(): the registry reads the settings, which apps.py must not at import).
        from frontdoor.policy.registry import load_policies

        load_policies()
