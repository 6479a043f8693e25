"""Writes of the ledger app. Every function takes the acting user, validates, and owns its
transaction; record changes are audited automatically, transitions, imports and exports as events.

Services other modules call (documented in docs/ledger.md):
- ``rectification_item_open_from_source`` -- screening / funds open a rectification item
- ``notice_send`` -- anyone sends an in-app notice
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts.models import Department, Role, User
from zhenxing.audit.context import acting
from zhenxing.audit.services import event_log
from zhenxing.audit.writes import audited_bulk_create, audited_update
from zhenxing.regions.models import Level, Region
from zhenxing.regions.selectors import PLAN_COUNTIES

from . import workflow
from .defaults import ESCALATION_RULES, RECTIFICATION_TYPES
from .models import (
    Assignment,
    AssignmentEvent,
    AssessmentIndicator,
    AssessmentResult,
    AssessmentScheme,
    AssessmentScore,
    ChecklistEvidence,
    ChecklistItem,
    DecisionOutcome,
    EscalationDecision,
    EscalationRule,
    Inspection,
    ItemEvent,
    ItemStatus,
    Ledger,
    Milestone,
    Notice,
    ProgressReport,
    RectificationItem,
    RectificationType,
    SchemeStatus,
    Scoring,
    SourceKind,
    Task,
    TaskKind,
    TaskStatus,
    Unit,
    UnitKind,
    UnitMember,
)

PLAN_2022 = Path(__file__).with_name("data") / "plan-2022.json"
PREFECTURE_CODE = "232700000000"

# The departments behind the unit names the plan implies (for the line-department data scope).
UNIT_DEPARTMENTS = {
    "医保局": Department.MEDICAL_INSURANCE, "民政局": Department.CIVIL_AFFAIRS, "教育局": Department.EDUCATION,
    "住建局": Department.HOUSING, "水务局": Department.WATER, "人社局": Department.HUMAN_RESOURCES,
    "残联": Department.DISABLED_FEDERATION, "应急管理局": Department.EMERGENCY, "卫健局": Department.HEALTH,
    "公安局": Department.PUBLIC_SECURITY,
}
PARTY_UNITS = {"组织部", "宣传部", "政法委", "文明办", "统战部"}


def _require(cond: bool, message: str, field: str | None = None) -> None:
    if not cond:
        raise ValidationError({field: [message]} if field else message)


def _writer(actor) -> None:
    if actor.is_read_only:
        raise PermissionDenied("督查账户为只读账户，不能修改数据")


def prefecture() -> Region:
    return Region.objects.get(code=PREFECTURE_CODE)


def counties(region: Region) -> list[Region]:
    """The county-level units under ``region`` that carry the ledger and are assessed: the plan's
    four addressees (regions.selectors.PLAN_COUNTIES) where present, else every county-level child."""
    children = Region.objects.filter(parent=region, level=Level.COUNTY).order_by("code")
    named = [r for r in children if r.code in PLAN_COUNTIES]
    return named or list(children)


# ---------------------------------------------------------------- units


def unit_ensure(*, name: str, region: Region, kind: str | None = None, department: str | None = None) -> Unit:
    unit = Unit.objects.filter(region=region, name=name).first()
    if unit is None:
        if kind is None:
            kind = UnitKind.PARTY if name in PARTY_UNITS else UnitKind.GOVERNMENT
        unit = Unit.objects.create(name=name, region=region, kind=kind,
                                   department=department if department is not None else UNIT_DEPARTMENTS.get(name, ""))
    return unit


def unit_create(*, actor, name: str, region: Region, kind: str, department: str = "") -> Unit:
    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "只有地区管理员可以维护单位")
    _require(bool(name.strip()), "请填写单位名称", "name")
    _require(not Unit.objects.filter(region=region, name=name.strip()).exists(), "该区划下已有同名单位", "name")
    with transaction.atomic(), acting(actor):
        return Unit.objects.create(name=name.strip(), region=region, kind=kind, department=department)


def unit_member_set(*, actor, unit: Unit, user: User) -> UnitMember:
    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "只有地区管理员可以指定单位成员")
    same_branch = user.region_id is not None and (unit.region.path.startswith(user.region.path)
                                                  or user.region.path.startswith(unit.region.path))
    _require(same_branch, "账户与单位不在同一区划", "user")
    with transaction.atomic(), acting(actor):
        link, _ = UnitMember.objects.update_or_create(user=user, defaults={"unit": unit})
        return link


# ---------------------------------------------------------------- key-task ledger


def plan_2022() -> dict:
    return json.loads(PLAN_2022.read_text(encoding="utf-8"))


def ledger_build(*, actor, data: dict, region: Region | None = None) -> Ledger:
    """Creates a year's ledger from a plan dict (the 2022 JSON, a copy, or an imported .xlsx):
    tasks and mechanisms with checklists, suggested units, and one assignment per county."""
    _writer(actor)
    region = region or prefecture()
    year = int(data["year"])
    _require(not Ledger.objects.filter(year=year).exists(), f"{year}年度台账已存在", "year")
    numbers = [t["number"] for t in data["tasks"]]
    _require(len(numbers) == len(set(numbers)), "任务序号重复")
    default_deadline = dt.date.fromisoformat(data.get("deadline") or f"{year}-12-31")
    with transaction.atomic(), acting(actor):
        ledger = Ledger.objects.create(year=year, title=data["title"], document=data.get("document", ""),
                                       region=region, sections=data.get("sections", []),
                                       rhythm=data.get("rhythm", "monthly"))
        county_list = counties(region)
        for kind, rows in ((TaskKind.TASK, data["tasks"]), (TaskKind.MECHANISM, data.get("mechanisms", []))):
            for row in rows:
                deadline = dt.date.fromisoformat(row["deadline"]) if row.get("deadline") else default_deadline
                task = Task.objects.create(ledger=ledger, kind=kind, section=row.get("section"), number=row["number"],
                                           title=row["title"], text=row.get("text", ""), deadline=deadline,
                                           rhythm=row.get("rhythm") or ledger.rhythm)
                audited_bulk_create(ChecklistItem, [ChecklistItem(task=task, number=i, text=m)
                                                    for i, m in enumerate(row.get("measures", []), 1)])
                for ms in row.get("milestones", []):
                    Milestone.objects.create(task=task, due=dt.date.fromisoformat(ms["due"]), title=ms["title"])
                lead = unit_ensure(name=row["lead_unit"], region=region) if row.get("lead_unit") else None
                resp = [unit_ensure(name=n, region=region) for n in row.get("responsible_units", [])]
                _set_units(task, lead, resp)
                audited_bulk_create(Assignment, [Assignment(task=task, region=c, deadline=deadline) for c in county_list])
        event_log(action="import", actor=actor, obj=ledger,
                  extra={"tasks": len(data["tasks"]), "mechanisms": len(data.get("mechanisms", []))})
    return ledger


def _set_units(task: Task, lead: Unit | None, responsible: Iterable[Unit]) -> None:
    responsible = [u for u in responsible if lead is None or u.pk != lead.pk]
    task.lead_unit = lead
    task.responsible_units.set(responsible)
    depts = sorted({u.department for u in [lead, *responsible] if u is not None and u.department})
    task.dept_codes = "," + ",".join(depts) + "," if depts else ""
    task.save()


def ledger_load_plan(*, actor, year: int = 2022) -> Ledger:
    existing = Ledger.objects.filter(year=year).first()
    if existing is not None:
        return existing
    _require(year == 2022, "内置方案只有2022年度")
    return ledger_build(actor=actor, data=plan_2022())


def ledger_as_data(ledger: Ledger) -> dict:
    """The ledger as the same dict ``ledger_build`` takes (used for copying and export)."""
    tasks = (ledger.tasks.select_related("lead_unit").prefetch_related("responsible_units", "checklist", "milestones")
             .order_by("-kind", "number"))

    def row(t: Task) -> dict:
        return {"number": t.number, "section": t.section, "title": t.title, "text": t.text,
                "measures": [c.text for c in t.checklist.all()],
                "lead_unit": t.lead_unit.name if t.lead_unit else "",
                "responsible_units": [u.name for u in t.responsible_units.all()],
                "deadline": t.deadline.isoformat(), "rhythm": t.rhythm,
                "milestones": [{"due": m.due.isoformat(), "title": m.title} for m in t.milestones.all()]}

    all_tasks = list(tasks)
    return {"year": ledger.year, "title": ledger.title, "document": ledger.document, "rhythm": ledger.rhythm,
            "deadline": f"{ledger.year}-12-31", "sections": ledger.sections,
            "tasks": [row(t) for t in all_tasks if t.kind == TaskKind.TASK],
            "mechanisms": [row(t) for t in all_tasks if t.kind == TaskKind.MECHANISM]}


def _shift_year(iso: str, years: int) -> str:
    d = dt.date.fromisoformat(iso)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 2月29日
        return d.replace(year=d.year + years, day=28).isoformat()


def ledger_copy(*, actor, source: Ledger, year: int, title: str = "") -> Ledger:
    """Next year's ledger: the same tasks, checklists and units, dates moved by the year gap; no progress."""
    _require(actor.role == Role.PREFECTURE_ADMIN, "只有地区管理员可以新建年度台账")
    data = ledger_as_data(source)
    gap = year - source.year
    data["year"] = year
    data["title"] = title or source.title.replace(str(source.year), str(year))
    data["deadline"] = f"{year}-12-31"
    for row in data["tasks"] + data["mechanisms"]:
        row["deadline"] = _shift_year(row["deadline"], gap)
        for ms in row["milestones"]:
            ms["due"] = _shift_year(ms["due"], gap)
    return ledger_build(actor=actor, data=data, region=source.region)


def task_assign(*, actor, task: Task, lead_unit: Unit | None, responsible_units: Iterable[Unit],
                deadline: dt.date, rhythm: str) -> Task:
    """The prefecture admin confirms or edits the suggested division of work."""
    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "只有地区管理员可以确认任务分工")
    with transaction.atomic(), acting(actor):
        old_deadline = task.deadline
        task.deadline = deadline
        task.rhythm = rhythm
        task.units_confirmed = True
        _set_units(task, lead_unit, list(responsible_units))
        if deadline != old_deadline:
            audited_update(task.assignments.filter(deadline=old_deadline), deadline=deadline)
    return task


def task_edit(*, actor, task: Task, title: str, measures: list[str]) -> Task:
    """Edits a task's wording and checklist (e.g. in next year's copied ledger), while no county has
    given evidence against the checklist yet."""
    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "只有地区管理员可以修改任务")
    _require(bool(title.strip()), "请填写任务名称", "title")
    measures = [m.strip() for m in measures if m.strip()]
    _require(bool(measures), "验收清单至少一项", "measures")
    current = [c.text for c in task.checklist.all()]
    if measures != current:
        _require(not ChecklistEvidence.objects.filter(item__task=task).exists(),
                 "已有县（市、区）按清单提交佐证，不能再修改验收清单", "measures")
    with transaction.atomic(), acting(actor):
        task.title = title.strip()
        task.save()
        if measures != current:
            task.checklist.all().delete()
            audited_bulk_create(ChecklistItem, [ChecklistItem(task=task, number=i, text=m)
                                                for i, m in enumerate(measures, 1)])
    return task


def milestone_add(*, actor, task: Task, due: dt.date, title: str) -> Milestone:
    _require(workflow.is_lead(actor, task), "只有牵头单位或地区管理员可以设置节点")
    _require(bool(title.strip()), "请填写节点目标", "title")
    with transaction.atomic(), acting(actor):
        return Milestone.objects.create(task=task, due=due, title=title.strip())


def assignment_commit(*, actor, assignment: Assignment, owner_unit: Unit | None, owner_person: str,
                      commitment: str) -> Assignment:
    """The local owner signs the commitment (承诺兑现制)."""
    _writer(actor)
    _require(workflow.is_owner(actor, assignment), "您不是该任务的本地责任方")
    _require(bool(commitment.strip()), "请填写承诺事项", "commitment")
    _require(bool(owner_person.strip()), "请填写责任人", "owner_person")
    with transaction.atomic(), acting(actor):
        assignment.owner_unit = owner_unit
        assignment.owner_person = owner_person.strip()
        assignment.commitment = commitment.strip()
        assignment.committed_by = actor
        assignment.committed_at = timezone.now()
        assignment.version += 1
        assignment.save()
    return assignment


def report_add(*, actor, assignment: Assignment, text: str, period: dt.date | None = None, figures: str = "",
               attachment=None, on: dt.date | None = None) -> ProgressReport:
    from .dates import period_start

    _writer(actor)
    _require(workflow.is_owner(actor, assignment), "您无权为该任务报送进度")
    _require(assignment.status != TaskStatus.CLOSED, "任务已销号，如需继续报送请先撤销销号")
    _require(bool(text.strip()), "请填写进展情况", "text")
    on = on or timezone.localdate()
    period = period_start(period or on, assignment.task.rhythm)
    with transaction.atomic(), acting(actor):
        report = ProgressReport.objects.create(assignment=assignment, period=period, reported_on=on, reporter=actor,
                                               unit_id=workflow.user_unit_id(actor), text=text.strip(),
                                               figures=figures.strip(), attachment=attachment or "")
        if assignment.status == TaskStatus.NOT_STARTED:
            assignment_transition(actor=actor, assignment=assignment, action="start", on=on)
    return report


def evidence_set(*, actor, assignment: Assignment, item: ChecklistItem, text: str, attachment=None) -> ChecklistEvidence:
    _writer(actor)
    _require(item.task_id == assignment.task_id, "清单项不属于该任务")
    _require(workflow.is_owner(actor, assignment), "您无权为该任务提交佐证")
    _require(assignment.status != TaskStatus.CLOSED, "任务已销号")
    _require(bool(text.strip()), "请填写完成情况及佐证", "text")
    with transaction.atomic(), acting(actor):
        ev, created = ChecklistEvidence.objects.get_or_create(
            assignment=assignment, item=item, defaults={"text": text.strip(), "submitted_by": actor,
                                                        "attachment": attachment or ""})
        if not created:
            ev.text = text.strip()
            ev.submitted_by = actor
            if attachment:
                ev.attachment = attachment
            ev.save()
    return ev


def missing_evidence(assignment: Assignment) -> list[ChecklistItem]:
    done = set(assignment.evidence.exclude(text="").values_list("item_id", flat=True))
    return [c for c in assignment.task.checklist.all() if c.pk not in done]


def assignment_transition(*, actor, assignment: Assignment, action: str, reason: str = "",
                          on: dt.date | None = None, expected_version: int | None = None) -> Assignment:
    _writer(actor)
    t = workflow.TASK_TRANSITIONS.get(action)
    _require(t is not None, "未知操作")
    _require(assignment.status in t.sources, f"当前状态为{assignment.get_status_display()}，不能{t.label}")
    _require(workflow.CHECKS[t.who](actor, assignment), f"您无权{t.label}")
    _require(not t.needs_reason or bool(reason.strip()), f"{t.label}须填写理由", "reason")
    if t.needs_evidence:
        missing = missing_evidence(assignment)
        _require(not missing, "验收清单尚有未提供佐证的事项：" + "；".join(f"第{c.number}项" for c in missing))
    on = on or timezone.localdate()
    version = assignment.version if expected_version is None else expected_version
    fields = {"status": t.target, "version": version + 1}
    if t.target == TaskStatus.CLOSED:
        fields["closed_on"] = on
    elif t.target == TaskStatus.AWAITING_ACCEPTANCE:
        fields["submitted_on"] = on
    else:
        fields["closed_on"] = None
        if action in ("reject", "reopen"):
            fields["submitted_on"] = None
    with transaction.atomic(), acting(actor):
        updated = Assignment.objects.filter(pk=assignment.pk, version=version, status=assignment.status).update(**fields)
        _require(updated == 1, "该任务已被他人更新，请刷新后重试")
        AssignmentEvent.objects.create(assignment=assignment, action=action, from_status=assignment.status,
                                       to_status=t.target, on=on, actor=actor, reason=reason.strip())
        event_log(action="transition", actor=actor, obj=assignment,
                  extra={"action": action, "from": assignment.status, "to": t.target, "reason": reason.strip(),
                         "on": on})
        before = assignment.status
        for k, v in fields.items():
            setattr(assignment, k, v)
        if action in ("close", "reject", "reopen"):
            _notify_owner(assignment, f"{assignment.task.title}：{t.label}",
                          reason or f"状态由“{TaskStatus(before).label}”变为“{TaskStatus(t.target).label}”")
    return assignment


def _notify_owner(assignment: Assignment, title: str, body: str) -> None:
    url = reverse("ledger:assignment", args=[assignment.pk])
    notice_send(region=assignment.region, roles={Role.COUNTY_STAFF}, title=title, body=body, url=url,
                kind="ledger")
    if assignment.owner_unit_id:
        notice_send(recipients=User.objects.filter(ledger_unit__unit_id=assignment.owner_unit_id), title=title,
                    body=body, url=url, kind="ledger")


# ---------------------------------------------------------------- rectification ledgers

def types_ensure() -> dict[str, RectificationType]:
    out = {}
    for code, name, task_number, dept, recheck, days in RECTIFICATION_TYPES:
        out[code], _ = RectificationType.objects.get_or_create(
            code=code, defaults={"name": name, "task_number": task_number, "department": dept,
                                 "recheck_required": recheck, "default_days": days, "builtin": True})
    return out


def rectification_type_create(*, actor, code: str, name: str, department: str = "", recheck_required: bool = False,
                              default_days: int = 30) -> RectificationType:
    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "只有地区管理员可以新增整改台账类型")
    _require(not RectificationType.objects.filter(code=code).exists(), "代码已存在", "code")
    with transaction.atomic(), acting(actor):
        return RectificationType.objects.create(code=code, name=name, department=department,
                                                recheck_required=recheck_required, default_days=default_days)


def rectification_item_open(*, actor, type: RectificationType, region: Region, problem: str, source: str,
                            found_on: dt.date | None = None, deadline: dt.date | None = None, household=None,
                            source_label: str = "", source_ref: str = "", responsible_unit: Unit | None = None,
                            responsible_person: str = "", measures: str = "",
                            inspection: Inspection | None = None) -> RectificationItem:
    _writer(actor)
    _require(actor.region is not None and region.path.startswith(actor.region.path), "区划不在您的数据权限范围内",
             "region")
    _require(bool(problem.strip()), "请填写问题描述", "problem")
    _require(source in SourceKind.values, "问题来源无效", "source")
    if actor.role == Role.DEPARTMENT_STAFF:
        _require(type.department == actor.department, "行业部门只能登记本行业的整改事项", "type")
    if household is not None:
        _require(household.village.path.startswith(region.path), "农户不在所选区划内", "household")
        region = household.village
    found_on = found_on or timezone.localdate()
    deadline = deadline or found_on + dt.timedelta(days=type.default_days)
    _require(deadline >= found_on, "整改时限不能早于发现日期", "deadline")
    with transaction.atomic(), acting(actor):
        item = RectificationItem.objects.create(
            type=type, region=region, household=household, source=source, source_label=source_label,
            source_ref=source_ref, inspection=inspection, problem=problem.strip(), found_on=found_on,
            responsible_unit=responsible_unit, responsible_person=responsible_person, deadline=deadline,
            measures=measures, created_by=actor)
        ItemEvent.objects.create(item=item, action="open", to_status=ItemStatus.PENDING, on=found_on, actor=actor,
                                 note=source_label)
        notice_send(region=region, roles={Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE},
                    title=f"新整改事项：{type.name}", body=problem.strip()[:200],
                    url=reverse("ledger:item", args=[item.pk]), kind="rectification", exclude=actor, above=True)
    return item


def rectification_item_open_from_source(*, actor, kind: str, region: Region, household=None, source_label: str,
                                        source_ref: str, problem: str, source: str = SourceKind.SCREENING,
                                        found_on: dt.date | None = None, deadline: dt.date | None = None,
                                        responsible_unit: Unit | None = None,
                                        measures: str = "") -> RectificationItem:
    """One click from another module (a screening alert of the housing or water rule, a funds finding).

    ``kind`` is a rectification type code ("housing", "water", "toilet", ...). Calling it again for
    the same ``source_ref`` while the item is still open returns that item instead of a duplicate."""
    rtype = types_ensure().get(kind) or RectificationType.objects.filter(code=kind).first()
    _require(rtype is not None, f"未知的整改台账类型：{kind}", "kind")
    _require(bool(source_ref), "须提供来源编号", "source_ref")
    existing = (RectificationItem.objects.filter(source=source, source_ref=source_ref, type=rtype)
                .exclude(status=ItemStatus.CLOSED).first())
    if existing is not None:
        return existing
    return rectification_item_open(actor=actor, type=rtype, region=region, household=household, problem=problem,
                                   source=source, source_label=source_label, source_ref=source_ref,
                                   found_on=found_on, deadline=deadline, responsible_unit=responsible_unit,
                                   measures=measures)


def item_update(*, actor, item: RectificationItem, measures: str, responsible_person: str,
                responsible_unit: Unit | None) -> RectificationItem:
    _require(workflow.is_handler(actor, item) or workflow.is_checker(actor, item), "您无权修改该事项")
    _require(item.status != ItemStatus.CLOSED, "事项已销号")
    with transaction.atomic(), acting(actor):
        item.measures = measures
        item.responsible_person = responsible_person
        item.responsible_unit = responsible_unit
        item.version += 1
        item.save()
    return item


def item_transition(*, actor, item: RectificationItem, action: str, note: str = "", evidence: str = "",
                    evidence_file=None, on: dt.date | None = None,
                    expected_version: int | None = None) -> RectificationItem:
    _writer(actor)
    t = workflow.ITEM_TRANSITIONS.get(action)
    _require(t is not None, "未知操作")
    _require(item.status in t.sources, f"当前状态为{item.get_status_display()}，不能{t.label}")
    _require(workflow.CHECKS[t.who](actor, item), f"您无权{t.label}")
    _require(not t.needs_reason or bool(note.strip()), f"{t.label}须填写理由", "note")
    if t.needs_evidence:
        _require(bool(evidence.strip()) or bool(item.evidence.strip()), "请填写整改佐证", "evidence")
    on = on or timezone.localdate()
    _require(on >= item.found_on, "日期不能早于发现日期", "on")
    version = item.version if expected_version is None else expected_version
    fields: dict = {"status": t.target, "version": version + 1}
    if action == "fix":
        fields["fixed_on"] = on
        if evidence.strip():
            fields["evidence"] = evidence.strip()
    elif action == "verify":
        fields["closed_on"] = on
    elif action in ("fail", "recheck_fail"):
        fields["failed_checks"] = item.failed_checks + 1
        fields["closed_on"] = None
        fields["fixed_on"] = None
        if action == "recheck_fail":
            fields["recheck_result"] = note.strip()
            fields["rechecked_on"] = on
    with transaction.atomic(), acting(actor):
        updated = RectificationItem.objects.filter(pk=item.pk, version=version, status=item.status).update(**fields)
        _require(updated == 1, "该事项已被他人更新，请刷新后重试")
        if evidence_file:
            stored = RectificationItem.objects.get(pk=item.pk)
            stored.evidence_file = evidence_file
            stored.save(update_fields=["evidence_file"])
            item.evidence_file = stored.evidence_file
        ItemEvent.objects.create(item=item, action=action, from_status=item.status, to_status=t.target, on=on,
                                 actor=actor, note=note.strip())
        event_log(action="transition", actor=actor, obj=item,
                  extra={"action": action, "from": item.status, "to": t.target, "note": note.strip(), "on": on})
        for k, v in fields.items():
            setattr(item, k, v)
    return item


def item_recheck_pass(*, actor, item: RectificationItem, result: str, on: dt.date | None = None) -> RectificationItem:
    """回头看 confirms a closed item stays fixed."""
    _require(item.status == ItemStatus.CLOSED, "只有已销号事项才能回头看")
    _require(workflow.is_checker(actor, item), "您无权开展回头看")
    _require(bool(result.strip()), "请填写回头看结果", "result")
    with transaction.atomic(), acting(actor):
        item.recheck_result = result.strip()
        item.rechecked_on = on or timezone.localdate()
        item.version += 1
        item.save()
        event_log(action="transition", actor=actor, obj=item, extra={"action": "recheck_pass", "result": result})
    return item


# ---------------------------------------------------------------- inspection and accountability


def inspection_create(*, actor, kind: str, title: str, region: Region, started_on: dt.date, unit: Unit | None = None,
                      inspectors: str = "", summary: str = "") -> Inspection:
    _writer(actor)
    _require(region.path.startswith(actor.region.path), "区划不在您的数据权限范围内", "region")
    _require(bool(title.strip()), "请填写名称", "title")
    with transaction.atomic(), acting(actor):
        return Inspection.objects.create(kind=kind, title=title.strip(), region=region, unit=unit,
                                         inspectors=inspectors, started_on=started_on, summary=summary,
                                         created_by=actor)


def inspection_finding_add(*, actor, inspection: Inspection, region: Region, problem: str,
                           type: RectificationType | None = None, deadline: dt.date | None = None,
                           household=None, responsible_unit: Unit | None = None,
                           responsible_person: str = "") -> RectificationItem:
    """Each finding becomes a rectification item."""
    _require(region.path.startswith(inspection.region.path), "发现问题的区划须在被督导区划内", "region")
    rtype = type or types_ensure()["inspection"]
    return rectification_item_open(actor=actor, type=rtype, region=region, problem=problem,
                                   source=SourceKind.INSPECTION, source_label=inspection.title,
                                   source_ref=f"INS-{inspection.pk}", found_on=inspection.started_on,
                                   deadline=deadline, household=household, responsible_unit=responsible_unit,
                                   responsible_person=responsible_person, inspection=inspection)


def rules_ensure() -> list[EscalationRule]:
    for order, code, name, days, fails, desc in ESCALATION_RULES:
        EscalationRule.objects.get_or_create(code=code, defaults={"order": order, "name": name,
                                                                  "min_overdue_days": days,
                                                                  "min_failed_checks": fails,
                                                                  "description": desc})
    return list(EscalationRule.objects.order_by("order"))


def escalation_rule_update(*, actor, rule: EscalationRule, min_overdue_days: int | None,
                           min_failed_checks: int | None) -> EscalationRule:
    """The prefecture sets when a step is proposed (the ladder's order stays fixed)."""
    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "升级规则由地区制定")
    _require(min_overdue_days is not None or min_failed_checks is not None, "至少设置一个条件")
    with transaction.atomic(), acting(actor):
        rule.min_overdue_days = min_overdue_days
        rule.min_failed_checks = min_failed_checks
        rule.save()
    return rule


def escalation_next(item: RectificationItem, as_of: dt.date, rules: list[EscalationRule] | None = None,
                    decided: set[int] | None = None) -> EscalationRule | None:
    """The step the system proposes for an item now, or None: the first undecided step, when met."""
    rules = rules if rules is not None else list(EscalationRule.objects.order_by("order"))
    decided = decided if decided is not None else set(item.decisions.values_list("rule_id", flat=True))
    for rule in rules:
        if rule.pk in decided:
            continue
        return rule if rule.met_by(item, as_of) else None
    return None


def escalation_decide(*, actor, item: RectificationItem, rule: EscalationRule, outcome: str,
                      unit: Unit | None = None, people: str = "", document: str = "", document_file=None,
                      note: str = "", on: dt.date | None = None) -> EscalationDecision:
    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "问责决定由地区作出")
    on = on or timezone.localdate()
    proposed = escalation_next(item, on)
    _require(proposed is not None and proposed.pk == rule.pk, f"当前不具备“{rule.name}”的条件")
    _require(outcome in DecisionOutcome.values, "请选择决定", "outcome")
    if outcome == DecisionOutcome.APPLIED:
        _require(bool(document.strip()) or bool(document_file), "实施问责须附文件文号或文件", "document")
    with transaction.atomic(), acting(actor):
        decision = EscalationDecision.objects.create(
            item=item, rule=rule, outcome=outcome, unit=unit or item.responsible_unit, people=people.strip(),
            document=document.strip(), document_file=document_file or "", note=note.strip(), decided_on=on,
            decided_by=actor)
        event_log(action="transition", actor=actor, obj=item,
                  extra={"action": "escalation", "rule": rule.name, "outcome": outcome})
        if outcome == DecisionOutcome.APPLIED:
            url = reverse("ledger:item", args=[item.pk])
            title = f"{rule.name}：{item.type.name}"
            notice_send(region=item.region, roles={Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF}, title=title,
                        body=item.problem[:200], url=url, kind="escalation", above=True)
            if decision.unit_id:
                notice_send(recipients=User.objects.filter(ledger_unit__unit_id=decision.unit_id), title=title,
                            body=item.problem[:200], url=url, kind="escalation")
    return decision


# ---------------------------------------------------------------- county assessment


def scheme_create(*, actor, year: int, title: str, as_of: dt.date, region: Region | None = None) -> AssessmentScheme:
    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "考核由地区组织")
    with transaction.atomic(), acting(actor):
        return AssessmentScheme.objects.create(year=year, title=title, as_of=as_of, region=region or actor.region)


def _editable(scheme: AssessmentScheme) -> None:
    _require(scheme.status != SchemeStatus.PUBLISHED, "考核结果已发布，不能再修改")


def scheme_indicator_add(*, actor, scheme: AssessmentScheme, weight: Decimal, scoring: str, code: str = "",
                         name: str = "", formula: str = "", unit: str = "", target: Decimal | None = None,
                         higher_is_better: bool | None = None) -> AssessmentIndicator:
    from zhenxing.lib.modules import indicators

    _require(actor.role == Role.PREFECTURE_ADMIN, "考核指标由地区制定")
    _editable(scheme)
    _require(Decimal(weight) > 0, "分值须大于0", "weight")
    if code:
        ind = indicators().get(code)
        _require(ind is not None, f"系统中没有指标 {code}", "code")
        _require(scoring != Scoring.MANUAL, "系统计算的指标不能选择评审打分", "scoring")
        _require(target is not None, "请填写目标值", "target")
        name, formula, unit = name or ind.name, ind.formula, ind.unit
        higher = ind.higher_is_better if higher_is_better is None else higher_is_better
    else:
        _require(bool(name.strip()), "请填写指标名称", "name")
        scoring = Scoring.MANUAL
        higher = True
    _require(not scheme.indicators.filter(code=code).exists() if code else True, "该指标已在考核体系中", "code")
    with transaction.atomic(), acting(actor):
        order = (scheme.indicators.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        return AssessmentIndicator.objects.create(scheme=scheme, order=order, code=code, name=name.strip(),
                                                  formula=formula, unit=unit, weight=Decimal(weight),
                                                  scoring=scoring, target=target, higher_is_better=higher)


TWO = Decimal("0.01")


def indicator_score(indicator: AssessmentIndicator, value) -> tuple[Decimal | None, str]:
    """Score of one computed value: (score, note). Nothing to measure scores full marks."""
    w = indicator.weight
    if value is None:
        return w, "无应计量事项，不扣分"
    v = Decimal(str(value))
    t = indicator.target if indicator.target is not None else Decimal("0")
    meets = v >= t if indicator.higher_is_better else v <= t
    if indicator.scoring == Scoring.PASS_FAIL:
        return (w if meets else Decimal("0")), ("达标" if meets else "未达标")
    if meets:
        return w, "达标"
    if indicator.higher_is_better:
        ratio = v / t if t else Decimal("0")
    else:
        ratio = t / v if v else Decimal("1")
    return (w * max(Decimal("0"), min(ratio, Decimal("1")))).quantize(TWO, ROUND_HALF_UP), "按完成比例计分"


def scheme_run(*, actor, scheme: AssessmentScheme) -> AssessmentScheme:
    """Computes every system indicator for every county as of the scheme's date and stores it.
    Manual entries are kept. Allowed until published."""
    from zhenxing.lib.modules import indicators

    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "考核由地区组织")
    _editable(scheme)
    inds = list(scheme.indicators.all())
    _require(bool(inds), "请先设置考核指标")
    registry = indicators()
    with transaction.atomic(), acting(actor):
        for county in counties(scheme.region):
            result, _ = AssessmentResult.objects.get_or_create(scheme=scheme, county=county)
            for ind in inds:
                if not ind.computed:
                    AssessmentScore.objects.get_or_create(result=result, indicator=ind)
                    continue
                iv = registry[ind.code].compute(county, scheme.as_of)
                score, note = indicator_score(ind, iv.value)
                AssessmentScore.objects.update_or_create(result=result, indicator=ind, defaults={
                    "value": None if iv.value is None else Decimal(str(iv.value)).quantize(Decimal("0.000001")),
                    "numerator": iv.numerator, "denominator": iv.denominator, "score": score,
                    "evidence_url": iv.evidence_url, "note": (iv.note or note)[:200]})
        _totals(scheme)
        scheme.status = SchemeStatus.COMPUTED
        scheme.computed_at = timezone.now()
        scheme.version += 1
        scheme.save()
        event_log(action="transition", actor=actor, obj=scheme, extra={"action": "run"})
    return scheme


def _totals(scheme: AssessmentScheme) -> None:
    results = list(scheme.results.prefetch_related("scores"))
    for r in results:
        r.total = sum((s.score or Decimal("0") for s in r.scores.all()), Decimal("0"))
    ordered = sorted(results, key=lambda r: (-r.total, r.county.code))
    rank = 0
    previous = None
    for i, r in enumerate(ordered, 1):
        if r.total != previous:
            rank = i
            previous = r.total
        r.rank = rank
        r.save()


def score_enter(*, actor, scheme: AssessmentScheme, county: Region, indicator: AssessmentIndicator, score: Decimal,
                evidence: str, value: Decimal | None = None, evidence_file=None) -> AssessmentScore:
    """An assessor's score for a manual indicator, with the evidence it rests on."""
    _writer(actor)
    _require(actor.role in {Role.PREFECTURE_ADMIN}, "评审打分由地区考核组录入")
    _editable(scheme)
    _require(scheme.status == SchemeStatus.COMPUTED, "请先计算考核结果")
    _require(not indicator.computed and indicator.scheme_id == scheme.pk, "该指标由系统计算，不能手工录入")
    _require(Decimal("0") <= Decimal(score) <= indicator.weight, f"得分须在0到{indicator.weight}之间", "score")
    _require(bool(evidence.strip()), "评审打分须填写依据", "evidence")
    result = AssessmentResult.objects.get(scheme=scheme, county=county)
    with transaction.atomic(), acting(actor):
        s, _ = AssessmentScore.objects.get_or_create(result=result, indicator=indicator)
        s.score = Decimal(score).quantize(TWO)
        s.value = value
        s.evidence = evidence.strip()
        if evidence_file:
            s.evidence_file = evidence_file
        s.entered_by = actor
        s.save()
        _totals(scheme)
    return s


def scheme_publish(*, actor, scheme: AssessmentScheme) -> AssessmentScheme:
    _writer(actor)
    _require(actor.role == Role.PREFECTURE_ADMIN, "考核结果由地区发布")
    _require(scheme.status == SchemeStatus.COMPUTED, "只有已计算并审核的考核才能发布")
    missing = AssessmentScore.objects.filter(result__scheme=scheme, score__isnull=True).count()
    _require(missing == 0, f"尚有 {missing} 项评审指标未打分")
    total_weight = sum((i.weight for i in scheme.indicators.all()), Decimal("0"))
    _require(total_weight == Decimal("100"), f"指标分值合计为{total_weight}，须为100")
    with transaction.atomic(), acting(actor):
        updated = AssessmentScheme.objects.filter(pk=scheme.pk, version=scheme.version,
                                                  status=SchemeStatus.COMPUTED).update(
            status=SchemeStatus.PUBLISHED, published_at=timezone.now(), published_by=actor,
            version=scheme.version + 1)
        _require(updated == 1, "该考核已被他人更新，请刷新后重试")
        scheme.refresh_from_db()
        event_log(action="transition", actor=actor, obj=scheme, extra={"action": "publish"})
        for r in scheme.results.select_related("county"):
            notice_send(region=r.county, roles={Role.COUNTY_STAFF}, title=f"考核结果已发布：{scheme.title}",
                        body=f"{r.county.name}总分 {r.total}，第 {r.rank} 名。",
                        url=reverse("ledger:result", args=[r.pk]), kind="assessment")
    return scheme


# ---------------------------------------------------------------- notice centre


def notice_send(*, title: str, body: str = "", url: str = "", recipients=None, region: Region | None = None,
                roles: Iterable[str] | None = None, kind: str = "", key: str = "", exclude=None,
                above: bool = False) -> int:
    """Sends an in-app notice to ``recipients`` (users or a queryset), or to the active staff of
    ``region``'s subtree (optionally only ``roles``); with ``above``, also to the staff placed on
    the nodes above it (the township and county offices of a village). With ``key``, a recipient
    gets it once. Returns the number of notices created."""
    if recipients is None:
        if region is None:
            raise ValueError("notice_send needs recipients or region")
        where = Q(region__path__startswith=region.path)
        if above:
            where |= Q(region__code__in=[c for c in region.path.split("/") if c])
        qs = User.objects.filter(where, is_active=True)
        if roles:
            qs = qs.filter(role__in=list(roles))
        recipients = qs
    ids = {u.pk for u in recipients if u.is_active}
    if exclude is not None:
        ids.discard(exclude.pk)
    if key:
        ids -= set(Notice.objects.filter(recipient_id__in=ids, key=key).values_list("recipient_id", flat=True))
    Notice.objects.bulk_create([Notice(recipient_id=i, kind=kind, title=title[:200], body=body, url=url, key=key)
                                for i in sorted(ids)])
    return len(ids)


def notice_mark_read(*, actor, notice: Notice | None = None) -> int:
    qs = Notice.objects.filter(recipient=actor, read_at__isnull=True)
    if notice is not None:
        qs = qs.filter(pk=notice.pk)
    return qs.update(read_at=timezone.now())


def reminders_send(*, as_of: dt.date | None = None) -> int:
    """Daily: notices for assignments and items due within 7 days or overdue (each once per state),
    and for assignments whose last report period ended without a report (once per period).
    Whatever was already sent is skipped in one query."""
    as_of = as_of or timezone.localdate()
    soon = as_of + dt.timedelta(days=7)

    def key(prefix: str, obj) -> str:
        return f"{prefix}{obj.pk}:{'overdue' if obj.deadline < as_of else 'soon'}:{obj.deadline:%Y%m%d}"

    def unsent(prefix: str, rows: list) -> list:
        keys = {key(prefix, r): r for r in rows}
        sent = set(Notice.objects.filter(key__in=list(keys)).values_list("key", flat=True).distinct())
        return [r for k, r in keys.items() if k not in sent]

    count = 0
    assignments = list(Assignment.objects.filter(status__in=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS],
                                                 deadline__lte=soon).select_related("task", "region"))
    for a in unsent("a", assignments):
        overdue = a.deadline < as_of
        count += notice_send(region=a.region, roles={Role.COUNTY_STAFF},
                             title=f"{'已逾期' if overdue else '即将到期'}：{a.task.title}（{a.region.name}）",
                             body=f"完成时限 {a.deadline:%Y年%m月%d日}", url=reverse("ledger:assignment", args=[a.pk]),
                             kind="reminder", key=key("a", a))
    from .dates import last_closed_period
    from .selectors import without_report

    missing = list(without_report(Assignment.objects.all(), as_of))
    keys = {f"r{a.pk}:{last_closed_period(as_of, a.task.rhythm):%Y%m}": a for a in missing}
    sent = set(Notice.objects.filter(key__in=list(keys)).values_list("key", flat=True).distinct())
    for k, a in keys.items():
        if k in sent:
            continue
        period = last_closed_period(as_of, a.task.rhythm)
        count += notice_send(region=a.region, roles={Role.COUNTY_STAFF},
                             title=f"进度未报送：{a.task.title}（{period:%Y年%m月}起的报送期）",
                             body=f"请报送{a.task.get_rhythm_display()}进度。",
                             url=reverse("ledger:assignment", args=[a.pk]), kind="reminder", key=k)
    items = list(RectificationItem.objects.filter(status__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS],
                                                  deadline__lte=soon).select_related("type", "region"))
    for i in unsent("i", items):
        overdue = i.deadline < as_of
        count += notice_send(region=i.region, roles={Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE},
                             title=f"{'整改已逾期' if overdue else '整改即将到期'}：{i.type.name}",
                             body=i.problem[:200], url=reverse("ledger:item", args=[i.pk]), kind="reminder",
                             key=key("i", i), above=True)
    return count


def units_for(names: Iterable[str]) -> list[Unit]:
    names = list(names)
    found = {u.name: u for u in Unit.objects.filter(name__in=names, region__code=PREFECTURE_CODE)}
    return [found[n] for n in names if n in found]

