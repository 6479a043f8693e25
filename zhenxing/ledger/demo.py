"""Demo: the 2022 ledger (its progress, a published 2022 county assessment, the year wrapped up in
January 2023) and this year's ledger copied from it, with due dates around today and progress for
some tasks; rectification items in several states in several villages and counties, an inspection
with findings and an escalation, all dated relative to today (``timezone.localdate()`` at load
time), so the screens show what an office would see on the day the demo is loaded. Idempotent:
each part is skipped when its records already exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from zhenxing.accounts.models import User
from zhenxing.regions.models import Region
from zhenxing.registry.models import Household

from . import services
from .models import (
    AssessmentScheme,
    Assignment,
    AssignmentEvent,
    ChecklistEvidence,
    ChecklistItem,
    Inspection,
    InspectionKind,
    Ledger,
    RectificationItem,
    Scoring,
    SourceKind,
    TaskStatus,
    Unit,
)

D = dt.date


def load(*, out) -> None:
    admin = User.objects.filter(username="demo-diqu").first()
    if admin is None:
        out.write("工作台账：缺少演示账户 demo-diqu，跳过\n")
        return
    services.types_ensure()
    services.rules_ensure()
    regions = {
        r.code: r
        for r in Region.objects.filter(
            code__in=[
                "232700000000",
                "232722000000",
                "232721000000",
                "232701000000",
                "232722200206",
                "232722200208",
                "232722104201",
                "232721100201",
                "232701104201",
                "232722200000",
            ]
        )
    }
    ledger = Ledger.objects.filter(year=2022).first()
    created_ledger = ledger is None
    if ledger is None:
        ledger = services.ledger_build(actor=admin, data=services.plan_2022())
    _units_and_members(admin, regions)
    if created_ledger:
        _progress(admin, ledger, regions)
    today = timezone.localdate()
    n_items = _items(admin, regions, today)
    chain = _alert_chain()
    _assessment(admin)
    out.write(f"工作台账：{ledger.year}年度台账 {ledger.tasks.count()} 项（含推进机制），新增整改事项 {n_items} 项\n")
    if today.year > ledger.year:
        current = Ledger.objects.filter(year=today.year).first()
        if current is None:
            _wrap_up(admin, ledger)
            current = services.ledger_copy(actor=admin, source=ledger, year=today.year)
            _progress_this_year(admin, current, regions, today)
        out.write(f"工作台账：{current.year}年度台账 {current.tasks.count()} 项（复制{ledger.year}年度台账）\n")
    if chain is not None:
        out.write(f"工作台账：部门筛查预警转为整改事项“{chain}”并销号，农户住房安全已更新\n")


def _units_and_members(admin, regions) -> None:
    tahe = regions["232722000000"]
    county_office = services.unit_ensure(name="塔河县乡村振兴局", region=tahe)
    links = [
        ("demo-tahe", county_office),
        ("demo-yibao", Unit.objects.get(name="医保局", region__code="232700000000")),
        ("demo-diqu", Unit.objects.get(name="乡村振兴局", region__code="232700000000")),
    ]
    for username, unit in links:
        user = User.objects.filter(username=username).first()
        if user is not None and not hasattr(user, "ledger_unit"):
            services.unit_member_set(actor=admin, unit=unit, user=user)
    for code, name in (("232721000000", "呼玛县乡村振兴局"), ("232701000000", "漠河市乡村振兴局")):
        services.unit_ensure(name=name, region=regions[code])


def _progress(admin, ledger, regions) -> None:
    tahe = regions["232722000000"]
    county_office = Unit.objects.get(name="塔河县乡村振兴局", region=tahe)
    tasks = {t.number: t for t in ledger.tasks.filter(kind="task")}
    # The prefecture confirms the suggested division of work for the first section.
    for n in (1, 2):
        t = tasks[n]
        services.task_assign(
            actor=admin,
            task=t,
            lead_unit=t.lead_unit,
            responsible_units=t.responsible_units.all(),
            deadline=D(2022, 12, 31),
            rhythm=t.rhythm,
        )
    services.milestone_add(actor=admin, task=tasks[1], due=D(2022, 6, 30), title="完成上半年农村低收入人口排查")
    services.milestone_add(actor=admin, task=tasks[1], due=D(2022, 11, 30), title="完成年度集中排查和信息系统录入")
    # 塔河县 signs, reports monthly and closes out task 1; task 6 is in progress; task 7 awaits acceptance.
    a1 = Assignment.objects.get(task=tasks[1], region=tahe)
    services.assignment_commit(
        actor=admin,
        assignment=a1,
        owner_unit=county_office,
        owner_person="塔河县乡村振兴局局长（示例）",
        commitment="按全省年度监测标准完成排查，应纳尽纳，11月底前全部录入信息系统。",
    )
    for month, text, fig in (
        (5, "启动农村低收入人口排查，组织乡村两级培训。", "培训 6 场"),
        (6, "完成上半年排查，新识别监测对象已录入系统。", "排查 1,326 户"),
        (11, "完成年度集中排查。", "排查 2,918 户，新纳入 12 户"),
    ):
        services.report_add(actor=admin, assignment=a1, text=text, figures=fig, on=D(2022, month, 28))
    for item in tasks[1].checklist.all():
        services.evidence_set(
            actor=admin, assignment=a1, item=item, text="排查台账及系统录入截图已归档（塔河县乡村振兴局 2022-11）"
        )
    services.assignment_transition(actor=admin, assignment=a1, action="submit", on=D(2022, 12, 5))
    services.assignment_transition(actor=admin, assignment=a1, action="close", on=D(2022, 12, 20))
    for number, region_code in ((6, "232722000000"), (6, "232721000000"), (5, "232701000000")):
        a = Assignment.objects.get(task=tasks[number], region=regions[region_code])
        services.report_add(
            actor=admin, assignment=a, text="开展动态监测，发现问题即时整改。", figures="", on=D(2022, 7, 25)
        )
    a7 = Assignment.objects.get(task=tasks[7], region=tahe)
    services.report_add(actor=admin, assignment=a7, text="住房安全排查完成，建立整改台账。", on=D(2022, 8, 30))
    for item in tasks[7].checklist.all():
        services.evidence_set(actor=admin, assignment=a7, item=item, text="排查整改台账、销号材料（示例）")
    services.assignment_transition(actor=admin, assignment=a7, action="submit", on=D(2022, 12, 10))


WRAP_UP = (D(2023, 1, 10), D(2023, 1, 20))  # the 2022 tasks: submitted, then closed
# This year's tasks due around today (days from today): some within days, two a little overdue, the
# rest at the year's end as the plan says. Task 1 (塔河县 closed it) and task 7 (awaiting acceptance).
DUE_THIS_YEAR = {1: -15, 2: 5, 3: 20, 4: -12, 5: 45, 6: 3, 7: 30, 8: -30}


def _wrap_up(admin, ledger) -> None:
    """The 2022 year wrapped up in January 2023: every assignment still open is submitted with its
    evidence and closed, after the 2022 assessment's as-of date so its figures keep what they
    measured. Past records, written set-based (no notices); a second run finds nothing open."""
    left = list(Assignment.objects.filter(task__ledger=ledger).exclude(status=TaskStatus.CLOSED))
    if not left:
        return
    submitted_on, closed_on = WRAP_UP
    checklist: dict[int, list[int]] = {}
    for item_id, task_id in ChecklistItem.objects.filter(task__ledger=ledger).values_list("pk", "task_id"):
        checklist.setdefault(task_id, []).append(item_id)
    have = set(ChecklistEvidence.objects.filter(assignment__in=left).values_list("assignment_id", "item_id"))
    evidence, events = [], []
    for a in left:
        for item_id in checklist.get(a.task_id, []):
            if (a.pk, item_id) not in have:
                evidence.append(
                    ChecklistEvidence(
                        assignment=a, item_id=item_id, text="年度总结及佐证材料已归档（示例）", submitted_by=admin
                    )
                )
        if a.status != TaskStatus.AWAITING_ACCEPTANCE:
            events.append(
                AssignmentEvent(
                    assignment=a,
                    action="submit",
                    from_status=a.status,
                    to_status=TaskStatus.AWAITING_ACCEPTANCE,
                    on=submitted_on,
                    actor=admin,
                )
            )
        events.append(
            AssignmentEvent(
                assignment=a,
                action="close",
                from_status=TaskStatus.AWAITING_ACCEPTANCE,
                to_status=TaskStatus.CLOSED,
                on=closed_on,
                actor=admin,
                reason="年度工作总结验收",
            )
        )
    ChecklistEvidence.objects.bulk_create(evidence)
    AssignmentEvent.objects.bulk_create(events)
    ids = [a.pk for a in left]
    Assignment.objects.filter(pk__in=ids, submitted_on__isnull=True).update(submitted_on=submitted_on)
    Assignment.objects.filter(pk__in=ids).update(
        status=TaskStatus.CLOSED, closed_on=closed_on, version=F("version") + 1
    )


def _progress_this_year(admin, ledger, regions, today: dt.date) -> None:
    """This year's ledger on the day: due dates around today (DUE_THIS_YEAR); 塔河县 signed and
    closed task 1, reports monthly on task 6 and has task 7 awaiting acceptance; 呼玛县 and 漠河市
    report on their tasks 6 and 5. Dates never before 2 January of the year."""
    year = ledger.year

    def ago(days: int) -> dt.date:
        return max(today - dt.timedelta(days=days), D(year, 1, 2))

    tasks = {t.number: t for t in ledger.tasks.filter(kind="task")}
    for number, offset in DUE_THIS_YEAR.items():
        t = tasks.get(number)
        if t is None:
            continue
        due = min(max(today + dt.timedelta(days=offset), D(year, 1, 15)), D(year, 12, 31))
        services.task_assign(
            actor=admin,
            task=t,
            lead_unit=t.lead_unit,
            responsible_units=t.responsible_units.all(),
            deadline=due,
            rhythm=t.rhythm,
        )
    tahe = regions["232722000000"]
    a1 = Assignment.objects.get(task=tasks[1], region=tahe)
    services.assignment_commit(
        actor=admin,
        assignment=a1,
        owner_unit=Unit.objects.get(name="塔河县乡村振兴局", region=tahe),
        owner_person="塔河县乡村振兴局局长（示例）",
        commitment="按全省年度监测标准完成排查，应纳尽纳，按期全部录入信息系统。",
    )
    months = sorted({ago(n).replace(day=1) for n in (95, 65, 35)})
    for k, first in enumerate(months):
        services.report_add(
            actor=admin,
            assignment=a1,
            text=(
                "组织乡村两级培训，启动农村低收入人口排查。",
                "完成排查，新识别监测对象已录入系统。",
                "完成集中排查。",
            )[k],
            figures=("培训 6 场", "排查 1,326 户", "排查 2,918 户，新纳入 12 户")[k],
            on=min(first + dt.timedelta(days=27), today),
        )
    for item in tasks[1].checklist.all():
        services.evidence_set(
            actor=admin, assignment=a1, item=item, text=f"排查台账及系统录入截图已归档（塔河县乡村振兴局 {year}）"
        )
    services.assignment_transition(actor=admin, assignment=a1, action="submit", on=ago(22))
    services.assignment_transition(actor=admin, assignment=a1, action="close", on=ago(18))
    for number, region_code in ((6, "232722000000"), (6, "232721000000"), (5, "232701000000")):
        a = Assignment.objects.get(task=tasks[number], region=regions[region_code])
        services.report_add(actor=admin, assignment=a, text="开展动态监测，发现问题即时整改。", on=ago(10))
    a7 = Assignment.objects.get(task=tasks[7], region=tahe)
    services.report_add(actor=admin, assignment=a7, text="住房安全排查完成，建立整改台账。", on=ago(40))
    for item in tasks[7].checklist.all():
        services.evidence_set(actor=admin, assignment=a7, item=item, text="排查整改台账、销号材料（示例）")
    services.assignment_transition(actor=admin, assignment=a7, action="submit", on=ago(5))


# ref, type, village code, problem, found (days before today), days allowed, steps (10 days apart):
# one closed five months ago, one due in a few days, one awaiting verification, one overdue and
# escalated, one failing verification twice, one closed in spring, one reopened by a 回头看.
ITEMS = [
    (
        "DEMO-1",
        "housing",
        "232722200206",
        "一户脱贫户住房墙体开裂，鉴定为C级危房（示例）",
        150,
        60,
        ["start", "fix", "verify"],
    ),
    ("DEMO-2", "water", "232722200208", "冬季供水管线冻堵，3户饮水不稳定（示例）", 25, 30, ["start"]),
    ("DEMO-3", "toilet", "232722104201", "户厕冬季无法使用，需改造为室内水冲式（示例）", 80, 90, ["start", "fix"]),
    ("DEMO-4", "water", "232721100201", "水质检测浑浊度超标（示例）", 75, 30, []),
    (
        "DEMO-5",
        "housing",
        "232701104201",
        "一户边缘户住房屋面漏雨（示例）",
        100,
        60,
        ["start", "fix", "fail", "fix", "fail"],
    ),
    (
        "DEMO-6",
        "assessment",
        "232722200206",
        "省考核反馈：部分监测对象帮扶措施针对性不强（示例）",
        280,
        60,
        ["start", "fix", "verify"],
    ),
    (
        "DEMO-7",
        "toilet",
        "232722200208",
        "回头看发现户厕粪污清掏不及时（示例）",
        200,
        60,
        ["start", "fix", "verify", "recheck_fail"],
    ),
]
ESCALATED_AFTER = 17  # DEMO-4: days past its deadline when the county was reminded (约谈提醒)


def _items(admin, regions, today: dt.date) -> int:
    types = services.types_ensure()
    existing = set(
        RectificationItem.objects.filter(source_ref__startswith="DEMO-").values_list("source_ref", flat=True)
    )
    created = 0
    for ref, code, village, problem, days_ago, days_allowed, steps in ITEMS:
        if ref in existing:
            continue
        found = today - dt.timedelta(days=days_ago)
        deadline = found + dt.timedelta(days=days_allowed)
        unit = (
            Unit.objects.filter(department=types[code].department, region__code="232700000000").first()
            if types[code].department
            else None
        )
        # housing items name a household when the registry demo has one in that village
        household = (
            Household.objects.filter(village=regions[village]).order_by("number").first() if code == "housing" else None
        )
        item = services.rectification_item_open(
            actor=admin,
            type=types[code],
            region=regions[village],
            household=household,
            problem=problem,
            source=SourceKind.SELF_CHECK,
            source_label=f"{found.year}年排查（演示）",
            source_ref=ref,
            found_on=found,
            deadline=deadline,
            responsible_unit=unit,
            responsible_person="村党支部书记（示例）",
            measures="制定整改方案，明确责任人和时限。",
        )
        day = found
        for step in steps:
            day = day + dt.timedelta(days=10)
            services.item_transition(
                actor=admin,
                item=item,
                action=step,
                note="演示办理" if step in ("fail", "recheck_fail") else "",
                evidence="整改前后照片、验收单（示例）" if step == "fix" else "",
                on=day,
            )
        created += 1
    if not Inspection.objects.filter(title__endswith="年地级抽查（塔河县）").exists():
        started = today - dt.timedelta(days=55)
        ins = services.inspection_create(
            actor=admin,
            kind=InspectionKind.PREFECTURE_SPOT,
            title=f"{started.year}年地级抽查（塔河县）",
            region=regions["232722000000"],
            started_on=started,
            unit=Unit.objects.get(name="督查室", region__code="232700000000"),
            inspectors="地区督查组（示例）",
            summary="抽查十八站乡、开库康镇4个村。",
        )
        services.inspection_finding_add(
            actor=admin,
            inspection=ins,
            region=regions["232722200206"],
            problem="帮扶责任人走访记录不全（示例）",
            deadline=today - dt.timedelta(days=20),  # overdue: on the village's home page
        )
        services.inspection_finding_add(
            actor=admin,
            inspection=ins,
            region=regions["232722104201"],
            problem="村级公示栏未及时更新监测对象帮扶措施（示例）",
            deadline=today + dt.timedelta(days=8),
        )
        created += 2
    item = RectificationItem.objects.filter(source_ref="DEMO-4").first()
    if item is not None and not item.decisions.exists():
        rules = services.rules_ensure()
        services.escalation_decide(
            actor=admin,
            item=item,
            rule=rules[0],
            outcome="applied",
            unit=Unit.objects.get(name="水务局", region__code="232700000000"),
            people="呼玛县水务局分管负责人（示例）",
            document=f"大振督〔{item.deadline.year}〕3号（示例）",
            note="逾期未整改，约谈提醒。",
            on=item.deadline + dt.timedelta(days=ESCALATED_AFTER),
        )
    return created


def _alert_chain() -> RectificationItem | None:
    """One household of 开库康村 that went the whole chain: the 住建 alert (C级危房) handed on by the
    county, checked by the village and turned into a rectification item, the item fixed and
    verified, and the household's 住房安全 restored by itself. 奋斗村's and 永丰村's housing alerts
    stay open for trying the outcomes."""
    from zhenxing.screening import alerts as screening
    from zhenxing.screening.models import Alert, AlertState

    if RectificationItem.objects.filter(source=SourceKind.SCREENING).exists():
        return None
    tahe, village = (User.objects.filter(username=n).first() for n in ("demo-tahe", "demo-kaikukang"))
    alert = Alert.objects.filter(rule="housing", state=AlertState.NEW, village__code="232722104201").first()
    if alert is None or tahe is None or village is None:
        return None
    screening.alert_transition(
        actor=tahe, alert=alert, action="issue", reason="请于5个工作日内入户核实房屋状况（演示）"
    )
    screening.alert_transition(actor=village, alert=alert, action="start")
    screening.alert_transition(
        actor=village, alert=alert, action="rectify", reason="入户核实：房屋墙体开裂，鉴定C级（演示）"
    )
    item = RectificationItem.objects.get(pk=int(alert.item_ref))
    services.item_transition(actor=village, item=item, action="fix", evidence="危房改造完成，竣工验收单（示例）")
    item.refresh_from_db()
    services.item_transition(actor=tahe, item=item, action="verify", note="县住建局复核通过（演示）")
    return item


def _assessment(admin) -> None:
    if AssessmentScheme.objects.filter(year=2022).exists():
        return
    scheme = services.scheme_create(
        actor=admin, year=2022, title="2022年度县（市、区）巩固拓展脱贫攻坚成果考核", as_of=D(2022, 12, 31)
    )
    services.scheme_indicator_add(
        actor=admin,
        scheme=scheme,
        code="ledger.tasks_closed",
        weight=Decimal("30"),
        scoring=Scoring.PROPORTIONAL,
        target=Decimal("0.9"),
    )
    services.scheme_indicator_add(
        actor=admin,
        scheme=scheme,
        code="ledger.rectification_on_time",
        weight=Decimal("30"),
        scoring=Scoring.PROPORTIONAL,
        target=Decimal("0.95"),
    )
    services.scheme_indicator_add(
        actor=admin,
        scheme=scheme,
        code="ledger.rectification_overdue",
        weight=Decimal("20"),
        scoring=Scoring.PASS_FAIL,
        target=Decimal("0"),
    )
    manual = services.scheme_indicator_add(
        actor=admin, scheme=scheme, name="群众满意度及工作成效（评审）", weight=Decimal("20"), scoring=Scoring.MANUAL
    )
    services.scheme_run(actor=admin, scheme=scheme)
    for i, result in enumerate(scheme.results.select_related("county").order_by("county__code")):
        services.score_enter(
            actor=admin,
            scheme=scheme,
            county=result.county,
            indicator=manual,
            score=Decimal(18 - i),
            evidence=f"{result.county.name}入户抽查问卷及座谈记录（示例）",
        )
    services.scheme_publish(actor=admin, scheme=scheme)
