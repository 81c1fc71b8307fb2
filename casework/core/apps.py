from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "casework.core"
    label = "core"

    def ready(self) -> None:
        from casework.core.rowsecurity import on_post_migrate

        # Row-level security on every tenant table after each migrate (casework/core/rowsecurity.py).
        post_migrate.connect(on_post_migrate, dispatch_uid="continuity-row-security")
