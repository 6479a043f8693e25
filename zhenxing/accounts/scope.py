"""Data scope: THE one place that decides which records a user may see or change.

Rule: a staff account sees its region node and everything below it; a line-department
account additionally sees only its own field. Every model that holds regional data registers
here how to reach its region (and, where it has one, its department field). Pages, exports
and API operations obtain records only through ``scoped()`` / ``get_object_or_404()``;
``staff_view`` does the lookup for detail URLs so a view cannot forget it. A record outside the
scope answers 404, never the data.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import Http404

from zhenxing.regions.models import Region

from .models import Role

M = TypeVar("M", bound=models.Model)
# Roles that see every owned record (``register(owner=...)``) of their subtree, not only their own.
OWNER_EXEMPT_ROLES = {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}


@dataclass(frozen=True)
class ScopeRule:
    region: str | None = None  # ORM lookup to a Region FK ("village", "household__village")
    path: str | None = None  # or: a field holding a region path string (denormalised)
    field: str | None = None  # ORM lookup to a Department value, for department filtering
    # What a department account sees when the model has no field: "none" or "region" (all in subtree)
    departments: str = "none"
    # With path=: records with an empty path (no acting user, e.g. a failed login by an
    # unknown name) are shown to users at prefecture level and above.
    empty_path_to_top: bool = False
    # ORM lookup to the account that owns the record (a background job's requester): accounts other
    # than administrators see only their own records within the region rule.
    owner: str | None = None


_RULES: dict[type[models.Model], ScopeRule] = {}


def register(*, region: str | None = None, path: str | None = None, field: str | None = None,
             departments: str | None = None, owner: str | None = None):
    """Class decorator: ``@scope.register(region="village")`` on a model."""
    if (region is None) == (path is None):
        raise ImproperlyConfigured("scope.register needs exactly one of region= or path=")

    def deco(model: type[M]) -> type[M]:
        _RULES[model] = ScopeRule(region=region, path=path, field=field,
                                  departments=departments or ("field" if field else "none"), owner=owner)
        return model

    return deco


def rule_for(model: type[models.Model]) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model._meta.label} 未登记数据权限规则 (accounts.scope.register)") from None


def registered_models() -> list[type[models.Model]]:
    return list(_RULES)


def subtree_ids(node: Region) -> models.QuerySet:
    return Region.objects.filter(path__startswith=node.path).values("pk")


def scoped(user, model_or_qs: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs._default_manager.all()
    rule = rule_for(qs.model)
    node = getattr(user, "region", None) if getattr(user, "is_authenticated", False) else None
    if node is None or not user.is_active:
        return qs.none()
    if rule.path is not None:
        q = models.Q(**{f"{rule.path}__startswith": node.path})
        if rule.empty_path_to_top and node.depth <= 1:
            q |= models.Q(**{rule.path: ""})
        qs = qs.filter(q)
    elif rule.region == "":
        qs = qs.filter(path__startswith=node.path)
    else:
        qs = qs.filter(**{f"{rule.region}__in": subtree_ids(node)})
    if rule.owner and user.role not in OWNER_EXEMPT_ROLES:
        qs = qs.filter(**{rule.owner: user})
    if user.role == Role.DEPARTMENT_STAFF:
        if rule.field:
            qs = qs.filter(**{rule.field: user.department})
        elif rule.departments != "region":
            qs = qs.none()
    return qs


def get_object_or_404(user, model_or_qs: type[M] | models.QuerySet[M], **lookup) -> M:
    try:
        return scoped(user, model_or_qs).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在或不在您的数据权限范围内") from None


def region_in_scope(user, region: Region | None) -> bool:
    node = getattr(user, "region", None)
    return bool(node and region and region.path.startswith(node.path))


def regions(user) -> models.QuerySet[Region]:
    return scoped(user, Region)


def region_by_code(user, code: str | None) -> Region | None:
    """The node a list is filtered to by a region code (its whole subtree is meant), or None for no
    code. A code outside the user's scope, or unknown, answers 404 like another region's record:
    the filter can only narrow what the user sees, never widen it or tell which codes exist."""
    return get_object_or_404(user, Region, code=code) if code else None


def region_param(request) -> Region | None:
    """``region_by_code`` of the page's ``?region=``."""
    return region_by_code(request.user, request.GET.get("region"))


def within(qs: models.QuerySet[M], region: Region | None) -> models.QuerySet[M]:
    """``qs`` narrowed to the records of ``region``'s subtree, reached the way the model is
    registered; unchanged for None. Apply to a ``scoped()`` set: it narrows, it does not scope."""
    if region is None:
        return qs
    rule = rule_for(qs.model)
    if rule.path is not None:
        return qs.filter(**{f"{rule.path}__startswith": region.path})
    if rule.region == "":
        return qs.filter(path__startswith=region.path)
    return qs.filter(**{f"{rule.region}__in": subtree_ids(region)})


# The region tree itself and the accounts are scoped like everything else. (Registered here
# because regions and accounts.models are imported by this module.)
def _register_core() -> None:
    from .models import User

    _RULES[Region] = ScopeRule(region="", departments="region")
    _RULES[User] = ScopeRule(region="region", departments="none")


_register_core()


def _register_audit() -> None:
    # Audit entries are scoped by the acting user's region: a county inspector reads what was
    # done in the county. Entries with no actor (system jobs) have an empty path and so are
    # visible only to users at the root of the tree.
    from zhenxing.audit.models import AuditEntry

    _RULES[AuditEntry] = ScopeRule(path="actor_region_path", departments="none", empty_path_to_top=True)


_register_audit()
