"""乡村建设 work waiting on the home page: problem toilets not yet rectified (past their deadline
counted apart), 村规民约 on their way to posting, 示范 recommendations waiting for the user's level,
and villages without this year's profile. A village cadre reaches the module from here (its menu
is kept short)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.lib.modules import PendingItem
from zhenxing.regions.models import Level

from .models import Honour, HonourState, RuleState, Toilet, ToiletStatus, VillageProfile, VillageRule


def pending(user) -> list[PendingItem]:
    if not scope.may(user, "village.index") or not scope.can_write(user, user.region, "village.profile.keep"):
        return []
    today = timezone.localdate()
    toilets_url = reverse("village:toilets") + "?status=open"
    out = []
    open_toilets = scope.scoped(user, Toilet).filter(status__in=[ToiletStatus.PROBLEM, ToiletStatus.RECTIFYING])
    late = open_toilets.filter(deadline__lt=today).count()
    if late:
        out.append(PendingItem("逾期", "超过整改时限的问题厕所", toilets_url, late))
    n = open_toilets.count() - late
    if n:
        out.append(PendingItem("乡村建设", "待整改的问题厕所", toilets_url, n))
    waiting = {Role.VILLAGE_CADRE: [RuleState.DRAFT, RuleState.FILED], Role.TOWNSHIP_STAFF: [RuleState.VOTED]}
    rules = scope.scoped(user, VillageRule).filter(state__in=waiting.get(user.role, []))
    first = rules.select_related("village").first()
    if first is not None:
        out.append(PendingItem("乡村建设", "待办理的村规民约", reverse("village:rule", args=[first.pk]), rules.count()))
    stage = {Role.TOWNSHIP_STAFF: HonourState.RECOMMENDED, Role.COUNTY_STAFF: HonourState.TOWNSHIP}.get(user.role)
    if stage:
        honours = scope.scoped(user, Honour).filter(state=stage)
        first = honours.first()
        if first is not None:
            out.append(
                PendingItem("乡村建设", "待审核的示范推荐", reverse("village:honour", args=[first.pk]), honours.count())
            )
    villages = scope.regions(user).filter(level=Level.VILLAGE)
    missing = villages.exclude(pk__in=VillageProfile.objects.filter(year=today.year).values("village_id")).count()
    if missing:
        out.append(PendingItem("乡村建设", f"未建立{today.year}年村庄档案的村", reverse("village:index"), missing))
    elif user.role == Role.VILLAGE_CADRE:
        profile = VillageProfile.objects.filter(village=user.region, year=today.year).first()
        if profile is not None:
            out.append(
                PendingItem("乡村建设", "本村村庄档案和人居环境", reverse("village:profile", args=[profile.pk]), 1)
            )
    return out
