"""Screening reads: always through the data scope."""

from __future__ import annotations

from django.db.models import QuerySet, Sum

from zhenxing.accounts import scope
from zhenxing.lib.pagination import keyset_slice
from zhenxing.regions.models import Level

from . import rules
from .models import Alert, AlertCount, FeedFile, RuleSet, Run


def alerts_for(user, *, rule: str = "", state: str = "", region=None, open_only: bool = False) -> QuerySet[Alert]:
    qs = scope.scoped(user, Alert).select_related("household", "village")
    if rule:
        qs = qs.filter(rule=rule)
    if state:
        qs = qs.filter(state=state)
    if region is not None:
        qs = qs.filter(village__path__startswith=region.path)
    if open_only:
        qs = qs.filter(is_open=True)
    return qs


def alert_figures(user, *, rule: str = "", state: str = "", region=None) -> QuerySet[AlertCount]:
    """The alert counts (``AlertCount``, kept by the runs and the steps) matching the list's filters."""
    qs = scope.scoped(user, AlertCount).exclude(n=0)
    if rule:
        qs = qs.filter(rule=rule)
    if state:
        qs = qs.filter(state=state)
    if region is not None:
        qs = qs.filter(village__path__startswith=region.path)
    return qs


def rule_name(code: str) -> str:
    rule = rules.RULES.get(code)
    return str(rule.name) if rule is not None else str(rules.EXTRA_CODES.get(code, code))


def alert_counts(figures: QuerySet[AlertCount]) -> dict:
    """Per rule and per state, and the total, from the kept figures (no count over the alerts)."""
    by_rule = [
        {"rule": r["rule"], "rule_name": rule_name(r["rule"]), "n": r["n"]}
        for r in figures.order_by().values("rule").annotate(n=Sum("n")).order_by("-n", "rule")
    ]
    by_state = list(figures.order_by().values("state").annotate(n=Sum("n")).order_by("state"))
    return {"by_rule": by_rule, "by_state": by_state, "total": sum(r["n"] for r in by_state)}


def alert_counts_by_region(user, figures: QuerySet[AlertCount]) -> list[dict]:
    """Counts per child region of the user's node (county for the prefecture, village for a
    township), from the kept figures summed per village."""
    node = user.region
    depth = node.depth + 1
    children = {r.path: r for r in scope.regions(user).filter(depth=depth)}
    counts: dict[str, int] = {}
    for path, n in figures.order_by().values("village__path").annotate(n=Sum("n")).values_list("village__path", "n"):
        parts = path.split("/")
        key = "/".join(parts[: depth + 1]) + "/"
        counts[key] = counts.get(key, 0) + n
    return [{"region": children[p], "n": n} for p, n in sorted(counts.items()) if p in children and n]


# A list whose matching alerts are a small share of all (a village's, a township's) and lie in at
# most this many villages reads each village's newest keys through the (village, raised_at, id)
# index and merges them; otherwise the (raised_at, id) index is walked in one pass, which finds a
# page after reading about PAGE / share rows.
PER_VILLAGE_MAX = 40
SMALL_SHARE = 0.02
PAGE = 50


def alert_page(
    user, qs: QuerySet[Alert], *, region=None, matching: int | None = None, cursor: str = "", size: int = PAGE
):
    """(rows, next cursor): the alerts newest first (raised_at, id), by keyset; no OFFSET, no COUNT.
    ``matching``: how many alerts the filters match (from the figures), to choose the index."""
    split: list[int] = []
    everything = AlertCount.objects.aggregate(n=Sum("n"))["n"] or 0
    if matching is None or not everything or matching < everything * SMALL_SHARE:
        node = region or user.region
        villages = list(
            scope.regions(user)
            .filter(level=Level.VILLAGE, path__startswith=node.path)
            .values_list("pk", flat=True)[: PER_VILLAGE_MAX + 1]
        )
        split = villages if len(villages) <= PER_VILLAGE_MAX else []
    return keyset_slice(
        qs, order=("-raised_at", "-pk"), cursor=cursor, size=size, split="village_id", split_values=split
    )


def feeds_for(user) -> QuerySet[FeedFile]:
    return scope.scoped(user, FeedFile).select_related("imported_by")


def runs_for(user) -> QuerySet[Run]:
    return scope.scoped(user, Run).select_related("ruleset", "started_by")


def rulesets_for(user) -> QuerySet[RuleSet]:
    return scope.scoped(user, RuleSet)
