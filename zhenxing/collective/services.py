"""Writes of the village collective economy. Each takes the acting user, checks the write rule
(``scope.require_write``) and owns its transaction; state changes go through the transition
engine (``workflow.py``)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.audit.services import bulk_change_log
from zhenxing.audit.writes import audited_bulk_create
from zhenxing.funds.services import money
from zhenxing.regions.models import Level
from zhenxing.registry.idnumber import IdNumberError
from zhenxing.registry.idnumber import id_hash as hash_id
from zhenxing.registry.idnumber import validate as validate_id
from zhenxing.registry.models import Member

from .models import (
    CollectiveMember,
    Distribution,
    DistributionLine,
    DistributionState,
    MemberState,
    Organisation,
    OrgKind,
    ShareChange,
    ShareChangeKind,
    ShareHolding,
    ShareKind,
)

KEEP_ROLES = {Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE}
REGISTER_ROLES = {Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF}
FEN = Decimal("0.01")

# Who may open a page (scope.page_rules): a department account keeps no collective's books.
PAGE_RULES = scope.page_rules({"collective.index": frozenset(Role) - {Role.DEPARTMENT_STAFF}})
WRITE_RULES = scope.write_rules(
    {
        # registering the organisation: the township 农经站 or the county
        "collective.org.register": scope.WriteRule(
            roles=frozenset(REGISTER_ROLES), refusal="集体经济组织须由乡镇农经站或县级登记"
        ),
        # keeping the books, members, contracts and distributions of a village
        "collective.books.keep": scope.WriteRule(
            roles=frozenset(KEEP_ROLES), refusal="须由村干部、乡镇或县级工作人员办理集体经济事项"
        ),
    }
)


def posting_days() -> int:
    """Days a membership confirmation or a distribution stays posted (公示) before it takes effect."""
    return int(getattr(settings, "COLLECTIVE_POSTING_DAYS", 7))


def weak_threshold() -> Decimal:
    """集体经济薄弱村: yearly operating income below this (yuan); *varies*, a setting."""
    return Decimal(str(getattr(settings, "COLLECTIVE_WEAK_THRESHOLD", 50000)))


# --- organisation ---------------------------------------------------------------------------


def organisation_register(
    *,
    actor,
    village,
    name: str,
    kind: str = OrgKind.JOINT_STOCK,
    credit_code: str = "",
    certificate_date: dt.date | None = None,
    council: str = "",
    supervisors: str = "",
    population_shares=1,
    labour_share_per_year=0,
    collective_shares=0,
) -> Organisation:
    scope.require_write(actor, village, "collective.org.register")
    errors: dict[str, list[str]] = {}
    if village.level != Level.VILLAGE:
        errors["village"] = ["集体经济组织须登记到村"]
    elif Organisation.objects.filter(village=village).exists():
        errors["village"] = [f"{village.name}已有集体经济组织"]
    credit_code = (credit_code or "").strip().upper()
    if credit_code and len(credit_code) != 18:
        errors["credit_code"] = ["统一社会信用代码须为18位"]
    elif credit_code and Organisation.objects.filter(credit_code=credit_code).exists():
        errors["credit_code"] = ["该统一社会信用代码已登记"]
    if kind not in OrgKind.values:
        errors["kind"] = ["组织类型不正确"]
    if not (name or "").strip():
        errors["name"] = ["须填写组织名称"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        return Organisation.objects.create(
            village=village,
            name=name.strip(),
            kind=kind,
            credit_code=credit_code,
            certificate_date=certificate_date,
            council=council,
            supervisors=supervisors,
            population_shares=Decimal(str(population_shares)),
            labour_share_per_year=Decimal(str(labour_share_per_year)),
            collective_shares=Decimal(str(collective_shares)),
            registered_by=actor,
        )


# --- members --------------------------------------------------------------------------------


def registry_member(organisation: Organisation, id_number: str) -> Member:
    """The registry's person behind an ID number, living in the organisation's village."""
    try:
        number = validate_id(id_number)
    except (IdNumberError, ValidationError) as exc:
        raise ValidationError(
            {"id_number": [str(exc) if isinstance(exc, IdNumberError) else exc.messages[0]]}
        ) from None
    person = Member.objects.filter(id_hash=hash_id(number)).select_related("household").first()
    if person is None:
        raise ValidationError({"id_number": ["农户信息库中没有此人，请先在农户信息中登记"]})
    if person.household.village_id != organisation.village_id:
        raise ValidationError({"id_number": ["此人户籍不在本村"]})
    return person


def member_apply(
    *,
    actor,
    organisation: Organisation,
    applied_on: dt.date,
    id_number: str = "",
    person: Member | None = None,
    labour_years: int = 0,
) -> CollectiveMember:
    """Record an application for membership (成员身份确认, step 1); the person is the registry's,
    found by ID number (or given: a registry member picked on a page or by the demo)."""
    scope.require_write(actor, organisation, "collective.books.keep")
    if person is None:
        person = registry_member(organisation, id_number)
    elif person.household.village_id != organisation.village_id:
        raise ValidationError({"id_number": ["此人户籍不在本村"]})
    if applied_on > timezone.localdate():
        raise ValidationError({"applied_on": ["申请日期不能晚于今天"]})
    held = CollectiveMember.objects.filter(id_hash=person.id_hash).exclude(state__in=["left", "rejected"]).first()
    if held is not None:
        where = "本组织" if held.organisation_id == organisation.pk else "其他集体经济组织"
        raise ValidationError({"id_number": [f"此人已是{where}成员或正在确认中"]})
    from .workflow import MEMBERS

    with transaction.atomic(), acting(actor):
        member = CollectiveMember.objects.create(
            organisation=organisation,
            id_hash=person.id_hash,
            applied_on=applied_on,
            labour_years=int(labour_years or 0),
            recorded_by=actor,
        )
        MEMBERS.record(actor=actor, obj=member, code="apply", label="申请", target=MemberState.APPLIED)
    return member


def member_transition(*, actor, member: CollectiveMember, code: str, reason: str = "", version=None, **extra):
    """appraise (民主评议, evidence: the meeting), post (公示), confirm (公示期满, another person than
    the one who recorded it), reject, leave (with a reason)."""
    from zhenxing import workflow as engine

    extra.setdefault("today", timezone.localdate())
    return engine.transition_apply(actor=actor, obj=member, code=code, reason=reason, version=version, **extra)


def allot(member: CollectiveMember, on: dt.date, actor) -> None:
    """The shares the scheme gives a member on confirmation (inside the confirm step)."""
    org = member.organisation
    parts = {
        ShareKind.POPULATION: org.population_shares,
        ShareKind.LABOUR: (org.labour_share_per_year * member.labour_years).quantize(FEN),
    }
    for kind, shares in parts.items():
        if shares > 0:
            ShareHolding.objects.create(member=member, kind=kind, shares=shares)
            ShareChange.objects.create(
                organisation=org,
                kind=ShareChangeKind.ALLOT,
                share_kind=kind,
                to_member=member,
                shares=shares,
                approval="成员身份确认",
                date=on,
                recorded_by=actor,
            )


def certificate_issue(*, actor, member: CollectiveMember, number: str, issued_on: dt.date) -> CollectiveMember:
    """Issue the member's numbered 股权证 (confirmed members only; a number is used once)."""
    scope.require_write(actor, member, "collective.books.keep")
    number = (number or "").strip()
    errors = []
    if member.state != MemberState.CONFIRMED:
        errors.append("成员身份确认后才能发放股权证")
    if not number:
        errors.append("须填写股权证号")
    elif CollectiveMember.objects.filter(certificate_no=number).exclude(pk=member.pk).exists():
        errors.append(f"股权证号 {number} 已使用")
    if errors:
        raise ValidationError({"number": errors})
    with transaction.atomic(), acting(actor):
        member.certificate_no, member.certificate_on = number, issued_on
        member.save(update_fields=["certificate_no", "certificate_on"])
    return member


def share_transfer(
    *,
    actor,
    from_member: CollectiveMember,
    to_member: CollectiveMember,
    kind: str,
    share_kind: str,
    shares,
    approval: str,
    date: dt.date,
) -> ShareChange:
    """Inheritance (from a member who died) or transfer inside the organisation, approved."""
    scope.require_write(actor, from_member, "collective.books.keep")
    scope.require_write(actor, to_member, "collective.books.keep")
    shares = Decimal(str(shares)).quantize(FEN)
    errors = []
    if from_member.organisation_id != to_member.organisation_id:
        errors.append("股权只能在本集体经济组织内继承或转让")
    if from_member.pk == to_member.pk:
        errors.append("转出和转入成员不能相同")
    if to_member.state != MemberState.CONFIRMED:
        errors.append("转入方须为已确认的成员")
    if kind == ShareChangeKind.INHERIT and from_member.left_reason != "death":
        errors.append("继承须为已故成员的股权")
    if kind not in (ShareChangeKind.INHERIT, ShareChangeKind.TRANSFER):
        errors.append("变更类型须为继承或组织内转让")
    if not (approval or "").strip():
        errors.append("须填写批准的会议或文件")
    if shares <= 0:
        errors.append("股数须大于0")
    if errors:
        raise ValidationError({"shares": errors})
    with transaction.atomic(), acting(actor):
        source = ShareHolding.objects.select_for_update().filter(member=from_member, kind=share_kind).first()
        if source is None or source.shares < shares:
            raise ValidationError({"shares": ["转出成员的该类股份不足"]})
        source.shares -= shares
        source.save(update_fields=["shares"])
        target, _ = ShareHolding.objects.get_or_create(member=to_member, kind=share_kind, defaults={"shares": 0})
        target.shares += shares
        target.save(update_fields=["shares"])
        return ShareChange.objects.create(
            organisation=from_member.organisation,
            kind=kind,
            share_kind=share_kind,
            from_member=from_member,
            to_member=to_member,
            shares=shares,
            approval=approval.strip(),
            date=date,
            recorded_by=actor,
        )


# --- distribution ---------------------------------------------------------------------------


def allocate(total: Decimal, weights: list[tuple[object, Decimal]]) -> dict[object, Decimal]:
    """Split ``total`` (yuan) over ``weights`` in whole fen that add up exactly to ``total``: each
    gets its exact share rounded down to the fen, and the fen left over go one each to the largest
    remainders (ties: in the order given)."""
    cents = int((total / FEN).to_integral_value())
    whole = sum((Fraction(w) for _, w in weights), Fraction(0))
    if whole == 0:
        return {k: Decimal("0.00") for k, _ in weights}
    exact = [(k, Fraction(cents) * Fraction(w) / whole) for k, w in weights]
    base = {k: int(x) for k, x in exact}
    left = cents - sum(base.values())
    order = sorted(range(len(exact)), key=lambda i: -(exact[i][1] - int(exact[i][1])))
    for i in order[:left]:
        base[exact[i][0]] += 1
    return {k: (Decimal(c) * FEN).quantize(FEN) for k, c in base.items()}


def distribution_draft(
    *, actor, organisation: Organisation, year: int, distributable_total, reserve_rate
) -> Distribution:
    """Draft (or redraft) the year's plan from the confirmed members' shares: 公积公益金 first
    (rounded to the fen), the rest over every share (the 集体股 too); the members' lines add up to
    ``dividend_total`` to the fen."""
    scope.require_write(actor, organisation, "collective.books.keep")
    total = money(distributable_total, "distributable_total")
    rate = Decimal(str(reserve_rate))
    errors: dict[str, list[str]] = {}
    if total <= 0:
        errors["distributable_total"] = ["可分配收益须大于0"]
    if not Decimal("0") <= rate <= Decimal("1"):
        errors["reserve_rate"] = ["公积公益金比例须在0到1之间"]
    existing = Distribution.objects.filter(organisation=organisation, year=year).first()
    if existing is not None and existing.state != DistributionState.DRAFT:
        errors["year"] = [f"{year}年度分配方案已{existing.get_state_display()}，不能重新编制"]
    holdings = list(
        ShareHolding.objects.filter(member__organisation=organisation, member__state=MemberState.CONFIRMED)
        .values("member")
        .annotate(s=Sum("shares"))
        .filter(s__gt=0)
        .order_by("member")
    )
    if not holdings:
        errors["distributable_total"] = errors.get("distributable_total", []) + ["没有持股的已确认成员"]
    if errors:
        raise ValidationError(errors)
    reserve = (total * rate).quantize(FEN, rounding=ROUND_HALF_UP)
    pool = total - reserve
    weights = [(h["member"], h["s"]) for h in holdings]
    collective = organisation.collective_shares
    split = allocate(pool, [*weights, ("collective", collective)] if collective > 0 else weights)
    collective_total = split.pop("collective", Decimal("0.00"))
    shares_total = sum((w for _, w in weights), Decimal("0")) + collective
    values = {
        "distributable_total": total,
        "reserve_rate": rate,
        "reserve_total": reserve,
        "collective_total": collective_total,
        "dividend_total": pool - collective_total,
        "per_share": (pool / shares_total).quantize(Decimal("0.000001")),
        "total_shares": shares_total,
        "made_by": actor,
    }
    with transaction.atomic(), acting(actor):
        if existing is None:
            plan = Distribution.objects.create(organisation=organisation, year=year, **values)
        else:
            plan = existing
            for k, v in values.items():
                setattr(plan, k, v)
            plan.save()
            _lines_clear(plan, actor)
        audited_bulk_create(
            DistributionLine,
            [DistributionLine(distribution=plan, member_id=m, shares=s, amount=split[m]) for m, s in weights],
            actor=actor,
            extra={"distribution": plan.pk},
            batch_size=5000,
        )
        lines_sum = plan.lines.aggregate(t=Sum("amount"))["t"] or Decimal("0")
        if (
            lines_sum != plan.dividend_total or reserve + collective_total + plan.dividend_total != total
        ):  # the allocation guarantees it; a database must agree
            raise ValidationError({"distributable_total": ["分配明细合计与分红总额不符"]})
    return plan


def _lines_clear(plan: Distribution, actor) -> None:
    """A redraft replaces the lines: one set-based audit entry per removed line (not row capture)."""
    old = list(plan.lines.values("pk", "member_id", "shares", "amount"))
    with connection.cursor() as cursor:  # one statement; the audit entries are written below, set-based
        cursor.execute(f"DELETE FROM {DistributionLine._meta.db_table} WHERE distribution_id = %s", [plan.pk])
    bulk_change_log(
        model=DistributionLine,
        actor=actor,
        extra={"distribution": plan.pk},
        rows=[
            (r["pk"], f"分配明细 {r['pk']}", "delete", {k: str(v) for k, v in r.items() if k != "pk"}, None)
            for r in old
        ],
    )


def distribution_transition(*, actor, distribution: Distribution, code: str, version=None, **extra):
    """approve (成员大会决议, by another person than the one who drafted it), post (公示), pay."""
    from zhenxing import workflow as engine

    extra.setdefault("today", timezone.localdate())
    return engine.transition_apply(actor=actor, obj=distribution, code=code, version=version, **extra)
