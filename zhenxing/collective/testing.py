"""Factories for collective tests: an organisation, registry people and confirmed members."""

from __future__ import annotations

import datetime as dt
import itertools

from zhenxing.registry.idnumber import make as make_id
from zhenxing.registry.testing import make_household

from . import services
from .models import CollectiveMember, Organisation

_seq = itertools.count(1)


def make_org(village, **fields) -> Organisation:
    values = {"name": f"{village.name}股份经济合作社", "credit_code": ""}
    values.update(fields)
    return services.organisation_register(actor=None, village=village, **values)


def people(village, n: int = 2) -> list[str]:
    """ID numbers of ``n`` new registry members living in ``village`` (one household)."""
    numbers = []
    for _ in range(n):
        k = next(_seq)
        numbers.append(make_id(born=dt.date(1960, 1, 1) + dt.timedelta(days=k), seq=k % 500))
    specs = [
        {"name": f"成员{i + 1}", "relation": "head" if i == 0 else "child", "id_number": num}
        for i, num in enumerate(numbers)
    ]
    make_household(village=village, members=specs)
    return numbers


def confirmed(org: Organisation, id_number: str, *, labour_years: int = 0, today=None) -> CollectiveMember:
    """A member taken through the whole procedure by the system (no maker/checker)."""
    today = today or dt.date.today()
    m = services.member_apply(
        actor=None,
        organisation=org,
        id_number=id_number,
        applied_on=today - dt.timedelta(days=30),
        labour_years=labour_years,
    )
    services.member_transition(
        actor=None, member=m, code="appraise", evidence="成员代表大会民主评议", today=today - dt.timedelta(days=20)
    )
    services.member_transition(actor=None, member=m, code="post", today=today - dt.timedelta(days=10))
    services.member_transition(actor=None, member=m, code="confirm", today=today)
    m.refresh_from_db()
    return m
