"""村务公开 pages without login: the villages that published, and a village's published copies
(quarterly finances, contracts, the distribution), with a QR code for the village board."""

from __future__ import annotations

import io

import segno
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from zhenxing.accounts.access import public_view
from zhenxing.regions.selectors import HOTLINE

from .models import Disclosure, Organisation


def _org(code: str) -> Organisation:
    org = Organisation.objects.filter(village__code=code, disclosures__isnull=False).select_related("village").first()
    if org is None:
        raise Http404("该村尚未公开")
    return org


@public_view
def index(request):
    orgs = (
        Organisation.objects.filter(disclosures__isnull=False)
        .distinct()
        .select_related("village", "village__parent")
        .order_by("village__code")
    )
    return render(request, "collective/public/index.html", {"orgs": orgs, "phone": HOTLINE})


@public_view
def village(request, village):
    org = _org(village)
    latest = org.disclosures.order_by("-year", "-quarter").first()
    items = list(org.disclosures.filter(year=latest.year, quarter=latest.quarter).order_by("kind"))
    older = Disclosure.objects.filter(organisation=org).exclude(pk__in=[d.pk for d in items])[:20]
    return render(
        request,
        "collective/public/village.html",
        {
            "org": org,
            "latest": latest,
            "items": items,
            "older": older,
            "phone": HOTLINE,
            "qr_url": reverse("collective_public:qr", args=[org.village.code]),
        },
    )


@public_view
def disclosure(request, village, pk):
    org = _org(village)
    d = org.disclosures.filter(pk=pk).first()
    if d is None:
        raise Http404("没有该公开")
    return render(
        request,
        "collective/public/village.html",
        {"org": org, "latest": d, "items": [d], "older": [], "phone": HOTLINE, "qr_url": ""},
    )


@public_view
@cache_control(max_age=3600)
def qr(request, village):
    org = _org(village)
    url = request.build_absolute_uri(reverse("collective_public:village", args=[org.village.code]))
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=4, border=2, xmldecl=False)
    return HttpResponse(buf.getvalue(), content_type="image/svg+xml")
