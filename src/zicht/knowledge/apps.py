from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "zicht.knowledge"
    label = "knowledge"
    verbose_name = "Kennisbank"
