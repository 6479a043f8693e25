"""Two people acting at once on the same case: only one succeeds (optimistic locking)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from zhenxing.monitoring import services
from zhenxing.monitoring.models import CaseEvent, MonitoringCase


def test_second_transition_on_a_stale_version_fails_cleanly(w, new_case, drive):
    case = drive(new_case(), "township_review")
    first = MonitoringCase.objects.get(pk=case.pk)
    second = MonitoringCase.objects.get(pk=case.pk)  # opened by another person at the same time
    services.case_transition(actor=w.shibazhan, case=first, name="township_approve", version=first.version, data={})
    with pytest.raises(services.ConcurrentChange, match="已被他人办理"):
        services.case_transition(
            actor=w.shibazhan, case=second, name="township_return", version=second.version, data={"reason": "退回"}
        )
    case.refresh_from_db()
    assert case.state == "county_approval" and case.version == first.version
    assert CaseEvent.objects.filter(case=case, transition__in=["township_approve", "township_return"]).count() == 1


def test_same_transition_twice_with_the_same_version(w, new_case, drive):
    case = drive(new_case(), "county_approval")
    version = case.version
    services.case_transition(actor=w.tahe, case=case, name="county_return", version=version, data={"reason": "a"})
    stale = MonitoringCase.objects.get(pk=case.pk)
    stale.state = "county_approval"  # what the second person's page still shows
    with pytest.raises(services.ConcurrentChange):
        services.case_transition(actor=w.tahe, case=stale, name="county_return", version=version, data={"reason": "b"})


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real parallel transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_threads_only_one_wins(w, std, new_case, drive):
    case = drive(new_case(), "township_review")
    results: list[str] = []
    barrier = threading.Barrier(2)

    def act(name, data):
        try:
            stale = MonitoringCase.objects.get(pk=case.pk)
            barrier.wait(timeout=10)
            services.case_transition(actor=w.shibazhan, case=stale, name=name, version=stale.version, data=data)
            results.append("ok")
        except services.ConcurrentChange:
            results.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("township_approve", {})),
        threading.Thread(target=act, args=("township_reject", {"reason": "不符合"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert (
        CaseEvent.objects.filter(case_id=case.pk, transition__in=["township_approve", "township_reject"]).count() == 1
    )
