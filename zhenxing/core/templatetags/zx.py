"""Template helpers available in every template (registered as a builtin)."""
from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def yuan(value, digits: int = 2):
    """Money as forms show it: 12,345.60."""
    if value is None or value == "":
        return "—"
    return number_format(Decimal(value), decimal_pos=digits, use_l10n=True, force_grouping=True)


@register.filter
def percent(value, digits: int = 1):
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.simple_tag(takes_context=True)
def querystring_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()
