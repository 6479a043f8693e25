from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhenxing.registry import services
from zhenxing.registry.models import Member, MemberChange
from zhenxing.registry.testing import make_household, new_id


def test_per_capita_income_is_computed_from_living_members(w):
    h = make_household(
        village=w.r.fendou,
        actor=w.fendou,
        income={"wage_income": 10000, "business_income": 5000, "transfer_income": 1000, "business_cost": 2000},
    )
    assert h.living_members == 2 and h.per_capita_income == Decimal("7000.00") and h.head_name == "户主甲"
    spouse = h.members.get(relation="spouse")
    services.member_record_death(actor=w.fendou, member=spouse, date=dt.date(2022, 3, 1))
    h.refresh_from_db()
    assert h.living_members == 1 and h.per_capita_income == Decimal("14000.00")
    assert MemberChange.objects.filter(member=spouse, kind="death").exists()


def test_one_id_number_one_household(w):
    number = new_id()
    make_household(village=w.r.fendou, members=[{"name": "甲", "relation": "head", "id_number": number}])
    with pytest.raises(ValidationError, match="已登记在户编号"):
        make_household(village=w.r.yongfeng, members=[{"name": "甲", "relation": "head", "id_number": number}])


def test_member_move_keeps_history(w):
    a = make_household(village=w.r.fendou, actor=w.shibazhan)
    b = make_household(village=w.r.yongfeng, actor=w.shibazhan, members=[{"name": "丙", "relation": "head"}])
    spouse = a.members.get(relation="spouse")
    services.member_move(actor=w.shibazhan, member=spouse, to_household=b, date=dt.date(2022, 5, 1), reason="婚迁")
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.living_members, b.living_members) == (1, 2)
    change = MemberChange.objects.get(member=spouse, kind="move")
    assert change.from_household == a and change.household == b


def test_cadre_cannot_write_in_another_village(w):
    with pytest.raises(PermissionDenied):
        make_household(village=w.r.kaikukang, actor=w.fendou)


def test_the_stored_row_holds_no_plain_number(w):
    number = new_id()
    h = make_household(village=w.r.fendou, members=[{"name": "甲", "relation": "head", "id_number": number}])
    row = Member.objects.filter(household=h).values().get()
    assert all(number not in str(v) for v in row.values())
    assert row["id_masked"] == number[:6] + "********" + number[-4:]


def test_reveal_is_for_roles_that_need_it_and_audited(w):
    from zhenxing.audit.models import AuditEntry

    number = new_id()
    h = make_household(village=w.r.fendou, members=[{"name": "甲", "relation": "head", "id_number": number}])
    member = h.members.get()
    assert services.id_reveal(actor=w.fendou, member=member) == number
    assert AuditEntry.objects.filter(action="reveal_id", object_id=str(member.pk), actor_username="t-fendou").exists()
    with pytest.raises(PermissionDenied):
        services.id_reveal(actor=w.ducha, member=member)
    with pytest.raises(PermissionDenied):
        services.id_reveal(actor=w.kaikukang, member=member)
