from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "frontdoor.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Connect the sign-in receivers: the idle clock, whether a code is needed, and lockouts;
        # and register the start-up check that production sees HTTPS (`security`).
        from frontdoor import security  # noqa: F401
        from frontdoor.accounts import idle, lockout, two_factor  # noqa: F401
        from frontdoor.security import create_cache_table

        # The sign-in limits (and the rate limits) are kept in the cache, by default a table in
        # the database: `migrate` makes it, so an installation or upgrade needs no other step.
        post_migrate.connect(create_cache_table, sender=self)
