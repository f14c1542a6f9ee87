"""Small template helpers for the prevention pages."""

from django import template

from zicht.areas import risk_factors as rf
from zicht.prevention.domain import bouwstenen as bs
from zicht.prevention.domain.suggestions import format_number
from zicht.prevention.labels import tr as translate_label

register = template.Library()


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def indicator_value(row, attr="value"):
    """A profile figure in Dutch notation with its unit ('13,0%'), 'onbekend' when missing."""
    ind = rf.INDICATORS.get(getattr(row, "indicator", ""))
    return format_number(getattr(row, attr, None), ind.unit if ind else "")


@register.filter
def indicator_label(key):
    ind = rf.INDICATORS.get(key)
    return translate_label(ind.label) if ind else key


@register.filter
def factor_label(code):
    f = rf.RISK_FACTORS.get(code)
    return translate_label(f.label) if f else code


@register.filter
def type_label(code):
    return translate_label(rf.PREVENTION_TYPE_LABELS.get(code, code))


@register.filter
def bouwsteen_label(code):
    return translate_label(bs.BY_CODE[code].titel) if code in bs.BY_CODE else code


@register.filter
def tr(label):
    """A label of a domain vocabulary (marked N_ where it is defined) in the page's language."""
    return translate_label(label)


@register.filter
def tr_all(labels):
    """Each label of a list in the page's language (for ``|join``)."""
    return [translate_label(label) for label in labels or ()]
