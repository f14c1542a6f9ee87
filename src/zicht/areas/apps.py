from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "zicht.areas"
    label = "areas"
