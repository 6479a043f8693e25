"""Screening reads: always through the data scope."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from zhenxing.accounts import scope

from .models import Alert, FeedFile, RuleSet, Run


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


def alert_counts(qs: QuerySet[Alert]) -> dict:
    by_rule = list(qs.order_by().values("rule", "rule_name").annotate(n=Count("id")).order_by("-n"))
    by_state = list(qs.order_by().values("state").annotate(n=Count("id")).order_by("state"))
    return {"by_rule": by_rule, "by_state": by_state}


def alert_counts_by_region(user, qs: QuerySet[Alert]) -> list[dict]:
    """Counts per child region of the user's node (county for the prefecture, village for a township)."""
    node = user.region
    depth = node.depth + 1
    children = {r.path: r for r in scope.regions(user).filter(depth=depth)}
    counts: dict[str, int] = {}
    for path, n in qs.order_by().values_list("village__path").annotate(n=Count("id")):
        parts = path.split("/")
        key = "/".join(parts[: depth + 1]) + "/"
        counts[key] = counts.get(key, 0) + n
    return [{"region": children[p], "n": n} for p, n in sorted(counts.items()) if p in children]


def feeds_for(user) -> QuerySet[FeedFile]:
    return scope.scoped(user, FeedFile).select_related("imported_by")


def runs_for(user) -> QuerySet[Run]:
    return scope.scoped(user, Run).select_related("ruleset", "started_by")


def rulesets_for(user) -> QuerySet[RuleSet]:
    return scope.scoped(user, RuleSet)
