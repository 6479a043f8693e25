from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhenxing.lib.modules import indicators
from zhenxing.monitoring import indicators as ind
from zhenxing.monitoring.models import MonitoringCase, YearStandard
from zhenxing.monitoring.testing import advance


def test_registered():
    codes = set(indicators())
    assert {"monitoring.help_coverage", "monitoring.identified_in_time", "monitoring.without_help"} <= codes


def test_help_coverage_and_without_help(w, std, new_case, drive):
    today = timezone.localdate()
    helped = drive(new_case(), "monitored")
    bare = drive(new_case(), "monitored")
    MonitoringCase.objects.filter(pk=bare.pk).update(helper=None)
    advance(
        new_case(village=w.r.kaikukang), to="monitored", village=w.kaikukang, township=w.kaikukang_town, county=w.tahe
    )
    value = ind.help_coverage(w.r.shibazhan, today)
    assert (value.numerator, value.denominator, value.value) == (1, 2, Decimal("0.5000"))
    assert ind.without_help(w.r.shibazhan, today).value == 1
    assert ind.help_coverage(w.r.tahe, today).denominator == 3
    # before anyone entered monitoring there is nothing to measure
    assert ind.help_coverage(w.r.shibazhan, helped.discovered_on).value is None


def test_identified_in_time_at_the_limit(w, std, new_case, drive):
    today = timezone.localdate()
    on_time = drive(new_case(), "monitored")
    late = drive(new_case(), "monitored")
    MonitoringCase.objects.filter(pk=on_time.pk).update(discovered_on=today - dt.timedelta(days=15), decided_on=today)
    MonitoringCase.objects.filter(pk=late.pk).update(discovered_on=today - dt.timedelta(days=16), decided_on=today)
    value = ind.identified_in_time(w.r.fendou, today)
    assert (value.numerator, value.denominator) == (1, 2)


def test_a_measure_starting_after_the_day_is_not_help_yet_and_the_snapshot_agrees(w, std, new_case, drive):
    from zhenxing.dashboard.testing import bulk_mismatches
    from zhenxing.monitoring.models import Measure

    today = timezone.localdate()
    drive(new_case(), "monitored")
    later = drive(new_case(), "monitored")
    Measure.objects.filter(case=later).update(start_on=today + dt.timedelta(days=1))
    bare = advance(
        new_case(village=w.r.kaikukang), to="monitored", village=w.kaikukang, township=w.kaikukang_town, county=w.tahe
    )
    MonitoringCase.objects.filter(pk=bare.pk).update(helper=None)
    assert ind.without_help(w.r.fendou, today).value == 1
    assert ind.without_help(w.r.tahe, today).value == 2
    assert ind.without_help(w.r.fendou, today + dt.timedelta(days=1)).value == 0
    v = ind.help_coverage(w.r.tahe, today)
    assert (v.numerator, v.denominator) == (1, 3)
    for day in (today, today + dt.timedelta(days=1)):
        for code in ("monitoring.help_coverage", "monitoring.without_help"):
            assert bulk_mismatches(code, day) == [], (code, day)


def test_identified_in_time_takes_the_standard_of_the_discovery_year(w, std, new_case):
    """2022's standard (15 days) still applies to a 2025 discovery; 2026's own (10 days) to a 2026
    one; a discovery before any standard is not counted, nor a decision outside the year or after
    the day. The snapshot's per-village form gives the same at every node."""
    from zhenxing.dashboard.testing import bulk_mismatches
    from zhenxing.monitoring.testing import demo_standard

    YearStandard.objects.filter(pk=demo_standard(2026).pk).update(decision_days=10)
    D = dt.date
    for village, discovered, decided in [
        (w.r.fendou, D(2025, 12, 20), D(2026, 1, 4)),  # 15 days under 2022's standard: in time
        (w.r.fendou, D(2026, 3, 1), D(2026, 3, 12)),  # 11 days under 2026's: late
        (w.r.kaikukang, D(2026, 3, 1), D(2026, 3, 11)),  # 10 days: in time, at the limit
        (w.r.kaikukang, D(2021, 6, 1), D(2026, 1, 10)),  # 2021: no standard yet, not counted
        (w.r.fendou, D(2025, 12, 1), D(2025, 12, 31)),  # decided the year before
        (w.r.yongfeng, D(2026, 6, 20), D(2026, 7, 1)),  # decided after the day
    ]:
        case = new_case(village=village)
        MonitoringCase.objects.filter(pk=case.pk).update(discovered_on=discovered, decided_on=decided)
    as_of = D(2026, 6, 30)
    v = ind.identified_in_time(w.r.tahe, as_of)
    assert (v.numerator, v.denominator, v.value) == (2, 3, Decimal("0.6667"))
    v = ind.identified_in_time(w.r.fendou, as_of)
    assert (v.numerator, v.denominator) == (1, 2)
    assert ind.identified_in_time(w.r.yongfeng, as_of).value is None
    assert ind.identified_in_time(w.r.yongfeng, D(2026, 7, 1)).denominator == 1
    for day in (as_of, D(2026, 7, 1), D(2025, 12, 31)):
        assert bulk_mismatches("monitoring.identified_in_time", day) == [], day
    YearStandard.objects.all().delete()  # nothing to measure against
    assert ind.identified_in_time(w.r.tahe, as_of).denominator == 0
    assert bulk_mismatches("monitoring.identified_in_time", as_of) == []
