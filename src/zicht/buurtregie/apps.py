from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuurtregieConfig(AppConfig):
    name = "zicht.buurtregie"
    label = "buurtregie"
    verbose_name = _("Buurtregie")

    def ready(self):
        from zicht.access import roles
        from zicht.core.menu import register

        register("buurtregie:index", "Buurtregie", {roles.PROFESSIONAL}, order=55)
        register("buurtregie:setup", "Buurtregies instellen", {roles.FUNCTIONEEL_BEHEERDER}, order=84)
