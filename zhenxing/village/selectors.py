"""Reads of the village profile, scoped. Population and households come from the registry; people
(两委, talent) are named from the registry by ID hash."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from zhenxing.accounts import scope
from zhenxing.funds.models import Project, ProjectType
from zhenxing.regions.models import Level, Region
from zhenxing.registry.models import Household, Member, MemberStatus

from .models import (
    SANITARY_KINDS,
    Cadre,
    CleaningRound,
    ConstructionTask,
    GarbageRecord,
    Honour,
    HonourState,
    Recheck,
    RecheckRound,
    RuleState,
    SewageRecord,
    Talent,
    Toilet,
    ToiletStatus,
    VillageProfile,
    VillageRule,
)


def villages(user, region: Region | None = None) -> QuerySet[Region]:
    qs = scope.regions(user).filter(level=Level.VILLAGE)
    if region is not None:
        qs = qs.filter(path__startswith=region.path)
    return qs.select_related("parent").order_by("code")


def population(village_ids) -> dict[int, tuple[int, int]]:
    """village id -> (households, living people), read from the registry."""
    hh = dict(
        Household.objects.filter(village_id__in=village_ids)
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    people = dict(
        Member.objects.filter(household__village_id__in=village_ids, status=MemberStatus.ACTIVE)
        .values("household__village_id")
        .annotate(n=Count("id"))
        .values_list("household__village_id", "n")
    )
    return {v: (hh.get(v, 0), people.get(v, 0)) for v in village_ids}


@dataclass
class Row:
    village: Region
    profile: VillageProfile | None
    households: int
    people: int
    surveyed: int = 0
    sanitary: int = 0
    problems_open: int = 0

    @property
    def sanitary_rate(self) -> float | None:
        return self.sanitary / self.households if self.households else None


def village_rows(user, region: Region | None, year: int) -> list[Row]:
    vs = list(villages(user, region))
    ids = [v.pk for v in vs]
    profiles = {p.village_id: p for p in VillageProfile.objects.filter(village_id__in=ids, year=year)}
    pop = population(ids)
    toilets = {
        r["village_id"]: r
        for r in Toilet.objects.filter(village_id__in=ids)
        .values("village_id")
        .annotate(
            n=Count("id"),
            ok=Count("id", filter=Q(has_toilet=True, kind__in=SANITARY_KINDS)),
            open=Count("id", filter=Q(status__in=[ToiletStatus.PROBLEM, ToiletStatus.RECTIFYING])),
        )
    }
    rows = []
    for v in vs:
        t = toilets.get(v.pk, {})
        rows.append(Row(v, profiles.get(v.pk), *pop[v.pk], t.get("n", 0), t.get("ok", 0), t.get("open", 0)))
    return rows


def with_names(qs):
    """Name, household number and masked ID read from the registry by ID hash."""
    person = Member.objects.filter(id_hash=OuterRef("id_hash"))
    return qs.annotate(
        person_name=Subquery(person.values("name")[:1]),
        household_number=Subquery(person.values("household__number")[:1]),
        id_masked=Subquery(person.values("id_masked")[:1]),
    )


def cadres(profile: VillageProfile) -> QuerySet[Cadre]:
    return with_names(profile.cadres.all())


def talents(user) -> QuerySet[Talent]:
    return with_names(scope.scoped(user, Talent).select_related("village", "village__parent"))


def toilets(user) -> QuerySet[Toilet]:
    return scope.scoped(user, Toilet).select_related("household", "village", "village__parent")


def rules(village: Region) -> QuerySet[VillageRule]:
    return VillageRule.objects.filter(village=village).order_by("-id")


def posted_rule(village: Region) -> VillageRule | None:
    return VillageRule.objects.filter(village=village, state=RuleState.POSTED).order_by("-posted_on", "-id").first()


def honours(village: Region) -> QuerySet[Honour]:
    return Honour.objects.filter(village=village)


def titles(village: Region) -> QuerySet[Honour]:
    return Honour.objects.filter(village=village, state=HonourState.APPROVED).order_by("-year")


def environment(user, region: Region | None, year: int):
    def within(model):
        qs = scope.scoped(user, model).select_related("village", "village__parent")
        return scope.within(qs, region) if region is not None else qs

    return {
        "sewage": within(SewageRecord).filter(year=year),
        "garbage": within(GarbageRecord).filter(year=year),
        "cleaning": within(CleaningRound).filter(year=year),
    }


def rounds(user) -> QuerySet[RecheckRound]:
    return (
        scope.scoped(user, RecheckRound)
        .select_related("region")
        .annotate(
            sampled=Count("checks"),
            checked=Count("checks", filter=Q(checks__checked_on__isnull=False)),
            failed=Count("checks", filter=Q(checks__passed=False)),
        )
    )


def round_checks(user, rnd: RecheckRound) -> QuerySet[Recheck]:
    return scope.scoped(user, Recheck).filter(round=rnd).select_related("toilet__household", "toilet__village")


def construction_projects(user, region: Region | None = None) -> QuerySet[Project]:
    """The county's 乡村建设项目库: the funds pool's projects of type 乡村建设."""
    qs = scope.scoped(user, Project).filter(type=ProjectType.RURAL_CONSTRUCTION)
    if region is not None:
        qs = qs.filter(village__path__startswith=region.path)
    return qs.select_related("village", "village__parent", "construction").order_by("-year", "code")


def tasks(user, project: Project) -> QuerySet[ConstructionTask]:
    return scope.scoped(user, ConstructionTask).filter(construction__project=project).select_related("village")


def overdue_problem_toilets(region: Region, as_of: dt.date) -> QuerySet[Toilet]:
    return Toilet.objects.filter(
        village__path__startswith=region.path,
        status__in=[ToiletStatus.PROBLEM, ToiletStatus.RECTIFYING],
        deadline__lt=as_of,
    )
