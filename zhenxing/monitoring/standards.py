"""The yearly standard (年度监测标准): threshold, time limits and their units, set by the prefecture."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenxing.accounts import scope
from zhenxing.audit.context import acting

from .models import YearStandard

STANDARD_FIELDS = (
    "threshold",
    "reference_income",
    "decision_days",
    "decision_unit",
    "home_check_days",
    "home_check_unit",
    "posting_days",
    "posting_unit",
    "stable_months",
    "visit_interval_days",
    "visit_interval_unit",
    "income_collection_closes",
    "is_demo",
    "note",
)


def standard_save(*, actor, year: int, **fields) -> YearStandard:
    scope.require_write(actor, None, "monitoring.standard.set")
    unknown = set(fields) - set(STANDARD_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {unknown}")
    errors = {}
    for money in ("threshold", "reference_income"):
        if money in fields and (fields[money] is None or Decimal(fields[money]) <= 0):
            errors[money] = ["须为正数"]
    if fields.get("posting_days") is not None and int(fields["posting_days"]) < 5:
        errors["posting_days"] = ["公示不少于 5 天"]
    if not 2000 <= int(year) <= 2100:
        errors["year"] = ["年度不正确"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting(actor):
        standard = YearStandard.objects.filter(year=year).first() or YearStandard(year=year)
        for k, v in fields.items():
            setattr(standard, k, v)
        standard.full_clean()
        standard.save()
    return standard
