from __future__ import annotations

import datetime as dt

import pytest

from zhenxing.ledger import services
from zhenxing.ledger.models import Assignment, Unit, UnitMember


@pytest.fixture
def ledger(w):
    """The 2022 ledger built from the plan, by the prefecture admin."""
    return services.ledger_build(actor=w.diqu, data=services.plan_2022())


@pytest.fixture
def types(db):
    return services.types_ensure()


@pytest.fixture
def rules(db):
    return services.rules_ensure()


@pytest.fixture
def water_lead(w, ledger):
    """A prefecture 水务局 account, member of the lead unit of task 6."""
    from zhenxing.accounts.models import Department, Role, User

    user = User.objects.create_user(
        username="t-shuiwu",
        password="x",
        role=Role.DEPARTMENT_STAFF,
        region=w.r.diqu,
        department=Department.WATER,
        full_name="水务局",
    )
    UnitMember.objects.create(unit=Unit.objects.get(name="水务局", region=w.r.diqu), user=user)
    return user


def assignment(ledger, number: int, region, kind: str = "task") -> Assignment:
    return Assignment.objects.get(task__ledger=ledger, task__kind=kind, task__number=number, region=region)


def give_all_evidence(actor, a) -> None:
    for item in a.task.checklist.all():
        services.evidence_set(actor=actor, assignment=a, item=item, text=f"第{item.number}项佐证")


D = dt.date


def fixer(w, region):
    """The county officer who reports an item of ``region`` fixed (the prefecture admin, who
    verifies it, may not: maker ≠ checker)."""
    return w.huma if region.path.startswith(w.r.huma.path) else w.tahe
