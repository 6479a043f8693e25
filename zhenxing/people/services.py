"""Writes to the village ledgers (employment, social help, cadres, rules, store, list).

The points workflow lives in ``points.py`` and the list-case workflow in ``lists.py``; both are
explicit state machines. Everything here takes the acting user, checks the data scope and role,
and owns its transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
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
VILLAGE_COMMITTEE = {Role.VILLAGE_CADRE}  # the village committee runs the points (积分制)
LIST_ROLES = {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF}  # the village power lists (小微权力清单)

# Who may write what (scope.require_write, with the read-only account and the data scope; a call
# without an actor is the demo loader or a system job).
WRITE_RULES = scope.write_rules(
    {
        "people.ledger.write": LEDGER_ROLES,
        "people.setting.set": SETTING_ROLES,
        "people.wage.apply": {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF},
        "people.list.write": LIST_ROLES,
        "people.points.committee": VILLAGE_COMMITTEE,
        "people.points.store": {Role.VILLAGE_CADRE},
    }
)

# Who may open a page (scope.page_rules): the views, the menu and the templates ask these. A
# department account sees none of these ledgers (their scope rule is "none"); "people.home" covers
# the summary and every list page under it (posts, workshops, labour, pairings, teams, cadres).
PAGE_READERS = frozenset(
    {Role.PREFECTURE_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE, Role.INSPECTOR}
)
PAGE_RULES = scope.page_rules(
    {
        "people.home": PAGE_READERS,
        "people.points": PAGE_READERS,
        "people.powers": PAGE_READERS,
        "people.settings": scope.PageRule(roles=frozenset(SETTING_ROLES), refusal="县级要求由县级工作人员设置"),
    }
)


region_of = scope.region_of  # the region a record belongs to, following its scope rule


def _village_of_member(member) -> Region:
    return member.household.village


# Cross-record checks: the person or household must live in the village the record belongs to.
def _check_links(instance: models.Model) -> None:
    errors: dict[str, list[str]] = {}
    village = region_of(instance)
    if hasattr(instance, "village_id") and isinstance(
        instance, (m.PublicPost, m.Workshop, m.Pairing, m.WorkTeam, m.PointRule, m.StoreItem, m.Power)
    ):
        if instance.village.level != Level.VILLAGE:
            errors["village"] = ["须选择村级区划"]
    member = (
        getattr(instance, "member", None)
        if isinstance(instance, (m.PostHolding, m.WorkshopWorker, m.LabourExport))
        else None
    )
    if member is not None and not isinstance(instance, m.LabourExport) and _village_of_member(member) != village:
        errors["member"] = ["该人员不是本村农户成员"]
    if isinstance(instance, m.CadreHousehold) and instance.household.village_id != village.pk:
        errors["household"] = ["帮扶户须为驻村所在村农户"]
    if member is not None and member.status != "active" and instance.pk is None:
        errors["member"] = [f"该人员{member.get_status_display()}"]
    if errors:
        raise ValidationError(errors)


def ledger_save(*, actor, instance: models.Model, action: str = "people.ledger.write") -> models.Model:
    """Create or update one ledger record (a post, a holding, a month's pay, a workshop, a worker,
    a labour export, a pairing, a delivery, a team, a cadre, a log, a training, an assessment, a
    points rule, a store item, a power)."""
    scope.require_write(actor, instance, action)
    if instance.pk is not None:
        # The stored record must be in scope too (an edit cannot move a record into one's own scope).
        stored = type(instance)._default_manager.get(pk=instance.pk)
        scope.require_write(actor, stored, action)
    instance.full_clean()
    _check_links(instance)
    with transaction.atomic(), acting(actor):
        instance.save()
    return instance


def ledger_delete(*, actor, instance: models.Model) -> None:
    scope.require_write(actor, instance, "people.ledger.write")
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


def setting_save(
    *,
    actor,
    county: Region,
    year: int,
    workshop_poor_share: Decimal,
    cadre_days_required: int,
    points_posting_days: int,
) -> m.CountySetting:
    scope.require_write(actor, county, "people.setting.set")
    if county.level != Level.COUNTY:
        raise ValidationError({"county": ["须为县级区划"]})
    with transaction.atomic(), acting(actor):
        setting, _ = m.CountySetting.objects.update_or_create(
            county=county,
            year=year,
            defaults={
                "workshop_poor_share": workshop_poor_share,
                "cadre_days_required": cadre_days_required,
                "points_posting_days": points_posting_days,
            },
        )
    return setting


# ---------------------------------------------------------------- 劳务输出 → household wage income
def labour_wage_apply(*, actor, household: Household, year: int, request=None) -> Decimal:
    """Write the employment ledgers' wage figure for ``year`` into the registry's household income.

    Called only after the user confirmed it on the page; goes through
    ``registry.services.income_set`` (the registry's own service: scope, audit, recompute).
    """
    from .selectors import wage_figures

    scope.require_write(actor, household, "people.wage.apply")
    rows = wage_figures(Household.objects.filter(pk=household.pk), year)
    total = rows[0].total if rows else Decimal("0")
    registry_services.income_set(actor=actor, household=household, year=year, wage_income=total)
    audit.event_log(
        action="people.wage_apply",
        actor=actor,
        request=request,
        obj=household,
        extra={"year": year, "wage_income": total},
    )
    return total
