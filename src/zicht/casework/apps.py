from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "zicht.casework"
    label = "casework"
