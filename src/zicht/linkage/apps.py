from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "zicht.linkage"
    label = "linkage"

    def ready(self):
        """Scope review pairs and decisions to visible persons; link every imported batch on arrival."""
        # Imports inside ready(): models and what imports them load only once the app registry is ready.
        from zicht.access import roles
        from zicht.access.scoping import register_visibility, visible_persons
        from zicht.core.menu import register
        from zicht.registry.signals import batch_imported

        from . import services
        from .scoping import VISIBILITY

        for label, func in VISIBILITY.items():
            register_visibility(label, func)

        register("linkage:review_queue", "Koppelingen", {roles.KETENREGISSEUR}, order=30)

        def visible_pairs(user, qs):
            persons = visible_persons(user).values("pk")
            return qs.filter(person_a__in=persons, person_b__in=persons)

        register_visibility("linkage.reviewpair", visible_pairs)
        register_visibility("linkage.linkdecision", visible_pairs)

        def on_batch_imported(sender, batch=None, **kwargs):
            if batch is not None:
                # looked up per call: tests and retry-batch may swap it
                services.link_batch_persons(batch, progress=kwargs.get("progress", False))

        batch_imported.connect(on_batch_imported, dispatch_uid="zicht.linkage.on_batch_imported", weak=False)
