"""The demo's organisation for a village beyond the two taken step by step (demo.py), written
set-based: members already confirmed (their whole procedure in the history), shares and 股权证,
two years of journal entries in one audited insert each; contracts, the 清化收 problem and the
distribution go through the services (a handful of rows per village)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhenxing.accounts.models import Role
from zhenxing.audit.writes import audited_bulk_create
from zhenxing.funds.demo import demo_actor
from zhenxing.regions.models import Region
from zhenxing.registry.models import Member, MemberStatus

from . import books, services
from .models import (
    Category,
    CollectiveMember,
    JournalEntry,
    MemberEvent,
    MemberState,
    ShareChange,
    ShareChangeKind,
    ShareHolding,
    ShareKind,
)

MEMBERS = 30  # per village, at most
STEPS = (  # the confirmation procedure, as the machine records it (code, label, from, to, day offset)
    ("apply", "申请", "", MemberState.APPLIED, 0),
    ("appraise", "民主评议", MemberState.APPLIED, MemberState.APPRAISED, 0),
    ("post", "公示", MemberState.APPRAISED, MemberState.POSTED, 1),
    ("confirm", "确认", MemberState.POSTED, MemberState.CONFIRMED, 9),
)


def village_load(*, village: Region, credit: str, today: dt.date) -> None:
    cadre = demo_actor(Role.VILLAGE_CADRE, village)
    town = demo_actor(Role.TOWNSHIP_STAFF, village.parent)
    org = services.organisation_register(
        actor=None,
        village=village,
        name=f"{village.name}经济合作社",
        kind="economic",
        credit_code=credit,
        certificate_date=dt.date(2021, 3, 1),
        council="理事长 村党支部书记；理事 2人",
        supervisors="监事长 1人；监事 2人",
        population_shares=Decimal("1"),
        labour_share_per_year=Decimal("0.1"),
        collective_shares=Decimal("0"),
    )
    start = today - dt.timedelta(days=400)
    hashes = list(
        Member.objects.filter(household__village=village, status=MemberStatus.ACTIVE)
        .order_by("id")
        .values_list("id_hash", flat=True)[:MEMBERS]
    )
    members = audited_bulk_create(
        CollectiveMember,
        [
            CollectiveMember(
                organisation=org,
                id_hash=h,
                state=MemberState.CONFIRMED,
                applied_on=start,
                labour_years=(i * 7) % 30,
                appraisal_meeting=f"成员代表大会（{start:%Y年%m月%d日}）民主评议通过",
                posted_on=start + dt.timedelta(days=1),
                confirmed_on=start + dt.timedelta(days=9),
                certificate_no=f"{village.code}-{i + 1:04d}" if i % 5 != 4 else "",
                certificate_on=start + dt.timedelta(days=30) if i % 5 != 4 else None,
                recorded_by=cadre,
                confirmed_by=town,
            )
            for i, h in enumerate(hashes)
        ],
    )
    audited_bulk_create(
        MemberEvent,
        [
            MemberEvent(
                member=m,
                code=code,
                label=label,
                from_state=src,
                to_state=dst,
                actor=town if code == "confirm" else cadre,
            )
            for m in members
            for code, label, src, dst, _ in STEPS
        ],
    )
    holdings, changes = [], []
    for m in members:
        for kind, shares in (
            (ShareKind.POPULATION, org.population_shares),
            (ShareKind.LABOUR, org.labour_share_per_year * m.labour_years),
        ):
            if shares > 0:
                holdings.append(ShareHolding(member=m, kind=kind, shares=shares))
                changes.append(
                    ShareChange(
                        organisation=org,
                        kind=ShareChangeKind.ALLOT,
                        share_kind=kind,
                        to_member=m,
                        shares=shares,
                        approval="成员身份确认",
                        date=m.confirmed_on,
                        recorded_by=town,
                    )
                )
    audited_bulk_create(ShareHolding, holdings)
    audited_bulk_create(ShareChange, changes)
    _contracts(org, village, today)
    _journal(org, today, cadre)
    if members:
        plan = services.distribution_draft(
            actor=cadre, organisation=org, year=today.year - 1, distributable_total="12000", reserve_rate="0.3"
        )
        services.distribution_transition(
            actor=town, distribution=plan, code="approve", evidence=f"{today.year}年1月成员代表大会决议"
        )
        services.distribution_transition(actor=cadre, distribution=plan, code="post", today=dt.date(today.year, 1, 10))
        services.distribution_transition(actor=cadre, distribution=plan, code="pay", today=dt.date(today.year, 1, 20))


def _contracts(org, village: Region, today: dt.date) -> None:
    """One contract in arrears (its 清化收 problem in the ledger) and one ending within 60 days."""
    land = books.resource_add(actor=None, organisation=org, kind="land", name="机动地", area="60", unit="亩")
    late = books.contract_add(
        actor=None,
        organisation=org,
        code=f"HT-{village.code}-01",
        party="本村种植大户",
        subject="机动地承包",
        start=dt.date(today.year - 2, 4, 1),
        end=dt.date(today.year + 2, 3, 31),
        annual_price="6000",
        award_method="democratic",
        meeting_record=f"村民代表大会（{today.year - 2}年3月15日）",
        resource=land,
    )
    for p in late.payments.order_by("due_on")[:1]:
        books.payment_receive(actor=None, payment=p, amount=p.amount, date=p.due_on)
    books.contract_problem_record(actor=None, contract=late, kind="arrears", detail="上年承包费未缴")
    ending = books.contract_add(
        actor=None,
        organisation=org,
        code=f"HT-{village.code}-02",
        party="某养殖合作社",
        subject="村集体闲置房屋租赁",
        start=dt.date(today.year - 3, 1, 1),
        end=today + dt.timedelta(days=60),
        annual_price="3000",
        award_method="bidding",
    )
    for p in ending.payments.filter(due_on__lte=today):
        books.payment_receive(actor=None, payment=p, amount=p.amount, date=p.due_on)


def _journal(org, today: dt.date, actor) -> None:
    """Two years of monthly lines (this year up to the day) in one audited insert."""
    rows = []
    for year in (today.year - 1, today.year):
        for month in range(1, 13):
            day = dt.date(year, month, 15)
            if day > today:
                break
            rows.append((day, Category.OPERATING, Decimal(800 * (1 + month % 3)), "农机作业服务收入", f"{month:02d}-1"))
            rows.append((day, Category.MANAGEMENT, Decimal(400), "办公及会议费用", f"{month:02d}-2"))
            if month == 6:
                rows.append((day, Category.SUBSIDY, Decimal(30000), "扶持壮大村级集体经济补助资金", f"{month:02d}-3"))
    audited_bulk_create(
        JournalEntry,
        [
            JournalEntry(organisation=org, date=d, category=c, amount=a, summary=s, voucher=v, recorded_by=actor)
            for d, c, a, s, v in rows
        ],
    )
