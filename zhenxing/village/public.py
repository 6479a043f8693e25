"""The public pages of the village profile (no login): the villages whose 村规民约 is posted, and a
village's posted 村规民约 and its 示范 titles. No personal data is shown."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from zhenxing.accounts.access import public_view
from zhenxing.regions.models import Level, Region
from zhenxing.regions.selectors import HOTLINE

from . import selectors
from .models import HonourState, RuleState


def _public_villages():
    return (
        Region.objects.filter(level=Level.VILLAGE)
        .filter(
            Q(pk__in=selectors.VillageRule.objects.filter(state=RuleState.POSTED).values("village_id"))
            | Q(pk__in=selectors.Honour.objects.filter(state=HonourState.APPROVED).values("village_id"))
        )
        .select_related("parent", "parent__parent")
        .order_by("code")
    )


@public_view
def index(request):
    return render(request, "village/public/index.html", {"villages": _public_villages(), "phone": HOTLINE})


@public_view
def village(request, village):
    v = _public_villages().filter(code=village).first()
    if v is None:
        raise Http404("该村尚未公布村规民约")
    return render(
        request,
        "village/public/village.html",
        {"v": v, "rule": selectors.posted_rule(v), "titles": selectors.titles(v), "phone": HOTLINE},
    )
