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

        # Solve the protected sets of the gemeenten an import touched (zicht.areas.warm), after
        # linkage and recolouring (connected later: INSTALLED_APPS order).
        from zicht.registry.signals import batch_imported

        def on_batch_imported(sender, batch=None, **kwargs):
            from .warm import after_import

            if batch is not None:
                after_import(batch)

        batch_imported.connect(on_batch_imported, dispatch_uid="zicht.areas.on_batch_imported", weak=False)
