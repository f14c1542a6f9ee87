from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "zicht.areas"
    label = "areas"

    def ready(self):
        # Imports inside ready(): the app registry must be ready before models load.
        from zicht.access import roles
        from zicht.core.menu import register

        register("areas:gemeente", "Gebiedscan", {roles.BELEIDSMEDEWERKER, roles.KETENREGISSEUR}, order=60)
        register("areas:own_region", "Regio", {roles.BELEIDSMEDEWERKER, roles.KETENREGISSEUR}, order=62)
        register("areas:regions_manage", "Regio-indeling", {roles.FUNCTIONEEL_BEHEERDER}, order=82)
