from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "casework.contacts"
    label = "contacts"

    def ready(self) -> None:
        from casework.children import sections
        from casework.children.events import RegisterChanged
        from casework.contacts import handlers
        from casework.core import effects
        from casework.risk.events import RatingDecided, RatingSubmitted, RatingSuperseded

        effects.subscribe(RegisterChanged, handlers.due_states_refresh)
        effects.subscribe(RatingSubmitted, handlers.plan_propose)
        effects.subscribe(RatingSuperseded, handlers.plan_supersede)
        effects.subscribe(RatingDecided, handlers.plan_decide)
        sections.register(handlers.contact_section)
