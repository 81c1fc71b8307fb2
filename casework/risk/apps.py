from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "casework.risk"
    label = "risk"
