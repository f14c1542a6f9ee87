from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zicht.registry"
    label = "registry"
