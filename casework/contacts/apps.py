from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "casework.contacts"
    label = "contacts"

    def ready(self) -> None:
        from casework.children import sections
        from casework.children.events import RegisterChanged
        from casework.contacts import handlers
        from casework.core import effects

        effects.subscribe(RegisterChanged, handlers.due_states_refresh)
        sections.register(handlers.contact_section)
