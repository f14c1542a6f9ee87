from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "zicht.access"
    label = "access"
