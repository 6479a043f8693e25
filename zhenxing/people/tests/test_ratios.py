"""Ratios and warnings on hand-made data: boundaries included."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhenxing.people import models as m
from zhenxing.people import selectors
from zhenxing.people.indicators import INDICATORS
from zhenxing.registry.models import Household
from zhenxing.registry.testing import make_household, members_of

AS_OF = dt.date(2026, 6, 30)


def _post(village):
    return m.PublicPost.objects.create(
        village=village,
        name="保洁员",
        kind=m.PostKind.SANITATION,
        monthly_pay=Decimal("800"),
        funding=m.Funding.LINKAGE,
    )


def test_post_holders_year_on_year_warns_only_when_falling(w, hh):
    post = _post(w.r.fendou)
    a, b = hh.poor_m
    m.PostHolding.objects.create(post=post, member=a, start=dt.date(2024, 1, 1))
    # b held a post a year ago and left on the day before the same day this year: a fall.
    m.PostHolding.objects.create(post=post, member=b, start=dt.date(2024, 1, 1), end=AS_OF - dt.timedelta(days=1))
    m.PostHolding.objects.create(post=post, member=hh.plain_m[0], start=dt.date(2024, 1, 1))  # not formerly poor
    s = selectors.post_holders(m.PostHolding.objects.all(), AS_OF)[w.r.fendou.pk]
    assert (s.now, s.last_year, s.falling) == (1, 2, True)
    # leaving ON the day still counts as holding it that day: equal → no warning
    m.PostHolding.objects.filter(member=b).update(end=AS_OF)
    s = selectors.post_holders(m.PostHolding.objects.all(), AS_OF)[w.r.fendou.pk]
    assert (s.now, s.last_year, s.falling) == (2, 2, False)


def test_same_person_on_two_posts_counts_once(w, hh):
    a = hh.poor_m[0]
    for _ in range(2):
        m.PostHolding.objects.create(post=_post(w.r.fendou), member=a, start=dt.date(2026, 1, 1))
    s = selectors.post_holders(m.PostHolding.objects.all(), AS_OF)[w.r.fendou.pk]
    assert (s.now, s.last_year) == (1, 0)


def _workshop(village, poor_members, other_members, start=dt.date(2026, 1, 1)):
    shop = m.Workshop.objects.create(village=village, name="车间", owner="合作社")
    for x in poor_members + other_members:
        m.WorkshopWorker.objects.create(workshop=shop, member=x, start=start)
    return shop


def test_workshop_share_equal_to_requirement_is_not_flagged(w, hh):
    m.CountySetting.objects.create(county=w.r.tahe, year=2026, workshop_poor_share=Decimal("0.500"))
    _workshop(w.r.fendou, [hh.poor_m[0]], [hh.plain_m[0]])  # 1 of 2 = 50%
    [s] = selectors.workshop_shares(m.Workshop.objects.all(), AS_OF)
    assert (s.workers, s.poor, s.share, s.below) == (2, 1, Decimal("0.5"), False)
    m.WorkshopWorker.objects.create(workshop=s.workshop, member=hh.plain_m[1], start=dt.date(2026, 1, 1))  # 1 of 3
    [s] = selectors.workshop_shares(m.Workshop.objects.all(), AS_OF)
    assert s.below


def test_each_county_sets_its_own_share_and_default_applies(w, hh):
    huma_hh = make_household(village=w.r.huma_village, formerly_poor=False)
    m.CountySetting.objects.create(county=w.r.huma, year=2026, workshop_poor_share=Decimal("0"))
    _workshop(w.r.huma_village, [], members_of(huma_hh))
    _workshop(w.r.fendou, [], [hh.plain_m[0]])  # 塔河县 has no setting: the default 30%
    rows = {s.workshop.village_id: s for s in selectors.workshop_shares(m.Workshop.objects.all(), AS_OF)}
    assert rows[w.r.huma_village.pk].below is False and rows[w.r.huma_village.pk].required == Decimal("0")
    assert rows[w.r.fendou.pk].below is True and rows[w.r.fendou.pk].required == Decimal("0.300")


def test_workers_who_left_or_not_yet_started_do_not_count(w, hh):
    shop = _workshop(w.r.fendou, [hh.poor_m[0]], [])
    m.WorkshopWorker.objects.create(
        workshop=shop, member=hh.plain_m[0], start=dt.date(2026, 1, 1), end=AS_OF - dt.timedelta(days=1)
    )
    m.WorkshopWorker.objects.create(workshop=shop, member=hh.plain_m[1], start=AS_OF + dt.timedelta(days=1))
    [s] = selectors.workshop_shares(m.Workshop.objects.all(), AS_OF)
    assert (s.workers, s.poor, s.below) == (1, 1, False)


def test_required_days_are_pro_rata_and_equal_is_enough(w):
    m.CountySetting.objects.create(county=w.r.tahe, year=2026, cadre_days_required=365)
    team = m.WorkTeam.objects.create(village=w.r.fendou, unit="地区某局", start=dt.date(2025, 1, 1))
    cadre = m.Cadre.objects.create(
        team=team, name="张书记", position=m.CadrePosition.FIRST_SECRETARY, home_unit="某局", start=dt.date(2026, 6, 21)
    )
    # served 21..30 June = 10 days → 365 × 10 ÷ 365 = 10 required
    for i in range(10):
        m.WorkLog.objects.create(
            cadre=cadre, date=dt.date(2026, 6, 21) + dt.timedelta(days=i), content="走访", in_village=i != 9
        )
    [r] = selectors.cadre_days(m.Cadre.objects.all(), 2026, AS_OF)
    assert (r.days, r.required, r.below) == (9, 10, True)
    m.WorkLog.objects.filter(cadre=cadre).update(in_village=True)
    [r] = selectors.cadre_days(m.Cadre.objects.all(), 2026, AS_OF)
    assert (r.days, r.required, r.below) == (10, 10, False)


def test_required_days_formula():
    assert selectors.required_days(220, dt.date(2020, 1, 1), None, 2026, dt.date(2026, 12, 31)) == 220
    assert selectors.required_days(220, dt.date(2020, 1, 1), None, 2026, dt.date(2026, 1, 1)) == 0  # 220 × 1 ÷ 365
    assert selectors.required_days(220, dt.date(2020, 1, 1), dt.date(2025, 12, 31), 2026, AS_OF) == 0


def test_pairing_delivered_per_pairing_and_county(w):
    p = m.Pairing.objects.create(
        village=w.r.fendou,
        partner="某公司",
        partner_kind=m.PartnerKind.ENTERPRISE,
        since=dt.date(2025, 1, 1),
        committed_money=Decimal("100000"),
        committed_jobs=5,
    )
    q = m.Pairing.objects.create(
        village=w.r.kaikukang,
        partner="某协会",
        partner_kind=m.PartnerKind.SOCIAL_ORG,
        since=dt.date(2025, 1, 1),
        committed_money=Decimal("50000"),
    )
    m.Pairing.objects.create(
        village=w.r.huma_village,
        partner="外县企业",
        partner_kind=m.PartnerKind.ENTERPRISE,
        since=dt.date(2025, 1, 1),
        committed_money=Decimal("10"),
    )
    m.Delivery.objects.create(pairing=p, date=dt.date(2025, 5, 1), kind=m.DeliveryKind.MONEY, amount=Decimal("60000"))
    m.Delivery.objects.create(pairing=p, date=dt.date(2025, 6, 1), kind=m.DeliveryKind.JOBS, count=3)
    m.Delivery.objects.create(pairing=q, date=dt.date(2025, 6, 1), kind=m.DeliveryKind.MONEY, amount=Decimal("15000"))
    row = selectors.pairings_summary(m.Pairing.objects.filter(pk=p.pk))[0]
    assert (row.delivered_money, row.delivered_jobs, row.delivered_projects) == (Decimal("60000"), 3, 0)
    totals = selectors.pairing_totals(m.Pairing.objects.all(), "county")
    tahe = totals[w.r.tahe.pk]
    assert (tahe.pairings, tahe.committed_money, tahe.delivered_money) == (2, Decimal("150000"), Decimal("75000"))
    assert tahe.money_rate == Decimal("0.5")
    assert totals[w.r.huma.pk].delivered_money == 0


def test_wage_figures_count_months_away_and_pay_paid(w, hh):
    a, b = hh.poor_m
    # away Nov 2025 – Mar 2026: 3 months of 2026 (Jan, Feb, Mar)
    m.LabourExport.objects.create(
        member=a,
        destination="哈尔滨",
        sector="建筑",
        since=dt.date(2025, 11, 20),
        until=dt.date(2026, 3, 1),
        monthly_income=Decimal("4000"),
    )
    post = _post(w.r.fendou)
    h = m.PostHolding.objects.create(post=post, member=b, start=dt.date(2025, 1, 1))
    m.PostPay.objects.create(holding=h, month=dt.date(2026, 1, 1), days_worked=20, pay=Decimal("800"))
    m.PostPay.objects.create(holding=h, month=dt.date(2025, 12, 1), days_worked=20, pay=Decimal("800"))
    [row] = selectors.wage_figures(Household.objects.all(), 2026)
    assert (row.household_id, row.labour_export, row.public_posts, row.total) == (
        hh.poor.pk,
        Decimal("12000"),
        Decimal("800"),
        Decimal("12800.00"),
    )
    assert selectors.months_in_year(dt.date(2025, 11, 20), dt.date(2026, 3, 1), 2025) == 2


def test_labour_returns_window_is_inclusive(w, hh):
    e = m.LabourExport.objects.create(
        member=hh.poor_m[0],
        destination="大连",
        sector="餐饮",
        since=dt.date(2025, 3, 1),
        until=dt.date(2026, 6, 1),
        monthly_income=Decimal("3000"),
    )
    qs = m.LabourExport.objects.all()
    assert list(selectors.labour_returns(qs, dt.date(2026, 6, 1), dt.date(2026, 6, 30))) == [e]
    assert list(selectors.labour_returns(qs, dt.date(2026, 6, 2), dt.date(2026, 6, 30))) == []


def test_indicators_cover_the_region_subtree(w, hh):
    post = _post(w.r.fendou)
    m.PostHolding.objects.create(post=post, member=hh.poor_m[0], start=dt.date(2025, 1, 1))
    m.PostHolding.objects.create(post=_post(w.r.kaikukang), member=hh.far_m[0], start=dt.date(2025, 1, 1))
    ind = {i.code: i for i in INDICATORS}
    assert ind["people.post_poor_holders"].compute(w.r.shibazhan, AS_OF).value == 1
    assert ind["people.post_poor_holders"].compute(w.r.tahe, AS_OF).value == 2
    assert ind["people.post_poor_holders"].compute(w.r.huma, AS_OF).value == 0
    _workshop(w.r.fendou, [hh.poor_m[1]], [hh.plain_m[0], hh.plain_m[1]])
    share = ind["people.workshop_poor_share"].compute(w.r.tahe, AS_OF)
    assert (share.numerator, share.denominator, share.value) == (1, 3, Decimal("0.3333"))
    assert ind["people.workshops_below_share"].compute(w.r.tahe, AS_OF).value == 0  # 33% ≥ 30%
    for i in INDICATORS:  # every figure computes for an empty region
        i.compute(w.r.mohe, AS_OF)


def test_a_person_on_posts_in_two_villages_counts_once_in_the_snapshot(w, hh):
    """Posts in two villages at once (after a household moved): per-village counts would count the
    person twice in the township, county and prefecture; the snapshot's form counts them once, as
    ``compute`` does, today and a year ago."""
    from zhenxing.dashboard.testing import bulk_mismatches

    a, far = hh.poor_m[0], hh.far_m[0]
    m.PostHolding.objects.create(post=_post(w.r.fendou), member=a, start=dt.date(2025, 1, 1))
    m.PostHolding.objects.create(post=_post(w.r.kaikukang), member=a, start=dt.date(2026, 1, 1))
    m.PostHolding.objects.create(post=_post(w.r.kaikukang), member=far, start=dt.date(2025, 1, 1))
    m.PostHolding.objects.create(
        post=_post(w.r.huma_village), member=far, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )  # last year also in another county
    compute = {i.code: i for i in INDICATORS}["people.post_poor_holders"].compute

    def now_and_last(region, day=AS_OF):
        v = compute(region, day)
        return v.numerator, v.denominator

    assert now_and_last(w.r.fendou) == (1, 1)
    assert now_and_last(w.r.kaikukang) == (2, 1)
    assert now_and_last(w.r.tahe) == (2, 2)
    assert now_and_last(w.r.huma) == (0, 1)
    assert now_and_last(w.r.diqu) == (2, 2)
    assert compute(w.r.mohe, AS_OF).numerator is None  # nobody then or now: no parts, as the snapshot
    for day in (AS_OF, dt.date(2025, 6, 30), dt.date(2027, 1, 1)):
        assert bulk_mismatches("people.post_poor_holders", day) == [], day


def test_workshops_without_workers_and_regions_without_workshops_in_the_snapshot(w, hh):
    from zhenxing.dashboard.testing import bulk_mismatches

    shop = _workshop(w.r.fendou, [hh.poor_m[0]], [hh.plain_m[0], hh.plain_m[1]])
    m.WorkshopWorker.objects.create(
        workshop=shop, member=hh.poor_m[1], start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 1)
    )  # left: 1 of 3 now
    m.CountySetting.objects.create(county=w.r.tahe, year=2026, workshop_poor_share=Decimal("0.400"))
    m.Workshop.objects.create(village=w.r.yongfeng, name="空车间", owner="合作社")  # no workers: not below
    ind = {i.code: i for i in INDICATORS}
    v = ind["people.workshops_below_share"].compute(w.r.tahe, AS_OF)
    assert (v.value, v.numerator, v.denominator) == (1, 1, 2)
    assert ind["people.workshops_below_share"].compute(w.r.huma, AS_OF).denominator is None
    v = ind["people.workshop_poor_share"].compute(w.r.shibazhan, AS_OF)
    assert (v.numerator, v.denominator, v.value) == (1, 3, Decimal("0.3333"))
    assert ind["people.workshop_poor_share"].compute(w.r.yongfeng, AS_OF).value is None
    for day in (AS_OF, dt.date(2026, 2, 1)):
        for code in ("people.workshops_below_share", "people.workshop_poor_share"):
            assert bulk_mismatches(code, day) == [], (code, day)
