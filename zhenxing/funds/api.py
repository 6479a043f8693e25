"""API for projects, funds, payments, figures, leakage findings and small loans (under the data scope)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zhenxing.accounts import scope
from zhenxing.jobs.api import JobOut, unfinished, upload_job
from zhenxing.lib import tabular
from zhenxing.lib.errors import ErrorOut
from zhenxing.lib.pagination import Keyset, keyset_page

from . import leakage, selectors, services
from .models import Allocation, LeakageFinding, MicroLoan, Payment, Project

router = Router(tags=["衔接资金与项目"])


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    type: str
    build_type: str
    county_code: str
    village_code: str
    year: int
    plan_year: int | None
    status: str
    status_label: str
    start_planned: dt.date | None
    end_planned: dt.date | None
    started_on: dt.date | None
    responsible_unit: str
    tasks: str
    budget: Decimal
    funding_sources: str
    planned_households: int
    planned_people: int
    performance_targets: str
    benefit_mechanism: str
    negative_flags: list[str]
    assigned_total: Decimal
    paid_total: Decimal
    version: int


def _project(p: Project) -> dict:
    return {
        **{f: getattr(p, f) for f in ProjectOut.model_fields if hasattr(p, f)},
        "county_code": p.county.code,
        "village_code": p.village.code,
        "status_label": str(p.get_status_display()),
    }


class ProjectIn(Schema):
    code: str
    village_code: str
    name: str
    type: str
    build_type: str = ""
    year: int
    start_planned: dt.date | None = None
    end_planned: dt.date | None = None
    responsible_unit: str = ""
    tasks: str = ""
    budget: Decimal = Decimal("0")
    funding_sources: str = ""
    planned_households: int = 0
    planned_people: int = 0
    performance_targets: str = ""
    benefit_mechanism: str = ""


class ProjectTransitionIn(Schema):
    """``to``: the status the step leads to; ``returned`` (退回修改) and ``refused`` (不予入库) need
    ``note`` as the reason and no ``evidence``."""

    to: str
    date: dt.date
    evidence: str = ""
    note: str = ""
    version: int | None = None


class PaymentOut(Schema):
    id: int
    project_id: int
    date: dt.date
    amount: Decimal
    payee_name: str
    payee_id_masked: str
    voucher_number: str


class PaymentIn(Schema):
    date: dt.date
    amount: Decimal
    payee_name: str
    payee_id_number: str = ""
    voucher_number: str


class AllocationOut(Schema):
    id: int
    county_code: str
    year: int
    source: str
    document_number: str
    title: str
    issued_on: dt.date
    amount: Decimal
    assigned_total: Decimal


def _allocation(a: Allocation) -> dict:
    return {
        "id": a.id,
        "county_code": a.county.code,
        "year": a.year,
        "source": a.source,
        "document_number": a.document_number,
        "title": a.title,
        "issued_on": a.issued_on,
        "amount": a.amount,
        "assigned_total": a.assigned_total,
    }


class AllocationIn(Schema):
    county_code: str
    year: int
    source: str
    document_number: str
    title: str = ""
    issued_on: dt.date
    amount: Decimal


class AssignmentIn(Schema):
    project_id: int
    amount: Decimal
    document_number: str
    date: dt.date


class MonthOut(Schema):
    month: int
    paid: Decimal
    cumulative: Decimal
    rate: Decimal | None
    target: Decimal | None


class FiguresOut(Schema):
    region_code: str
    year: int
    allocated: Decimal
    assigned: Decimal
    paid: Decimal
    disbursement_rate: Decimal | None
    central_allocated: Decimal
    central_industry: Decimal
    industry_share: Decimal | None
    industry_min_share: Decimal
    industry_warning: bool
    months: list[MonthOut]


class FindingOut(Schema):
    id: int
    kind: str
    kind_label: str
    project_id: int
    payment_id: int | None
    detail: str
    amount: Decimal
    status: str
    still_present: bool
    rectification_ref: str


class LoanOut(Schema):
    id: int
    household_number: str
    borrower_name: str
    bank: str
    contract_number: str
    amount: Decimal
    issued_on: dt.date
    term_months: int
    due_on: dt.date
    annual_rate: Decimal
    interest_subsidy: Decimal
    repaid: Decimal
    overdue: bool


class ImportReport(Schema):
    committed: bool
    created: int
    updated: int
    unchanged: int
    errors: list[dict]


P = {"x-scope": "funds.project"}


@router.get(
    "/funds/projects",
    response=list[ProjectOut],
    openapi_extra=P,
    summary="项目库（可按状态、类型、年度、县筛选；after 游标分页）",
)
def project_list(
    request,
    response: HttpResponse,
    page: Keyset = Query(...),
    status: str = "",
    type: str = "",
    year: int | None = None,
    county: str = "",
):
    qs = selectors.projects(request.user)
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if year:
        qs = qs.filter(year=year)
    qs = scope.within(qs, scope.region_by_code(request.user, county))
    return [_project(p) for p in keyset_page(request, response, qs, page)]


@router.post("/funds/projects", response={201: ProjectOut}, openapi_extra=P, summary="申报项目")
def project_create(request, data: ProjectIn):
    fields = data.dict()
    village = scope.regions(request.user).filter(code=fields.pop("village_code")).first()
    if village is None:
        raise ValidationError({"village_code": ["实施地点不存在或不在您的数据权限范围内"]})
    p = services.project_create(actor=request.user, village=village, code=fields.pop("code"), **fields)
    return Status(201, _project(p))


@router.get("/funds/projects/{id}", response=ProjectOut, openapi_extra=P, summary="一个项目")
def project_detail(request, id: int):
    return _project(scope.get_object_or_404(request.user, selectors.projects(request.user), pk=id))


@router.post("/funds/projects/{id}/transition", response=ProjectOut, openapi_extra=P, summary="办理项目流程的下一步")
def project_transition(request, id: int, data: ProjectTransitionIn):
    p = scope.get_object_or_404(request.user, Project, pk=id)
    p = services.project_transition(
        actor=request.user,
        project=p,
        to=data.to,
        date=data.date,
        evidence=data.evidence,
        note=data.note,
        expected_version=data.version,
    )
    return _project(p)


@router.get("/funds/projects/{id}/payments", response=list[PaymentOut], openapi_extra=P, summary="项目的支付")
def project_payments(request, response: HttpResponse, id: int, page: Keyset = Query(...)):
    p = scope.get_object_or_404(request.user, Project, pk=id)
    return keyset_page(request, response, Payment.objects.filter(project=p), page)


@router.post("/funds/projects/{id}/payments", response={201: PaymentOut}, openapi_extra=P, summary="登记支付")
def payment_create(request, id: int, data: PaymentIn):
    p = scope.get_object_or_404(request.user, Project, pk=id)
    pay = services.payment_create(actor=request.user, project=p, **data.dict())
    return Status(201, pay)


A = {"x-scope": "funds.allocation"}


@router.get("/funds/allocations", response=list[AllocationOut], openapi_extra=A, summary="资金下达")
def allocation_list(
    request, response: HttpResponse, page: Keyset = Query(...), year: int | None = None, county: str = ""
):
    qs = scope.scoped(request.user, Allocation).select_related("county")
    if year:
        qs = qs.filter(year=year)
    qs = scope.within(qs, scope.region_by_code(request.user, county))
    return [_allocation(a) for a in keyset_page(request, response, qs, page)]


@router.post("/funds/allocations", response={201: AllocationOut}, openapi_extra=A, summary="登记资金下达")
def allocation_create(request, data: AllocationIn):
    fields = data.dict()
    county = scope.regions(request.user).filter(code=fields.pop("county_code")).first()
    if county is None:
        raise ValidationError({"county_code": ["县不存在或不在您的数据权限范围内"]})
    a = services.allocation_create(actor=request.user, county=county, **fields)
    return Status(201, _allocation(a))


@router.get("/funds/allocations/{id}", response=AllocationOut, openapi_extra=A, summary="一笔资金下达")
def allocation_detail(request, id: int):
    return _allocation(scope.get_object_or_404(request.user, Allocation.objects.select_related("county"), pk=id))


@router.post(
    "/funds/allocations/{id}/assignments", response={201: AllocationOut}, openapi_extra=A, summary="把资金安排到项目"
)
def assignment_create(request, id: int, data: AssignmentIn):
    a = scope.get_object_or_404(request.user, Allocation, pk=id)
    project = scope.get_object_or_404(request.user, Project, pk=data.project_id)
    services.assignment_create(
        actor=request.user,
        allocation=a,
        project=project,
        amount=data.amount,
        document_number=data.document_number,
        date=data.date,
    )
    a.refresh_from_db()
    return Status(201, _allocation(a))


@router.get(
    "/funds/figures",
    response=FiguresOut,
    openapi_extra={"x-scope": "funds.countymonthfigure"},
    summary="县（或地区）年度资金数据：下达、安排、支付、逐月支出进度、产业占比",
)
def figures(request, region: str, year: int):
    # The user's own county is visible from below (a township reads its county's figures).
    node = next((c for c in selectors.counties(request.user) if c.code == region), None) or scope.region_by_code(
        request.user, region
    )
    f = selectors.figures(node, year)
    return {
        "region_code": node.code,
        "year": year,
        "allocated": f.allocated,
        "assigned": f.assigned,
        "paid": f.paid,
        "disbursement_rate": f.disbursement_rate,
        "central_allocated": f.central_allocated,
        "central_industry": f.central_industry,
        "industry_share": f.industry_share,
        "industry_min_share": f.industry_min_share,
        "industry_warning": f.industry_warning,
        "months": [m.__dict__ for m in f.months],
    }


F = {"x-scope": "funds.leakagefinding"}


@router.get("/funds/findings", response=list[FindingOut], openapi_extra=F, summary="跑冒滴漏疑点")
def finding_list(request, response: HttpResponse, page: Keyset = Query(...), kind: str = "", present: bool = True):
    qs = scope.scoped(request.user, LeakageFinding)
    if kind:
        qs = qs.filter(kind=kind)
    if present:
        qs = qs.filter(still_present=True)
    return [
        {
            **{k: getattr(f, k) for k in FindingOut.model_fields if hasattr(f, k)},
            "kind_label": str(f.get_kind_display()),
        }
        for f in keyset_page(request, response, qs, page)
    ]


@router.post("/funds/leakage-runs", openapi_extra=F, summary="立即运行跑冒滴漏检查（本人数据权限范围）")
def leakage_run(request):
    result = leakage.leakage_run(actor=request.user)
    return {"found": result.found, "total": result.total, "new": result.new, "resolved": result.resolved}


@router.get("/funds/loans", response=list[LoanOut], openapi_extra={"x-scope": "funds.microloan"}, summary="小额信贷")
def loan_list(request, response: HttpResponse, page: Keyset = Query(...), overdue: bool = False):
    qs = scope.scoped(request.user, MicroLoan).select_related("household")
    today = dt.date.today()
    if overdue:
        qs = qs.filter(settled_on__isnull=True, due_on__lt=today)
    return [
        {
            **{k: getattr(m, k) for k in LoanOut.model_fields if hasattr(m, k)},
            "household_number": m.household.number,
            "overdue": m.is_overdue(today),
        }
        for m in keyset_page(request, response, qs, page)
    ]


@router.post(
    "/funds/imports/{kind}",
    response={200: ImportReport, 202: JobOut, 422: ErrorOut},
    openapi_extra={"x-scope": "funds.project"},
    summary="导入项目（projects）、资金下达（allocations）、支付（payments）或资产（assets）的 .xlsx"
    "（在后台任务中校验和导入，不在请求中读取文件；任务在 API_IMPORT_WAIT 秒内完成时返回报告，无法读取的文件为 422；"
    "否则 202 返回任务，按 status_url（GET /api/v1/jobs/{id}）查询，完成后 result.report 即报告）",
)
def import_file(request, kind: str, file: UploadedFile = File(...), dry_run: bool = False):
    from .imports import IMPORTERS, import_permit
    from .jobs import IMPORT

    if kind not in IMPORTERS:
        raise Http404
    import_permit(kind, request.user)
    tabular.check_size(file.size)  # before storing it
    job = upload_job(
        request,
        kind=IMPORT,
        file=file,
        payload={"kind": kind, "dry_run": dry_run, "mapping": ""},
        label=f"{'校验' if dry_run else '导入'}{IMPORTERS[kind].label}（接口）：{file.name or ''}",
    )
    if (pending := unfinished(job)) is not None:
        return pending
    if "unreadable" in job.result:  # refused by the reader (or its limits): 422, nothing was written
        raise tabular.Unreadable(job.result["unreadable"])
    return job.result["report"]


class BeneficiaryOut(Schema):
    household_number: str
    village_code: str
    way: str
    amount: Decimal
    year: int
    formerly_poor: bool
    monitored: bool


@router.get(
    "/funds/projects/{id}/beneficiaries",
    response=list[BeneficiaryOut],
    openapi_extra=P,
    summary="项目的受益农户（联农带农）",
)
def project_beneficiaries(request, response: HttpResponse, id: int, page: Keyset = Query(...)):
    p = scope.get_object_or_404(request.user, Project, pk=id)
    rows = keyset_page(request, response, p.beneficiaries.select_related("household__village"), page)
    return [
        {
            "household_number": b.household.number,
            "village_code": b.household.village.code,
            "way": b.way,
            "amount": b.amount,
            "year": b.year,
            "formerly_poor": b.household.formerly_poor,
            "monitored": b.household.monitoring_status == "monitored",
        }
        for b in rows
    ]


class DisclosureOut(Schema):
    id: int
    county_code: str
    year: int
    kind: str
    board: str
    version: int
    correction_note: str
    period_start: dt.date
    period_end: dt.date | None
    published_at: dt.datetime
    public_url: str


@router.get(
    "/funds/disclosures",
    response=list[DisclosureOut],
    openapi_extra={"x-scope": "funds.disclosure"},
    summary="已发布的公告公示",
)
def disclosure_list(request, response: HttpResponse, page: Keyset = Query(...), year: int | None = None):
    from django.urls import reverse

    from .models import Disclosure

    qs = scope.scoped(request.user, Disclosure).select_related("county").defer("content")
    if year:
        qs = qs.filter(year=year)
    return [
        {
            "id": d.id,
            "county_code": d.county.code,
            "year": d.year,
            "kind": d.kind,
            "board": d.board,
            "version": d.version,
            "correction_note": d.correction_note,
            "period_start": d.period_start,
            "period_end": d.period_end,
            "published_at": d.published_at,
            "public_url": reverse("funds_public:disclosure", args=[d.county.code, d.year, d.kind]),
        }
        for d in keyset_page(request, response, qs, page)
    ]
