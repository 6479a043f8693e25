"""Factories for tests of funds and assets: real projects taken through the real lifecycle."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_CEILING, Decimal

from django.utils import timezone

from zhenxing.accounts.models import Role, User
from zhenxing.regions.models import Level

from . import services, workflow
from .models import STATUS_ORDER, Allocation, FundSource, Project

_seq = itertools.count(1)


def complete_fields(**over) -> dict:
    fields = {
        "name": "特色中药材种植基地",
        "type": "industry",
        "build_type": "new",
        "year": 2022,
        "start_planned": dt.date(2022, 5, 1),
        "end_planned": dt.date(2022, 10, 31),
        "responsible_unit": "十八站乡人民政府",
        "tasks": "种植中药材200亩，建设晾晒场1处",
        "budget": Decimal("500000"),
        "funding_sources": "中央衔接资金",
        "planned_households": 30,
        "planned_people": 80,
        "performance_targets": "带动30户增收，户均增收2000元",
        "benefit_mechanism": "务工带动、土地流转、收益分红",
    }
    fields.update(over)
    return fields


def actor_for(role: str, village) -> User:
    """A staff account of ``role`` whose region contains ``village`` (created when missing)."""
    level = {Role.VILLAGE_CADRE: Level.VILLAGE, Role.TOWNSHIP_STAFF: Level.TOWNSHIP, Role.COUNTY_STAFF: Level.COUNTY}[
        role
    ]
    node = next(r for r in village.ancestors() if r.level == level)
    user = User.objects.filter(role=role, region=node, is_active=True).order_by("id").first()
    if user is None:
        user = User.objects.create(
            username=f"f-{role}-{node.code}", role=role, region=node, full_name=f"{node.name}工作人员"
        )
    return user


def advance(project: Project, to: str, *, date: dt.date | None = None, fund: bool = True) -> Project:
    """Take a project step by step to ``to``, each step by an account of the right level. A walk
    through 验收 dates the steps up to 竣工 the year's minimum days earlier and pays the minimum
    share of the budget on the 竣工 day, as 验收 asks."""
    date = date or timezone.localdate()
    accepted = STATUS_ORDER.index("accepted")
    early = date
    if STATUS_ORDER.index(project.status) < accepted <= STATUS_ORDER.index(to):
        early = date - dt.timedelta(days=services.year_parameter(date.year, project.county).acceptance_min_days)
    while STATUS_ORDER.index(project.status) < STATUS_ORDER.index(to):
        step = workflow.next_step(project.status)
        if step.target == "started" and fund and project.assigned_total == 0:
            fund_project(project, amount=project.budget)
        if step.target == "accepted":
            pay_for_acceptance(project, on=early)
        if step.target == "handed_over" and not project.assets.exists():
            from zhenxing.assets.testing import make_asset

            make_asset(project)
        role = Role.TOWNSHIP_STAFF if Role.TOWNSHIP_STAFF in step.roles else Role.COUNTY_STAFF
        day = date if STATUS_ORDER.index(step.target) >= accepted else early
        project = services.project_transition(
            actor=actor_for(role, project.village),
            project=project,
            to=step.target,
            date=day,
            evidence=f"测试文号〔2022〕{next(_seq)}号",
        )
    return project


def pay_for_acceptance(project: Project, *, on: dt.date) -> None:
    """Pay what the year's minimum share of the budget asks, less what is paid already (if funded)."""
    share = services.year_parameter(on.year, project.county).acceptance_min_paid_share
    gap = min(
        (project.budget * share).quantize(Decimal("0.01"), rounding=ROUND_CEILING) - project.paid_total,
        project.assigned_total - project.paid_total,
    )
    if gap > 0:
        services.payment_create(
            actor=None,
            project=project,
            date=on,
            amount=gap,
            payee_name="某建设工程有限公司",
            voucher_number=f"验收前支付-{next(_seq)}",
        )
        project.refresh_from_db()


def make_project(village, *, status: str = "declared", code: str | None = None, **fields) -> Project:
    declared_on = None
    if STATUS_ORDER.index(status) >= STATUS_ORDER.index("accepted"):  # declared before the early steps
        today = timezone.localdate()
        min_days = services.year_parameter(today.year, services.county_of(village)).acceptance_min_days
        declared_on = today - dt.timedelta(days=min_days)
    project = services.project_create(
        actor=None,
        village=village,
        code=code or f"XM{next(_seq):06d}",
        declared_on=declared_on,
        **complete_fields(**fields),
    )
    return advance(project, status) if status != "declared" else project


def make_allocation(
    county,
    *,
    amount=Decimal("1000000"),
    source: str = FundSource.CENTRAL,
    year: int = 2022,
    document_number: str | None = None,
) -> Allocation:
    return services.allocation_create(
        actor=None,
        county=county,
        year=year,
        source=source,
        document_number=document_number or f"黑财农〔2022〕{next(_seq)}号",
        amount=amount,
        issued_on=dt.date(2022, 3, 1),
    )


def fund_project(project: Project, *, amount, allocation: Allocation | None = None):
    allocation = allocation or make_allocation(project.county, amount=max(Decimal(amount), Decimal("1")))
    return services.assignment_create(
        actor=None,
        allocation=allocation,
        project=project,
        amount=amount,
        document_number=f"塔财〔2022〕{next(_seq)}号",
        date=dt.date(2022, 4, 1),
    )
