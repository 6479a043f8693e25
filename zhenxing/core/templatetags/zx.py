"""Template helpers available in every template (registered as a builtin)."""

from __future__ import annotations

from django import template

from zhenxing.accounts import access, scope
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


# Link permission: templates ask the rules the views ask (accounts/scope.py, accounts/access.py),
# so a link or button is shown only to a user who will get the page, not a 403 or 404.


@register.simple_tag(takes_context=True)
def may(context, name):
    """``{% may "funds.parameters" as ok %}``: the user may open the page of that rule."""
    return scope.may(context["request"].user, name)


@register.simple_tag(takes_context=True)
def can_write(context, action, target=None):
    """``{% can_write "assets.asset.register" region as ok %}``: the user may take the write action
    (on the target, when given): the check the service makes."""
    return scope.can_write(context["request"].user, target, action)


@register.simple_tag(takes_context=True)
def may_open(context, url):
    """``{% may_open url as ok %}``: the user gets that URL's page (its view's rule and, for a
    detail URL, its record in the user's scope)."""
    return access.may_open(context["request"].user, url)


@register.filter
def open_for(url, user):
    """``{{ cell.evidence_url|open_for:user }}``: the URL when ``user`` gets its page, else "" (so a
    figure is shown without a link rather than linking to a 403 or 404)."""
    return url if url and access.may_open(user, url) else ""
