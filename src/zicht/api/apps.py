from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zicht.api"
    label = "api"
