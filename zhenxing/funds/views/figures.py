"""Funds pages: the year's figures (资金总览)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from zhenxing.accounts.access import staff_view

from .. import selectors


def requested_year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@staff_view()
def figures(request):
    """资金总览: a county's (or the prefecture's) figures for a year."""
    year = requested_year(request)
    counties = selectors.counties(request.user)
    allowed = {c.code: c for c in counties}
    node = request.user.region
    if node is not None and node.depth <= 1:
        allowed[node.code] = node
    code = request.GET.get("region")
    if code:
        region = allowed.get(code)
        if region is None:
            raise Http404("区划不在您的数据权限范围内")
    else:
        region = node if node is not None and node.depth <= 1 else (counties[0] if counties else None)
    f = selectors.figures(region, year) if region is not None else None
    counts = selectors.county_beneficiary_counts(region, year) if region is not None else {}
    return render(
        request, "funds/figures.html", {"f": f, "counties": counties, "year": year, "region": region, "counts": counts}
    )
