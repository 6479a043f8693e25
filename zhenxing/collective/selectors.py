"""Reads of the village collective economy, scoped through accounts.scope. The village's project
assets (经营性, owned by the village collective) and their income are read from the assets app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from zhenxing.accounts import scope
from zhenxing.assets.models import Asset, AssetClass, AssetIncome, AssetStatus, OwnerKind
from zhenxing.registry.models import Member

from .models import (
    INCOME_CATEGORIES,
    OPERATING_CATEGORIES,
    Category,
    CollectiveMember,
    Contract,
    ContractPayment,
    ContractProblem,
    Debt,
    DebtKind,
    Disclosure,
    Distribution,
    JournalEntry,
    Organisation,
    Resource,
)
from .services import weak_threshold

ENDING_DAYS = 90  # a contract ending within this many days is reminded


def organisations(user) -> QuerySet[Organisation]:
    return scope.scoped(user, Organisation).select_related("village", "village__parent")


def with_names(qs: QuerySet[CollectiveMember]) -> QuerySet[CollectiveMember]:
    """Name and household number read from the registry by ID hash (never stored here)."""
    person = Member.objects.filter(id_hash=OuterRef("id_hash"))
    return qs.annotate(
        person_name=Subquery(person.values("name")[:1]),
        household_number=Subquery(person.values("household__number")[:1]),
        id_masked=Subquery(person.values("id_masked")[:1]),
    )


def members(user) -> QuerySet[CollectiveMember]:
    return with_names(scope.scoped(user, CollectiveMember).select_related("organisation", "organisation__village"))


def contracts(user) -> QuerySet[Contract]:
    return scope.scoped(user, Contract).select_related("organisation", "organisation__village", "resource", "asset")


def distributions(user) -> QuerySet[Distribution]:
    return scope.scoped(user, Distribution).select_related("organisation", "organisation__village")


def journal(user) -> QuerySet[JournalEntry]:
    return scope.scoped(user, JournalEntry).select_related("organisation")


def resources(user) -> QuerySet[Resource]:
    return scope.scoped(user, Resource)


def disclosures(user) -> QuerySet[Disclosure]:
    return scope.scoped(user, Disclosure).select_related("organisation", "organisation__village")


def arrears(payments: QuerySet[ContractPayment], today: dt.date) -> QuerySet[ContractPayment]:
    """Payments due before today and not fully received (a payment due today is not yet late)."""
    return payments.filter(due_on__lt=today, paid_amount__lt=F("amount"))


def contracts_in_arrears(qs: QuerySet[Contract], today: dt.date) -> QuerySet[Contract]:
    return qs.filter(payments__due_on__lt=today, payments__paid_amount__lt=F("payments__amount")).distinct()


def contracts_ending(qs: QuerySet[Contract], today: dt.date, days: int = ENDING_DAYS) -> QuerySet[Contract]:
    return qs.filter(end__gte=today, end__lte=today + dt.timedelta(days=days))


def village_assets(village_ids) -> QuerySet[Asset]:
    """The project assets that are the collective's: 经营性, owned by the village collective, in use."""
    return Asset.objects.filter(
        village__in=village_ids,
        asset_class=AssetClass.INCOME_GENERATING,
        owner_kind=OwnerKind.VILLAGE_COLLECTIVE,
        status=AssetStatus.IN_USE,
    )


def asset_incomes(village_ids, start: dt.date, end: dt.date) -> QuerySet[AssetIncome]:
    return AssetIncome.objects.filter(
        asset__village__in=village_ids,
        asset__asset_class=AssetClass.INCOME_GENERATING,
        asset__owner_kind=OwnerKind.VILLAGE_COLLECTIVE,
        date__gte=start,
        date__lte=end,
    )


@dataclass
class Books:
    """Income and expense of a period, by category (yuan); project asset income counts as 经营收入."""

    by_category: dict[str, Decimal] = field(default_factory=dict)
    asset_income: Decimal = Decimal("0")

    @property
    def income(self) -> Decimal:
        return sum((v for k, v in self.by_category.items() if k in INCOME_CATEGORIES), Decimal("0")) + self.asset_income

    @property
    def expense(self) -> Decimal:
        return sum((v for k, v in self.by_category.items() if k not in INCOME_CATEGORIES), Decimal("0"))

    @property
    def operating(self) -> Decimal:
        return sum((self.by_category.get(k, Decimal("0")) for k in OPERATING_CATEGORIES), Decimal("0")) + (
            self.asset_income
        )

    def rows(self) -> list[tuple[str, str, Decimal]]:
        """(收入/支出, category label, amount) in the order of the 收支明细表."""
        out = []
        for value, label in Category.choices:
            amount = self.by_category.get(value, Decimal("0"))
            if value == Category.OPERATING:
                out.append(("收入", f"{label}（含扶贫项目资产收益）", amount + self.asset_income))
            elif amount:
                out.append(("收入" if value in INCOME_CATEGORIES else "支出", str(label), amount))
        return out


def books(orgs: QuerySet[Organisation], start: dt.date, end: dt.date) -> dict[int, Books]:
    """Each organisation's books between two dates (two grouped queries)."""
    out = {pk: Books() for pk in orgs.values_list("pk", flat=True)}
    rows = (
        JournalEntry.objects.filter(organisation__in=orgs, date__gte=start, date__lte=end)
        .values("organisation", "category")
        .annotate(t=Sum("amount"))
        .order_by()
    )
    for r in rows:
        out[r["organisation"]].by_category[r["category"]] = r["t"]
    village_to_org = dict(orgs.values_list("village_id", "pk"))
    incomes = (
        asset_incomes(list(village_to_org), start, end).values("asset__village").annotate(t=Sum("amount")).order_by()
    )
    for r in incomes:
        out[village_to_org[r["asset__village"]]].asset_income = r["t"]
    return out


def year_books(orgs: QuerySet[Organisation], year: int) -> dict[int, Books]:
    return books(orgs, dt.date(year, 1, 1), dt.date(year, 12, 31))


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


@dataclass
class VillageFigure:
    org: Organisation
    operating: Decimal
    last_year: Decimal
    income: Decimal
    expense: Decimal
    weak: bool


def village_figures(orgs: QuerySet[Organisation], year: int) -> list[VillageFigure]:
    """经营性收入 per village for the year and the year before, with the 薄弱村 flag (below the threshold)."""
    now, before = year_books(orgs, year), year_books(orgs, year - 1)
    threshold = weak_threshold()
    return [
        VillageFigure(
            org=o,
            operating=now[o.pk].operating,
            last_year=before[o.pk].operating,
            income=now[o.pk].income,
            expense=now[o.pk].expense,
            weak=now[o.pk].operating < threshold,
        )
        for o in orgs.order_by("village__code")
    ]


def owing_total(payments: QuerySet[ContractPayment]) -> Decimal:
    return payments.aggregate(t=Sum(F("amount") - F("paid_amount")))["t"] or Decimal("0")


def in_region(qs: QuerySet, region, lookup: str) -> QuerySet:
    return qs.filter(Q(**{f"{lookup}__path__startswith": region.path}))


def with_names_lines(plan: Distribution) -> list[tuple[str, Decimal, Decimal]]:
    """(member's name from the registry, shares, amount) of a distribution's lines."""
    person = Member.objects.filter(id_hash=OuterRef("member__id_hash"))
    rows = (
        plan.lines.annotate(person_name=Subquery(person.values("name")[:1]))
        .order_by("member_id")
        .values_list("person_name", "shares", "amount")
    )
    return [(n or "（已注销）", s, a) for n, s, a in rows]


@dataclass
class Campaign:
    """ "清化收" per village: contracts reviewed and their problems, arrears, debts."""

    org: Organisation
    contracts: int = 0
    problems: int = 0
    rectified: int = 0
    owed: Decimal = Decimal("0")  # contract payments overdue and claims outstanding
    collected: Decimal = Decimal("0")  # this year: overdue contract fees received and claims collected
    debts: Decimal = Decimal("0")  # debts outstanding
    resolved: Decimal = Decimal("0")  # debts repaid this year


def campaign(orgs: QuerySet[Organisation], today: dt.date) -> list[Campaign]:
    out = {o.pk: Campaign(org=o) for o in orgs.order_by("village__code")}
    year_start = dt.date(today.year, 1, 1)
    for r in Contract.objects.filter(organisation__in=orgs).values("organisation").annotate(n=Count("id")).order_by():
        out[r["organisation"]].contracts = r["n"]
    for r in (
        ContractProblem.objects.filter(contract__organisation__in=orgs)
        .values("contract__organisation")
        .annotate(p=Count("id"), r=Count("id", filter=Q(rectified_on__isnull=False)))
        .order_by()
    ):
        c = out[r["contract__organisation"]]
        c.problems, c.rectified = r["p"], r["r"]
    late = arrears(ContractPayment.objects.filter(contract__organisation__in=orgs), today)
    for r in late.values("contract__organisation").annotate(t=Sum(F("amount") - F("paid_amount"))).order_by():
        out[r["contract__organisation"]].owed += r["t"]
    for r in (
        Debt.objects.filter(organisation__in=orgs)
        .values("organisation", "kind")
        .annotate(t=Sum(F("amount") - F("settled")))
        .order_by()
    ):
        c = out[r["organisation"]]
        if r["kind"] == DebtKind.CLAIM:
            c.owed += r["t"]
        else:
            c.debts += r["t"]
    this_year = JournalEntry.objects.filter(organisation__in=orgs, date__gte=year_start, date__lte=today)
    collected = this_year.filter(
        Q(category=Category.CLAIM_COLLECTED) | Q(category=Category.CONTRACTING, payment__due_on__lt=year_start)
    )
    for r in collected.values("organisation").annotate(t=Sum("amount")).order_by():
        out[r["organisation"]].collected = r["t"]
    for r in (
        this_year.filter(category=Category.DEBT_REPAID).values("organisation").annotate(t=Sum("amount")).order_by()
    ):
        out[r["organisation"]].resolved = r["t"]
    return list(out.values())
