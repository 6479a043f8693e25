"""Demo assets: each county's accepted projects form assets of each class; one is handed over per
county; maintenance and income ledgers, an income distribution, and a few assets that carry risk
flags (no maintainer, no income for a year, no recent inspection). Then last year's accepted projects
(``funds.demo_live``) form their assets the same way, registered and handed over after their 验收,
with this year's inspections and income. Idempotent per year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.models import Role
from zhenxing.funds import services as funds_services
from zhenxing.funds.demo import STEP_DATES, demo_actor
from zhenxing.funds.models import Project
from zhenxing.registry.models import Household

from . import services
from .models import Asset

SPECS = {  # project suffix -> (asset name, class, owner kind)
    "01": ("中药材种植基地及晾晒场", "income_generating", "village_collective"),
    "03": ("村内硬化道路", "public_benefit", "village_collective"),
    "05": ("到户种植设施", "household", "household"),
}


def load(*, out) -> None:
    _load_2022(out=out)
    _load_last_year(out=out)


def _load_last_year(*, out) -> None:
    """Assets of last year's accepted projects: titled a week after 验收, handed over a week later,
    inspected and (income-generating ones) paying out this year."""
    today = timezone.localdate()
    year = today.year - 1
    if year <= 2022:
        return
    if Asset.objects.filter(code__startswith=f"ZC-{year}-").exists():
        out.write(f"项目资产：{year}年演示数据已存在\n")
        return
    created = 0
    with transaction.atomic():
        for project in Project.objects.filter(code__startswith=f"{year}-", status="accepted").order_by("code"):
            suffix = project.code[-2:]
            if suffix not in SPECS:
                continue
            accepted = project.transitions.filter(to_status="accepted").order_by("-id").first().date
            name, cls, owner = SPECS[suffix]
            county_code = project.code[5:11]
            household = (
                Household.objects.filter(village=project.village).order_by("number").first()
                if owner == "household"
                else None
            )
            handed = min(accepted + dt.timedelta(days=14), today)
            asset = services.asset_register(
                actor=None,
                project=project,
                code=f"ZC-{year}-{county_code}-{suffix}",
                name=f"{project.village.name}{name}（{year}年）",
                asset_class=cls,
                value=project.budget,
                owner_kind=owner,
                owner_name=f"{project.village.name}股份经济合作社" if household is None else "受益农户",
                owner_household=household,
                operator="村集体经济组织" if cls == "income_generating" else "",
                maintainer="受益农户" if household else f"{project.village.name}村民委员会",
                title_document=f"{project.county.name[:2]}资确〔{year}〕{suffix}号",
                title_date=min(accepted + dt.timedelta(days=7), today),
                handed_over_on=handed,
                location=f"{project.village.name}",
            )
            created += 1
            if suffix == "01":
                funds_services.project_transition(
                    actor=demo_actor(Role.COUNTY_STAFF, project.county),
                    project=project,
                    to="handed_over",
                    date=handed,
                    evidence=f"{project.county.name[:2]}资产移交书〔{year}〕1号",
                )
            services.maintenance_record(
                actor=None,
                asset=asset,
                date=max(handed, today - dt.timedelta(days=25)),
                kind="inspection",
                description="季度巡查，运行正常",
                done_by="村级管护员",
            )
            if cls == "income_generating":
                when = max(handed, today - dt.timedelta(days=20))
                income = services.income_record(
                    actor=None, asset=asset, date=when, amount=Decimal("40000"), source="基地租赁收入"
                )
                services.income_distribute(
                    actor=None,
                    income=income,
                    recipient="脱贫户和监测户分红",
                    amount=Decimal("24000"),
                    meeting=f"村民代表大会（{when:%Y年%m月%d日}）",
                    date=when,
                )
    out.write(f"项目资产：{year}年项目新增 {created} 项\n")


def _load_2022(*, out) -> None:
    if Asset.objects.filter(code__startswith="ZC-2022-").exists():
        out.write("项目资产：2022年演示数据已存在\n")
        return
    today = timezone.localdate()
    created = 0
    with transaction.atomic():
        for project in Project.objects.filter(code__startswith="2022-", status="accepted").order_by("code"):
            suffix = project.code[-2:]
            if suffix not in SPECS:
                continue
            name, cls, owner = SPECS[suffix]
            county_code = project.code[5:11]
            household = (
                Household.objects.filter(village=project.village).order_by("number").first()
                if owner == "household"
                else None
            )
            no_maintainer = county_code == "232721" and cls == "public_benefit"
            asset = services.asset_register(
                actor=None,
                project=project,
                code=f"ZC-2022-{county_code}-{suffix}",
                name=f"{project.village.name}{name}",
                asset_class=cls,
                value=project.budget,
                owner_kind=owner,
                owner_name=f"{project.village.name}股份经济合作社" if household is None else "受益农户",
                owner_household=household,
                operator="村集体经济组织" if cls == "income_generating" else "",
                maintainer="" if no_maintainer else ("受益农户" if household else f"{project.village.name}村民委员会"),
                title_document=f"{project.county.name[:2]}资确〔2022〕{suffix}号",
                title_date=dt.date(2022, 10, 25),
                handed_over_on=dt.date(2022, 11, 1),
                location=f"{project.village.name}",
            )
            created += 1
            if suffix == "01":
                funds_services.project_transition(
                    actor=demo_actor(Role.COUNTY_STAFF, project.county),
                    project=project,
                    to="handed_over",
                    date=STEP_DATES["handed_over"],
                    evidence=f"{project.county.name[:2]}资产移交书〔2022〕1号",
                )
            # Inspections: recent for most; 漠河市's road was last inspected in 2022.
            last = (
                dt.date(2022, 12, 1)
                if county_code == "232701" and cls == "public_benefit"
                else today - dt.timedelta(days=40)
            )
            services.maintenance_record(
                actor=None,
                asset=asset,
                date=dt.date(2022, 12, 1),
                kind="inspection",
                description="移交后首次巡查，运行正常",
                done_by="村级管护员",
            )
            if last != dt.date(2022, 12, 1):
                services.maintenance_record(
                    actor=None,
                    asset=asset,
                    date=last,
                    kind="repair",
                    description="日常维修",
                    cost=Decimal("1200"),
                    done_by="村级管护员",
                )
            if cls == "income_generating":
                # 加格达奇区's base has had no income for more than a year.
                when = dt.date(2023, 6, 30) if county_code == "232761" else today - dt.timedelta(days=60)
                income = services.income_record(
                    actor=None, asset=asset, date=when, amount=Decimal("60000"), source="基地租赁收入"
                )
                services.income_distribute(
                    actor=None,
                    income=income,
                    recipient="脱贫户和监测户分红",
                    amount=Decimal("36000"),
                    meeting=f"村民代表大会（{when:%Y年%m月%d日}）",
                    date=when,
                )
                services.income_distribute(
                    actor=None,
                    income=income,
                    recipient="村集体公益事业",
                    amount=Decimal("24000"),
                    meeting=f"村民代表大会（{when:%Y年%m月%d日}）",
                    date=when,
                )
        tahe_project = Project.objects.filter(code="2022-232722-01").first()
        if tahe_project is not None:
            county = tahe_project.county
            funds_services.disclosure_publish(
                actor=demo_actor(Role.COUNTY_STAFF, county),
                county=county,
                year=2022,
                kind="assets",
                period_start=dt.date(2022, 11, 2),
                period_end=dt.date(2022, 11, 15),
                board="township",
            )
    out.write(f"项目资产：新增 {created} 项\n")
