from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "casework.policy"
    label = "policy"
