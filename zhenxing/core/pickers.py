"""The autocomplete operations behind every searchable picker (``lib/picker.py``): households,
people, units and regions, one home for all four. Each reads only the user's data scope
(``accounts.scope``), narrows with ``?region=<code>`` (404 outside the scope), pages by keyset on
id (``lib.pagination``) and answers ``PickOut`` rows; an ID number appears only masked.

Matching: the typed words against the name (户主 or any member's name for a household), the
户编号 (a whole one alone, else prefix or ending), four digits against the masked ID's visible
tail, a whole ID number by its keyed hash (as the registry's search), and for regions the name or
code. Pinyin
initials are not matched: no pinyin package is shipped (see docs/architecture.md).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpResponse
from ninja import Query, Router

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


def _id_query(q: str) -> Q | None:
    """What a digit query means for members: a whole valid ID number is looked up by its keyed hash
    (never compared in clear); exactly four characters are the masked form's visible tail."""
    try:
        return Q(id_hash=idnumber.id_hash(idnumber.validate(q)))
    except idnumber.IdNumberError:
        pass
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


@router.get(
    "/pick/households",
    response=list[PickOut],
    url_name="pick_households",
    openapi_extra={"x-scope": "registry.household"},
    summary="选择农户：按户主或成员姓名、户编号、身份证号后四位查找（数据权限范围内；身份证号仅脱敏）",
)
def pick_households(request, response: HttpResponse, page: Keyset = Query(...), q: str = "", region: str = ""):
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


@router.get(
    "/pick/members",
    response=list[PickOut],
    url_name="pick_members",
    openapi_extra={"x-scope": "registry.member"},
    summary="选择人员：按姓名、身份证号后四位、户编号查找在册成员（数据权限范围内；身份证号仅脱敏）",
)
def pick_members(request, response: HttpResponse, page: Keyset = Query(...), q: str = "", region: str = ""):
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


@router.get(
    "/pick/units",
    response=list[PickOut],
    url_name="pick_units",
    openapi_extra={"x-scope": "ledger.unit"},
    summary="选择单位：按单位名称查找（本级及以下，另含上级可见的单位）",
)
def pick_units(request, response: HttpResponse, page: Keyset = Query(...), q: str = ""):
    qs = scope.scoped(request.user, Unit)
    q = query_text(q)
    if q:
        qs = qs.filter(name__contains=q)
    rows = keyset_page(request, response, qs.select_related("region"), page)
    return [{"id": u.pk, "code": "", "label": u.name, "detail": u.region.display_name} for u in rows]


@router.get(
    "/pick/regions",
    response=list[PickOut],
    url_name="pick_regions",
    openapi_extra={"x-scope": "regions.region"},
    summary="选择区划：按名称或代码查找，或列出一个区划的下级（parent）、某一层级（level）、某深度以上（max_depth）；按区划树顺序",
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
