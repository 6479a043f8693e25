from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhenxing.core.modules import indicators
from zhenxing.monitoring import indicators as ind
from zhenxing.monitoring.models import MonitoringCase
from zhenxing.monitoring.testing import advance


def test_registered():
    codes = set(indicators())
    assert {"monitoring.help_coverage", "monitoring.identified_in_time", "monitoring.without_help"} <= codes


def test_help_coverage_and_without_help(w, std, new_case, drive):
    today = timezone.localdate()
    helped = drive(new_case(), "monitored")
    bare = drive(new_case(), "monitored")
    MonitoringCase.objects.filter(pk=bare.pk).update(helper=None)
    advance(new_case(village=w.r.kaikukang), to="monitored", village=w.kaikukang, township=w.kaikukang_town,
            county=w.tahe)
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
