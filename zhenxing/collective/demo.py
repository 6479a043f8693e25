"""Demo collective economy for every demo village. 奋斗村 and 开库康村 are taken step by step
through the services: an organisation each, members drawn from the registry (confirmed by the
township, the cadre recording), shares and 股权证, forest land and the village's project assets,
contracts (one in arrears, one ending soon), two years of journal entries, last year's
distribution paid, and the quarter published. Every other village with registry members gets the
same shape written set-based (``bulk.py``: members already confirmed with their history, shares,
journal through ``audited_bulk_create``), keeping the demo's load time. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.models import Role, User
from zhenxing.funds.demo import demo_actor
from zhenxing.regions.models import Level, Region
from zhenxing.registry.models import Member, MemberStatus

from . import books, demo_bulk, selectors, services
from .disclosure import disclosure_publish
from .models import Organisation

VILLAGES = {  # village code -> (credit code, cadre account, township account)
    "232722200206": ("N2232722MF0000001A", "demo-fendou", "demo-shibazhan"),
    "232722104201": ("N2232722MF0000002B", "demo-kaikukang", None),
}
MEMBERS_PER_VILLAGE = 24


def _user(username: str | None, role: str, node: Region) -> User:
    user = User.objects.filter(username=username).first() if username else None
    return user or demo_actor(role, node)


def load(*, out) -> None:
    if Organisation.objects.filter(credit_code__in=[v[0] for v in VILLAGES.values()]).exists():
        out.write("农村集体经济：演示数据已存在\n")
        return
    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        for code, (credit, cadre_name, town_name) in VILLAGES.items():
            village = Region.objects.filter(code=code).first()
            if village is None:
                continue
            _village(village, credit, cadre_name, town_name, today)
            made += 1
        others = (
            Region.objects.filter(level=Level.VILLAGE, households__isnull=False, collective__isnull=True)
            .distinct()
            .order_by("code")
        )
        for n, village in enumerate(others, start=3):
            demo_bulk.village_load(village=village, credit=f"N2232722MF{n:07d}X", today=today)
            made += 1
    out.write(f"农村集体经济：新增 {made} 个集体经济组织\n")


def _village(village: Region, credit: str, cadre_name: str, town_name: str | None, today: dt.date) -> None:
    township = village.parent
    cadre = _user(cadre_name, Role.VILLAGE_CADRE, village)
    town = _user(town_name, Role.TOWNSHIP_STAFF, township)
    org = services.organisation_register(
        actor=None,
        village=village,
        name=f"{village.name}股份经济合作社",
        credit_code=credit,
        certificate_date=dt.date(2020, 9, 15),
        council="理事长 村党支部书记；理事 2人",
        supervisors="监事长 1人；监事 2人",
        population_shares=Decimal("1"),
        labour_share_per_year=Decimal("0.1"),
        collective_shares=Decimal("2"),
    )
    start = today - dt.timedelta(days=400)
    people = Member.objects.filter(household__village=village, status=MemberStatus.ACTIVE).select_related("household")[
        :MEMBERS_PER_VILLAGE
    ]
    for i, person in enumerate(people):
        m = services.member_apply(
            actor=cadre, organisation=org, person=person, applied_on=start, labour_years=(i * 7) % 30
        )
        services.member_transition(
            actor=cadre,
            member=m,
            code="appraise",
            evidence=f"成员代表大会（{start:%Y年%m月%d日}）民主评议通过",
            today=start,
        )
        if i == len(people) - 1:  # the last one is still posted (waiting for confirmation)
            services.member_transition(actor=cadre, member=m, code="post", today=today - dt.timedelta(days=10))
            continue
        services.member_transition(actor=cadre, member=m, code="post", today=start + dt.timedelta(days=1))
        services.member_transition(actor=town, member=m, code="confirm", today=start + dt.timedelta(days=9))
        m.refresh_from_db()
        if i % 4 != 3:
            services.certificate_issue(
                actor=cadre,
                member=m,
                number=f"{village.code[-6:]}-{i + 1:04d}",
                issued_on=start + dt.timedelta(days=30),
            )
    forest = books.resource_add(
        actor=None,
        organisation=org,
        kind="forest",
        name="集体林地",
        area="1200",
        unit="亩",
        location=f"{village.name}北山",
    )
    books.resource_add(actor=None, organisation=org, kind="land", name="机动地", area="85", unit="亩")
    books.resource_add(actor=None, organisation=org, kind="equipment", name="农机具（拖拉机2台）", area="2", unit="台")
    arrears = books.contract_add(
        actor=None,
        organisation=org,
        code=f"HT-{village.code[-6:]}-01",
        party="某林下经济合作社",
        subject="集体林地林下种植500亩",
        start=dt.date(today.year - 2, 5, 1),
        end=dt.date(today.year + 3, 4, 30),
        annual_price="18000",
        award_method="exchange",
        resource=forest,
    )
    for p in arrears.payments.order_by("due_on")[:1]:  # the first year paid; the second is owed
        books.payment_receive(actor=None, payment=p, amount=p.amount, date=p.due_on)
    books.contract_problem_record(actor=None, contract=arrears, kind="arrears", detail="上年承包费未缴")
    ending = books.contract_add(
        actor=None,
        organisation=org,
        code=f"HT-{village.code[-6:]}-02",
        party="本村农户",
        subject="机动地承包",
        start=dt.date(today.year - 4, 1, 1),
        end=today + dt.timedelta(days=45),
        annual_price="8500",
        award_method="democratic",
        meeting_record=f"村民代表大会（{today.year - 4}年12月20日）",
    )
    for p in ending.payments.filter(due_on__lte=today):
        books.payment_receive(actor=None, payment=p, amount=p.amount, date=p.due_on)
    asset = selectors.village_assets([village.pk]).first()
    if asset is not None:
        leased = books.contract_add(
            actor=None,
            organisation=org,
            code=f"HT-{village.code[-6:]}-03",
            party="某农业公司",
            subject=f"{asset.name}租赁经营",
            start=dt.date(today.year - 1, 3, 1),
            end=dt.date(today.year + 4, 2, 28),
            annual_price="30000",
            award_method="bidding",
            asset=asset,
        )
        for p in leased.payments.filter(due_on__lte=today):
            books.payment_receive(actor=None, payment=p, amount=p.amount, date=p.due_on)
    _journal(org, today)
    debt = books.debt_record(
        actor=None,
        organisation=org,
        kind="debt",
        counterparty="某建材商店",
        amount="26000",
        incurred_on=dt.date(2018, 6, 1),
        cause="村部维修材料欠款",
    )
    books.debt_settle(actor=None, debt=debt, amount="10000", date=dt.date(today.year, 3, 20))
    books.debt_record(
        actor=None,
        organisation=org,
        kind="claim",
        counterparty="原机动地承包户",
        amount="4200",
        incurred_on=dt.date(2021, 12, 31),
        cause="2021年承包费未缴",
    )
    if org.members.filter(state="confirmed").exists():
        plan = services.distribution_draft(
            actor=cadre, organisation=org, year=today.year - 1, distributable_total="36000", reserve_rate="0.3"
        )
        meeting = f"{today.year}年1月8日成员代表大会决议（到会35人，同意33人）"
        services.distribution_transition(actor=town, distribution=plan, code="approve", evidence=meeting)
        services.distribution_transition(actor=cadre, distribution=plan, code="post", today=dt.date(today.year, 1, 10))
        services.distribution_transition(actor=cadre, distribution=plan, code="pay", today=dt.date(today.year, 1, 20))
    quarter = (today.month - 1) // 3 + 1
    disclosure_publish(actor=cadre, organisation=org, year=today.year, quarter=quarter)


def _journal(org: Organisation, today: dt.date) -> None:
    """Two years of monthly entries (this year up to last month)."""
    for year in (today.year - 1, today.year):
        for month in range(1, 13):
            day = dt.date(year, month, 15)
            if day > today:
                break
            v = 1 + (month % 3)
            books.journal_add(
                actor=None,
                organisation=org,
                date=day,
                category="operating",
                amount=1500 * v,
                summary="农机作业服务收入",
                voucher=f"{month:02d}-1",
            )
            books.journal_add(
                actor=None,
                organisation=org,
                date=day,
                category="management",
                amount=600,
                summary="办公及会议费用",
                voucher=f"{month:02d}-2",
            )
            if month == 6:
                books.journal_add(
                    actor=None,
                    organisation=org,
                    date=day,
                    category="subsidy",
                    amount=50000,
                    summary="扶持壮大村级集体经济补助资金",
                    voucher=f"{month:02d}-3",
                )
