"""Writes to the registry. Every function takes the acting user and owns its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit import services as audit
from zhenxing.audit.context import acting
from zhenxing.lib.logmask import mask_phone as phone_mask  # the one phone mask (the audit view uses it too)
from zhenxing.regions.models import Level, Region

from . import idnumber
from .models import (
    HOUSEHOLD_FLAGS,
    Household,
    HouseholdFlagChange,
    HouseholdIncome,
    HouseholdIncomeChange,
    Member,
    MemberChange,
    MemberChangeKind,
    MemberStatus,
    Relation,
)

# Roles whose work needs the full number (home verification, review, approval).
ID_REVEAL_ROLES = {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.PREFECTURE_ADMIN}
# A household's phone (docs/security.md): the village cadre, who calls the household, sees it in
# full; township, county and prefecture staff see it masked like an ID number and may reveal one
# (audited ``reveal_phone``); line departments and inspectors see it masked only.
PHONE_FULL_ROLES = {Role.VILLAGE_CADRE}
PHONE_REVEAL_ROLES = ID_REVEAL_ROLES
# Roles that write the registry (department staff and inspectors read it).
WRITER_ROLES = {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.PREFECTURE_ADMIN}
HOUSEHOLD_EDITABLE = (
    "village",
    "address",
    "phone",
    "formerly_poor",
    "exit_year",
    "housing_safe",
    "schooling_secured",
    "medical_insured",
    "water_safe",
)
INCOME_FIELDS = (
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_cost",
    "eligible_spending",
)


# Who writes the registry (accounts/scope.py checks them: scope.require_write). Department staff and
# inspectors only read it.
WRITE_RULES = scope.write_rules(
    {
        "registry.household.create": scope.WriteRule(roles=frozenset(WRITER_ROLES), refusal="您的角色无权修改农户档案"),
        "registry.household.edit": scope.WriteRule(roles=frozenset(WRITER_ROLES), refusal="您的角色无权修改农户档案"),
        "registry.household.import": scope.WriteRule(roles=frozenset(WRITER_ROLES), refusal="您的角色无权导入农户档案"),
        # The 三保障/饮水 flags and a verified income follow the work of another module (an alert included,
        # an item closed, a risk eliminated): that module checked the act; here only the household's region.
        "registry.household.flags": None,
    }
)

# Who may open a page or take a read-only act (scope.page_rules): the views, the menu and the
# templates ask these.
PAGE_RULES = scope.page_rules(
    {
        "registry.list": None,
        "registry.id.reveal": scope.PageRule(roles=frozenset(ID_REVEAL_ROLES), refusal="您的角色无权查看完整身份证号"),
        "registry.phone.full": scope.PageRule(
            roles=frozenset(PHONE_FULL_ROLES), refusal="您的角色无权查看完整联系电话"
        ),
        "registry.phone.reveal": scope.PageRule(
            roles=frozenset(PHONE_REVEAL_ROLES), refusal="您的角色无权查看完整联系电话"
        ),
    }
)


def household_create(
    *,
    actor,
    number: str,
    village: Region,
    address: str = "",
    phone: str = "",
    formerly_poor: bool = False,
    exit_year: int | None = None,
    housing_safe: bool = True,
    schooling_secured: bool = True,
    medical_insured: bool = True,
    water_safe: bool = True,
) -> Household:
    scope.require_write(actor, village, "registry.household.create")
    errors = {}
    if village.level != Level.VILLAGE:
        errors["village"] = ["农户须归属到村"]
    if Household.objects.filter(number=number).exists():
        errors["number"] = [f"户编号 {number} 已存在"]
    if formerly_poor and not exit_year:
        errors["exit_year"] = ["脱贫户须填写脱贫年度"]
    if not formerly_poor and exit_year:
        errors["exit_year"] = ["非脱贫户不应填写脱贫年度"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        return Household.objects.create(
            number=number,
            village=village,
            address=address,
            phone=phone,
            formerly_poor=formerly_poor,
            exit_year=exit_year,
            housing_safe=housing_safe,
            schooling_secured=schooling_secured,
            medical_insured=medical_insured,
            water_safe=water_safe,
        )


def household_update(*, actor, household: Household, **fields) -> Household:
    """Edit a household's own fields (not its number; members change through member changes)."""
    unknown = set(fields) - set(HOUSEHOLD_EDITABLE)
    if unknown:
        raise TypeError(f"unknown household fields: {unknown}")
    scope.require_write(actor, household, "registry.household.edit")
    village = fields.get("village", household.village)
    scope.require_write(actor, village, "registry.household.edit")
    errors = {}
    if village.level != Level.VILLAGE:
        errors["village"] = ["农户须归属到村"]
    poor = fields.get("formerly_poor", household.formerly_poor)
    year = fields.get("exit_year", household.exit_year)
    if poor and not year:
        errors["exit_year"] = ["脱贫户须填写脱贫年度"]
    if not poor and year:
        errors["exit_year"] = ["非脱贫户不应填写脱贫年度"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        for k, v in fields.items():
            setattr(household, k, v)
        household.save()
    return household


@dataclass(frozen=True)
class IncomeFigure:
    """A household's net income for one year as another module's work verified it (the whole
    household's figure, not per person), with the eligible out-of-pocket spending if it was measured."""

    year: int
    net_income: Decimal
    eligible_spending: Decimal | None = None


def household_record_apply(
    *,
    actor,
    household: Household,
    source: str,
    source_label: str = "",
    flags: dict[str, bool] | None = None,
    income: IncomeFigure | None = None,
) -> list[HouseholdFlagChange | HouseholdIncomeChange]:
    """THE way the household's record follows the work done in other modules: an alert included in
    monitoring (the problem is confirmed), a rectification item closed or a risk eliminated (the
    problem is solved) set its 三保障/饮水 ``flags``; an identification's verified income or an
    elimination's (or a visit's) measured income sets the year's net ``income``
    (``HouseholdIncome.verified_net_income``, the per-capita figure recomputed) — for a year without a
    record or whose record is itself a work figure; a year whose income was collected (its components,
    ``income_set`` or the import) keeps it, and the figure is not recorded. The calling module has already decided that its actor may do
    that work; here the account must not be read-only and the household must be in its data scope.
    Everything that really changes gets a history row citing ``source`` (``HouseholdFlagChange``,
    ``HouseholdIncomeChange``; the saves are audited as usual), in the caller's transaction; a value
    already recorded is left alone."""
    flags = flags or {}
    unknown = sorted(set(flags) - set(HOUSEHOLD_FLAGS))
    if unknown:
        raise ValidationError(f"不能由此变更的农户项目：{'、'.join(unknown)}")
    if not source:
        raise ValidationError("须注明变更来源")
    if income is not None and (
        Decimal(income.net_income) < 0
        or (income.eligible_spending is not None and Decimal(income.eligible_spending) < 0)
    ):
        raise ValidationError("核实的家庭纯收入和合规自付支出不能为负数")
    scope.require_write(actor, household.village, "registry.household.flags")
    with transaction.atomic(), acting(actor):
        locked = Household.objects.select_for_update().get(pk=household.pk)
        rows: list[HouseholdFlagChange | HouseholdIncomeChange] = []
        moved = {f: bool(v) for f, v in flags.items() if getattr(locked, f) != bool(v)}
        for f, v in moved.items():
            rows.append(
                HouseholdFlagChange.objects.create(
                    household=locked,
                    field=f,
                    old_value=getattr(locked, f),
                    new_value=v,
                    source=source[:64],
                    source_label=source_label[:200],
                    actor=actor,
                )
            )
            setattr(locked, f, v)
            setattr(household, f, v)
        if moved:
            locked.save(update_fields=[*moved, "updated_at"])
        if income is not None:
            change = _income_verified(actor=actor, household=locked, income=income, source=source, label=source_label)
            if change is not None:
                rows.append(change)
                for f in ("income_year", "per_capita_income"):
                    setattr(household, f, getattr(locked, f))
    return rows


def _income_verified(*, actor, household: Household, income: IncomeFigure, source: str, label: str):
    record = HouseholdIncome.objects.filter(household=household, year=income.year).first()
    if record is not None and record.verified_net_income is None:
        return None  # the year's own collection (its components) stands; a work figure never overrides it
    old = record.net_income if record is not None else None
    net = Decimal(income.net_income).quantize(Decimal("0.01"))
    spending = None if income.eligible_spending is None else Decimal(income.eligible_spending).quantize(Decimal("0.01"))
    if record is not None and record.verified_net_income == net and spending in (None, record.eligible_spending):
        return None
    record = record or HouseholdIncome(household=household, year=income.year)
    record.verified_net_income = net
    record.verified_source = (label or source)[:200]
    if spending is not None:
        record.eligible_spending = spending
    record.save()
    change = HouseholdIncomeChange.objects.create(
        household=household,
        year=income.year,
        old_net_income=old,
        new_net_income=net,
        source=source[:64],
        source_label=label[:200],
        actor=actor,
    )
    household_recompute([household.pk])
    household.refresh_from_db(fields=["income_year", "per_capita_income"])
    return change


def member_add(
    *,
    actor,
    household: Household,
    name: str,
    id_number: str,
    relation: str,
    labour: str = "normal",
    health: str = "healthy",
    schooling: str = "not_in_school",
    work_status: str = "none",
    insured: bool = True,
    date: dt.date | None = None,
    reason: str = "",
) -> Member:
    scope.require_write(actor, household, "registry.household.edit")
    try:
        number = idnumber.validate(id_number)
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": [str(exc)]}) from None
    digest = idnumber.id_hash(number)
    other = Member.objects.filter(id_hash=digest).select_related("household").first()
    if other is not None:
        raise ValidationError({"id_number": [f"该身份证号已登记在户编号 {other.household.number} 中"]})
    if (
        relation == Relation.HEAD
        and household.members.filter(relation=Relation.HEAD, status=MemberStatus.ACTIVE).exists()
    ):
        raise ValidationError({"relation": ["该户已有户主"]})
    with transaction.atomic(), acting(actor):
        member = Member.objects.create(
            household=household,
            name=name,
            id_cipher=idnumber.encrypt(number),
            id_hash=digest,
            id_masked=idnumber.mask(number),
            relation=relation,
            sex=idnumber.sex(number),
            birth_date=idnumber.birth_date(number),
            labour=labour,
            health=health,
            schooling=schooling,
            work_status=work_status,
            insured=insured,
        )
        MemberChange.objects.create(
            member=member,
            kind=MemberChangeKind.JOIN,
            household=household,
            date=date or dt.date.today(),
            reason=reason,
            recorded_by=actor,
        )
        household_recompute([household.pk])
    return member


def income_set(*, actor, household: Household, year: int, **amounts: Decimal) -> HouseholdIncome:
    """Set a year's income (one record per household and year)."""
    scope.require_write(actor, household, "registry.household.edit")
    unknown = set(amounts) - set(INCOME_FIELDS)
    if unknown:
        raise TypeError(f"unknown income fields: {unknown}")
    errors = {k: ["金额不能为负数"] for k, v in amounts.items() if Decimal(v) < 0}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        income = HouseholdIncome.objects.filter(household=household, year=year).first() or HouseholdIncome(
            household=household, year=year
        )
        for k, v in amounts.items():
            setattr(income, k, Decimal(v))
        if amounts:  # the year's own collection of the components replaces a figure the work verified
            income.verified_net_income, income.verified_source = None, ""
        income.save()
        household_recompute([household.pk])
    return income


def member_record_death(*, actor, member: Member, date: dt.date, reason: str = "") -> Member:
    return _member_change(actor=actor, member=member, kind=MemberChangeKind.DEATH, date=date, reason=reason)


def member_record_leave(*, actor, member: Member, date: dt.date, reason: str) -> Member:
    return _member_change(actor=actor, member=member, kind=MemberChangeKind.LEAVE, date=date, reason=reason)


def member_move(
    *, actor, member: Member, to_household: Household, date: dt.date, reason: str = "", relation: str = Relation.OTHER
) -> Member:
    scope.require_write(actor, to_household, "registry.household.edit")
    return _member_change(
        actor=actor,
        member=member,
        kind=MemberChangeKind.MOVE,
        date=date,
        reason=reason,
        to_household=to_household,
        relation=relation,
    )


def _member_change(*, actor, member, kind, date, reason, to_household=None, relation=None) -> Member:
    scope.require_write(actor, member, "registry.household.edit")
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": [f"该成员已{member.get_status_display()}，不能再变动"]})
    with transaction.atomic(), acting(actor):
        source = member.household
        if kind == MemberChangeKind.DEATH:
            member.status, member.death_date = MemberStatus.DEAD, date
        elif kind == MemberChangeKind.LEAVE:
            member.status = MemberStatus.LEFT
        else:
            if (
                relation == Relation.HEAD
                and to_household.members.filter(relation=Relation.HEAD, status=MemberStatus.ACTIVE).exists()
            ):
                raise ValidationError({"relation": ["迁入户已有户主"]})
            member.household, member.relation = to_household, relation
        member.save()
        MemberChange.objects.create(
            member=member,
            kind=kind,
            household=to_household or source,
            from_household=source if to_household else None,
            date=date,
            reason=reason,
            recorded_by=actor,
        )
        household_recompute([source.pk] + ([to_household.pk] if to_household else []))
    return member


def id_reveal(*, actor, member: Member, request=None) -> str:
    """The full ID number, for roles that need it; every reveal is audited."""
    scope.require_page(actor, "registry.id.reveal")
    if not scope.scoped(actor, Member).filter(pk=member.pk).exists():
        raise PermissionDenied("该成员不在您的数据权限范围内")
    audit.event_log(action="reveal_id", actor=actor, request=request, obj=member)
    return idnumber.decrypt(member.id_cipher)


def phone_for(user, phone: str) -> str:
    """A household's phone as ``user`` is shown it: in full for ``registry.phone.full``, else masked."""
    return phone if scope.may(user, "registry.phone.full") else phone_mask(phone)


def phone_reveal(*, actor, household: Household, request=None) -> str:
    """The household's full phone, for roles that may reveal it; every reveal is audited."""
    scope.require_page(actor, "registry.phone.reveal")
    if not scope.scoped(actor, Household).filter(pk=household.pk).exists():
        raise PermissionDenied("该农户不在您的数据权限范围内")
    audit.event_log(action="reveal_phone", actor=actor, request=request, obj=household)
    return household.phone


def household_recompute(household_ids: Iterable[int], *, touch: bool = True) -> None:
    """Keep the derived columns (head name, living members, latest per-capita net income) set-based.

    ``touch``: the households' ``updated_at`` becomes now — a member or an income changed, so the
    household changed (the field app's sync brings it again). The import passes False and touches
    only the households whose members or incomes it changed.

    Per-capita net income = (wage + business + property + transfer − business cost) / living members,
    or the year's verified net income (``verified_net_income``) / living members when the work set one.
    """
    ids = list(household_ids)
    if touch:
        households_touch(ids)
    if connection.vendor == "postgresql":
        _recompute_pg(ids)
        return
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        living = (
            Member.objects.filter(household=OuterRef("pk"), status=MemberStatus.ACTIVE)
            .order_by()
            .values("household")
            .annotate(c=Count("id"))
            .values("c")
        )
        head = Member.objects.filter(
            household=OuterRef("pk"), relation=Relation.HEAD, status=MemberStatus.ACTIVE
        ).values("name")[:1]
        latest = HouseholdIncome.objects.filter(household=OuterRef("pk")).order_by("-year").values("year")[:1]
        Household.objects.filter(pk__in=chunk).update(
            living_members=Coalesce(Subquery(living), 0),
            head_name=Coalesce(Subquery(head), Value("")),
            income_year=Subquery(latest),
        )
        money = DecimalField(max_digits=14, decimal_places=2)
        net = (
            HouseholdIncome.objects.filter(household=OuterRef("pk"), year=OuterRef("income_year"))
            .annotate(
                net=Coalesce(
                    F("verified_net_income"),
                    ExpressionWrapper(
                        F("wage_income")
                        + F("business_income")
                        + F("property_income")
                        + F("transfer_income")
                        - F("business_cost"),
                        output_field=money,
                    ),
                    output_field=money,
                )
            )
            .values("net")[:1]
        )
        Household.objects.filter(pk__in=chunk, living_members__gt=0).update(
            per_capita_income=Round(
                ExpressionWrapper(
                    Cast(Subquery(net, output_field=money), FloatField()) / F("living_members"), output_field=money
                ),
                2,
            )
        )
        Household.objects.filter(Q(pk__in=chunk) & (Q(living_members=0) | Q(income_year__isnull=True))).update(
            per_capita_income=None
        )


_RECOMPUTE_PG = """
WITH ids AS (SELECT unnest(%(ids)s::bigint[]) AS id),
living AS (
    SELECT m.household_id, COUNT(*) AS n,
           MIN(m.name) FILTER (WHERE m.relation = 'head') AS head
    FROM registry_member m JOIN ids ON ids.id = m.household_id
    WHERE m.status = 'active' GROUP BY m.household_id),
latest AS (
    SELECT DISTINCT ON (i.household_id) i.household_id, i.year,
           COALESCE(i.verified_net_income,
                    i.wage_income + i.business_income + i.property_income + i.transfer_income - i.business_cost) AS net
    FROM registry_householdincome i JOIN ids ON ids.id = i.household_id
    ORDER BY i.household_id, i.year DESC),
calc AS (
    SELECT ids.id, COALESCE(l.n, 0) AS n, COALESCE(l.head, '') AS head, t.year,
           CASE WHEN COALESCE(l.n, 0) > 0 AND t.year IS NOT NULL THEN ROUND(t.net / l.n, 2) END AS pci
    FROM ids LEFT JOIN living l ON l.household_id = ids.id LEFT JOIN latest t ON t.household_id = ids.id)
UPDATE registry_household h
SET living_members = calc.n, head_name = calc.head, income_year = calc.year, per_capita_income = calc.pci
FROM calc
WHERE h.id = calc.id AND (h.living_members, h.head_name, h.income_year, h.per_capita_income)
      IS DISTINCT FROM (calc.n, calc.head, calc.year, calc.pci)
"""


def households_touch(household_ids: Iterable[int]) -> None:
    """``updated_at`` = now for households whose members or incomes changed without their own row."""
    ids = list(household_ids)
    now = timezone.now()
    for start in range(0, len(ids), 5000):
        Household.objects.filter(pk__in=ids[start : start + 5000]).update(updated_at=now)


def _recompute_pg(ids: list[int]) -> None:
    """The same computation as one set-based statement per 50,000 households (PostgreSQL)."""
    with connection.cursor() as c:
        for start in range(0, len(ids), 50000):
            c.execute(_RECOMPUTE_PG, {"ids": ids[start : start + 50000]})
