from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages that compose every app: each role's home page and the service navigation."""

    name = "casework.web"
    label = "web"
