from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "zicht.prevention"
    label = "prevention"

    def ready(self):
        # Imports inside ready(): the app registry must be ready before models load.
        from zicht.access import roles
        from zicht.core.menu import register

        register("prevention:index", "Preventie", {roles.BELEIDSMEDEWERKER, roles.KETENREGISSEUR, roles.FUNCTIONEEL_BEHEERDER}, order=70)
