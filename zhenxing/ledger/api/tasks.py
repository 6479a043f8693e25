"""Ledger API: key tasks, their assignments and the progress reports on them."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Schema, Status

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page

from .. import selectors, services
from ..models import Assignment, Ledger, Task
from .common import router, scope_extra


class TaskOut(Schema):
    id: int
    year: int
    kind: str
    section: int | None
    number: int
    title: str
    lead_unit: str | None
    responsible_units: list[str]
    deadline: dt.date
    rhythm: str
    checklist: list[str]


def _task(t: Task) -> dict:
    return {
        "id": t.pk,
        "year": t.ledger.year,
        "kind": t.kind,
        "section": t.section,
        "number": t.number,
        "title": t.title,
        "lead_unit": t.lead_unit.name if t.lead_unit else None,
        "responsible_units": [u.name for u in t.responsible_units.all()],
        "deadline": t.deadline,
        "rhythm": t.rhythm,
        "checklist": [c.text for c in t.checklist.all()],
    }


@router.get(
    "/ledger/tasks",
    response=list[TaskOut],
    openapi_extra=scope_extra("ledger.task"),
    summary="重点任务（行业部门只见其牵头或参与的任务）",
)
def task_list(request, response: HttpResponse, page: Keyset = Query(...), year: int | None = None):
    ledger = Ledger.objects.filter(year=year).first() if year else Ledger.objects.order_by("-year").first()
    if ledger is None:
        return []
    qs = selectors.tasks(request.user, ledger).select_related("ledger").prefetch_related("checklist")
    return [_task(t) for t in keyset_page(request, response, qs, page)]


@router.get(
    "/ledger/tasks/{task_id}", response=TaskOut, openapi_extra=scope_extra("ledger.task"), summary="一项重点任务"
)
def task_detail(request, task_id: int):
    qs = Task.objects.select_related("ledger", "lead_unit").prefetch_related("responsible_units", "checklist")
    return _task(scope.get_object_or_404(request.user, qs, pk=task_id))


class AssignmentOut(Schema):
    id: int
    task_id: int
    task_number: int
    task_kind: str
    task_title: str
    region_code: str
    region_name: str
    owner_unit: str | None
    owner_person: str
    deadline: dt.date
    status: str
    status_label: str
    overdue_days: int
    committed: bool
    closed_on: dt.date | None
    version: int


def _assignment(a: Assignment, today: dt.date) -> dict:
    return {
        "id": a.pk,
        "task_id": a.task_id,
        "task_number": a.task.number,
        "task_kind": a.task.kind,
        "task_title": a.task.title,
        "region_code": a.region.code,
        "region_name": a.region.name,
        "owner_unit": a.owner_unit.name if a.owner_unit else None,
        "owner_person": a.owner_person,
        "deadline": a.deadline,
        "status": a.effective_status(today),
        "status_label": a.status_label(today),
        "overdue_days": a.overdue_days(today),
        "committed": a.committed_at is not None,
        "closed_on": a.closed_on,
        "version": a.version,
    }


@router.get(
    "/ledger/assignments",
    response=list[AssignmentOut],
    openapi_extra=scope_extra("ledger.assignment"),
    summary="任务落实（按年度、区划、状态筛选；status=overdue 为逾期）",
)
def assignment_list(
    request,
    response: HttpResponse,
    page: Keyset = Query(...),
    year: int | None = None,
    region: str = "",
    status: str = "",
):
    ledger = Ledger.objects.filter(year=year).first() if year else None
    node = scope.region_by_code(request.user, region)
    today = timezone.localdate()
    qs = selectors.assignments(request.user, ledger=ledger, region=node, status=status, as_of=today)
    return [_assignment(a, today) for a in keyset_page(request, response, qs, page)]


@router.get(
    "/ledger/assignments/{assignment_id}",
    response=AssignmentOut,
    openapi_extra=scope_extra("ledger.assignment"),
    summary="一项任务落实",
)
def assignment_detail(request, assignment_id: int):
    qs = Assignment.objects.select_related("task", "region", "owner_unit")
    return _assignment(scope.get_object_or_404(request.user, qs, pk=assignment_id), timezone.localdate())


class ReportOut(Schema):
    id: int
    period: dt.date
    reported_on: dt.date
    reporter: str
    unit: str | None
    text: str
    figures: str
    attachment: str | None


class ReportIn(Schema):
    text: str
    figures: str = ""
    period: dt.date | None = None


def _report(r) -> dict:
    return {
        "id": r.pk,
        "period": r.period,
        "reported_on": r.reported_on,
        "reporter": str(r.reporter),
        "unit": r.unit.name if r.unit_id else None,
        "text": r.text,
        "figures": r.figures,
        "attachment": r.attachment.url if r.attachment else None,
    }


@router.get(
    "/ledger/assignments/{assignment_id}/reports",
    response=list[ReportOut],
    openapi_extra=scope_extra("ledger.assignment"),
    summary="一项任务落实的进度报告",
)
def report_list(request, response: HttpResponse, assignment_id: int, page: Keyset = Query(...)):
    a = scope.get_object_or_404(request.user, Assignment, pk=assignment_id)
    return [_report(r) for r in keyset_page(request, response, a.reports.select_related("reporter", "unit"), page)]


@router.post(
    "/ledger/assignments/{assignment_id}/reports",
    response={201: ReportOut},
    openapi_extra=scope_extra("ledger.assignment"),
    summary="报送进度",
)
def report_create(request, assignment_id: int, payload: ReportIn):
    a = scope.get_object_or_404(request.user, Assignment.objects.select_related("task", "region"), pk=assignment_id)
    r = services.report_add(
        actor=request.user, assignment=a, text=payload.text, figures=payload.figures, period=payload.period
    )
    return Status(201, _report(r))
