"""Reads: scoped querysets and the set-based figures (ratios, warnings, summaries).

Every figure here is computed by grouped queries over a queryset the caller passes in (already
scoped to a user, or restricted to a region for the indicators): never one query per record.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from zhenxing.accounts import scope
from zhenxing.regions.models import Level, Region
from zhenxing.registry.models import Household

from . import models as m

ZERO = Decimal("0")


def county_code(region: Region) -> str | None:
    codes = [c for c in region.path.split("/") if c]
    return codes[2] if len(codes) > 2 else None


def county_setting(region: Region, year: int) -> m.CountySetting:
    """The county's requirement for the year, or the model's defaults when the county set none."""
    code = county_code(region)
    found = m.CountySetting.objects.filter(county__code=code, year=year).first() if code else None
    return found or m.CountySetting(year=year)


def settings_for(county_codes: set[str], year: int) -> dict[str, m.CountySetting]:
    found = {
        s.county.code: s
        for s in m.CountySetting.objects.filter(county__code__in=county_codes, year=year).select_related("county")
    }
    return {c: found.get(c) or m.CountySetting(year=year) for c in county_codes}


def active_on(d: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start__lte": d}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": d}))


def year_ago(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def villages(user) -> QuerySet[Region]:
    return scope.regions(user).filter(level=Level.VILLAGE).order_by("path")


# ---------------------------------------------------------------- 公益岗位: formerly-poor holders, year on year
@dataclass
class PostStability:
    now: int = 0
    last_year: int = 0

    @property
    def falling(self) -> bool:
        return self.now < self.last_year


def post_holders(holdings: QuerySet[m.PostHolding], as_of: dt.date) -> dict[int, PostStability]:
    """Per village: distinct formerly-poor people holding a public-welfare post on ``as_of`` and on
    the same day a year earlier. ``falling`` is the warning (fewer than a year ago)."""
    before = year_ago(as_of)
    poor = holdings.filter(member__household__formerly_poor=True)
    rows = (
        poor.order_by()
        .values("post__village")
        .annotate(
            now=Count("member", filter=active_on(as_of), distinct=True),
            last=Count("member", filter=active_on(before), distinct=True),
        )
    )
    return {r["post__village"]: PostStability(r["now"], r["last"]) for r in rows}


def post_holders_total(holdings: QuerySet[m.PostHolding], as_of: dt.date) -> PostStability:
    poor = holdings.filter(member__household__formerly_poor=True).order_by()
    agg = poor.aggregate(
        now=Count("member", filter=active_on(as_of), distinct=True),
        last=Count("member", filter=active_on(year_ago(as_of)), distinct=True),
    )
    return PostStability(agg["now"], agg["last"])


# ---------------------------------------------------------------- 帮扶车间: share of formerly-poor workers
@dataclass
class WorkshopShare:
    workshop: m.Workshop
    workers: int
    poor: int
    required: Decimal

    @property
    def share(self) -> Decimal | None:
        return (Decimal(self.poor) / Decimal(self.workers)) if self.workers else None

    @property
    def below(self) -> bool:
        # poor / workers < required, kept exact (no rounding at the boundary)
        return self.workers > 0 and Decimal(self.poor) < self.required * Decimal(self.workers)


def workshop_shares(workshops: QuerySet[m.Workshop], as_of: dt.date) -> list[WorkshopShare]:
    active = active_on(as_of, "workers__")
    qs = (
        workshops.select_related("village")
        .order_by("village__path", "name")
        .annotate(
            n_workers=Count("workers__member", filter=active, distinct=True),
            n_poor=Count(
                "workers__member", filter=active & Q(workers__member__household__formerly_poor=True), distinct=True
            ),
        )
    )
    rows = list(qs)
    settings = settings_for({county_code(w.village) for w in rows}, as_of.year)
    return [WorkshopShare(w, w.n_workers, w.n_poor, settings[county_code(w.village)].workshop_poor_share) for w in rows]


# ---------------------------------------------------------------- 驻村干部: days in the village
@dataclass
class CadreDays:
    cadre: m.Cadre
    days: int
    required: int  # pro rata to the days served in the year up to as_of

    @property
    def below(self) -> bool:
        return self.days < self.required


def required_days(per_year: int, start: dt.date, end: dt.date | None, year: int, as_of: dt.date) -> int:
    """The year's required days, pro rata to the part of the year served up to ``as_of``
    (rounded down: a cadre is flagged only when clearly short)."""
    first = max(dt.date(year, 1, 1), start)
    last = min(as_of, dt.date(year, 12, 31), end or as_of)
    if last < first:
        return 0
    days_in_year = 366 if calendar.isleap(year) else 365
    served = (last - first).days + 1
    return per_year * served // days_in_year


def cadre_days(cadres: QuerySet[m.Cadre], year: int, as_of: dt.date) -> list[CadreDays]:
    """Days each cadre logged in the village in ``year`` up to ``as_of`` (one grouped query)."""
    in_year = Q(logs__in_village=True, logs__date__year=year, logs__date__lte=as_of)
    qs = (
        cadres.filter(start__lte=as_of)
        .filter(Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1)))
        .select_related("team__village")
        .order_by("team__village__path", "name")
        .annotate(n_days=Count("logs__date", filter=in_year, distinct=True))
    )
    rows = list(qs)
    settings = settings_for({county_code(c.team.village) for c in rows}, year)
    return [
        CadreDays(
            c,
            c.n_days,
            required_days(settings[county_code(c.team.village)].cadre_days_required, c.start, c.end, year, as_of),
        )
        for c in rows
    ]


# ---------------------------------------------------------------- 百企兴百村
def _sum(kind: str, fld: str):
    out = IntegerField() if fld == "count" else m.Pairing._meta.get_field("committed_money")
    return Coalesce(Sum(f"deliveries__{fld}", filter=Q(deliveries__kind=kind)), Value(0), output_field=out)


def pairings_summary(pairings: QuerySet[m.Pairing]) -> QuerySet[m.Pairing]:
    """Each pairing with what it delivered, by kind, next to what it committed."""
    return (
        pairings.select_related("village")
        .order_by("village__path", "partner")
        .annotate(
            delivered_money=_sum(m.DeliveryKind.MONEY, "amount"),
            delivered_purchases=_sum(m.DeliveryKind.PURCHASE, "amount"),
            delivered_jobs=_sum(m.DeliveryKind.JOBS, "count"),
            delivered_projects=_sum(m.DeliveryKind.PROJECT, "count"),
        )
    )


@dataclass
class PairingTotals:
    pairings: int = 0
    committed_money: Decimal = ZERO
    delivered_money: Decimal = ZERO
    committed_purchases: Decimal = ZERO
    delivered_purchases: Decimal = ZERO
    committed_jobs: int = 0
    delivered_jobs: int = 0
    committed_projects: int = 0
    delivered_projects: int = 0

    @property
    def money_rate(self) -> Decimal | None:
        return self.delivered_money / self.committed_money if self.committed_money else None


def pairing_totals(pairings: QuerySet[m.Pairing], group: str) -> dict[object, PairingTotals]:
    """Totals grouped by ``group`` (``"village"`` or ``"county"``); two grouped queries."""
    key = "village" if group == "village" else "village__parent__parent"
    out: dict[object, PairingTotals] = {}
    committed = (
        pairings.order_by()
        .values(key)
        .annotate(
            n=Count("id"),
            money=Sum("committed_money"),
            purchases=Sum("committed_purchases"),
            jobs=Sum("committed_jobs"),
            projects=Sum("committed_projects"),
        )
    )
    for r in committed:
        out[r[key]] = PairingTotals(
            r["n"], r["money"] or ZERO, ZERO, r["purchases"] or ZERO, ZERO, r["jobs"] or 0, 0, r["projects"] or 0, 0
        )
    dkey = f"pairing__{key}"
    delivered = (
        m.Delivery.objects.filter(pairing__in=pairings.values("pk"))
        .order_by()
        .values(dkey, "kind")
        .annotate(amount=Sum("amount"), count=Sum("count"))
    )
    for r in delivered:
        t = out.setdefault(r[dkey], PairingTotals())
        if r["kind"] == m.DeliveryKind.MONEY:
            t.delivered_money += r["amount"] or ZERO
        elif r["kind"] == m.DeliveryKind.PURCHASE:
            t.delivered_purchases += r["amount"] or ZERO
        elif r["kind"] == m.DeliveryKind.JOBS:
            t.delivered_jobs += r["count"] or 0
        else:
            t.delivered_projects += r["count"] or 0
    return out


# ---------------------------------------------------------------- 积分制
def points_activity(entries: QuerySet[m.PointEntry], redemptions: QuerySet[m.Redemption], year: int) -> dict[int, dict]:
    """Per village: points credited in the year, entries waiting, points spent in the year."""
    out: dict[int, dict] = {}
    waiting = [m.EntryState.PROPOSED, m.EntryState.CONFIRMED, m.EntryState.POSTED]
    for r in (
        entries.order_by()
        .values("household__village")
        .annotate(
            credited=Coalesce(Sum("applied", filter=Q(state=m.EntryState.CREDITED, credited_at__year=year)), 0),
            entries=Count("id", filter=Q(state=m.EntryState.CREDITED, credited_at__year=year)),
            waiting=Count("id", filter=Q(state__in=waiting)),
        )
    ):
        out[r["household__village"]] = {
            "credited": r["credited"],
            "entries": r["entries"],
            "waiting": r["waiting"],
            "spent": 0,
        }
    for r in redemptions.filter(date__year=year).order_by().values("household__village").annotate(spent=Sum("points")):
        out.setdefault(r["household__village"], {"credited": 0, "entries": 0, "waiting": 0, "spent": 0})
        out[r["household__village"]]["spent"] = r["spent"] or 0
    return out


def ranking(
    accounts: QuerySet[m.PointAccount], entries: QuerySet[m.PointEntry], village: Region, year: int
) -> list[dict]:
    """A village's households by points credited in the year (then by balance)."""
    earned = {
        r["household"]: r["n"]
        for r in entries.filter(household__village=village, state=m.EntryState.CREDITED, credited_at__year=year)
        .order_by()
        .values("household")
        .annotate(n=Sum("applied"))
    }
    rows = [
        {"household": a.household, "balance": a.balance, "year_points": earned.get(a.household_id, 0)}
        for a in accounts.filter(household__village=village).select_related("household")
    ]
    rows.sort(key=lambda r: (-r["year_points"], -r["balance"], r["household"].number))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


def household_history(user, household: Household) -> list[dict]:
    """Every points entry (any state) and redemption of one household, newest first."""
    rows = [
        {
            "date": e.date,
            "kind": "entry",
            "what": f"{e.rule.get_category_display()}：{e.rule.name}",
            "points": e.applied if e.state == m.EntryState.CREDITED else e.points,
            "state": e.get_state_display(),
            "obj": e,
        }
        for e in scope.scoped(user, m.PointEntry).filter(household=household).select_related("rule")
    ]
    rows += [
        {
            "date": r.date,
            "kind": "redemption",
            "what": f"兑换 {r.item.name}×{r.quantity}",
            "points": -r.points,
            "state": "已兑换",
            "obj": r,
        }
        for r in scope.scoped(user, m.Redemption).filter(household=household).select_related("item")
    ]
    rows.sort(key=lambda r: (r["date"], r["obj"].pk), reverse=True)
    return rows


# ---------------------------------------------------------------- 劳务输出 → wage income
def months_in_year(start: dt.date, end: dt.date | None, year: int) -> int:
    """Calendar months of ``year`` in which the person was away for at least one day."""
    first = max(start, dt.date(year, 1, 1))
    last = min(end or dt.date(year, 12, 31), dt.date(year, 12, 31))
    if last < first:
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass
class WageRow:
    household_id: int
    year: int
    labour_export: Decimal = ZERO  # 劳务输出: monthly income × months away in the year
    public_posts: Decimal = ZERO  # 公益岗位: pay actually paid in the year
    workshops: Decimal = ZERO  # 帮扶车间: monthly wage × months worked in the year
    people: set = field(default_factory=set)

    @property
    def total(self) -> Decimal:
        return (self.labour_export + self.public_posts + self.workshops).quantize(Decimal("0.01"), ROUND_HALF_UP)


def wage_figures(households: QuerySet[Household], year: int) -> list[WageRow]:
    """The wage income the employment ledgers give each household for ``year``.

    Three grouped reads (labour export, public-post pay, workshop jobs) over the households given;
    see docs/people.md. Households with no record in any of them are left out.
    """
    out: dict[int, WageRow] = {}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overlap = Q(since__lte=end) & (Q(until__isnull=True) | Q(until__gte=start))
    for r in m.LabourExport.objects.filter(overlap, member__household__in=households.values("pk")).values(
        "member__household", "member", "since", "until", "monthly_income"
    ):
        row = out.setdefault(r["member__household"], WageRow(r["member__household"], year))
        row.labour_export += r["monthly_income"] * months_in_year(r["since"], r["until"], year)
        row.people.add(r["member"])
    for r in (
        m.PostPay.objects.filter(month__year=year, holding__member__household__in=households.values("pk"))
        .order_by()
        .values("holding__member__household")
        .annotate(total=Sum("pay"))
    ):
        row = out.setdefault(r["holding__member__household"], WageRow(r["holding__member__household"], year))
        row.public_posts += r["total"] or ZERO
    w_overlap = Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gte=start))
    for r in m.WorkshopWorker.objects.filter(w_overlap, member__household__in=households.values("pk")).values(
        "member__household", "member", "start", "end", "monthly_wage"
    ):
        row = out.setdefault(r["member__household"], WageRow(r["member__household"], year))
        row.workshops += r["monthly_wage"] * months_in_year(r["start"], r["end"], year)
        row.people.add(r["member"])
    return sorted(out.values(), key=lambda r: r.household_id)


def labour_returns(exports: QuerySet[m.LabourExport], since: dt.date, until: dt.date) -> QuerySet[m.LabourExport]:
    """People whose work away ended (returned home) between ``since`` and ``until``: the
    candidates of the ``jobloss`` screening rule."""
    return exports.filter(until__gte=since, until__lte=until).select_related("member__household")


# ---------------------------------------------------------------- county view: per village
@dataclass
class VillageRow:
    village: Region
    posts: PostStability
    workshops: int = 0
    workshops_below: int = 0
    workers: int = 0
    poor_workers: int = 0
    pairing: PairingTotals = field(default_factory=PairingTotals)
    cadres: int = 0
    cadres_below: int = 0
    min_cadre_days: int | None = None
    points: dict = field(default_factory=dict)
    open_cases: int = 0

    @property
    def worker_share(self) -> Decimal | None:
        return Decimal(self.poor_workers) / Decimal(self.workers) if self.workers else None


def village_summary(user, as_of: dt.date, *, region: Region | None = None) -> list[VillageRow]:
    """One row per village in the user's scope (within ``region``'s subtree when given)."""

    def mine(model):
        return scope.within(scope.scoped(user, model), region)

    vs = list(scope.within(villages(user), region))
    holders = post_holders(mine(m.PostHolding), as_of)
    rows = {v.pk: VillageRow(v, holders.get(v.pk, PostStability())) for v in vs}
    for s in workshop_shares(mine(m.Workshop), as_of):
        r = rows.get(s.workshop.village_id)
        if r:
            r.workshops += 1
            r.workshops_below += s.below
            r.workers += s.workers
            r.poor_workers += s.poor
    for vid, t in pairing_totals(mine(m.Pairing), "village").items():
        if vid in rows:
            rows[vid].pairing = t
    for c in cadre_days(mine(m.Cadre), as_of.year, as_of):
        r = rows.get(c.cadre.team.village_id)
        if r:
            r.cadres += 1
            r.cadres_below += c.below
            r.min_cadre_days = c.days if r.min_cadre_days is None else min(r.min_cadre_days, c.days)
    activity = points_activity(mine(m.PointEntry), mine(m.Redemption), as_of.year)
    for vid, a in activity.items():
        if vid in rows:
            rows[vid].points = a
    for r in (
        mine(m.PowerCase).filter(state=m.CaseState.OPEN).order_by().values("power__village").annotate(n=Count("id"))
    ):
        if r["power__village"] in rows:
            rows[r["power__village"]].open_cases = r["n"]
    return list(rows.values())
