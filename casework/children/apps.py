from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "casework.children"
    label = "children"
