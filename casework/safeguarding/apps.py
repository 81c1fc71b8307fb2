from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "casework.safeguarding"
    label = "safeguarding"

    def ready(self) -> None:
        from casework.children import sections
        from casework.children.events import LookedAfterStarted
        from casework.core import effects
        from casework.safeguarding import handlers

        effects.subscribe(LookedAfterStarted, handlers.looked_after_review_open)
        sections.register(handlers.safeguarding_section)
