from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "frontdoor.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Connect the sign-in receivers: the idle clock, whether a code is needed, and lockouts.
        from frontdoor.accounts import idle, lockout, two_factor  # noqa: F401
