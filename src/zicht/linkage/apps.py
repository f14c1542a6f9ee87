from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "zicht.linkage"
    label = "linkage"
