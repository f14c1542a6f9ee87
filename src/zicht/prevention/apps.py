from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "zicht.prevention"
    label = "prevention"
