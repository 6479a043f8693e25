"""JSON API of the ledger: tasks, assignments and their progress reports, rectification items,
assessments, notices. Everything is read through the data scope; a line department sees the
tasks where it is lead or responsible."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page

from . import selectors, services, workflow
from .models import (
    AssessmentResult,
    AssessmentScheme,
    Assignment,
    Inspection,
    Ledger,
    Notice,
    RectificationItem,
    RectificationType,
    Task,
    Unit,
)

router = Router(tags=["工作台账"])


def _scope(label: str, lookup: str | None = None) -> dict:
    extra = {"x-scope": label}
    if lookup:
        extra["x-scope-lookup"] = lookup
    return extra


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
    openapi_extra=_scope("ledger.task"),
    summary="重点任务（行业部门只见其牵头或参与的任务）",
)
def task_list(request, response: HttpResponse, page: Keyset = Query(...), year: int | None = None):
    ledger = Ledger.objects.filter(year=year).first() if year else Ledger.objects.order_by("-year").first()
    if ledger is None:
        return []
    qs = selectors.tasks(request.user, ledger).select_related("ledger").prefetch_related("checklist")
    return [_task(t) for t in keyset_page(request, response, qs, page)]


@router.get("/ledger/tasks/{task_id}", response=TaskOut, openapi_extra=_scope("ledger.task"), summary="一项重点任务")
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
    openapi_extra=_scope("ledger.assignment"),
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
    openapi_extra=_scope("ledger.assignment"),
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
    openapi_extra=_scope("ledger.assignment"),
    summary="一项任务落实的进度报告",
)
def report_list(request, response: HttpResponse, assignment_id: int, page: Keyset = Query(...)):
    a = scope.get_object_or_404(request.user, Assignment, pk=assignment_id)
    return [_report(r) for r in keyset_page(request, response, a.reports.select_related("reporter", "unit"), page)]


@router.post(
    "/ledger/assignments/{assignment_id}/reports",
    response={201: ReportOut},
    openapi_extra=_scope("ledger.assignment"),
    summary="报送进度",
)
def report_create(request, assignment_id: int, payload: ReportIn):
    a = scope.get_object_or_404(request.user, Assignment.objects.select_related("task", "region"), pk=assignment_id)
    r = services.report_add(
        actor=request.user, assignment=a, text=payload.text, figures=payload.figures, period=payload.period
    )
    return Status(201, _report(r))


class ItemOut(Schema):
    id: int
    type: str
    type_name: str
    region_code: str
    region_name: str
    household: str | None
    source: str
    source_label: str
    source_ref: str
    problem: str
    found_on: dt.date
    deadline: dt.date
    responsible_unit: str | None
    responsible_person: str
    measures: str
    status: str
    overdue_days: int
    failed_checks: int
    fixed_on: dt.date | None
    closed_on: dt.date | None
    recheck_result: str
    version: int


def _item(i: RectificationItem, today: dt.date) -> dict:
    return {
        "id": i.pk,
        "type": i.type.code,
        "type_name": i.type.name,
        "region_code": i.region.code,
        "region_name": i.region.name,
        "household": i.household.number if i.household_id else None,
        "source": i.source,
        "source_label": i.source_label,
        "source_ref": i.source_ref,
        "problem": i.problem,
        "found_on": i.found_on,
        "deadline": i.deadline,
        "responsible_unit": i.responsible_unit.name if i.responsible_unit_id else None,
        "responsible_person": i.responsible_person,
        "measures": i.measures,
        "status": i.status,
        "overdue_days": i.overdue_days(today),
        "failed_checks": i.failed_checks,
        "fixed_on": i.fixed_on,
        "closed_on": i.closed_on,
        "recheck_result": i.recheck_result,
        "version": i.version,
    }


@router.get(
    "/ledger/items",
    response=list[ItemOut],
    openapi_extra=_scope("ledger.rectificationitem"),
    summary="整改事项（按区划、类型、状态、逾期筛选；按编号倒序，after 为上一页最后一条的 id，before 为其旧名）",
)
def item_list(
    request,
    response: HttpResponse,
    page: Keyset = Query(...),
    region: str = "",
    type: str = "",
    status: str = "",
    overdue: bool = False,
    before: str = "",
):
    node = scope.region_by_code(request.user, region)
    today = timezone.localdate()
    qs = selectors.items(request.user, region=node, type_code=type, status=status, overdue=overdue, as_of=today)
    return [_item(i, today) for i in keyset_page(request, response, qs, page, desc=True, after=before)]


class ItemBulkIn(Schema):
    ids: list[int]
    action: str  # "assign" (交办: unit_id, person) or "remind" (催办: note)
    unit_id: int | None = None
    person: str = ""
    note: str = ""


class ItemBulkOut(Schema):
    done: list[int]
    refused: dict[str, str]


# Before /ledger/items/{item_id}: the first matching path wins.
@router.post(
    "/ledger/items/bulk",
    response=ItemBulkOut,
    openapi_extra=_scope("ledger.rectificationitem"),
    summary="乡镇、县级批量办理所选整改事项：action 为 assign（交办 unit_id 单位，person 为责任人）或 remind"
    "（催办，note 为催办要求）；每条单独校验并各记一条审计记录，不存在、不在权限范围、已销号或无权办理的逐条列入 refused，其余照常办理",
)
def item_bulk(request, payload: ItemBulkIn):
    from zhenxing import workflow as engine

    from .services.bulk import items_bulk

    items, refused = engine.scoped_records(request.user, RectificationItem, payload.ids)
    unit = scope.choices(request.user, Unit).filter(pk=payload.unit_id).first() if payload.unit_id else None
    result = items_bulk(
        actor=request.user,
        items=items,
        action=payload.action,
        unit=unit,
        person=payload.person,
        note=payload.note,
        refused=refused,
    )
    return {"done": result["done"], "refused": {str(k): v for k, v in result["refused"].items()}}


@router.get(
    "/ledger/items/{item_id}",
    response=ItemOut,
    openapi_extra=_scope("ledger.rectificationitem"),
    summary="一项整改事项",
)
def item_detail(request, item_id: int):
    qs = RectificationItem.objects.select_related("type", "region", "household", "responsible_unit")
    return _item(scope.get_object_or_404(request.user, qs, pk=item_id), timezone.localdate())


class ItemIn(Schema):
    type: str
    region: str
    problem: str
    source: str = "self_check"
    source_label: str = ""
    source_ref: str = ""
    household: str | None = None
    found_on: dt.date | None = None
    deadline: dt.date | None = None
    responsible_person: str = ""
    measures: str = ""


@router.post(
    "/ledger/items", response={201: ItemOut}, openapi_extra=_scope("ledger.rectificationitem"), summary="登记整改事项"
)
def item_create(request, payload: ItemIn):
    from zhenxing.registry.models import Household

    rtype = RectificationType.objects.filter(code=payload.type).first()
    if rtype is None:
        raise ValidationError({"type": [f"未知的整改台账类型：{payload.type}"]})
    if not payload.region:
        raise ValidationError({"region": ["请填写区划代码"]})
    node = scope.region_by_code(request.user, payload.region)
    household = None
    if payload.household:
        household = scope.get_object_or_404(request.user, Household, number=payload.household)
    item = services.rectification_item_open(
        actor=request.user,
        type=rtype,
        region=node,
        household=household,
        problem=payload.problem,
        source=payload.source,
        source_label=payload.source_label,
        source_ref=payload.source_ref,
        found_on=payload.found_on,
        deadline=payload.deadline,
        responsible_person=payload.responsible_person,
        measures=payload.measures,
    )
    return Status(201, _item(item, timezone.localdate()))


class ItemTransitionIn(Schema):
    action: str
    note: str = ""
    evidence: str = ""
    on: dt.date | None = None
    version: int | None = None


@router.post(
    "/ledger/items/{item_id}/transitions",
    response=ItemOut,
    openapi_extra=_scope("ledger.rectificationitem"),
    summary="办理整改事项：start / fix / verify / fail / recheck_fail",
)
def item_transition(request, item_id: int, payload: ItemTransitionIn):
    item = scope.get_object_or_404(request.user, RectificationItem.objects.select_related("type", "region"), pk=item_id)
    if payload.action not in workflow.ITEM_TRANSITIONS:
        raise ValidationError({"action": ["未知操作"]})
    item = services.item_transition(
        actor=request.user,
        item=item,
        action=payload.action,
        note=payload.note,
        evidence=payload.evidence,
        on=payload.on,
        expected_version=payload.version,
    )
    item.refresh_from_db()
    return _item(item, timezone.localdate())


# ---------------------------------------------------------------- inspections (督导检查)


class FindingIn(Schema):
    text: str
    region: str
    type: str = "inspection"
    household: str | None = None
    deadline: dt.date | None = None
    responsible_unit: int | None = None
    responsible_person: str = ""


class InspectionIn(Schema):
    region: str
    date: dt.date
    subject: str
    kind: str = "prefecture_spot"
    inspectors: str = ""
    summary: str = ""
    findings: list[FindingIn] = []


class FollowUpIn(Schema):
    text: str
    date: dt.date | None = None


class FollowUpOut(Schema):
    date: dt.date
    text: str
    by: str | None


class InspectionOut(Schema):
    id: int
    kind: str
    subject: str
    region_code: str
    region_name: str
    date: dt.date
    inspectors: str
    summary: str
    findings: list[ItemOut]
    follow_ups: list[FollowUpOut]


def _inspection(request, ins: Inspection) -> dict:
    today = timezone.localdate()
    items = (
        scope.scoped(request.user, RectificationItem)
        .filter(inspection=ins)
        .select_related("type", "region", "household", "responsible_unit")
        .order_by("pk")
    )
    return {
        "id": ins.pk,
        "kind": ins.kind,
        "subject": ins.title,
        "region_code": ins.region.code,
        "region_name": ins.region.name,
        "date": ins.started_on,
        "inspectors": ins.inspectors,
        "summary": ins.summary,
        "findings": [_item(i, today) for i in items],
        "follow_ups": [
            {"date": f.on, "text": f.text, "by": f.created_by.username if f.created_by_id else None}
            for f in ins.follow_ups.select_related("created_by")
        ],
    }


def _finding(request, ins: Inspection, f: FindingIn) -> RectificationItem:
    from zhenxing.registry.models import Household

    rtype = RectificationType.objects.filter(code=f.type).first() if f.type != "inspection" else None
    if f.type != "inspection" and rtype is None:
        raise ValidationError({"type": [f"未知的整改台账类型：{f.type}"]})
    node = scope.region_by_code(request.user, f.region)
    if node is None:
        raise ValidationError({"region": ["请填写问题所在区划代码"]})
    household = scope.get_object_or_404(request.user, Household, number=f.household) if f.household else None
    unit = Unit.objects.filter(pk=f.responsible_unit).first() if f.responsible_unit else None
    if f.responsible_unit and unit is None:
        raise ValidationError({"responsible_unit": ["责任单位不存在"]})
    return services.inspection_finding_add(
        actor=request.user,
        inspection=ins,
        region=node,
        problem=f.text,
        type=rtype,
        deadline=f.deadline,
        household=household,
        responsible_unit=unit,
        responsible_person=f.responsible_person,
    )


def _may_inspect(request) -> None:
    workflow.require_inspector(request.user)


@router.get(
    "/ledger/inspections",
    response=list[InspectionOut],
    openapi_extra=_scope("ledger.inspection"),
    summary="督导检查（含发现问题转成的整改事项和回访；按编号倒序，after 为上一页最后一条的 id）",
)
def inspection_list(request, response: HttpResponse, page: Keyset = Query(...)):
    qs = scope.scoped(request.user, Inspection).select_related("region")
    return [_inspection(request, i) for i in keyset_page(request, response, qs, page, desc=True)]


@router.get(
    "/ledger/inspections/{inspection_id}",
    response=InspectionOut,
    openapi_extra=_scope("ledger.inspection"),
    summary="一次督导检查",
)
def inspection_detail(request, inspection_id: int):
    return _inspection(request, scope.get_object_or_404(request.user, Inspection, pk=inspection_id))


@router.post(
    "/ledger/inspections",
    response={201: InspectionOut},
    openapi_extra=_scope("ledger.inspection"),
    summary="登记督导检查（督查人员可登记）：region 被督导区划代码、date 督导日期、subject 名称，"
    "findings 为发现的问题 [{text, region}]，每个问题转为责任单位的整改事项",
)
def inspection_create(request, payload: InspectionIn):
    from django.db import transaction

    _may_inspect(request)
    node = scope.region_by_code(request.user, payload.region)
    if node is None:
        raise ValidationError({"region": ["请填写被督导区划代码"]})
    with transaction.atomic():  # the inspection and its findings, or nothing
        ins = services.inspection_create(
            actor=request.user,
            kind=payload.kind,
            title=payload.subject,
            region=node,
            started_on=payload.date,
            inspectors=payload.inspectors,
            summary=payload.summary,
        )
        for f in payload.findings:
            _finding(request, ins, f)
    return Status(201, _inspection(request, ins))


@router.post(
    "/ledger/inspections/{inspection_id}/findings",
    response={201: ItemOut},
    openapi_extra=_scope("ledger.inspection"),
    summary="督导检查发现的问题（转为整改事项）",
)
def inspection_finding(request, inspection_id: int, payload: FindingIn):
    ins = scope.get_object_or_404(request.user, Inspection, pk=inspection_id)
    _may_inspect(request)
    return Status(201, _item(_finding(request, ins, payload), timezone.localdate()))


@router.post(
    "/ledger/inspections/{inspection_id}/follow-ups",
    response={201: InspectionOut},
    openapi_extra=_scope("ledger.inspection"),
    summary="督导回访",
)
def inspection_follow_up(request, inspection_id: int, payload: FollowUpIn):
    ins = scope.get_object_or_404(request.user, Inspection, pk=inspection_id)
    _may_inspect(request)
    services.inspection_follow_up_add(actor=request.user, inspection=ins, text=payload.text, on=payload.date)
    return Status(201, _inspection(request, ins))


class ScoreOut(Schema):
    indicator: str
    code: str
    weight: Decimal
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    score: Decimal | None
    evidence_url: str
    evidence: str
    note: str


class ResultOut(Schema):
    id: int
    county_code: str
    county_name: str
    total: Decimal
    rank: int | None
    scores: list[ScoreOut]


class SchemeOut(Schema):
    id: int
    year: int
    title: str
    as_of: dt.date
    status: str
    published_at: dt.datetime | None
    results: list[ResultOut]


def _result(r: AssessmentResult) -> dict:
    return {
        "id": r.pk,
        "county_code": r.county.code,
        "county_name": r.county.name,
        "total": r.total,
        "rank": r.rank,
        "scores": [
            {
                "indicator": s.indicator.name,
                "code": s.indicator.code,
                "weight": s.indicator.weight,
                "value": s.value,
                "numerator": s.numerator,
                "denominator": s.denominator,
                "score": s.score,
                "evidence_url": s.evidence_url,
                "evidence": s.evidence,
                "note": s.note,
            }
            for s in r.scores.select_related("indicator").order_by("indicator__order")
        ],
    }


def _scheme(s: AssessmentScheme) -> dict:
    return {
        "id": s.pk,
        "year": s.year,
        "title": s.title,
        "as_of": s.as_of,
        "status": s.status,
        "published_at": s.published_at,
        "results": [_result(r) for r in s.results.select_related("county").order_by("rank", "county__code")],
    }


@router.get(
    "/ledger/assessments",
    response=list[SchemeOut],
    openapi_extra=_scope("ledger.assessmentscheme"),
    summary="县级考核（地区）",
)
def assessment_list(request, response: HttpResponse, page: Keyset = Query(...)):
    return [
        _scheme(s)
        for s in keyset_page(request, response, scope.scoped(request.user, AssessmentScheme), page, desc=True)
    ]


@router.get(
    "/ledger/assessments/{scheme_id}",
    response=SchemeOut,
    openapi_extra=_scope("ledger.assessmentscheme"),
    summary="一次县级考核及其排名",
)
def assessment_detail(request, scheme_id: int):
    return _scheme(scope.get_object_or_404(request.user, AssessmentScheme, pk=scheme_id))


@router.get(
    "/ledger/assessment-results/{result_id}",
    response=ResultOut,
    openapi_extra=_scope("ledger.assessmentresult"),
    summary="一个县（市、区）的考核结果及依据",
)
def assessment_result(request, result_id: int):
    return _result(
        scope.get_object_or_404(request.user, AssessmentResult.objects.select_related("county"), pk=result_id)
    )


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


@router.get("/ledger/notices", response=list[NoticeOut], openapi_extra=_scope("self"), summary="我的通知")
def notice_list(request, response: HttpResponse, page: Keyset = Query(...), unread: bool = False):
    qs = Notice.objects.filter(recipient=request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in keyset_page(request, response, qs, page, desc=True)
    ]


@router.post("/ledger/notices/{notice_id}/read", response={204: None}, openapi_extra=_scope("self"), summary="标为已读")
def notice_read(request, notice_id: int):
    notice = Notice.objects.filter(recipient=request.user, pk=notice_id).first()
    if notice is None:
        raise Http404
    services.notice_mark_read(actor=request.user, notice=notice)
    return Status(204, None)
