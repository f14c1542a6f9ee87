from django.apps import AppConfig


class BuurtregieConfig(AppConfig):
    name = "zicht.buurtregie"
    label = "buurtregie"
    verbose_name = "Buurtregie"

    def ready(self):
        from zicht.access import roles
        from zicht.core.menu import register

        register("buurtregie:index", "Buurtregie", {roles.PROFESSIONAL}, order=55)
        register("buurtregie:setup", "Buurtregies instellen", {roles.FUNCTIONEEL_BEHEERDER}, order=84)
