"""Writes to the village ledgers (employment, social help, cadres, rules, store, list).

The points workflow lives in ``points.py`` and the list-case workflow in ``lists.py``; both are
explicit state machines. Everything here takes the acting user, checks the data scope and role,
and owns its transaction.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit import services as audit
from zhenxing.audit.context import acting
from zhenxing.regions.models import Level, Region
from zhenxing.registry import services as registry_services
from zhenxing.registry.models import Household

from . import models as m

# Who keeps the village ledgers: the village itself, and the township and county above it.
LEDGER_ROLES = {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.PREFECTURE_ADMIN}
SETTING_ROLES = {Role.COUNTY_STAFF, Role.PREFECTURE_ADMIN}


def region_of(instance: models.Model) -> Region | None:
    """The region a record belongs to, following its scope rule (``post__village`` ...)."""
    lookup = scope.rule_for(type(instance)).region or ""
    obj = instance
    for part in lookup.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def check_can_write(actor, region: Region | None, roles: set[str] = LEDGER_ROLES) -> None:
    if actor is None:  # demo loader and system jobs
        return
    if actor.is_read_only:
        raise PermissionDenied("督查账户为只读账户")
    if actor.role not in roles:
        raise PermissionDenied("您的角色无权办理此事项")
    if region is None or not scope.region_in_scope(actor, region):
        raise PermissionDenied("该记录不在您的数据权限范围内")


def _village_of_member(member) -> Region:
    return member.household.village


# Cross-record checks: the person or household must live in the village the record belongs to.
def _check_links(instance: models.Model) -> None:
    errors: dict[str, list[str]] = {}
    village = region_of(instance)
    if hasattr(instance, "village_id") and isinstance(instance, (m.PublicPost, m.Workshop, m.Pairing, m.WorkTeam,
                                                                   m.PointRule, m.StoreItem, m.Power)):
        if instance.village.level != Level.VILLAGE:
            errors["village"] = ["须选择村级区划"]
    member = getattr(instance, "member", None) if isinstance(
        instance, (m.PostHolding, m.WorkshopWorker, m.LabourExport)) else None
    if member is not None and not isinstance(instance, m.LabourExport) and _village_of_member(member) != village:
        errors["member"] = ["该人员不是本村农户成员"]
    if isinstance(instance, m.CadreHousehold) and instance.household.village_id != village.pk:
        errors["household"] = ["帮扶户须为驻村所在村农户"]
    if member is not None and member.status != "active" and instance.pk is None:
        errors["member"] = [f"该人员{member.get_status_display()}"]
    if errors:
        raise ValidationError(errors)


def ledger_save(*, actor, instance: models.Model, roles: set[str] = LEDGER_ROLES) -> models.Model:
    """Create or update one ledger record (a post, a holding, a month's pay, a workshop, a worker,
    a labour export, a pairing, a delivery, a team, a cadre, a log, a training, an assessment, a
    points rule, a store item, a power)."""
    region = region_of(instance)
    check_can_write(actor, region, roles)
    if instance.pk is not None:
        # The stored record must be in scope too (an edit cannot move a record into one's own scope).
        stored = type(instance)._default_manager.get(pk=instance.pk)
        check_can_write(actor, region_of(stored), roles)
    instance.full_clean()
    _check_links(instance)
    with transaction.atomic(), acting(actor):
        instance.save()
    return instance


def ledger_delete(*, actor, instance: models.Model) -> None:
    check_can_write(actor, region_of(instance))
    with transaction.atomic(), acting(actor):
        instance.delete()


def record_end(*, actor, record: m.PostHolding | m.WorkshopWorker, end: dt.date):
    """A person leaves a public-welfare post or a workshop job."""
    if record.end is not None:
        raise ValidationError({"end": ["已登记离岗"]})
    if end < record.start:
        raise ValidationError({"end": ["离岗日期不能早于上岗日期"]})
    record.end = end
    return ledger_save(actor=actor, instance=record)


def setting_save(*, actor, county: Region, year: int, workshop_poor_share: Decimal, cadre_days_required: int,
                 points_posting_days: int) -> m.CountySetting:
    check_can_write(actor, county, SETTING_ROLES)
    if county.level != Level.COUNTY:
        raise ValidationError({"county": ["须为县级区划"]})
    with transaction.atomic(), acting(actor):
        setting, _ = m.CountySetting.objects.update_or_create(
            county=county, year=year, defaults={"workshop_poor_share": workshop_poor_share,
                                                "cadre_days_required": cadre_days_required,
                                                "points_posting_days": points_posting_days})
    return setting


# ---------------------------------------------------------------- 劳务输出 → household wage income
def labour_wage_apply(*, actor, household: Household, year: int, request=None) -> Decimal:
    """Write the employment ledgers' wage figure for ``year`` into the registry's household income.

    Called only after the user confirmed it on the page; goes through
    ``registry.services.income_set`` (the registry's own service: scope, audit, recompute).
    """
    from .selectors import wage_figures

    check_can_write(actor, household.village, {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF})
    rows = wage_figures(Household.objects.filter(pk=household.pk), year)
    total = rows[0].total if rows else Decimal("0")
    registry_services.income_set(actor=actor, household=household, year=year, wage_income=total)
    audit.event_log(action="people.wage_apply", actor=actor, request=request, obj=household,
                    extra={"year": year, "wage_income": total})
    return total
