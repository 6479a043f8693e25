"""Demo: linkage funds of this year and last year, dated back from the day the demo is loaded (issue 16
item 6), next to the 2022 plan that ``demo.py`` keeps as its year.

Per county and year: allocations (central issued in advance the autumn before, provincial, county),
a disbursement plan, projects through the real lifecycle (``services.project_transition``) and
payments (``services.payment_create``, which keeps the county month figures), beneficiaries, small
loans and published notices. This year's projects stand at every stage, each step dated so that its
last step is recent (a project declared days ago, one in progress with payments in the last weeks,
one 竣工 days ago and not yet due for 验收, some 验收 a month ago); last year's funded projects are
all accepted (``assets.demo`` forms assets from them). The central fund goes to industry projects,
so 呼玛县 again falls below the industry minimum. Idempotent per year: a year whose projects exist
is left alone; a later run in a new year adds that year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhenxing.accounts.models import Role
from zhenxing.regions.models import Level, Region
from zhenxing.registry.models import Household

from . import services, workflow
from .demo import COUNTIES, PLAN, PROJECTS, _beneficiaries, _level, _payee_id, demo_actor
from .models import STATUS_ORDER, DisbursementPlan, Project
from .models import ProjectStatus as S

FIRST_LIVE_YEAR = 2023  # 2022 is demo.py's own year
# Days before the project's next step (a project's steps are dated back from its last one).
GAP = {
    S.TOWNSHIP_REVIEWED: 10,
    S.APPRAISED: 15,
    S.APPROVED: 10,
    S.PLANNED: 10,
    S.STARTED: 20,
    S.IN_PROGRESS: 20,
    S.COMPLETED: 120,
    S.ACCEPTED: 25,
}
# How many days ago a project that stops at this state took its last step.
LAST_AGO = {
    S.DECLARED: 5,
    S.TOWNSHIP_REVIEWED: 8,
    S.APPRAISED: 12,
    S.APPROVED: 15,
    S.PLANNED: 20,
    S.STARTED: 15,
    S.IN_PROGRESS: 60,
    S.COMPLETED: 10,  # under the 15 days 验收 asks for: waiting for acceptance
    S.ACCEPTED: 30,
}
PAID_SHARE = {S.STARTED: Decimal("0.3"), S.IN_PROGRESS: Decimal("0.6")}  # built projects: all of it
FUNDED = STATUS_ORDER.index(S.PLANNED)


def step_dates(state: str, last: dt.date) -> dict[str, dt.date]:
    """The date of every step up to ``state`` (declared first), the last one ``last``."""
    steps = STATUS_ORDER[: STATUS_ORDER.index(state) + 1]
    dates = {state: last}
    for before, after in zip(reversed(steps[:-1]), reversed(steps[1:]), strict=True):
        dates[before] = dates[after] - dt.timedelta(days=GAP[after])
    return dates


def years(today: dt.date) -> list[tuple[int, dt.date, bool]]:
    """(year, the day its records run up to, all funded projects accepted): last year as of its
    December, this year as of today."""
    out = [(today.year - 1, dt.date(today.year - 1, 12, 20), True), (today.year, today, False)]
    return [y for y in out if y[0] >= FIRST_LIVE_YEAR]


def load(*, out) -> None:
    today = timezone.localdate()
    counties = {r.code: r for r in Region.objects.filter(code__in=COUNTIES)}
    codes = [v for c in COUNTIES.values() for v in c["villages"]]
    villages = {r.code: r for r in Region.objects.filter(code__in=codes)}
    if len(counties) < 4 or len(villages) < 12:
        return
    added = []
    for year, as_of, all_done in years(today):
        if Project.objects.filter(code__startswith=f"{year}-232722-").exists():
            continue
        with transaction.atomic():
            n = sum(
                _county_year(counties[code], [villages[v] for v in spec["villages"]], spec, year, as_of, all_done)
                for code, spec in COUNTIES.items()
            )
            for county in counties.values():
                _publish(county, year, as_of)
        added.append(f"{year}年 {n} 个")
    if added:
        from .leakage import leakage_run

        leakage_run(actor=None, trigger="demo")
        out.write(f"衔接资金：新增项目 {'，'.join(added)}\n")
    else:
        out.write("衔接资金：今年和去年的演示数据已存在\n")


def _walk(project: Project, to: str, dates: dict[str, dt.date]) -> Project:
    """Take the main line's steps up to ``to``: township staff where they may, else county staff
    (so 竣工 is reported by the township and accepted by the county)."""
    while STATUS_ORDER.index(project.status) < STATUS_ORDER.index(to):
        step = workflow.next_step(project.status)
        township = Role.TOWNSHIP_STAFF in step.roles
        node = _level(project.village, Level.TOWNSHIP if township else Level.COUNTY)
        project = services.project_transition(
            actor=demo_actor(Role.TOWNSHIP_STAFF if township else Role.COUNTY_STAFF, node),
            project=project,
            to=step.target,
            date=dates[step.target],
            evidence=f"{project.county.name}{step.label}文件〔{project.year}〕{STATUS_ORDER.index(step.target)}号",
        )
    return project


def _county_year(county: Region, villages: list[Region], spec: dict, year: int, as_of: dt.date, all_done: bool) -> int:
    code = county.code
    short = county.name[:2]
    specs = [
        (suffix, name, ptype, S.ACCEPTED if all_done else state, Decimal(budget))
        for suffix, name, ptype, state, budget in PROJECTS
        if not all_done or STATUS_ORDER.index(state) >= FUNDED
    ]
    plans = {suffix: step_dates(state, as_of - dt.timedelta(days=LAST_AGO[state])) for suffix, _, _, state, _ in specs}
    first_planned = min(d[S.PLANNED] for d in plans.values() if S.PLANNED in d)
    industry_total = sum(b for _, _, t, s, b in specs if t == "industry" and STATUS_ORDER.index(s) >= FUNDED)
    central_issued = min(dt.date(year - 1, 11, 20), first_planned - dt.timedelta(days=10))
    central = services.allocation_create(
        actor=None,
        county=county,
        year=year,
        source="central",
        document_number=f"黑财农〔{central_issued.year}〕{code[2:6]}号",
        amount=(industry_total / Decimal(spec["industry"]) / 10000).quantize(Decimal("1")) * 10000,
        issued_on=central_issued,
        title=f"{'提前下达' if central_issued.year < year else ''}{year}年中央财政衔接推进乡村振兴补助资金",
    )
    provincial = services.allocation_create(
        actor=None,
        county=county,
        year=year,
        source="provincial",
        document_number=f"黑财农〔{central_issued.year}〕{code[2:6]}-1号",
        amount=Decimal("3000000"),
        issued_on=central_issued + dt.timedelta(days=5),
        title=f"{year}年省级衔接资金",
    )
    services.allocation_create(
        actor=None,
        county=county,
        year=year,
        source="county",
        document_number=f"{short}财〔{year}〕8号",
        amount=Decimal("1000000"),
        issued_on=min(dt.date(year, 4, 1), as_of),
        title=f"{year}年县级配套衔接资金",
    )
    for month, rate in PLAN.items():
        DisbursementPlan.objects.create(county=county, year=year, month=month, target_rate=Decimal(rate))
    projects = []
    for i, (suffix, name, ptype, state, budget) in enumerate(specs):
        village = villages[i % len(villages)]
        dates = plans[suffix]
        start = dates.get(S.STARTED, max(dt.date(year, 5, 1), as_of + dt.timedelta(days=30)))
        p = services.project_create(
            actor=None,
            village=village,
            code=f"{year}-{code[:6]}-{suffix}",
            declared_on=dates[S.DECLARED],
            name=f"{village.name}{name}",
            type=ptype,
            build_type="purchase" if "车辆" in name else "new",
            year=year,
            start_planned=start,
            end_planned=dates.get(S.COMPLETED, start + dt.timedelta(days=150)),
            responsible_unit=f"{_level(village, Level.TOWNSHIP).name}人民政府",
            tasks=f"{name}，详见实施方案",
            budget=budget,
            funding_sources="中央衔接资金、省级衔接资金",
            planned_households=20 + i * 3,
            planned_people=50 + i * 7,
            performance_targets=f"带动{20 + i * 3}户脱贫户和监测户增收",
            benefit_mechanism="务工带动、收益分红、土地流转",
        )
        p = _walk(p, state if STATUS_ORDER.index(state) <= FUNDED else S.PLANNED, dates)
        if STATUS_ORDER.index(state) >= FUNDED:  # 纳入年度计划, then the money: industry central, the rest provincial
            services.assignment_create(
                actor=demo_actor(Role.COUNTY_STAFF, county),
                allocation=central if ptype == "industry" else provincial,
                project=p,
                amount=budget,
                document_number=f"{short}衔接办〔{year}〕{suffix}号",
                date=dates[S.PLANNED] + dt.timedelta(days=3),
            )
        projects.append((p, state, dates))
    voucher = 0
    for idx, (p, state, dates) in enumerate(projects):
        if STATUS_ORDER.index(state) <= FUNDED:
            continue
        built = STATUS_ORDER.index(state) >= STATUS_ORDER.index(S.COMPLETED)
        p = _walk(Project.objects.get(pk=p.pk), S.COMPLETED if built else state, dates)
        # Paid month by month from the start: in full by 竣工 (验收 asks for it), else up to last week.
        end = dates[S.COMPLETED] if built else max(as_of - dt.timedelta(days=7), dt.date(year, 1, 1))
        for day, amount in _instalments(p.budget * PAID_SHARE.get(state, Decimal("1")), dates[S.STARTED], end):
            voucher += 1
            services.payment_create(
                actor=None,
                project=p,
                date=day,
                amount=amount,
                payee_name=f"{short}某建设工程有限公司",
                voucher_number=f"{code[2:6]}-{year}-{voucher:04d}",
            )
        if state == S.ACCEPTED:
            p = _walk(Project.objects.get(pk=p.pk), S.ACCEPTED, dates)
        projects[idx] = (p, state, dates)
    _beneficiaries([(p, state) for p, state, _ in projects], villages, year=year)
    _loans(villages, year, as_of)
    return len(projects)


def _instalments(total: Decimal, start: dt.date, end: dt.date) -> list[tuple[dt.date, Decimal]]:
    """``total`` in up to five parts: on the 15th of each month after ``start``, the last on ``end``."""
    days = []
    day = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=15)
    while day < end:
        days.append(day)
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=15)
    days = [*days[-4:], end]
    total = total.quantize(Decimal("0.01"))
    part = (total / len(days)).quantize(Decimal("0.01"))
    return [(d, part if k < len(days) - 1 else total - part * (len(days) - 1)) for k, d in enumerate(days)]


def _loans(villages: list[Region], year: int, as_of: dt.date) -> None:
    """Two small loans a county in the year: one issued in spring, one a few months back."""
    households = Household.objects.filter(village__in=villages, formerly_poor=True).order_by("number")[3:5]
    for k, h in enumerate(households):
        name, _ = _payee_id(h)
        issued = min(dt.date(year, 4, 10), as_of) if k == 0 else as_of - dt.timedelta(days=75)
        services.micro_loan_create(
            actor=None,
            household=h,
            borrower_name=name,
            bank="农村信用社",
            contract_number=f"XD{year}{h.number}",
            amount=Decimal("50000"),
            issued_on=issued,
            term_months=36,
            annual_rate=Decimal("0.0435"),
            interest_subsidy=Decimal("2175"),
        )


def _publish(county: Region, year: int, as_of: dt.date) -> None:
    """The county publishes the year's pool, plan, allocations and progress a few days back."""
    actor = demo_actor(Role.COUNTY_STAFF, county)
    for kind in ("pool", "plan", "allocations", "progress"):
        services.disclosure_publish(
            actor=actor,
            county=county,
            year=year,
            kind=kind,
            period_start=as_of - dt.timedelta(days=3),
            period_end=None,
            board="county",
        )
