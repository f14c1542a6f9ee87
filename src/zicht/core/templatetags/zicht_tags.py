"""Small template helpers shared by all apps."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}`` for dict look-ups with a variable key."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None
