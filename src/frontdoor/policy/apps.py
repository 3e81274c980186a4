from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "frontdoor.policy"
    label = "policy"
    verbose_name = "Council policy"

    def ready(self) -> None:
        # An invalid policy file stops start-up here, naming the file, the field and the problem
        # (in ready(): the registry reads the settings, which apps.py must not at import).
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from frontdoor.policy.councils import ensure_default_council
        from frontdoor.policy.registry import load_policies
        from frontdoor.policy.row_security import watch_connection

        load_policies()
        post_migrate.connect(ensure_default_council, sender=self)
        # On PostgreSQL each statement runs for its council (row-level security).
        connection_created.connect(watch_connection)
