"""The region tree in the API (the tree itself is ``zhenxing.regions``)."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpResponse
from ninja import Query, Router, Schema

from zhenxing.accounts import scope
from zhenxing.lib.pagination import Keyset, keyset_page
from zhenxing.regions.models import Region

from .pickers import router as pickers_router

router = Router(tags=["行政区划"])
# The autocomplete operations of the searchable pickers (/pick/...) live beside the region tree.
router.add_router("", pickers_router)


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_code: str | None
    aliases: list[str]
    is_sample: bool
    children: int


def _out(r: Region) -> dict:
    return {
        "id": r.id,
        "code": r.code,
        "name": r.name,
        "level": r.level,
        "parent_code": r.parent.code if r.parent_id else None,
        "aliases": r.aliases,
        "is_sample": r.is_sample,
        "children": getattr(r, "n_children", 0),
    }


@router.get(
    "/regions",
    response=list[RegionOut],
    openapi_extra={"x-scope": "regions.region"},
    summary="数据权限范围内的区划（可按上级代码、层级筛选；按区划树顺序，after 为上一页最后一条的 path）",
)
def region_list(request, response: HttpResponse, page: Keyset = Query(...), parent: str = "", level: str = ""):
    qs = scope.regions(request.user).select_related("parent").annotate(n_children=Count("children"))
    if parent:
        qs = qs.filter(parent=scope.region_by_code(request.user, parent))
    if level:
        qs = qs.filter(level=level)
    return [_out(r) for r in keyset_page(request, response, qs, page, key="path")]


@router.get(
    "/regions/{code}",
    response=RegionOut,
    openapi_extra={"x-scope": "regions.region", "x-scope-lookup": "code"},
    summary="一个区划",
)
def region_detail(request, code: str):
    qs = Region.objects.select_related("parent").annotate(n_children=Count("children"))
    return _out(scope.get_object_or_404(request.user, qs, code=code))
