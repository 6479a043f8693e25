"""Factories for tests in every module: real households through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from . import idnumber, services
from .models import Household, Member

_seq = itertools.count(1)


def new_id(*, born: dt.date = dt.date(1980, 1, 1), male: bool = True, region: str | None = None) -> str:
    """A fresh valid ID number (unique within a test run) with exactly this birth date and sex.

    Sequence numbers run 0–399 (the generator and the demo use 400–499); after 400 numbers the
    area code moves on, never the birth date, so age boundaries in tests stay exact."""
    n = next(_seq)
    area = region or f"23{2722 + n // 400:04d}"
    return idnumber.make(region=area, born=born, seq=n % 400, male=male)


def make_household(
    *,
    village,
    number: str | None = None,
    members: list[dict] | None = None,
    income: dict | None = None,
    income_year: int = 2021,
    formerly_poor: bool = False,
    exit_year: int | None = None,
    actor=None,
    **household_fields,
) -> Household:
    """A household with members (default: a head and a spouse) and one year's income.

    ``members``: dicts of Member fields plus optional ``id_number``/``born``/``male``;
    ``income``: income fields for ``income_year`` (default wage 20,000 yuan).
    """
    n = next(_seq)
    household = services.household_create(
        actor=actor,
        number=number or f"{village.code}{n:06d}",
        village=village,
        formerly_poor=formerly_poor,
        exit_year=exit_year or (2019 if formerly_poor else None),
        **household_fields,
    )
    for i, spec in enumerate(
        members or [{"name": "户主甲", "relation": "head"}, {"name": "配偶乙", "relation": "spouse", "male": False}]
    ):
        spec = dict(spec)
        id_number = spec.pop("id_number", None) or new_id(
            born=spec.pop("born", dt.date(1975, 3, 1)), male=spec.pop("male", True)
        )
        spec.pop("born", None), spec.pop("male", None)
        spec.setdefault("name", f"成员{i + 1}")
        services.member_add(actor=actor, household=household, id_number=id_number, **spec)
    if income is not False:
        amounts = {k: Decimal(str(v)) for k, v in (income or {"wage_income": 20000}).items()}
        services.income_set(actor=actor, household=household, year=income_year, **amounts)
    household.refresh_from_db()
    return household


def members_of(household: Household) -> list[Member]:
    return list(household.members.order_by("id"))
