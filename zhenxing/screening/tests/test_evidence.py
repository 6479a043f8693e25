"""Compact evidence (evidence.py): the alert row keeps the most recent records, the run's Parquet
file the rest; the alert page, the API and a withdrawal see every cited record as before."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from zhenxing.registry import idnumber, testing
from zhenxing.screening import evidence, runs
from zhenxing.screening.models import Alert

from .test_alerts import AS_OF, med
from .test_api import auth


def _bills(feed, household, n, prefix="S"):
    number = idnumber.decrypt(household.members.first().id_cipher)
    rows = []
    for i in range(n):
        row = med(f"{prefix}{i:02d}", number, "9000")
        row["结算日期"] = (dt.date(2022, 1, 1) + dt.timedelta(days=i)).isoformat()
        rows.append(row)
    feed("medical", rows)


def test_many_records_are_read_back_in_order_and_few_stay_in_the_row(w, feed, client, login):
    many = testing.make_household(village=w.r.fendou, number="F1")
    few = testing.make_household(village=w.r.fendou, number="F2")
    _bills(feed, many, 8)
    feed("medical", [med("X1", idnumber.decrypt(few.members.first().id_cipher), "50000")])
    summary = runs.screen(actor=None, as_of=AS_OF)
    alert = Alert.objects.get(rule="medical", household=many)
    run_id = alert.last_run_id
    assert alert.evidence["record_count"] == 8 and alert.evidence["records_run"] == run_id
    assert [r["key"] for r in alert.evidence["records"]] == ["S07", "S06", "S05", "S04", "S03"]
    whole = evidence.full(alert)
    assert [r["key"] for r in whole["records"]] == [f"S{i:02d}" for i in range(7, -1, -1)]
    assert whole["records"][0] == {
        "source": "medical",
        "key": "S07",
        "date": "2022-01-08",
        "note": "个人负担 9000.00 元",
    }
    assert "records_run" not in whole

    small = Alert.objects.get(rule="medical", household=few)
    assert "records_run" not in small.evidence and evidence.full(small) == small.evidence

    body = client.get(f"/api/v1/screening/alerts/{alert.pk}", **auth(w.fendou)).json()
    assert [r["key"] for r in body["evidence"]["records"]] == [r["key"] for r in whole["records"]]
    assert body["evidence"]["record_count"] == 8 and "records_run" not in body["evidence"]
    page = login(w.fendou).get(reverse("screening:alert", args=[alert.pk]))
    assert page.status_code == 200 and "S00" in page.content.decode()

    # an identical re-run rewrites nothing: the alert keeps citing the first run's file
    again = runs.screen(actor=None, as_of=AS_OF)
    assert again["new"] == 0 and summary["new"] == 2
    alert.refresh_from_db()
    assert alert.evidence["records_run"] == run_id and len(evidence.full(alert)["records"]) == 8
