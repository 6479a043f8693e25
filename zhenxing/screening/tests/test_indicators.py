"""The screening figures on hand-made alerts, at the day's edges (Beijing time), and the snapshot's
per-village form against ``compute`` at every node."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zhenxing.dashboard.services import compute_all
from zhenxing.dashboard.testing import bulk_mismatches
from zhenxing.lib.modules import indicators
from zhenxing.regions.models import Region
from zhenxing.screening.models import Alert, AlertState, FeedFile

AS_OF = dt.date(2022, 7, 15)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def alert(village, n, state, *, due=None, closed=None, issued=True):
    raised = at(dt.date(2022, 7, 1), 9)
    return Alert.objects.create(
        rule="medical",
        rule_name="大额医疗支出",
        subject=f"v{village.pk}-{n}",
        village=village,
        state=state,
        is_open=closed is None,
        raised_at=raised,
        updated_at=raised,
        issued_at=at(dt.date(2022, 7, 1), 10) if issued else None,
        verify_due=due,
        closed_at=closed,
    )


def test_verified_in_time_and_converted(w):
    D = dt.date
    alert(w.r.fendou, 1, AlertState.MONITORED, due=D(2022, 7, 10), closed=at(D(2022, 7, 10), 23, 30))  # on time
    alert(w.r.fendou, 2, AlertState.NO_RISK, due=D(2022, 7, 10), closed=at(D(2022, 7, 11), 0, 10))  # late
    alert(w.r.yongfeng, 3, AlertState.ISSUED, due=AS_OF)  # due on the day, open
    alert(w.r.kaikukang, 4, AlertState.VERIFYING, due=D(2022, 7, 16))  # not due yet
    alert(w.r.kaikukang, 5, AlertState.MONITORED, due=D(2022, 7, 20), closed=at(D(2022, 7, 12), 15))  # early
    alert(w.r.huma_village, 6, AlertState.NEW, issued=False)
    alert(w.r.fendou, 7, AlertState.MONITORED, due=D(2022, 7, 14), closed=at(D(2022, 7, 16), 9))  # closed after
    inds = indicators()
    v = inds["screening.alerts_verified_in_time"].compute(w.r.tahe, AS_OF)
    assert (v.numerator, v.denominator, v.value) == (2, 5, Decimal("0.4000"))
    v = inds["screening.alerts_verified_in_time"].compute(w.r.fendou, AS_OF)
    assert (v.numerator, v.denominator) == (1, 3)
    v = inds["screening.alerts_converted"].compute(w.r.tahe, AS_OF)
    assert (v.numerator, v.denominator, v.value) == (2, 3, Decimal("0.6667"))
    assert inds["screening.alerts_converted"].compute(w.r.huma, AS_OF).value is None
    for day in (D(2022, 7, 10), D(2022, 7, 11), AS_OF, D(2022, 7, 16)):
        for code in ("screening.alerts_verified_in_time", "screening.alerts_converted"):
            assert bulk_mismatches(code, day) == [], (code, day)


def test_unmatched_records_have_no_region_and_are_computed_once(w, django_assert_num_queries):
    for source, department, unmatched in [("death", "public_security", 2), ("medical", "medical_insurance", 1)]:
        FeedFile.objects.create(
            source=source,
            department=department,
            region=w.r.diqu,
            file_name=f"{source}.csv",
            rows=5,
            unmatched=unmatched,
        )
    ind = indicators()["screening.unmatched_records"]
    nodes = list(Region.objects.all())
    with django_assert_num_queries(1):
        figures = compute_all(ind, nodes, timezone.localdate())
    assert {f.value for f in figures.values()} == {3}
    assert bulk_mismatches(ind, timezone.localdate()) == []
