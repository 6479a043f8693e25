"""Template helpers available in every template (registered as a builtin)."""

from __future__ import annotations

from django import template

from zhenxing.lib.numbers import percent, yuan

register = template.Library()


register.filter(yuan)
register.filter(percent)


@register.filter
def risk_names(codes) -> str:
    """Risk type codes with their names ("01 因病、03 因残"); never a bare code on a page."""
    from zhenxing.monitoring.models import risk_names as names

    return names(codes)


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


@register.filter
def record_ref(ref) -> str:
    """A reference kept as "app.model:id" ("screening.alert:85") in words: "预警 第85号"."""
    from zhenxing.audit.display import record_ref as named

    return named(ref)
