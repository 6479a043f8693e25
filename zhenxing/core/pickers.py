"""The autocomplete operations behind every searchable picker (``lib/picker.py``): households,
people, units and regions, one home for all four. Each reads only the user's data scope
(``accounts.scope``), narrows with ``?region=<code>`` (404 outside the scope), pages by keyset on
id (``lib.pagination``) and answers ``PickOut`` rows; an ID number appears only masked.

Each has a POST form at the same address taking the same parameters as a JSON body (the typed
``q``, ``region`` or the regions' ``parent``/``level``/``max_depth``, and ``after``/``limit`` as
``lib.pagination.Keyset``), answering the same rows and paging the same way (the next cursor in
``X-Next-Cursor``, posted again as ``after``). ``static/zhenxing/picker.js`` searches by POST, so
an ID number typed into a box (whole, or its first digits while typing) never reaches a URL or the
access log (issue 20); GET stays for the region cascade (no typed text) and for other clients.

Matching: the typed words against the name (户主 or any member's name for a household), the
户编号 (a whole one alone, else prefix or ending), four digits against the masked ID's visible
tail, a whole ID number by its keyed hash (as the registry's search), and for regions the name or
code. Pinyin
initials are not matched: no pinyin package is shipped (see docs/architecture.md).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpResponse
from ninja import Field, Query, Router

from zhenxing.accounts import scope
from zhenxing.ledger.models import Unit
from zhenxing.lib.pagination import Keyset, keyset_page
from zhenxing.lib.picker import PickOut, is_digits, query_text
from zhenxing.regions.models import Region
from zhenxing.registry import idnumber
from zhenxing.registry.models import Household, Member, MemberStatus

router = Router(tags=["选择器"])
# Masked ID numbers show their last four characters: four typed digits also match them.
ID_TAIL = 4


def _narrow(request, qs: QuerySet, region: str) -> QuerySet:
    return scope.within(qs, scope.region_by_code(request.user, region))


class PickIn(Keyset):
    """The body of a picker's POST search: what GET takes in its query string."""

    q: str = Field(
        "", max_length=64, description="输入的文字（姓名、户编号、完整身份证号等；在请求体中，不进网址和日志）"
    )


class PickRegistryIn(PickIn):
    """Households and people: the typed words and the region the search stays in."""

    region: str = Field("", description="区划代码：只在该区划内查找")


class PickRegionsIn(PickIn):
    """Regions: the typed words, or a node's children (``parent``), one level, down to a depth."""

    parent: str = ""
    level: str = ""
    max_depth: int | None = None


def _id_query(q: str) -> Q | None:
    """What a digit query means for members: a whole valid ID number is looked up by its keyed hash
    (never compared in clear); exactly four characters are the masked form's visible tail."""
    number = idnumber.full_id(q)
    if number:
        return Q(id_hash=idnumber.id_hash(number))
    return Q(id_masked__endswith=q.upper()) if len(q) == ID_TAIL else None


def _household_match(qs: QuerySet[Household], q: str) -> QuerySet[Household]:
    if not q:
        return qs
    if is_digits(q):
        if qs.filter(number=q).exists():  # a whole 户编号: that household
            return qs.filter(number=q)
        cond = Q(number__startswith=q) | Q(number__endswith=q)
        by_id = _id_query(q)
        if by_id is not None:
            cond |= Exists(Member.objects.filter(by_id, household=OuterRef("pk")))
        return qs.filter(cond)
    return qs.filter(
        Q(head_name__contains=q)
        | Exists(Member.objects.filter(household=OuterRef("pk"), status=MemberStatus.ACTIVE, name__contains=q))
    )


HOUSEHOLDS = "选择农户：按户主或成员姓名、户编号、身份证号后四位或完整身份证号查找（数据权限范围内；身份证号仅脱敏）"


@router.get(
    "/pick/households",
    response=list[PickOut],
    url_name="pick_households",
    openapi_extra={"x-scope": "registry.household"},
    summary=HOUSEHOLDS,
)
def pick_households(request, response: HttpResponse, page: Keyset = Query(...), q: str = "", region: str = ""):
    return _households(request, response, page, q, region)


@router.post(
    "/pick/households",
    response=list[PickOut],
    openapi_extra={"x-scope": "registry.household"},
    summary=HOUSEHOLDS + "；POST：输入在请求体中，不进网址和访问日志",
)
def pick_households_post(request, response: HttpResponse, payload: PickRegistryIn):
    return _households(request, response, payload, payload.q, payload.region)


def _households(request, response: HttpResponse, page: Keyset, q: str, region: str) -> list[dict]:
    qs = _household_match(_narrow(request, scope.scoped(request.user, Household), region), query_text(q))
    rows = keyset_page(request, response, qs.select_related("village"), page)
    return [
        {
            "id": h.pk,
            "code": h.number,
            "label": f"{h.head_name or '（未登记户主）'} · {h.number}",
            "detail": h.village.display_name,
        }
        for h in rows
    ]


MEMBERS = "选择人员：按姓名、身份证号后四位或完整身份证号、户编号查找在册成员（数据权限范围内；身份证号仅脱敏）"


@router.get(
    "/pick/members",
    response=list[PickOut],
    url_name="pick_members",
    openapi_extra={"x-scope": "registry.member"},
    summary=MEMBERS,
)
def pick_members(request, response: HttpResponse, page: Keyset = Query(...), q: str = "", region: str = ""):
    return _members(request, response, page, q, region)


@router.post(
    "/pick/members",
    response=list[PickOut],
    openapi_extra={"x-scope": "registry.member"},
    summary=MEMBERS + "；POST：输入在请求体中，不进网址和访问日志",
)
def pick_members_post(request, response: HttpResponse, payload: PickRegistryIn):
    return _members(request, response, payload, payload.q, payload.region)


def _members(request, response: HttpResponse, page: Keyset, q: str, region: str) -> list[dict]:
    qs = _narrow(request, scope.scoped(request.user, Member).filter(status=MemberStatus.ACTIVE), region)
    q = query_text(q)
    if q and is_digits(q):
        cond = Q(household__number__startswith=q)
        by_id = _id_query(q)
        if by_id is not None:
            cond |= by_id
        qs = qs.filter(cond)
    elif q:
        qs = qs.filter(name__contains=q)
    rows = keyset_page(request, response, qs.select_related("household__village"), page)
    return [
        {
            "id": m.pk,
            "code": m.household.number,
            "label": f"{m.name}（{m.household.number}）",
            "detail": f"{m.id_masked} · {m.household.village.display_name}",
        }
        for m in rows
    ]


UNITS = "选择单位：按单位名称查找（本级及以下，另含上级可见的单位）"


@router.get(
    "/pick/units",
    response=list[PickOut],
    url_name="pick_units",
    openapi_extra={"x-scope": "ledger.unit"},
    summary=UNITS,
)
def pick_units(request, response: HttpResponse, page: Keyset = Query(...), q: str = ""):
    return _units(request, response, page, q)


@router.post(
    "/pick/units", response=list[PickOut], openapi_extra={"x-scope": "ledger.unit"}, summary=UNITS + "（POST）"
)
def pick_units_post(request, response: HttpResponse, payload: PickIn):
    return _units(request, response, payload, payload.q)


def _units(request, response: HttpResponse, page: Keyset, q: str) -> list[dict]:
    qs = scope.scoped(request.user, Unit)
    q = query_text(q)
    if q:
        qs = qs.filter(name__contains=q)
    rows = keyset_page(request, response, qs.select_related("region"), page)
    return [{"id": u.pk, "code": "", "label": u.name, "detail": u.region.display_name} for u in rows]


REGIONS = "选择区划：按名称或代码查找，或列出一个区划的下级（parent）、某一层级（level）、某深度以上（max_depth）；按区划树顺序"


@router.get(
    "/pick/regions",
    response=list[PickOut],
    url_name="pick_regions",
    openapi_extra={"x-scope": "regions.region"},
    summary=REGIONS,
)
def pick_regions(
    request,
    response: HttpResponse,
    page: Keyset = Query(...),
    q: str = "",
    parent: str = "",
    level: str = "",
    max_depth: int | None = None,
):
    return _regions(request, response, page, q=q, parent=parent, level=level, max_depth=max_depth)


@router.post(
    "/pick/regions", response=list[PickOut], openapi_extra={"x-scope": "regions.region"}, summary=REGIONS + "（POST）"
)
def pick_regions_post(request, response: HttpResponse, payload: PickRegionsIn):
    return _regions(
        request, response, payload, q=payload.q, parent=payload.parent, level=payload.level, max_depth=payload.max_depth
    )


def _regions(request, response: HttpResponse, page: Keyset, *, q: str, parent: str, level: str, max_depth: int | None):
    qs = scope.regions(request.user).select_related("parent")
    if max_depth is not None:
        qs = qs.filter(depth__lte=max_depth)
    if parent:
        qs = qs.filter(parent=scope.region_by_code(request.user, parent))
    if level:
        qs = qs.filter(level=level)
    q = query_text(q)
    if q:
        qs = qs.filter(Q(code__startswith=q) if q.isdigit() else Q(name__contains=q))
    rows: list[Region] = keyset_page(request, response, qs, page, key="path")
    return [
        {
            "id": r.pk,
            "code": r.code,
            "label": r.display_name,
            "detail": f"{r.parent.display_name} · {r.get_level_display()}" if r.parent_id else r.get_level_display(),
        }
        for r in rows
    ]
