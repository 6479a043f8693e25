from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhenxing.dashboard.pending import pending
from zhenxing.dashboard.services import snapshot_take


def test_prefecture_admin_is_told_when_snapshots_stop(w):
    assert "尚无指标快照" in pending(w.diqu)[0].label
    assert pending(w.tahe) == []  # only the admin can act on it
    today = timezone.localdate()
    snapshot_take(actor=None, date=today - dt.timedelta(days=1))
    assert pending(w.diqu) == []  # yesterday's nightly run is on time
    snapshot_take(actor=None, date=today - dt.timedelta(days=3))
    from zhenxing.dashboard.models import IndicatorSnapshot

    IndicatorSnapshot.objects.filter(date=today - dt.timedelta(days=1)).delete()
    item = pending(w.diqu)[0]
    assert item.overdue_days == 2 and item.url == "/dashboard/"
