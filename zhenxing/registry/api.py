"""Registry API: households (list with the page's filters and cursor pagination, detail, create,
update) and the household import. Everything through the data scope; ID numbers masked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from zhenxing.accounts import scope
from zhenxing.jobs.api import JobOut, unfinished, upload_job
from zhenxing.lib import tabular
from zhenxing.lib.errors import ErrorOut
from zhenxing.lib.pagination import MAX_LIMIT, Keyset, announce_next, page_size
from zhenxing.lib.tabular import Unreadable
from zhenxing.regions.models import Region

from . import idnumber, jobs, selectors, services
from .models import Household

router = Router(tags=["农户档案"])
SCOPE = {"x-scope": "registry.household"}


class HouseholdOut(Schema):
    id: int
    number: str
    village_code: str
    village_name: str
    address: str
    phone: str
    formerly_poor: bool
    exit_year: int | None
    monitoring_status: str
    monitoring_kind: str
    housing_safe: bool
    schooling_secured: bool
    medical_insured: bool
    water_safe: bool
    head_name: str
    living_members: int
    income_year: int | None
    per_capita_income: Decimal | None


class MemberOut(Schema):
    id: int
    name: str
    id_masked: str
    relation: str
    sex: str
    birth_date: dt.date
    labour: str
    health: str
    schooling: str
    work_status: str
    insured: bool
    status: str
    death_date: dt.date | None


class IncomeOut(Schema):
    year: int
    wage_income: Decimal
    business_income: Decimal
    property_income: Decimal
    transfer_income: Decimal
    business_cost: Decimal
    eligible_spending: Decimal
    net_income: Decimal


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]
    incomes: list[IncomeOut]


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    next: str  # the next page's ``after`` ("" on the last page), as in the X-Next-Cursor header
    next_cursor: str  # the same cursor under its earlier documented name


class HouseholdIn(Schema):
    number: str
    village_code: str
    address: str = ""
    phone: str = ""
    formerly_poor: bool = False
    exit_year: int | None = None
    housing_safe: bool = True
    schooling_secured: bool = True
    medical_insured: bool = True
    water_safe: bool = True


class HouseholdPatch(Schema):
    village_code: str | None = None
    address: str | None = None
    phone: str | None = None
    formerly_poor: bool | None = None
    exit_year: int | None = None
    housing_safe: bool | None = None
    schooling_secured: bool | None = None
    medical_insured: bool | None = None
    water_safe: bool | None = None


class Counts(Schema):
    created: int
    updated: int
    unchanged: int


class ImportError_(Schema):
    row: int | None
    column: str
    message: str


class ImportReportOut(Schema):
    committed: bool
    households: Counts
    members: Counts
    errors: list[ImportError_]


def _out(h: Household, user) -> dict:
    return {
        **{f: getattr(h, f) for f in HouseholdOut.model_fields if hasattr(h, f)},
        "phone": services.phone_for(user, h.phone),  # masked for roles that do not need it
        "village_code": h.village.code,
        "village_name": h.village.display_name,
    }


def _village(user, code: str) -> Region:
    village = scope.regions(user).filter(code=code).first()
    if village is None:
        raise ValidationError({"village_code": [f"区划代码 {code} 不存在或不在您的数据权限范围内"]})
    return village


FULL_ID_IN_URL = "完整身份证号不能放在网址中（会记入访问日志）：请用 POST /api/v1/households/search 查询"


def _page(request, response, filters: selectors.HouseholdFilters, *, after: str, limit: int) -> dict:
    qs = selectors.household_search(user=request.user, filters=filters).select_related("village")
    # The sort-aware keyset of the registry's page (selectors.keyset_page), announced like every list.
    size = max(1, min(limit, MAX_LIMIT))
    rows, nxt = selectors.keyset_page(qs, sort=filters.sort, cursor=after, size=size, villages=filters.village_ids)
    announce_next(request, response, nxt, size)  # a POST search: the cursor alone, posted again as ``after``
    return {"items": [_out(h, request.user) for h in rows], "next": nxt, "next_cursor": nxt}


@router.get(
    "/households",
    response=HouseholdPage,
    openapi_extra=SCOPE,
    summary="农户列表（与页面相同的查询条件；按 sort 排序的游标分页，不统计总数；cursor 为 after 的旧名；"
    "q 为完整身份证号时为 422，请用 POST /households/search）",
)
def household_list(
    request,
    response: HttpResponse,
    page: Keyset = Query(...),
    q: str = "",
    region: str = "",
    formerly_poor: bool | None = None,
    monitoring_status: str = "",
    income_min: Decimal | None = None,
    income_max: Decimal | None = None,
    labour: str = "",
    health: str = "",
    sort: str = "number",
    cursor: str = "",
):
    if idnumber.full_id(q):  # the ID is already in this request's log line (masked there); refuse to serve it
        raise ValidationError({"q": [FULL_ID_IN_URL]})
    filters = selectors.HouseholdFilters(
        q=q,
        region=scope.region_by_code(request.user, region),
        formerly_poor=formerly_poor,
        monitoring_status=monitoring_status,
        income_min=income_min,
        income_max=income_max,
        labour=labour,
        health=health,
        sort=sort,
    )
    return _page(request, response, filters, after=page.after or cursor, limit=page_size(page))


class HouseholdSearchIn(Schema):
    q: str = Field("", max_length=64, description="姓名、户编号或完整身份证号（在请求体中，不进网址和日志）")
    region: str = ""
    formerly_poor: bool | None = None
    monitoring_status: str = ""
    sort: str = "number"
    after: str = Field("", description="上一页响应的 next_cursor")
    limit: int = Field(100, description=f"每页条数，1–{MAX_LIMIT}")


@router.post(
    "/households/search",
    response=HouseholdPage,
    openapi_extra=SCOPE,
    summary="按身份证号等查询农户（POST：号码在请求体中，不进网址和访问日志；结果与 GET /households 相同）",
)
def household_search(request, response: HttpResponse, payload: HouseholdSearchIn):
    number = idnumber.full_id(payload.q)
    filters = selectors.HouseholdFilters(
        q="" if number else payload.q,
        id_hash=idnumber.id_hash(number) if number else "",
        region=scope.region_by_code(request.user, payload.region),
        formerly_poor=payload.formerly_poor,
        monitoring_status=payload.monitoring_status,
        sort=payload.sort,
    )
    return _page(request, response, filters, after=payload.after, limit=payload.limit)


@router.get("/households/{id}", response=HouseholdDetailOut, openapi_extra=SCOPE, summary="一户的档案（身份证号脱敏）")
def household_detail(request, id: int):
    h = scope.get_object_or_404(request.user, Household.objects.select_related("village"), pk=id)
    return {
        **_out(h, request.user),
        "members": list(h.members.order_by("pk")),
        "incomes": [
            {**{f: getattr(i, f) for f in IncomeOut.model_fields if f != "net_income"}, "net_income": i.net_income}
            for i in h.incomes.order_by("-year")
        ],
    }


@router.post("/households", response={201: HouseholdOut}, openapi_extra=SCOPE, summary="新建农户")
def household_create(request, payload: HouseholdIn):
    scope.require_write(request.user, None, "registry.household.create")  # before the body's codes
    data = payload.dict()
    village = _village(request.user, data.pop("village_code"))
    h = services.household_create(actor=request.user, village=village, **data)
    return Status(201, _out(h, request.user))


@router.patch("/households/{id}", response=HouseholdOut, openapi_extra=SCOPE, summary="修改农户档案")
def household_update(request, id: int, payload: HouseholdPatch):
    h = scope.get_object_or_404(request.user, Household.objects.select_related("village"), pk=id)
    scope.require_write(request.user, None, "registry.household.edit")
    data = payload.dict(exclude_unset=True)
    if "village_code" in data:
        data["village"] = _village(request.user, data.pop("village_code"))
    services.household_update(actor=request.user, household=h, **data)
    return _out(h, request.user)


def _unreadable(message: str) -> Status:
    empty = {"created": 0, "updated": 0, "unchanged": 0}
    return Status(
        422,
        {
            "committed": False,
            "households": empty,
            "members": empty,
            "errors": [{"row": None, "column": "", "message": message}],
        },
    )


@router.post(
    "/imports/households",
    response={200: ImportReportOut, 202: JobOut, 422: ImportReportOut | ErrorOut},
    openapi_extra=SCOPE,
    summary="导入农户（multipart 上传标准模板；在后台任务中校验和导入，不在请求中读取文件；"
    "任务在 API_IMPORT_WAIT 秒内完成时返回与命令行 --json 相同的报告，无法读取的文件为 422；"
    "否则 202 返回任务，按 status_url（GET /api/v1/jobs/{id}）查询，完成后 result.report 即报告）",
)
def household_import(
    request, file: UploadedFile = File(...), dry_run: bool = Form(False), only_valid: bool = Form(False)
):
    scope.require_write(request.user, None, "registry.household.import")
    try:
        tabular.check_size(file.size)  # before storing it
    except Unreadable as exc:
        return _unreadable(str(exc))
    name = file.name or ""
    job = upload_job(
        request,
        kind=jobs.IMPORT,
        file=file,
        payload={"only_valid": only_valid, "dry_run": dry_run, "mapping": ""},
        label=f"{'校验农户导入文件' if dry_run else '导入农户'}（接口）：{name}",
    )
    if (pending := unfinished(job)) is not None:
        return pending
    if "unreadable" in job.result:  # refused by the reader (or its limits): nothing was written
        return _unreadable(job.result["unreadable"])
    return job.result["report"]
