"""``zicht makemessages``: Django's, plus the menu labels (``zicht.core.menu.register(url, label, ...)``):
their second argument is a message too, translated when the menu is rendered; and labels of pure
data modules marked with ``N_`` (``zicht.access.roles.N_``), translated where they are shown."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=register:2", "--keyword=N_"]
