from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top of the layers: home page, demo set-up and the tools that span every app
    (``zicht demo``, ``zicht synth``, ``zicht bench``, ``zicht fuzz``)."""

    name = "zicht.site"
    label = "site"

    def ready(self):
        # Imports inside ready(): the app registry must be ready before models load.
        from zicht.access import roles
        from zicht.areas.sources import ColourSource, register_colour_source, register_trajectory_ends
        from zicht.casework.domain.colour import COLOUR_LABELS, COLOURS
        from zicht.casework.stats import addresses_by_colour
        from zicht.core.menu import register

        from .colours import colour_version
        from .facts import register_facts
        from .trajectories import trajectory_ends

        register("home", "Overzicht", roles.ALL_ROLES, order=0)

        # The gebiedscan's colour tables count casework's colour codes; areas and casework are
        # siblings that do not import each other, so the top wires them together.
        register_colour_source(ColourSource(COLOURS, COLOUR_LABELS, addresses_by_colour, colour_version))
        # Recidive after help needs the ends of casework's help trajectories, wired the same way.
        register_trajectory_ends(trajectory_ends)
        # The infographic (areas) shows the factchecker's top facts (knowledge): siblings, wired here.
        register_facts()
