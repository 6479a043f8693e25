from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Level, Region

# The county-level governments the plan (大署办〔2022〕21号) is addressed to: 漠河市、呼玛县、塔河县、
# 加格达奇区. 松岭、新林、呼中 are administrative districts of the prefecture without their own
# government and report through it (they stay in the tree, out of the ledger and the portal).
PLAN_COUNTIES = ["232701000000", "232721000000", "232722000000", "232761000000"]

# 全国防止返贫监测和帮扶热线: shown on the public portal, the disclosures and the postings.
HOTLINE = "12317"


def plan_counties() -> QuerySet[Region]:
    """The plan's four county-level units present in the tree, by code."""
    return Region.objects.filter(code__in=PLAN_COUNTIES, level=Level.COUNTY).order_by("code")


def region_find(name: str, *, within: Region | None = None, level: str | None = None) -> QuerySet[Region]:
    """Nodes whose name or one of its aliases is ``name`` (the plan's older names still match)."""
    qs = Region.objects.all()
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    if level:
        qs = qs.filter(level=level)
    matches = list(qs.filter(name=name))
    if matches:
        return qs.filter(pk__in=[m.pk for m in matches])
    # Aliases are a short JSON list; the tree is small, so filter in Python portably.
    ids = [r.pk for r in qs.exclude(aliases=[]).only("pk", "aliases") if name in r.aliases]
    return qs.filter(pk__in=ids)


def region_by_path(path: str) -> Region | None:
    """Resolve "塔河县/十八站乡/奋斗村" style paths, aliases included."""
    node = None
    for part in [p for p in path.replace(" ", "/").split("/") if p]:
        found = region_find(part, within=node).first()
        if found is None:
            return None
        node = found
    return node


def region_children_q(node: Region) -> Q:
    return Q(parent=node)
