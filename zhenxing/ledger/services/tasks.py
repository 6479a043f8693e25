"""The key-task ledger: building a year's ledger, assigning, commitments, reports, evidence, transitions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role, User
from zhenxing.audit.context import acting
from zhenxing.audit.services import event_log
from zhenxing.audit.writes import audited_bulk_create, audited_update
from zhenxing.regions.models import Region

from .. import workflow
from ..models import (
    Assignment,
    ChecklistEvidence,
    ChecklistItem,
    Ledger,
    Milestone,
    ProgressReport,
    Task,
    TaskKind,
    TaskStatus,
    Unit,
)
from .base import PLAN_2022, _require, _require_act, counties, prefecture, unit_ensure
from .notices import notice_send


def plan_2022() -> dict:
    return json.loads(PLAN_2022.read_text(encoding="utf-8"))


def ledger_build(*, actor, data: dict, region: Region | None = None) -> Ledger:
    """Creates a year's ledger from a plan dict (the 2022 JSON, a copy, or an imported .xlsx):
    tasks and mechanisms with checklists, suggested units, and one assignment per county."""
    scope.require_write(actor, None, "ledger.write")
    region = region or prefecture()
    year = int(data["year"])
    _require(not Ledger.objects.filter(year=year).exists(), f"{year}年度台账已存在", "year")
    numbers = [t["number"] for t in data["tasks"]]
    _require(len(numbers) == len(set(numbers)), "任务序号重复")
    default_deadline = dt.date.fromisoformat(data.get("deadline") or f"{year}-12-31")
    with transaction.atomic(), acting(actor):
        ledger = Ledger.objects.create(
            year=year,
            title=data["title"],
            document=data.get("document", ""),
            region=region,
            sections=data.get("sections", []),
            rhythm=data.get("rhythm", "monthly"),
        )
        county_list = counties(region)
        for kind, rows in ((TaskKind.TASK, data["tasks"]), (TaskKind.MECHANISM, data.get("mechanisms", []))):
            for row in rows:
                deadline = dt.date.fromisoformat(row["deadline"]) if row.get("deadline") else default_deadline
                task = Task.objects.create(
                    ledger=ledger,
                    kind=kind,
                    section=row.get("section"),
                    number=row["number"],
                    title=row["title"],
                    text=row.get("text", ""),
                    deadline=deadline,
                    rhythm=row.get("rhythm") or ledger.rhythm,
                )
                audited_bulk_create(
                    ChecklistItem,
                    [ChecklistItem(task=task, number=i, text=m) for i, m in enumerate(row.get("measures", []), 1)],
                )
                for ms in row.get("milestones", []):
                    Milestone.objects.create(task=task, due=dt.date.fromisoformat(ms["due"]), title=ms["title"])
                lead = unit_ensure(name=row["lead_unit"], region=region) if row.get("lead_unit") else None
                resp = [unit_ensure(name=n, region=region) for n in row.get("responsible_units", [])]
                _set_units(task, lead, resp)
                audited_bulk_create(
                    Assignment, [Assignment(task=task, region=c, deadline=deadline) for c in county_list]
                )
        event_log(
            action="import",
            actor=actor,
            obj=ledger,
            extra={"tasks": len(data["tasks"]), "mechanisms": len(data.get("mechanisms", []))},
        )
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
    tasks = (
        ledger.tasks.select_related("lead_unit")
        .prefetch_related("responsible_units", "checklist", "milestones")
        .order_by("-kind", "number")
    )

    def row(t: Task) -> dict:
        return {
            "number": t.number,
            "section": t.section,
            "title": t.title,
            "text": t.text,
            "measures": [c.text for c in t.checklist.all()],
            "lead_unit": t.lead_unit.name if t.lead_unit else "",
            "responsible_units": [u.name for u in t.responsible_units.all()],
            "deadline": t.deadline.isoformat(),
            "rhythm": t.rhythm,
            "milestones": [{"due": m.due.isoformat(), "title": m.title} for m in t.milestones.all()],
        }

    all_tasks = list(tasks)
    return {
        "year": ledger.year,
        "title": ledger.title,
        "document": ledger.document,
        "rhythm": ledger.rhythm,
        "deadline": f"{ledger.year}-12-31",
        "sections": ledger.sections,
        "tasks": [row(t) for t in all_tasks if t.kind == TaskKind.TASK],
        "mechanisms": [row(t) for t in all_tasks if t.kind == TaskKind.MECHANISM],
    }


def _shift_year(iso: str, years: int) -> str:
    d = dt.date.fromisoformat(iso)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 2月29日
        return d.replace(year=d.year + years, day=28).isoformat()


def ledger_copy(*, actor, source: Ledger, year: int, title: str = "") -> Ledger:
    """Next year's ledger: the same tasks, checklists and units, dates moved by the year gap; no progress."""
    _require_act(actor, "ledger.plan.copy")
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


def task_assign(
    *, actor, task: Task, lead_unit: Unit | None, responsible_units: Iterable[Unit], deadline: dt.date, rhythm: str
) -> Task:
    """The prefecture admin confirms or edits the suggested division of work."""
    _require_act(actor, "ledger.task.assign")
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
    _require_act(actor, "ledger.task.edit")
    _require(bool(title.strip()), "请填写任务名称", "title")
    measures = [m.strip() for m in measures if m.strip()]
    _require(bool(measures), "验收清单至少一项", "measures")
    current = [c.text for c in task.checklist.all()]
    if measures != current:
        _require(
            not ChecklistEvidence.objects.filter(item__task=task).exists(),
            "已有县（市、区）按清单提交佐证，不能再修改验收清单",
            "measures",
        )
    with transaction.atomic(), acting(actor):
        task.title = title.strip()
        task.save()
        if measures != current:
            task.checklist.all().delete()
            audited_bulk_create(
                ChecklistItem, [ChecklistItem(task=task, number=i, text=m) for i, m in enumerate(measures, 1)]
            )
    return task


def milestone_add(*, actor, task: Task, due: dt.date, title: str) -> Milestone:
    _require(workflow.is_lead(actor, task), "只有牵头单位或地区管理员可以设置节点")
    _require(bool(title.strip()), "请填写节点目标", "title")
    with transaction.atomic(), acting(actor):
        return Milestone.objects.create(task=task, due=due, title=title.strip())


def assignment_commit(
    *, actor, assignment: Assignment, owner_unit: Unit | None, owner_person: str, commitment: str
) -> Assignment:
    """The local owner signs the commitment (承诺兑现制)."""
    scope.require_write(actor, None, "ledger.write")
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


def report_add(
    *,
    actor,
    assignment: Assignment,
    text: str,
    period: dt.date | None = None,
    figures: str = "",
    attachment=None,
    on: dt.date | None = None,
) -> ProgressReport:
    from ..dates import period_start

    scope.require_write(actor, None, "ledger.write")
    _require(workflow.is_owner(actor, assignment), "您无权为该任务报送进度")
    _require(assignment.status != TaskStatus.CLOSED, "任务已销号，如需继续报送请先撤销销号")
    _require(bool(text.strip()), "请填写进展情况", "text")
    on = on or timezone.localdate()
    period = period_start(period or on, assignment.task.rhythm)
    with transaction.atomic(), acting(actor):
        report = ProgressReport.objects.create(
            assignment=assignment,
            period=period,
            reported_on=on,
            reporter=actor,
            unit_id=workflow.user_unit_id(actor),
            text=text.strip(),
            figures=figures.strip(),
            attachment=attachment or "",
        )
        if assignment.status == TaskStatus.NOT_STARTED:
            assignment_transition(actor=actor, assignment=assignment, action="start", on=on)
    return report


def evidence_set(
    *, actor, assignment: Assignment, item: ChecklistItem, text: str, attachment=None
) -> ChecklistEvidence:
    scope.require_write(actor, None, "ledger.write")
    _require(item.task_id == assignment.task_id, "清单项不属于该任务")
    _require(workflow.is_owner(actor, assignment), "您无权为该任务提交佐证")
    _require(assignment.status != TaskStatus.CLOSED, "任务已销号")
    _require(bool(text.strip()), "请填写完成情况及佐证", "text")
    with transaction.atomic(), acting(actor):
        ev, created = ChecklistEvidence.objects.get_or_create(
            assignment=assignment,
            item=item,
            defaults={"text": text.strip(), "submitted_by": actor, "attachment": attachment or ""},
        )
        if not created:
            ev.text = text.strip()
            ev.submitted_by = actor
            if attachment:
                ev.attachment = attachment
            ev.save()
    return ev


missing_evidence = workflow.missing_evidence


def assignment_transition(
    *,
    actor,
    assignment: Assignment,
    action: str,
    reason: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Assignment:
    """One step of an assignment (workflow.TASK_TRANSITIONS), through the one transition engine."""
    workflow.ASSIGNMENTS.apply(
        actor=actor, obj=assignment, code=action, reason=reason, version=expected_version, on=on or timezone.localdate()
    )
    return assignment


def notify_owner(assignment: Assignment, title: str, body: str) -> None:
    url = reverse("ledger:assignment", args=[assignment.pk])
    notice_send(region=assignment.region, roles={Role.COUNTY_STAFF}, title=title, body=body, url=url, kind="ledger")
    if assignment.owner_unit_id:
        notice_send(
            recipients=User.objects.filter(ledger_unit__unit_id=assignment.owner_unit_id),
            title=title,
            body=body,
            url=url,
            kind="ledger",
        )
