"""Registry API: households (list with the page's filters and cursor pagination, detail, create,
update) and the household import. Everything through the data scope; ID numbers masked."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from zhenxing.accounts import scope
from zhenxing.regions.models import Region

from . import selectors, services
from .imports import Unreadable, run_import
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
    next_cursor: str


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


def _out(h: Household) -> dict:
    return {**{f: getattr(h, f) for f in HouseholdOut.model_fields if hasattr(h, f)},
            "village_code": h.village.code, "village_name": h.village.display_name}


def _writer(user, action: str) -> None:
    """The service's own rule (scope.write_rules in registry/services.py), asked before the body's
    region codes are looked up."""
    try:
        scope.require_write(user, None, action)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None


def _village(user, code: str) -> Region:
    village = scope.regions(user).filter(code=code).first()
    if village is None:
        raise HttpError(422, f"区划代码 {code} 不存在或不在您的数据权限范围内")
    return village


def _validation(exc: ValidationError) -> HttpError:
    messages = [f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms] if hasattr(exc, "error_dict") \
        else exc.messages
    return HttpError(422, "；".join(messages))


@router.get("/households", response=HouseholdPage, openapi_extra=SCOPE,
            summary="农户列表（与页面相同的查询条件；游标分页，不统计总数）")
def household_list(request, q: str = "", region: str = "", formerly_poor: bool | None = None,
                   monitoring_status: str = "", income_min: Decimal | None = None, income_max: Decimal | None = None,
                   labour: str = "", health: str = "", sort: str = "number", cursor: str = "", limit: int = 50):
    node = None
    if region:
        node = scope.regions(request.user).filter(code=region).first()
        if node is None:
            return {"items": [], "next_cursor": ""}
    filters = selectors.HouseholdFilters(q=q, region=node, formerly_poor=formerly_poor,
                                         monitoring_status=monitoring_status, income_min=income_min,
                                         income_max=income_max, labour=labour, health=health, sort=sort)
    qs = selectors.household_search(user=request.user, filters=filters).select_related("village")
    rows, nxt = selectors.keyset_page(qs, sort=sort, cursor=cursor, size=max(1, min(limit, 200)),
                                       villages=filters.village_ids)
    return {"items": [_out(h) for h in rows], "next_cursor": nxt}


@router.get("/households/{id}", response=HouseholdDetailOut, openapi_extra=SCOPE, summary="一户的档案（身份证号脱敏）")
def household_detail(request, id: int):
    h = scope.get_object_or_404(request.user, Household.objects.select_related("village"), pk=id)
    return {**_out(h), "members": list(h.members.order_by("pk")),
            "incomes": [{**{f: getattr(i, f) for f in IncomeOut.model_fields if f != "net_income"},
                         "net_income": i.net_income} for i in h.incomes.order_by("-year")]}


@router.post("/households", response={201: HouseholdOut}, openapi_extra=SCOPE, summary="新建农户")
def household_create(request, payload: HouseholdIn):
    _writer(request.user, "registry.household.create")
    data = payload.dict()
    village = _village(request.user, data.pop("village_code"))
    try:
        h = services.household_create(actor=request.user, village=village, **data)
    except ValidationError as exc:
        raise _validation(exc) from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    return 201, _out(h)


@router.patch("/households/{id}", response=HouseholdOut, openapi_extra=SCOPE, summary="修改农户档案")
def household_update(request, id: int, payload: HouseholdPatch):
    h = scope.get_object_or_404(request.user, Household.objects.select_related("village"), pk=id)
    _writer(request.user, "registry.household.edit")
    data = payload.dict(exclude_unset=True)
    if "village_code" in data:
        data["village"] = _village(request.user, data.pop("village_code"))
    try:
        services.household_update(actor=request.user, household=h, **data)
    except ValidationError as exc:
        raise _validation(exc) from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    return _out(h)


@router.post("/imports/households", response={200: ImportReportOut, 400: ImportReportOut}, openapi_extra=SCOPE,
             summary="导入农户（multipart 上传标准模板；返回与命令行 --json 相同的报告）")
def household_import(request, file: UploadedFile = File(...), dry_run: bool = Form(False),
                     only_valid: bool = Form(False)):
    _writer(request.user, "registry.household.import")
    try:
        report = run_import(file.read(), filename=file.name or "", actor=request.user, dry_run=dry_run,
                            only_valid=only_valid, request=request)
    except Unreadable as exc:
        empty = {"created": 0, "updated": 0, "unchanged": 0}
        return 400, {"committed": False, "households": empty, "members": empty,
                     "errors": [{"row": None, "column": "", "message": str(exc)}]}
    return 200, report.as_json()
