from django.apps import AppConfig


def visible_signals(user, qs):
    """Signals for the access app's scoping: a professional sees their own organisation's only."""
    # Imported on call: apps.py loads before the app registry is ready (access.scoping imports models).
    from zicht.access.domain.scope import ORGANISATION
    from zicht.access.scoping import scope_for

    scope = scope_for(user)
    if scope.kind == ORGANISATION:
        return qs.filter(organisation_id=scope.organisation_id)
    return qs.none()


class CaseworkConfig(AppConfig):
    name = "zicht.casework"
    label = "casework"

    def ready(self):
        from zicht.access.scoping import register_visibility

        register_visibility("casework.signal", visible_signals)

        from .retention import register_rules

        register_rules()

        from zicht.access import roles
        from zicht.core.menu import register
        from zicht.linkage.hooks import register_urgent_persons

        from .urgency import urgent_linked_persons

        register_urgent_persons("casework", urgent_linked_persons)
        register("casework:colour_list", "Adressen", {roles.KETENREGISSEUR}, order=10)
        register("casework:worklists", "Werklijsten", {roles.KETENREGISSEUR}, order=20)
        register("casework:signal_list", "Signalen", {roles.PROFESSIONAL, roles.KETENREGISSEUR}, order=40)
        register("casework:meldcode_list", "Meldcode", {roles.PROFESSIONAL}, order=50)

        # Recolour what an import touched, after linkage (connected earlier: INSTALLED_APPS order).
        from zicht.registry.signals import batch_imported

        def on_batch_imported(sender, batch=None, **kwargs):
            from .colour.services import recolour_batch

            if batch is not None:
                recolour_batch(batch)

        batch_imported.connect(on_batch_imported, dispatch_uid="zicht.casework.on_batch_imported", weak=False)
