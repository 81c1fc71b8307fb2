from django.apps import AppConfig


class FortnightlyConfig(AppConfig):
    name = "casework.fortnightly"
    verbose_name = "DfE fortnightly return (VCYP survey)"
