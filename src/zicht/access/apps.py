from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "zicht.access"
    label = "access"

    def ready(self):
        # Imports inside ready(): the app registry must be ready before models load.
        # A changed account, profile, organisation or two-factor device must reach every web
        # worker's user snapshot at once (zicht.access.backends).
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from zicht.core.menu import register

        from . import roles
        from .backends import forget_user
        from .models import UserProfile

        register("access:accesslog", "Toegangslog", {roles.PRIVACY_OFFICER}, order=90)

        def on_user(sender, instance, **kwargs):
            forget_user(instance.pk)

        def on_user_part(sender, instance, **kwargs):
            forget_user(instance.user_id)

        def on_organisation(sender, instance, **kwargs):
            for user_id in UserProfile.objects.filter(organisation_id=instance.pk).values_list("user_id", flat=True):
                forget_user(user_id)

        for signal in (post_save, post_delete):
            signal.connect(on_user, sender=get_user_model(), dispatch_uid=f"zicht.access.user.{signal is post_save}", weak=False)
            for model in (UserProfile, TOTPDevice):
                signal.connect(on_user_part, sender=model, dispatch_uid=f"zicht.access.{model.__name__}.{signal is post_save}", weak=False)
            signal.connect(
                on_organisation, sender="registry.Organisation", dispatch_uid=f"zicht.access.org.{signal is post_save}", weak=False
            )

        # Role, account and group changes go to the access log with before/after (zicht.access.audit).
        from . import audit

        audit.connect()

        # The access log's hash chain is extended in SQL; SQLite gets its sha256 function here.
        from django.db.backends.signals import connection_created

        from .chain import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="zicht.access.sha256", weak=False)
