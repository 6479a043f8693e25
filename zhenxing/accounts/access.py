"""View decorators. Every URL pattern's view is either ``public_view`` or ``staff_view``;
a test walks all URL patterns and fails on any other."""

from __future__ import annotations

from functools import wraps
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from . import scope


def public_view(fn):
    fn.zx_access = "public"
    return fn


def staff_view(
    *,
    model=None,
    url_kwarg: str = "pk",
    lookup: str = "pk",
    roles: set[str] | None = None,
    write: str | None = None,
    page: str | None = None,
):
    """Login required; optional role check; and for detail URLs the scoped lookup itself.

    With ``model``, the URL's ``url_kwarg`` is resolved through the data scope and the view
    receives the object instead of the raw value; out of scope answers 404. With ``write`` (a
    write action of ``scope.write_rules``), a page that only writes refuses the roles and the
    read-only account its service would refuse, before the lookup (403 leaks nothing); the
    service still makes the full check (``scope.require_write``). With ``page`` (a rule of
    ``scope.page_rules``), the roles the rule leaves out are refused (403) the same way, and the
    menu, links and buttons ask the same rule (``scope.may``, ``may_open``).
    """

    def deco(fn):
        @wraps(fn)
        def wrapper(request, *args, **kwargs):
            if roles and request.user.role not in roles:
                raise PermissionDenied("您的角色无权访问此页面")
            if page is not None:
                scope.require_page(request.user, page)
            if write is not None:
                scope.require_write(request.user, None, write)
            if model is not None:
                obj = scope.get_object_or_404(request.user, model, **{lookup: kwargs.pop(url_kwarg)})
                return fn(request, obj, *args, **kwargs)
            return fn(request, *args, **kwargs)

        wrapped = login_required(wrapper)
        wrapped.zx_access = "staff"
        wrapped.zx_model = model
        wrapped.zx_url_kwarg = url_kwarg
        wrapped.zx_lookup = lookup
        wrapped.zx_roles = roles
        wrapped.zx_write = write
        wrapped.zx_page = page
        return wrapped

    return deco


def may_open(user, url: str) -> bool:
    """Whether ``user`` gets the page at ``url`` rather than a 403 or 404, asked the way its view
    asks: the view's page rule, roles and write action, and for a detail URL the scoped lookup of its
    record. For a link or button to a page of another app (the dashboard's figure, a ledger item's
    source inspection). A URL that resolves to nothing, or to a public page, is answered as such."""
    cache = getattr(user, "_zx_may_open", None)  # one answer per URL and request (a figure grid)
    if cache is None:
        cache = {}
        try:
            user._zx_may_open = cache
        except AttributeError:  # AnonymousUser
            pass
    if url not in cache:
        cache[url] = _may_open(user, url)
    return cache[url]


def _may_open(user, url: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    view = match.func
    access = getattr(view, "zx_access", None)
    if access == "public":
        return True
    if access != "staff" or not getattr(user, "is_authenticated", False):
        return False
    roles, page, write = view.zx_roles, view.zx_page, view.zx_write
    if roles and user.role not in roles:
        return False
    if page is not None and not scope.may(user, page):
        return False
    if write is not None and not scope.can_write(user, None, write):
        return False
    if view.zx_model is not None:
        value = match.kwargs.get(view.zx_url_kwarg)
        lookup = getattr(view, "zx_lookup", "pk")
        try:
            return scope.scoped(user, view.zx_model).filter(**{lookup: value}).exists()
        except (ValueError, TypeError):
            return False
    region = parse_qs(urlsplit(url).query).get("region")
    if region:
        return scope.regions(user).filter(code=region[-1]).exists()
    return True
