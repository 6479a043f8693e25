"""Hand-made ledgers for tests in every module (the dashboard's figure links too)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from zhenxing.regions.models import Region
from zhenxing.registry.testing import make_household, members_of

from . import models as m
from .selectors import county_code


def make_ledgers(village, tag: str) -> SimpleNamespace:
    """In ``village``, as of today: a post with one formerly-poor holder and one other; a workshop
    below the county's share (one other worker) and one above it (one formerly-poor worker); a
    pairing that delivered 60,000 of 100,000 yuan; a cadre short of days and one who is not; 10
    credited points. Every record's name starts with ``tag``, so a page shows whose records it lists.

    The county requires 366 days a year, so a cadre without logs is short on any day, 1 January of
    a leap year included, and one day in the village covers a cadre who arrived today."""
    today = timezone.localdate()
    m.CountySetting.objects.update_or_create(
        county=Region.objects.get(code=county_code(village)), year=today.year, defaults={"cadre_days_required": 366}
    )
    poor = members_of(make_household(village=village, formerly_poor=True))
    plain = members_of(make_household(village=village))
    long_ago = dt.date(today.year - 1, 1, 1)
    post = m.PublicPost.objects.create(
        village=village,
        name=f"{tag}保洁员",
        kind=m.PostKind.SANITATION,
        monthly_pay=Decimal("800"),
        funding=m.Funding.LINKAGE,
    )
    m.PostHolding.objects.create(post=post, member=poor[0], start=long_ago)
    m.PostHolding.objects.create(post=post, member=plain[0], start=long_ago)
    below = m.Workshop.objects.create(village=village, name=f"{tag}木耳车间", owner="合作社")
    m.WorkshopWorker.objects.create(workshop=below, member=plain[1], start=long_ago)
    above = m.Workshop.objects.create(village=village, name=f"{tag}蓝莓车间", owner="合作社")
    m.WorkshopWorker.objects.create(workshop=above, member=poor[1], start=long_ago)
    pairing = m.Pairing.objects.create(
        village=village,
        partner=f"{tag}结对企业",
        partner_kind=m.PartnerKind.ENTERPRISE,
        since=long_ago,
        committed_money=Decimal("100000"),
    )
    m.Delivery.objects.create(pairing=pairing, date=long_ago, kind=m.DeliveryKind.MONEY, amount=Decimal("60000"))
    team = m.WorkTeam.objects.create(village=village, unit=f"{tag}派出单位", start=long_ago)
    short = m.Cadre.objects.create(
        team=team, name=f"{tag}书记", position=m.CadrePosition.FIRST_SECRETARY, home_unit="某局", start=long_ago
    )
    enough = m.Cadre.objects.create(
        team=team, name=f"{tag}队员", position=m.CadrePosition.MEMBER, home_unit="某局", start=today
    )
    m.WorkLog.objects.create(cadre=enough, date=today, content="走访", in_village=True)
    rule = m.PointRule.objects.create(
        village=village, category=m.PointCategory.PUBLIC_WORKS, name=f"{tag}义务劳动", points=10
    )
    m.PointEntry.objects.create(
        household=poor[0].household,
        rule=rule,
        points=10,
        date=today,
        proposer_name="组长",
        state=m.EntryState.CREDITED,
        applied=10,
        credited_at=timezone.now(),
    )
    return SimpleNamespace(post=post, below=below, above=above, pairing=pairing, short=short, enough=enough)
