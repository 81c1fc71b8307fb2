from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "casework.risk"
    label = "risk"

    def ready(self) -> None:
        from casework.children import sections
        from casework.children.events import RerateNeeded
        from casework.core import effects
        from casework.risk import handlers

        effects.subscribe(RerateNeeded, handlers.rerate_triggers_record)
        sections.register(handlers.rating_section)
