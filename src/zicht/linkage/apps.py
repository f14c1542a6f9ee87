from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "zicht.linkage"
    label = "linkage"

    def ready(self):
        """Scope review pairs and decisions to visible persons; link every imported batch on arrival."""
        from zicht.access.scoping import register_visibility, visible_persons

        def visible_pairs(user, qs):
            persons = visible_persons(user).values("pk")
            return qs.filter(person_a__in=persons, person_b__in=persons)

        register_visibility("linkage.reviewpair", visible_pairs)
        register_visibility("linkage.linkdecision", visible_pairs)

        try:
            from zicht.registry.signals import batch_imported
        except ImportError:  # registry without the signal: batch linking via `zicht link` only
            return

        def on_batch_imported(sender, batch=None, **kwargs):
            from zicht.linkage.services import link_batch_persons

            if batch is not None:
                link_batch_persons(batch)

        batch_imported.connect(on_batch_imported, dispatch_uid="zicht.linkage.on_batch_imported", weak=False)
