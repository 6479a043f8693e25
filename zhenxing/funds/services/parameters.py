"""Funds services: year parameters and disbursement plans."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.regions.models import Region

from ..models import YearParameter


def year_parameter_set(
    *,
    actor,
    year: int,
    industry_min_share,
    max_projects_per_household: int,
    county: Region | None = None,
    acceptance_min_days: int | None = None,
    acceptance_min_paid_share=None,
) -> YearParameter:
    """The prefecture sets a year's rules (county=None); a county row overrides them for that county.
    The two acceptance rules (None: keep the row's value, or the default) say how many days after 竣工
    and what share of the budget paid 验收 needs at the least."""
    scope.require_write(actor, None, "funds.parameter.set")
    share = Decimal(str(industry_min_share))
    errors: dict[str, list[str]] = {}
    if not (Decimal("0") <= share <= Decimal("1")):
        errors["industry_min_share"] = ["比例须在0到1之间（如0.55）"]
    if int(max_projects_per_household) < 1:
        errors["max_projects_per_household"] = ["上限须至少为1"]
    defaults: dict = {"industry_min_share": share, "max_projects_per_household": int(max_projects_per_household)}
    if acceptance_min_days is not None:
        if not 0 <= int(acceptance_min_days) <= 365:
            errors["acceptance_min_days"] = ["竣工后至验收最少天数须在0到365之间"]
        defaults["acceptance_min_days"] = int(acceptance_min_days)
    if acceptance_min_paid_share is not None:
        paid_share = Decimal(str(acceptance_min_paid_share))
        if not (Decimal("0") <= paid_share <= Decimal("1")):
            errors["acceptance_min_paid_share"] = ["比例须在0到1之间（如0.5）"]
        defaults["acceptance_min_paid_share"] = paid_share
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        item, _ = YearParameter.objects.update_or_create(year=year, county=county, defaults=defaults)
    return item


def disbursement_plan_set(*, actor, county: Region, year: int, rates: dict[int, Decimal]) -> int:
    """A county's planned cumulative disbursement rate by month (never decreasing)."""
    scope.require_write(actor, county, "funds.money.write")
    months = sorted(rates)
    errors = [f"{m}月" for m in months if not (1 <= m <= 12 and Decimal("0") <= Decimal(str(rates[m])) <= 1)]
    if errors:
        raise ValidationError({"rates": [f"计划进度须在0到1之间：{'、'.join(errors)}"]})
    values = [Decimal(str(rates[m])) for m in months]
    if any(b < a for a, b in zip(values, values[1:], strict=False)):
        raise ValidationError({"rates": ["累计计划进度不能逐月减少"]})
    from ..models import DisbursementPlan

    with transaction.atomic(), acting(actor):
        DisbursementPlan.objects.filter(county=county, year=year).exclude(month__in=months).delete()
        for m in months:
            DisbursementPlan.objects.update_or_create(
                county=county, year=year, month=m, defaults={"target_rate": Decimal(str(rates[m]))}
            )
    return len(months)
