"""Demo: the 2022 pool and plan of the four county-level units, through the real services.

Per county: allocations (central, provincial, county), projects in every lifecycle state, a
negative-list project, assignments with document numbers, monthly payments, beneficiaries,
a disbursement plan, published notices (塔河县 with a correction), small loans. 呼玛县 puts less
than 55% of its central fund on industry. Payments include a few for the leakage check to
find (a payee not in the registry, a staff member's relative, a payment before the start, a
project paid above budget). Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from zhenxing.accounts.models import Role, User
from zhenxing.regions.models import Level, Region
from zhenxing.registry import idnumber
from zhenxing.registry.models import Household, Member

from . import services, workflow
from .models import STATUS_ORDER, DisbursementPlan, Project

COUNTIES = {
    "232722000000": {"villages": ["232722200206", "232722200208", "232722104201"], "industry": "0.62"},
    "232721000000": {"villages": ["232721100201", "232721100202", "232721204201"], "industry": "0.40"},
    "232701000000": {"villages": ["232701104201", "232701104202", "232701100201"], "industry": "0.58"},
    "232761000000": {"villages": ["232761200201", "232761200202", "232761201201"], "industry": "0.56"},
}
CENTRAL = Decimal("10000000")
# (suffix, name, type, state, budget)
PROJECTS = [
    ("01", "特色中药材种植基地建设", "industry", "accepted", "1500000"),
    ("02", "华牛养殖小区", "industry", "in_progress", "1200000"),
    ("03", "村内道路硬化", "infrastructure", "accepted", "900000"),
    ("04", "农村饮水安全巩固提升", "infrastructure", "completed", "800000"),
    ("05", "到户产业帮扶（种植补助）", "industry", "accepted", "400000"),
    ("06", "帮扶车间建设", "employment", "started", "700000"),
    ("07", "村级光伏电站", "industry", "planned", "600000"),
    ("08", "农机社会化服务中心", "industry", "approved", "800000"),
    ("09", "民俗民宿改造", "industry", "appraised", "500000"),
    ("10", "村屯环境整治", "rural_construction", "township_reviewed", "300000"),
    ("11", "设施农业大棚", "industry", "declared", "450000"),
    ("12", "乡政府购置车辆", "other", "declared", "350000"),
]
STEP_DATES = {
    "declared": dt.date(2022, 1, 10),
    "township_reviewed": dt.date(2022, 1, 20),
    "appraised": dt.date(2022, 2, 15),
    "approved": dt.date(2022, 3, 1),
    "planned": dt.date(2022, 3, 20),
    "started": dt.date(2022, 5, 10),
    "in_progress": dt.date(2022, 6, 1),
    "completed": dt.date(2022, 9, 30),
    "accepted": dt.date(2022, 10, 20),
    "handed_over": dt.date(2022, 11, 1),
}
PLAN = {3: "0.05", 4: "0.10", 5: "0.20", 6: "0.35", 7: "0.45", 8: "0.55", 9: "0.65", 10: "0.75", 11: "0.85", 12: "0.95"}


def demo_actor(role: str, node: Region) -> User:
    """A named staff account of the right level for the demo's steps (cannot log in)."""
    user = (
        User.objects.filter(role=role, region=node, is_active=True)
        .exclude(username__startswith="t-")
        .order_by("id")
        .first()
    )
    if user is None:
        user = User.objects.filter(username=f"funds-demo-{role}-{node.code}").first()
    if user is None:
        user = User(
            username=f"funds-demo-{role}-{node.code}",
            role=role,
            region=node,
            full_name=f"{node.name}项目经办人（演示）",
            must_change_password=False,
        )
        user.set_unusable_password()
        user.save()
    return user


def _level(village: Region, level: str) -> Region:
    return next(r for r in village.ancestors() if r.level == level)


def _advance(project: Project, to: str) -> Project:
    while STATUS_ORDER.index(project.status) < STATUS_ORDER.index(to):
        step = workflow.next_step(project.status)
        role = Role.TOWNSHIP_STAFF if Role.TOWNSHIP_STAFF in step.roles else Role.COUNTY_STAFF
        actor = demo_actor(
            role, _level(project.village, Level.TOWNSHIP if role == Role.TOWNSHIP_STAFF else Level.COUNTY)
        )
        project = services.project_transition(
            actor=actor,
            project=project,
            to=step.target,
            date=STEP_DATES[step.target],
            evidence=f"{project.county.name}{step.label}文件〔2022〕{STATUS_ORDER.index(step.target)}号",
        )
    return project


def _payee_id(household: Household) -> tuple[str, str]:
    m = Member.objects.filter(household=household).order_by("id").first()
    return (m.name, idnumber.decrypt(m.id_cipher)) if m else ("", "")


def load(*, out) -> None:
    """The 2022 plan, then this year's and last year's (``demo_live``, dated back from today)."""
    from . import demo_live

    _load_2022(out=out)
    demo_live.load(out=out)


def _load_2022(*, out) -> None:
    if Project.objects.filter(code__startswith="2022-232722-").exists():
        out.write("衔接资金：2022年演示数据已存在\n")
        return
    counties = {r.code: r for r in Region.objects.filter(code__in=COUNTIES)}
    villages = {
        r.code: r for r in Region.objects.filter(code__in=[v for c in COUNTIES.values() for v in c["villages"]])
    }
    if len(counties) < 4 or len(villages) < 12:
        out.write("衔接资金：缺少演示区划，跳过\n")
        return
    n_projects = 0
    with transaction.atomic():
        for code, spec in COUNTIES.items():
            county = counties[code]
            county_actor = demo_actor(Role.COUNTY_STAFF, county)
            central = services.allocation_create(
                actor=None,
                county=county,
                year=2022,
                source="central",
                document_number=f"黑财农〔2022〕{code[2:6]}号",
                amount=CENTRAL,
                issued_on=dt.date(2022, 2, 28),
                title="2022年中央财政衔接推进乡村振兴补助资金",
            )
            provincial = services.allocation_create(
                actor=None,
                county=county,
                year=2022,
                source="provincial",
                document_number=f"黑财农〔2022〕{code[2:6]}-1号",
                amount=Decimal("3000000"),
                issued_on=dt.date(2022, 3, 15),
                title="2022年省级衔接资金",
            )
            own = services.allocation_create(
                actor=None,
                county=county,
                year=2022,
                source="county",
                document_number=f"{county.name[:2]}财〔2022〕8号",
                amount=Decimal("1000000"),
                issued_on=dt.date(2022, 4, 1),
                title="县级配套衔接资金",
            )
            for month, rate in PLAN.items():
                DisbursementPlan.objects.create(county=county, year=2022, month=month, target_rate=Decimal(rate))
            vs = [villages[v] for v in spec["villages"]]
            industry_target = CENTRAL * Decimal(spec["industry"])
            projects = []
            for i, (suffix, name, ptype, state, budget) in enumerate(PROJECTS):
                village = vs[i % len(vs)]
                p = services.project_create(
                    actor=None,
                    village=village,
                    code=f"2022-{code[:6]}-{suffix}",
                    declared_on=STEP_DATES["declared"],
                    name=f"{village.name}{name}",
                    type=ptype,
                    build_type="purchase" if "车辆" in name else "new",
                    year=2022,
                    start_planned=dt.date(2022, 5, 1),
                    end_planned=dt.date(2022, 10, 31),
                    responsible_unit=f"{_level(village, Level.TOWNSHIP).name}人民政府",
                    tasks=f"{name}，详见实施方案",
                    budget=Decimal(budget),
                    funding_sources="中央衔接资金、省级衔接资金",
                    planned_households=20 + i * 3,
                    planned_people=50 + i * 7,
                    performance_targets=f"带动{20 + i * 3}户脱贫户和监测户增收",
                    benefit_mechanism="务工带动、收益分红、土地流转",
                )
                # Funding comes between approval and the start, so walk in two legs.
                target = state if STATUS_ORDER.index(state) <= STATUS_ORDER.index("planned") else "planned"
                p = _advance(p, target)
                projects.append((p, state))
                n_projects += 1
            # Assignments: central money first to industry up to the county's share, the rest elsewhere.
            funded = [p for p, state in projects if STATUS_ORDER.index(state) >= STATUS_ORDER.index("planned")]
            industry = [p for p in funded if p.type == "industry"]
            others = [p for p in funded if p.type != "industry"]
            left = industry_target
            for k, p in enumerate(industry):
                amount = min(p.budget, left) if k < len(industry) - 1 else left
                if amount > 0:
                    services.assignment_create(
                        actor=county_actor,
                        allocation=central,
                        project=p,
                        amount=amount,
                        document_number=f"{county.name[:2]}衔接办〔2022〕{k + 1}号",
                        date=dt.date(2022, 3, 25),
                    )
                    left -= amount
            for k, p in enumerate(others):
                services.assignment_create(
                    actor=county_actor,
                    allocation=central,
                    project=p,
                    amount=p.budget,
                    document_number=f"{county.name[:2]}衔接办〔2022〕{k + 11}号",
                    date=dt.date(2022, 3, 25),
                )
            for p in industry:
                p.refresh_from_db()
                gap = p.budget - p.assigned_total
                if gap > 0:
                    services.assignment_create(
                        actor=county_actor,
                        allocation=provincial,
                        project=p,
                        amount=min(gap, provincial.amount - provincial.assigned_total),
                        document_number=f"{county.name[:2]}衔接办〔2022〕21号",
                        date=dt.date(2022, 4, 2),
                    )
                    provincial.refresh_from_db()
            # A little county money on top of the budget of the first project (paid above budget).
            first = projects[0][0]
            services.assignment_create(
                actor=county_actor,
                allocation=own,
                project=first,
                amount=Decimal("50000"),
                document_number=f"{county.name[:2]}衔接办〔2022〕31号",
                date=dt.date(2022, 4, 5),
            )
            # Walk the rest of the lifecycle up to 竣工, pay month by month (before 验收, which asks for it),
            # then walk on.
            built = STATUS_ORDER.index("completed")
            for idx, (p, state) in enumerate(projects):
                if STATUS_ORDER.index(state) > STATUS_ORDER.index("planned"):
                    leg = state if STATUS_ORDER.index(state) <= built else "completed"
                    projects[idx] = (_advance(Project.objects.get(pk=p.pk), leg), state)
            voucher = 0
            for p, state in projects:
                p.refresh_from_db()
                if p.started_on is None:
                    continue
                share = {"started": Decimal("0.3"), "in_progress": Decimal("0.6")}.get(state, Decimal("1"))
                total = (p.assigned_total * share).quantize(Decimal("0.01"))
                months = [m for m in range(p.started_on.month, 12) if m <= 11][:4] or [11]
                for j, m in enumerate(months):
                    amount = (
                        (total / len(months)).quantize(Decimal("0.01"))
                        if j < len(months) - 1
                        else total - (total / len(months)).quantize(Decimal("0.01")) * (len(months) - 1)
                    )
                    voucher += 1
                    services.payment_create(
                        actor=None,
                        project=p,
                        date=dt.date(2022, m, 15),
                        amount=amount,
                        payee_name=f"{county.name[:2]}某建设工程有限公司",
                        voucher_number=f"{code[2:6]}-2022-{voucher:04d}",
                    )
            for idx, (p, state) in enumerate(projects):
                if STATUS_ORDER.index(state) > built:
                    projects[idx] = (_advance(Project.objects.get(pk=p.pk), state), state)
            _beneficiaries(projects, vs)
            _leaks(county, code, projects, vs)
            _loans(vs)
        _staff_identity()
        _publish(counties)
    out.write(f"衔接资金：新增2022年项目 {n_projects} 个\n")


def _beneficiaries(projects, villages, year: int = 2022) -> None:
    households = list(Household.objects.filter(village__in=villages).order_by("number")[:24])
    for p, state in projects:
        if STATUS_ORDER.index(state) < STATUS_ORDER.index("started"):
            continue
        for h in households[:6]:
            services.beneficiary_add(actor=None, project=p, household=h, way="wages", year=year, amount=Decimal("3000"))
        households = households[6:] + households[:6]


def _leaks(county, code, projects, villages) -> None:
    """A few payments for the leakage check to find."""
    by_state = {}
    for p, state in projects:
        by_state.setdefault(state, p)
    planned = Project.objects.get(pk=by_state["planned"].pk)
    services.payment_create(
        actor=None,
        project=planned,
        date=dt.date(2022, 4, 20),
        amount=Decimal("20000"),
        payee_name="预付材料款供应商",
        voucher_number=f"{code[2:6]}-2022-P01",
    )  # before the start
    accepted = Project.objects.get(pk=projects[0][0].pk)
    left = accepted.assigned_total - accepted.paid_total
    if left > 0:  # the county top-up: paid above budget
        services.payment_create(
            actor=None,
            project=accepted,
            date=dt.date(2022, 11, 20),
            amount=left,
            payee_name=f"{county.name[:2]}某建设工程有限公司",
            voucher_number=f"{code[2:6]}-2022-P02",
        )
    if code == "232722000000":
        in_progress = Project.objects.get(pk=by_state["in_progress"].pk)
        stranger = idnumber.make(region="230102", born=dt.date(1985, 6, 1), seq=77)
        services.payment_create(
            actor=None,
            project=in_progress,
            date=dt.date(2022, 11, 25),
            amount=Decimal("3600"),
            payee_name="王临时",
            payee_id_number=stranger,
            voucher_number="2722-2022-P03",
        )
        relative = Household.objects.filter(village__code="232722200206").order_by("number").first()
        name, number = _payee_id(relative)
        services.payment_create(
            actor=None,
            project=in_progress,
            date=dt.date(2022, 11, 26),
            amount=Decimal("4200"),
            payee_name=name,
            payee_id_number=number,
            voucher_number="2722-2022-P04",
        )


def _staff_identity() -> None:
    """The 奋斗村 cadre's own ID and household (so a payment to her relative is found)."""
    cadre = User.objects.filter(username="demo-fendou").first()
    household = Household.objects.filter(village__code="232722200206").order_by("number").first()
    if cadre is None or household is None:
        return
    from .models import StaffIdentity

    if StaffIdentity.objects.filter(user=cadre).exists():
        return
    member = Member.objects.filter(household=household).order_by("-id").first()
    number = idnumber.decrypt(member.id_cipher)
    StaffIdentity.objects.create(
        user=cadre,
        name=member.name,
        id_hash=idnumber.id_hash(number),
        id_masked=idnumber.mask(number),
        household=household,
    )


def _loans(villages) -> None:
    for h in Household.objects.filter(village__in=villages, formerly_poor=True).order_by("number")[:3]:
        name, _ = _payee_id(h)
        issued = dt.date(2021, 4, 1) if h.number.endswith(("1", "3", "5", "7", "9")) else dt.date(2022, 5, 1)
        services.micro_loan_create(
            actor=None,
            household=h,
            borrower_name=name,
            bank="农村信用社",
            contract_number=f"XD{h.number}",
            amount=Decimal("50000"),
            issued_on=issued,
            term_months=12 if issued.year == 2021 else 36,
            annual_rate=Decimal("0.0435"),
            interest_subsidy=Decimal("2175"),
            repaid=Decimal("10000"),
        )


def _publish(counties) -> None:
    """Every county publishes its pool, plan, allocations and progress; 塔河县 then corrects its progress."""
    from .leakage import leakage_run

    for county in counties.values():
        actor = demo_actor(Role.COUNTY_STAFF, county)
        for kind in ("pool", "plan", "allocations", "progress"):
            services.disclosure_publish(
                actor=actor,
                county=county,
                year=2022,
                kind=kind,
                period_start=dt.date(2022, 11, 28),
                period_end=None,
                board="county",
            )
    tahe = counties["232722000000"]
    p = Project.objects.get(code="2022-232722-02")
    services.payment_create(
        actor=None,
        project=p,
        date=dt.date(2022, 12, 5),
        amount=Decimal("10000"),
        payee_name="塔河某建设工程有限公司",
        voucher_number="2722-2022-P05",
    )
    services.disclosure_publish(
        actor=demo_actor(Role.COUNTY_STAFF, tahe),
        county=tahe,
        year=2022,
        kind="progress",
        period_start=dt.date(2022, 12, 6),
        board="county",
        note="补录12月支付",
    )
    leakage_run(actor=None, trigger="demo")
