from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casework.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The session clocks start at sign-in (a signal receiver in the middleware module).
        from casework.accounts import middleware  # noqa: F401
