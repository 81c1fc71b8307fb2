from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "casework.oversight"
    verbose_name = "Management oversight"
