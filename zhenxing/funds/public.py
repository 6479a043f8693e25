"""Public disclosure pages (公告公示): no login, only what was published, no personal data.

Every page shows the frozen copy stored when the county published it (``Disclosure.content``),
its posting period, corrections, the 12317 supervision phone, a print layout and a QR code
that opens the same page on a phone.
"""

from __future__ import annotations

import io

import segno
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from zhenxing.accounts.access import public_view
from zhenxing.regions.models import Level, Region
from zhenxing.regions.selectors import HOTLINE

from .models import Disclosure, DisclosureKind

SUPERVISION_PHONE = HOTLINE
PAGE_ROWS = 200  # a long pool is paged (print each page, or the whole list from the county office)


def _county(code: str) -> Region:
    county = Region.objects.filter(code=code, level=Level.COUNTY).first()
    if county is None:
        raise Http404("没有该县")
    return county


@public_view
def index(request):
    codes = Disclosure.objects.values("county").distinct()
    counties = Region.objects.filter(pk__in=codes).order_by("code")
    return render(request, "funds/public/index.html", {"counties": counties, "phone": SUPERVISION_PHONE})


@public_view
def county_page(request, county):
    county = _county(county)
    from .selectors import latest_disclosures

    items = latest_disclosures(county)
    if not items:
        raise Http404("该县尚未发布公示")
    return render(request, "funds/public/county.html", {"county": county, "items": items, "phone": SUPERVISION_PHONE})


def _latest(county: Region, year: int, kind: str) -> list[Disclosure]:
    if kind not in DisclosureKind.values:
        raise Http404("没有该公示")
    versions = list(Disclosure.objects.filter(county=county, year=year, kind=kind).order_by("-version"))
    if not versions:
        raise Http404("没有该公示")
    return versions


@public_view
def disclosure(request, county, year, kind):
    county = _county(county)
    versions = _latest(county, year, kind)
    current = versions[0]
    page = Paginator(current.content.get("rows", []), PAGE_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "funds/public/disclosure.html",
        {
            "county": county,
            "d": current,
            "corrections": versions[1:],
            "versions": versions,
            "page": page,
            "phone": SUPERVISION_PHONE,
            "qr_url": reverse("funds_public:qr", args=[county.code, year, kind]),
        },
    )


@public_view
@cache_control(max_age=3600)
def qr(request, county, year, kind):
    county = _county(county)
    _latest(county, year, kind)
    url = request.build_absolute_uri(reverse("funds_public:disclosure", args=[county.code, year, kind]))
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=4, border=2, xmldecl=False)
    return HttpResponse(buf.getvalue(), content_type="image/svg+xml")
