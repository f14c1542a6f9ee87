from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "zicht.registry"
    label = "registry"

    def ready(self):
        # An upload interrupted by a killed process may have left its file: remove it now
        # (zicht.registry.uploads; uploads in progress in other live processes are kept).
        from django.conf import settings

        from .uploads import remove_stale_uploads, upload_dir

        try:
            remove_stale_uploads(upload_dir(settings.DATA_DIR))
        except OSError:  # a read-only data directory must not stop the process
            pass
