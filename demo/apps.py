from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo generator: a client of the casework apps (it writes their tables), not part of them.

    An app only so that `continuity demo` and `continuity demo_logins` stay ordinary Django management
    commands (call_command works from `continuity run`, the tests and the benchmarks). It has no models.
    """

    name = "demo"
    verbose_name = "Demo local authority"
