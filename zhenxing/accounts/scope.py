"""Data scope: THE one place that decides which records a user may see or change.

Rule: a staff account sees its region node and everything below it; a line-department
account additionally sees only its own field: records that carry a department, its own; households
and their cases (``departments="touched"``), only those its field's alerts touch
(``department_touches``); records of a model that is a department's work without a department
field (``read_by=``: the toilets are 农业农村's), all of its region, to read only. Every model that
holds regional data registers here how to reach its region (and, where it has one, its department
field). Pages, exports
and API operations obtain records only through ``scoped()`` / ``get_object_or_404()``;
``staff_view`` does the lookup for detail URLs so a view cannot forget it. A record outside the
scope answers 404, never the data.

Write permission lives here too, beside the read rule: ``require_write(actor, target, action)``
is the one check every service calls before it changes anything. Each app declares its actions
(``"registry.household.edit"`` → the roles that may take it) in a small table registered with
``write_rules()``; the target's region must lie in the actor's subtree (never above it: a record
visible from below is read, not written, by the lower levels), the inspector only reads, and a
line-department account writes only its own field. ``choices()`` is the queryset a form or API
input may pick an id from, so a posted id outside the scope is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
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
    # What a department account sees when the model has no field: "none", "region" (all in
    # subtree) or "touched" (the households its field's records or alerts touch, reached by
    # ``household``, and what hangs on them)
    departments: str = "none"
    household: str | None = None  # ORM lookup to the household ("pk" for Household), for "touched"
    # With path=: records with an empty path (no acting user, e.g. a failed login by an
    # unknown name) are shown to users at prefecture level and above.
    empty_path_to_top: bool = False
    # ORM lookup to the account that owns the record (a background job's requester): accounts other
    # than administrators see only their own records within the region rule.
    owner: str | None = None
    # "Visible from below": records owned by a node above the user, down to this depth (1: the
    # prefecture), are read (never written) by the levels below it, whatever their department.
    below: int | None = None
    # The line departments whose work the model's records are, though the records carry no
    # department (户厕 and 人居环境 are 农业农村's): their accounts READ every record of their region
    # (``require_write`` refuses them any write on it), or only those matching ``read_when``.
    read_by: frozenset[str] = frozenset()
    read_when: models.Q | None = None


_RULES: dict[type[models.Model], ScopeRule] = {}


def register(
    *,
    region: str | None = None,
    path: str | None = None,
    field: str | None = None,
    departments: str | None = None,
    below: int | None = None,
    owner: str | None = None,
    household: str | None = None,
    read_by: Iterable[str] = (),
    read_when: models.Q | None = None,
):
    """Class decorator: ``@scope.register(region="village")`` on a model."""
    if (region is None) == (path is None):
        raise ImproperlyConfigured("scope.register needs exactly one of region= or path=")
    if (read_by and field) or (read_when is not None and not read_by):
        raise ImproperlyConfigured("scope.register(read_by=) is for models without field= (read_when= needs it)")
    if (departments == "touched") != (household is not None):
        raise ImproperlyConfigured('scope.register(departments="touched") needs household= (and only it)')

    def deco(model: type[M]) -> type[M]:
        if below is not None and not region:
            raise ImproperlyConfigured("scope.register(below=) needs region=")
        _RULES[model] = ScopeRule(
            region=region,
            path=path,
            field=field,
            departments=departments or ("field" if field else "none"),
            below=below,
            owner=owner,
            household=household,
            read_by=frozenset(read_by),
            read_when=read_when,
        )
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
        elif user.department in rule.read_by:
            qs = qs.filter(rule.read_when) if rule.read_when is not None else qs
        elif rule.departments == "touched":
            qs = qs.filter(touched(rule.household, user.department))
        elif rule.departments != "region":
            qs = qs.none()
    if rule.below is not None:
        base = qs.model._default_manager.all() if not isinstance(model_or_qs, models.QuerySet) else model_or_qs
        qs = qs | base.filter(**{f"{rule.region}__in": above_ids(node, rule.below)})
    return qs


# Sources of "the households a department's field touches": each a function of the department
# value returning a queryset of household ids, registered by the app's models module at start-up
# (screening registers its alerts).
_TOUCHES: list = []


def department_touches(households_of) -> None:
    """Register ``households_of(department) -> QuerySet of household ids``: the households that
    department's records or alerts touch, which its account sees (``departments="touched"``)."""
    if households_of not in _TOUCHES:
        _TOUCHES.append(households_of)


def touched(lookup: str, department: str) -> models.Q:
    """The condition "``lookup`` (a household) is touched by ``department``'s field" (never true
    without a registered source)."""
    q = models.Q(pk__in=[])
    for households_of in _TOUCHES:
        q |= models.Q(**{f"{lookup}__in": households_of(department)})
    return q


def above_ids(node: Region, depth: int) -> list[int]:
    """The ids of the nodes strictly above ``node`` down to ``depth`` (0 is the root)."""
    codes = [c for c in node.path.split("/") if c][:-1]
    return list(Region.objects.filter(code__in=codes, depth__lte=depth).values_list("pk", flat=True))


def get_object_or_404(user, model_or_qs: type[M] | models.QuerySet[M], **lookup) -> M:
    try:
        return scoped(user, model_or_qs).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在或不在您的数据权限范围内") from None


def region_in_scope(user, region: Region | None) -> bool:
    node = getattr(user, "region", None)
    return bool(node and region and region.path.startswith(node.path))


def regions(user, *, below: int | None = None) -> models.QuerySet[Region]:
    """The region nodes in the user's scope; with ``below``, also the nodes above the user down to
    that depth (a township user's county, read from below)."""
    qs = scoped(user, Region)
    node = getattr(user, "region", None)
    if below is not None and node is not None and qs.exists():
        qs = Region.objects.filter(models.Q(pk__in=qs.values("pk")) | models.Q(pk__in=above_ids(node, below)))
    return qs


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


# ------------------------------------------------------------------------------ write permission

READ_ONLY_REFUSAL = "督查账户为只读账户"
SCOPE_REFUSAL = "该记录不在您的数据权限范围内"
ROLE_REFUSAL = "您的角色无权办理此事项"
DEPARTMENT_REFUSAL = "行业部门账户只能办理本行业的事项"
READ_BY_REFUSAL = "行业部门账户对此类记录只能查阅，不能办理"


class OutOfScope(PermissionDenied):
    """The refusal of a target outside the actor's subtree or department (not of the role)."""


@dataclass(frozen=True)
class WriteRule:
    """Who may take one write action. ``roles`` None: every role that writes (the read-only
    inspector never does). ``system``: a call without an actor (demo loader, an operator's
    command) passes; False for actions only a person may take."""

    roles: frozenset[str] | None = None
    refusal: str = ROLE_REFUSAL
    system: bool = True
    # The read-only inspector's one kind of write: recording what they inspected (督导检查).
    read_only_may: bool = False


_WRITE_RULES: dict[str, WriteRule] = {}


def write_rules(table: Mapping[str, WriteRule | Iterable[str] | None]) -> dict[str, WriteRule]:
    """Register an app's write actions (``{"ledger.item.open": {Role.X, ...}, ...}``; a value may be
    a set of roles, None for every writing role, or a ``WriteRule``). Returns the table."""
    rules = {}
    for action, value in table.items():
        if not isinstance(value, WriteRule):
            value = WriteRule(roles=None if value is None else frozenset(value))
        if _WRITE_RULES.get(action, value) != value:
            raise ImproperlyConfigured(f"写权限动作 {action} 重复登记且规则不同")
        rules[action] = _WRITE_RULES[action] = value
    return rules


def _declaring_module_load(name: str) -> None:
    """Import ``zhenxing.<app>.services`` for a rule named ``<app>.…`` (declared there), so a rule
    asked before any page loaded is found; failing that, the URLconf (which imports every view)."""
    import importlib

    try:
        importlib.import_module(f"zhenxing.{name.split('.', 1)[0]}.services")
    except ImportError:
        pass
    if name not in _WRITE_RULES and name not in _PAGE_RULES:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 -- imports the views, which import their rules


def write_rule(action: str) -> WriteRule:
    """The rule of ``action``. An action ``<app>.<thing>.<verb>`` is declared by ``zhenxing.<app>.services``,
    imported here on first use (so a transition taken before any page loaded finds it)."""
    if action not in _WRITE_RULES:
        _declaring_module_load(action)
    try:
        return _WRITE_RULES[action]
    except KeyError:
        raise ImproperlyConfigured(f"写权限动作 {action} 未登记 (accounts.scope.write_rules)") from None


def write_actions() -> list[str]:
    return sorted(_WRITE_RULES)


def _follow(obj, lookup: str):
    for part in lookup.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def region_of(obj) -> Region | None:
    """The region node a record belongs to, reached the way its model is registered (a Region is
    its own); None when it has none."""
    if obj is None or isinstance(obj, Region):
        return obj
    rule = rule_for(type(obj))
    if rule.path is not None:
        path = getattr(obj, rule.path, "") or ""
        codes = [c for c in path.split("/") if c]
        return Region.objects.filter(code=codes[-1]).first() if codes else None
    return _follow(obj, rule.region) if rule.region else None


def require_write(actor, target, action: str) -> None:
    """THE write check: raises PermissionDenied (with the Chinese reason) unless ``actor`` may take
    ``action`` on ``target`` (a record, a Region, or None for an action with no region such as a
    prefecture-wide setting). Order: read-only account, role, department field, region."""
    rule = write_rule(action)
    if actor is None:
        if rule.system:
            return
        raise PermissionDenied("此事项须由工作人员办理")
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "region_id", None) is None:
        raise PermissionDenied(SCOPE_REFUSAL)
    if actor.is_read_only and not rule.read_only_may:
        raise PermissionDenied(READ_ONLY_REFUSAL)
    if rule.roles is not None and actor.role not in rule.roles:
        raise PermissionDenied(rule.refusal)
    if target is None:
        return
    if not isinstance(target, Region) and actor.role == Role.DEPARTMENT_STAFF:
        target_rule = rule_for(type(target))
        field = target_rule.field
        if (
            field
            and target.pk is not None
            and not scoped(actor, type(target)).filter(pk=target.pk, **{field: actor.department}).exists()
        ):
            raise OutOfScope(DEPARTMENT_REFUSAL)
        if actor.department in target_rule.read_by:  # its field's work, to read (register(read_by=))
            raise OutOfScope(READ_BY_REFUSAL)
    if not region_in_scope(actor, region_of(target)):
        raise OutOfScope(SCOPE_REFUSAL)


def can_write(user, target, action: str) -> bool:
    """``require_write`` as a yes/no, for pages that show or hide a form."""
    try:
        require_write(user, target, action)
    except PermissionDenied:
        return False
    return True


def choices(user, model_or_qs: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    """The records a form field or an API input may pick (the user's scope, with what is visible
    from below): a posted id outside it fails validation like an unknown one."""
    return scoped(user, model_or_qs)


def get_choice(user, model_or_qs: type[M] | models.QuerySet[M], **lookup) -> M | None:
    """One record of ``choices`` (or None: outside the scope reads as unknown)."""
    try:
        return choices(user, model_or_qs).filter(**lookup).first()
    except (ValueError, TypeError):
        return None


def region_levels(user, code: str | None):
    """The selects of a region cascade (``lib.picker.RegionCascade``) for the chosen ``code``: the
    user's own node, then each node chosen below it, each offering its children in scope. An
    unknown or out-of-scope code shows the first level only (the page's ``region_param`` answers
    404 for it anyway)."""
    from zhenxing.lib.picker import cascade_levels

    node = getattr(user, "region", None)
    if node is None:
        return []
    chosen = regions(user).filter(code=code).first() if code else None
    codes = [c for c in (chosen.path if chosen else node.path).split("/") if c]
    start = codes.index(node.code) if node.code in codes else len(codes) - 1
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes[start:])}
    chain = [by_code[c] for c in codes[start:] if c in by_code]
    return cascade_levels(chain, lambda r: Region.objects.filter(parent=r).order_by("code"))


# ------------------------------------------------------------------------------ page permission
# Who may open a page (or take a read-only action such as revealing an ID number): one rule per
# page, named ``<app>.<page>`` and declared in the app's services beside its WRITE_RULES. The view
# asks it (``staff_view(page=...)`` or ``may``), the app's ``nav`` asks it for its menu entry and the
# templates ask it (``{% may "..." as ok %}``, ``{% may_open url as ok %}``) for a link or button,
# so a page a role cannot open is neither linked nor listed.

PAGE_REFUSAL = "您的角色无权访问此页面"


@dataclass(frozen=True)
class PageRule:
    """``roles`` None: every staff role. ``menu``: the roles whose menu lists the page (None: all of
    ``roles``); a role left out opens it from the page it belongs to (a village cadre reads the
    year's standard from the case list), so a short menu needs no refusal. ``departments``: when
    ``roles`` admits line-department accounts, the departments whose accounts may open it (None:
    every department), the pages of records ``register(read_by=)`` gives them."""

    roles: frozenset[str] | None = None
    refusal: str = PAGE_REFUSAL
    menu: frozenset[str] | None = None
    departments: frozenset[str] | None = None


_PAGE_RULES: dict[str, PageRule] = {}


def page_rules(table: Mapping[str, PageRule | Iterable[str] | None]) -> dict[str, PageRule]:
    """Register an app's page rules (``{"funds.parameters": {Role.X, ...}, ...}``; a value may be a
    set of roles, None for every role, or a ``PageRule``). Returns the table."""
    rules = {}
    for name, value in table.items():
        if not isinstance(value, PageRule):
            value = PageRule(roles=None if value is None else frozenset(value))
        if _PAGE_RULES.get(name, value) != value:
            raise ImproperlyConfigured(f"页面权限 {name} 重复登记且规则不同")
        rules[name] = _PAGE_RULES[name] = value
    return rules


def page_rule(name: str) -> PageRule:
    if name not in _PAGE_RULES:
        _declaring_module_load(name)
    try:
        return _PAGE_RULES[name]
    except KeyError:
        raise ImproperlyConfigured(f"页面权限 {name} 未登记 (accounts.scope.page_rules)") from None


def page_names() -> list[str]:
    return sorted(_PAGE_RULES)


def require_page(user, name: str) -> None:
    """THE page check: raises PermissionDenied (with the Chinese reason) unless ``user`` may open
    page ``name``."""
    rule = page_rule(name)
    if not getattr(user, "is_authenticated", False) or getattr(user, "region_id", None) is None:
        raise PermissionDenied(SCOPE_REFUSAL)
    if rule.roles is not None and user.role not in rule.roles:
        raise PermissionDenied(rule.refusal)
    if rule.departments is not None and user.role == Role.DEPARTMENT_STAFF and user.department not in rule.departments:
        raise PermissionDenied(rule.refusal)


def may(user, name: str) -> bool:
    """``require_page`` as a yes/no, for links, buttons and menu entries."""
    try:
        require_page(user, name)
    except PermissionDenied:
        return False
    return True


def in_menu(user, name: str) -> bool:
    """Whether ``user``'s menu lists page ``name``: they may open it and their role is among the
    rule's ``menu`` roles."""
    menu = page_rule(name).menu
    return may(user, name) and (menu is None or user.role in menu)
