"""积分制: nothing credited without confirmation and posting; balances carry over and never go negative."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from zhenxing.people import models as m
from zhenxing.people import points, selectors

from .conftest import TODAY


def _credited(w, household, rule, *, posted=TODAY - dt.timedelta(days=10)):
    e = points.entry_propose(
        actor=w.fendou, household=household, rule=rule, date=posted - dt.timedelta(days=2), proposer_name="一组组长"
    )
    e = points.entry_transition(actor=w.fendou, entry=e, action="confirm", today=posted)
    e = points.entry_transition(actor=w.fendou, entry=e, action="post", today=posted)
    return points.entry_transition(actor=w.fendou, entry=e, action="credit", today=posted + dt.timedelta(days=3))


def balance(household) -> int:
    a = m.PointAccount.objects.filter(household=household).first()
    return a.balance if a else 0


def test_points_are_credited_only_after_confirmation_and_posting(w, hh, rules):
    e = points.entry_propose(
        actor=w.fendou, household=hh.poor, rule=rules["work"], date=TODAY, proposer_name="一组组长"
    )
    assert e.state == m.EntryState.PROPOSED and balance(hh.poor) == 0
    with pytest.raises(ValidationError):  # cannot post or credit before confirmation
        points.entry_transition(actor=w.fendou, entry=e, action="post", today=TODAY)
    with pytest.raises(ValidationError):
        points.entry_transition(actor=w.fendou, entry=e, action="credit", today=TODAY)
    e = points.entry_transition(actor=w.fendou, entry=e, action="confirm", today=TODAY)
    assert e.state == m.EntryState.CONFIRMED and e.confirmed_by == w.fendou and balance(hh.poor) == 0
    with pytest.raises(ValidationError):  # not posted yet
        points.entry_transition(actor=w.fendou, entry=e, action="credit", today=TODAY)
    e = points.entry_transition(actor=w.fendou, entry=e, action="post", today=TODAY)
    assert e.posted_on == TODAY and balance(hh.poor) == 0
    e = points.entry_transition(actor=w.fendou, entry=e, action="credit", today=TODAY + dt.timedelta(days=3))
    assert e.state == m.EntryState.CREDITED and e.applied == 10 and balance(hh.poor) == 10


def test_posting_period_last_day_is_not_enough(w, hh, rules):
    """Default posting is 3 days: posted on the 15th, creditable from the 18th, not on the 17th."""
    e = points.entry_propose(actor=w.fendou, household=hh.poor, rule=rules["work"], date=TODAY, proposer_name="组长")
    e = points.entry_transition(actor=w.fendou, entry=e, action="confirm", today=TODAY)
    e = points.entry_transition(actor=w.fendou, entry=e, action="post", today=TODAY)
    with pytest.raises(ValidationError, match="公示期"):
        points.entry_transition(actor=w.fendou, entry=e, action="credit", today=TODAY + dt.timedelta(days=2))
    points.entry_transition(actor=w.fendou, entry=e, action="credit", today=TODAY + dt.timedelta(days=3))
    assert balance(hh.poor) == 10


def test_county_sets_the_posting_days(w, hh, rules):
    m.CountySetting.objects.create(county=w.r.tahe, year=TODAY.year, points_posting_days=7)
    e = points.entry_propose(actor=w.fendou, household=hh.poor, rule=rules["work"], date=TODAY, proposer_name="组长")
    e = points.entry_transition(actor=w.fendou, entry=e, action="confirm", today=TODAY)
    e = points.entry_transition(actor=w.fendou, entry=e, action="post", today=TODAY)
    with pytest.raises(ValidationError):
        points.entry_transition(actor=w.fendou, entry=e, action="credit", today=TODAY + dt.timedelta(days=6))
    points.entry_transition(actor=w.fendou, entry=e, action="credit", today=TODAY + dt.timedelta(days=7))


def test_only_the_village_committee_confirms_in_its_own_village(w, hh, rules):
    e = points.entry_propose(actor=w.fendou, household=hh.poor, rule=rules["work"], date=TODAY, proposer_name="组长")
    for outsider in (w.shibazhan, w.tahe, w.ducha):  # a higher level or an inspector is not the village committee
        with pytest.raises(PermissionDenied):
            points.entry_transition(actor=outsider, entry=e, action="confirm", today=TODAY)
    with pytest.raises(PermissionDenied):  # the cadre of a sibling village
        points.entry_transition(actor=w.yongfeng, entry=e, action="confirm", today=TODAY)
    with pytest.raises(PermissionDenied):
        points.entry_propose(actor=w.kaikukang, household=hh.poor, rule=rules["work"], date=TODAY, proposer_name="组长")


def test_proposal_uses_the_households_village_rules(w, hh, rules):
    with pytest.raises(ValidationError):
        points.entry_propose(actor=w.fendou, household=hh.poor, rule=rules["far"], date=TODAY, proposer_name="组长")
    with pytest.raises(ValidationError):
        points.entry_propose(actor=w.fendou, household=hh.poor, rule=rules["work"], date=TODAY, proposer_name=" ")


def test_stale_version_is_refused(w, hh, rules):
    e = points.entry_propose(actor=w.fendou, household=hh.poor, rule=rules["work"], date=TODAY, proposer_name="组长")
    points.entry_transition(actor=w.fendou, entry=e, action="confirm", version=1, today=TODAY)
    stale = m.PointEntry.objects.get(pk=e.pk)
    stale.state = m.EntryState.PROPOSED  # what a second page still showed
    with pytest.raises(ValidationError, match="已被他人处理"):
        points.entry_transition(actor=w.fendou, entry=stale, action="reject", version=1, reason="重复", today=TODAY)


def test_rejected_entry_is_never_credited(w, hh, rules):
    e = points.entry_propose(actor=w.fendou, household=hh.poor, rule=rules["work"], date=TODAY, proposer_name="组长")
    with pytest.raises(ValidationError):
        points.entry_transition(actor=w.fendou, entry=e, action="reject", today=TODAY)  # reason required
    e = points.entry_transition(actor=w.fendou, entry=e, action="reject", reason="事实不符", today=TODAY)
    for action in ("confirm", "post", "credit"):
        with pytest.raises(ValidationError):
            points.entry_transition(actor=w.fendou, entry=e, action=action, today=TODAY + dt.timedelta(days=30))
    assert balance(hh.poor) == 0


def test_deduction_larger_than_balance_stops_at_zero(w, hh, rules):
    _credited(w, hh.poor, rules["work"])  # +10
    e = _credited(w, hh.poor, rules["lavish"])  # −20
    assert e.applied == -10 and balance(hh.poor) == 0
    assert m.PointAccount.objects.get(household=hh.poor).earned == 0


def test_balance_carries_over_while_ranking_counts_the_year(w, hh, rules):
    _credited(w, hh.poor, rules["frugal"], posted=dt.date(2025, 12, 1))  # credited in 2025
    e = _credited(w, hh.plain, rules["work"], posted=TODAY - dt.timedelta(days=10))
    m.PointEntry.objects.filter(pk=e.pk).update(credited_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    m.PointEntry.objects.filter(household=hh.poor).update(credited_at=dt.datetime(2025, 12, 5, tzinfo=dt.UTC))
    rows = selectors.ranking(m.PointAccount.objects.all(), m.PointEntry.objects.all(), w.r.fendou, 2026)
    by = {r["household"].pk: r for r in rows}
    assert by[hh.poor.pk]["balance"] == 30 and by[hh.poor.pk]["year_points"] == 0
    assert by[hh.plain.pk]["rank"] == 1 and by[hh.poor.pk]["rank"] == 2


def test_redemption_needs_the_full_price_and_stock(w, hh, rules):
    _credited(w, hh.poor, rules["frugal"])  # 30 points
    oil = m.StoreItem.objects.create(village=w.r.fendou, name="食用油", price=30, stock=2)
    with pytest.raises(ValidationError, match="余额不足"):
        points.redeem(actor=w.fendou, household=hh.poor, item=oil, quantity=2)
    r = points.redeem(actor=w.fendou, household=hh.poor, item=oil, quantity=1)  # exactly the balance
    assert r.points == 30 and balance(hh.poor) == 0
    oil.refresh_from_db()
    assert oil.stock == 1
    with pytest.raises(ValidationError, match="余额不足"):
        points.redeem(actor=w.fendou, household=hh.poor, item=oil, quantity=1)
    _credited(w, hh.plain, rules["frugal"])
    with pytest.raises(ValidationError, match="库存不足"):
        points.redeem(actor=w.fendou, household=hh.plain, item=oil, quantity=2)
    far_item = m.StoreItem.objects.create(village=w.r.kaikukang, name="洗衣粉", price=5, stock=5)
    with pytest.raises(PermissionDenied):
        points.redeem(actor=w.kaikukang, household=hh.plain, item=far_item)
    with pytest.raises(ValidationError, match="本村"):
        points.redeem(actor=w.fendou, household=hh.plain, item=far_item)


def test_database_refuses_negative_stock_and_balance(w, hh, rules):
    item = m.StoreItem.objects.create(village=w.r.fendou, name="暖水瓶", price=40, stock=0)
    account = m.PointAccount.objects.create(household=hh.poor, balance=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.StoreItem.objects.filter(pk=item.pk).update(stock=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        m.PointAccount.objects.filter(pk=account.pk).update(balance=-1)


def test_household_history_lists_every_entry_and_redemption(w, hh, rules):
    _credited(w, hh.poor, rules["frugal"])
    points.entry_propose(actor=w.fendou, household=hh.poor, rule=rules["work"], date=TODAY, proposer_name="组长")
    item = m.StoreItem.objects.create(village=w.r.fendou, name="洗衣粉", price=15, stock=3)
    points.redeem(actor=w.fendou, household=hh.poor, item=item, date=TODAY)
    rows = selectors.household_history(w.fendou, hh.poor)
    assert sorted((r["kind"], r["points"]) for r in rows) == [("entry", 10), ("entry", 30), ("redemption", -15)]
    assert selectors.household_history(w.kaikukang, hh.poor) == []
