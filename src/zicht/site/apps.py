from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top of the layers: home page, demo set-up and the tools that span every app
    (``zicht demo``, ``zicht synth``, ``zicht bench``, ``zicht fuzz``)."""

    name = "zicht.site"
    label = "site"

    def ready(self):
        # Imports inside ready(): the app registry must be ready before models load.
        from zicht.access import roles
        from zicht.core.menu import register

        register("home", "Overzicht", roles.ALL_ROLES, order=0)
        # casework's entries: registered here until casework/apps.py (split in issue 17, item 1)
        # registers them itself; site may name casework's URLs, being above it.
        register("casework:colour_list", "Adressen", {roles.KETENREGISSEUR}, order=10)
        register("casework:worklists", "Werklijsten", {roles.KETENREGISSEUR}, order=20)
        register("casework:signal_list", "Signalen", {roles.PROFESSIONAL, roles.KETENREGISSEUR}, order=40)
        register("casework:meldcode_list", "Meldcode", {roles.PROFESSIONAL}, order=50)
