from django.apps import AppConfig


def visible_signals(user, qs):
    """Signals for the access app's scoping: a professional sees their own organisation's only."""
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

        # Recolour what an import touched, after linkage (connected earlier: INSTALLED_APPS order).
        from zicht.registry.signals import batch_imported

        def on_batch_imported(sender, batch=None, **kwargs):
            from .colour.services import recolour_batch

            if batch is not None:
                recolour_batch(batch)

        batch_imported.connect(on_batch_imported, dispatch_uid="zicht.casework.on_batch_imported", weak=False)
