"""The nightly snapshot, the 刷新 action, and the as-of-date view read from it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.dashboard.models import IndicatorSnapshot
from zhenxing.dashboard.services import snapshot_take
from zhenxing.lib.modules import indicators
from zhenxing.regions.models import Region
from zhenxing.registry.models import Household


def _value(region, code, date):
    return IndicatorSnapshot.objects.get(region=region, code=code, date=date).value


def test_command_stores_every_indicator_for_every_region_and_replaces_on_rerun(w, hh):
    day = timezone.localdate()
    out = io.StringIO()
    call_command("snapshot_indicators", "--date", day.isoformat(), stdout=out)
    expected = len(indicators()) * Region.objects.count()
    assert IndicatorSnapshot.objects.filter(date=day).count() == expected
    assert _value(w.r.tahe, "registry.households", day) == 7
    assert _value(w.r.diqu, "registry.monitored_share", day) == pytest.approx(0.5)  # 4 of 8
    Household.objects.filter(pk=hh.k1.pk).update(monitoring_status="monitored", monitoring_kind="100A03001")
    call_command("snapshot_indicators", "--date", day.isoformat(), stdout=out)
    assert IndicatorSnapshot.objects.filter(date=day).count() == expected
    assert _value(w.r.tahe, "registry.monitored", day) == 4
    assert AuditEntry.objects.filter(action="snapshot").count() == 2


def test_command_refuses_a_future_date(w):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("snapshot_indicators", "--date", (timezone.localdate() + dt.timedelta(days=1)).isoformat())


def test_dashboard_shows_the_snapshot_not_a_recount(login, w, hh):
    snapshot_take(actor=None, date=timezone.localdate())
    Household.objects.filter(pk=hh.y2.pk).update(monitoring_status="monitored")  # the raw rows change ...
    page = login(w.diqu).get("/dashboard/").content.decode()
    assert 'data-code="registry.monitored">4<' in page  # ... the page still shows the snapshot


def test_only_the_prefecture_admin_may_refresh(login, w, hh):
    snapshot_take(actor=None, date=timezone.localdate())
    Household.objects.filter(pk=hh.y2.pk).update(monitoring_status="monitored")
    assert login(w.tahe).post("/dashboard/refresh/").status_code == 403
    assert _value(w.r.diqu, "registry.monitored", timezone.localdate()) == 4
    response = login(w.diqu).post("/dashboard/refresh/", {"next": "/dashboard/"})
    assert response.status_code == 302
    assert _value(w.r.diqu, "registry.monitored", timezone.localdate()) == 5
    assert login(w.diqu).get("/dashboard/refresh/").status_code == 405


def test_a_chosen_date_shows_the_figures_as_of_that_date(login, w, hh):
    may, june = dt.date(2022, 5, 31), dt.date(2022, 6, 30)
    Household.objects.update(created_at=timezone.make_aware(dt.datetime(2022, 1, 1)))
    snapshot_take(actor=None, date=may)
    Household.objects.filter(pk__in=[hh.f4.pk]).update(monitoring_status="monitored", monitoring_kind="100A03002")
    snapshot_take(actor=None, date=june)
    client = login(w.shibazhan)
    url = f"/dashboard/{w.r.shibazhan.code}/"

    def monitored(date):
        page = client.get(url, {"date": date}).content.decode()
        return page.split('data-code="registry.monitored">')[1].split("<")[0], page

    assert monitored("2022-05-31")[0] == "3"
    assert monitored("2022-06-30")[0] == "4"
    value, page = monitored("2022-06-15")  # no snapshot that day: the latest before it
    assert value == "3" and "2022年5月31日" in page and "当日无快照" in page
    value, page = monitored("2022-07-01")  # the June figures, with the change since the end of May
    assert value == "4" and "+1" in page
    page = client.get(url, {"date": "2022-05-30"}).content.decode()
    assert "没有指标快照" in page
