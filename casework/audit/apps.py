from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "casework.audit"
    label = "audit"

    def ready(self) -> None:
        from casework.audit.handlers import list_export_record
        from casework.core import effects
        from casework.core.events import ListExported

        effects.subscribe(ListExported, list_export_record)
