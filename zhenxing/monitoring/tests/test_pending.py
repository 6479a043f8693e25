"""Deadlines and the home pages: the responsible level and every level above see overdue steps."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from zhenxing.monitoring import pending, selectors, visits


def _labels(user):
    return [(i.category, i.label, i.overdue_days) for i in pending.pending(user)]


def test_home_check_due_date_from_the_yearly_limit(w, std, new_case):
    case = new_case(days_ago=5)
    due = selectors.case_due(case)
    assert due.due == case.discovered_on + dt.timedelta(days=std.home_check_days) == timezone.localdate()
    assert due.overdue_days == 0
    std.home_check_days = 3
    std.save()
    assert selectors.case_due(case).overdue_days == 2


def test_overdue_shown_to_village_township_and_county_not_elsewhere(w, std, new_case):
    case = new_case(days_ago=8)  # home check: 5 days → 3 days late
    for user in (w.fendou, w.shibazhan, w.tahe):
        overdue = [x for x in _labels(user) if x[0] == "逾期"]
        assert len(overdue) == 1 and overdue[0][2] == 3, user
    for user in (w.yongfeng, w.kaikukang_town, w.huma, w.kaikukang):
        assert not [x for x in _labels(user) if x[0] == "逾期"], user
    assert case.number


def test_decision_deadline_for_later_steps(w, std, new_case, drive):
    case = drive(new_case(days_ago=16), "township_review")  # 15 days from discovery to decision → 1 day late
    due = selectors.case_due(case)
    assert due.overdue_days == 1
    case = drive(new_case(days_ago=15), "township_review")
    assert selectors.case_due(case).overdue_days == 0


def test_each_level_sees_what_waits_for_it(w, std, new_case, drive):
    drive(new_case(days_ago=3), "discovered")
    drive(new_case(), "township_review")
    drive(new_case(), "county_approval")
    assert ("待办理", "待入户核实", None) in _labels(w.fendou)
    assert ("待办理", "待乡镇审核", None) in _labels(w.shibazhan)
    assert ("待办理", "待县级审定", None) in _labels(w.tahe)
    assert not [x for x in _labels(w.fendou) if x[1] in {"待乡镇审核", "待县级审定"}]
    assert pending.pending(w.yibao) == [] and pending.pending(w.ducha) == []


def test_visits_due(w, std, new_case, drive):
    case = drive(new_case(days_ago=100), "monitored")
    assert case in selectors.visits_due(w.fendou)

    visits.visit_add(actor=w.fendou, case=case, date=timezone.localdate(), changes="走访")
    assert case not in selectors.visits_due(w.fendou)


def test_home_page_shows_overdue_with_days_late(w, std, login, new_case):
    new_case(days_ago=9)
    html = login(w.tahe).get(reverse("core:home")).content.decode()
    assert "逾期4天" in html


def test_set_based_overdue_agrees_with_the_due_dates(w, std, new_case, drive):
    from zhenxing.monitoring.models import YearStandard

    cases = [new_case(days_ago=n) for n in (4, 5, 6)] + [
        drive(new_case(days_ago=n), "county_approval") for n in (14, 15, 16)
    ]
    # a later year with a shorter limit applies to cases discovered from that year on
    YearStandard.objects.create(
        year=timezone.localdate().year, threshold=7000, reference_income=18000, home_check_days=2, decision_days=10
    )
    found = {r["id"] for r in selectors.overdue_cases(w.tahe)}
    expected = {c.pk for c in cases if selectors.case_due(c).overdue_days > 0}
    assert found == expected and len(expected) >= 2
