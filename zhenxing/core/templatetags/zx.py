"""Template helpers available in every template (registered as a builtin)."""

from __future__ import annotations

from django import template

from zhenxing.lib.numbers import percent, yuan

register = template.Library()


register.filter(yuan)
register.filter(percent)


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
