from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "casework.decisions"
    label = "decisions"
