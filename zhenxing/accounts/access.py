"""View decorators. Every URL pattern's view is either ``public_view`` or ``staff_view``;
a test walks all URL patterns and fails on any other."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from . import scope


def public_view(fn):
    fn.zx_access = "public"
    return fn


def staff_view(
    *, model=None, url_kwarg: str = "pk", lookup: str = "pk", roles: set[str] | None = None, write: str | None = None
):
    """Login required; optional role check; and for detail URLs the scoped lookup itself.

    With ``model``, the URL's ``url_kwarg`` is resolved through the data scope and the view
    receives the object instead of the raw value; out of scope answers 404. With ``write`` (a
    write action of ``scope.write_rules``), a page that only writes refuses the roles and the
    read-only account its service would refuse, before the lookup (403 leaks nothing); the
    service still makes the full check (``scope.require_write``).
    """

    def deco(fn):
        @wraps(fn)
        def wrapper(request, *args, **kwargs):
            if roles and request.user.role not in roles:
                raise PermissionDenied("您的角色无权访问此页面")
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
        wrapped.zx_roles = roles
        wrapped.zx_write = write
        return wrapped

    return deco
