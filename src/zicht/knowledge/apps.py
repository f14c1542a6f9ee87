from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "zicht.knowledge"
    label = "knowledge"
    verbose_name = _("Kennisbank")

    def ready(self):
        from zicht.access import roles
        from zicht.core.menu import register

        register("knowledge:index", "Kennis", roles.ALL_ROLES, order=85)
