import contextlib

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zicht.registry"
    label = "registry"

    def ready(self):
        # Imports inside ready(): the app registry must be ready before models load.
        from zicht.access import roles
        from zicht.access.scoping import register_scope_sql, register_visibility
        from zicht.core.menu import register

        from .scoping import VISIBILITY, address_scope_sql

        for label, func in VISIBILITY.items():
            register_visibility(label, func)
        register_scope_sql("registry.address", address_scope_sql)

        from .retention import register_rules

        register_rules()

        register("registry:imports", "Imports", {roles.KETENREGISSEUR, roles.FUNCTIONEEL_BEHEERDER}, order=80)

        # An upload interrupted by a killed process may have left its file: remove it now
        # (zicht.registry.uploads; uploads in progress in other live processes are kept).
        from django.conf import settings

        from .uploads import remove_stale_uploads, upload_dir

        with contextlib.suppress(OSError):  # a read-only data directory must not stop the process
            remove_stale_uploads(upload_dir(settings.DATA_DIR))
