"""A distribution is drafted on the job queue, not in the request: the page queues the job and
shows it; the job writes the plan and its lines (adding up to the fen, one audit entry per line,
set-based); a refused draft fails the job with the Chinese reason and writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from zhenxing.audit.models import AuditEntry
from zhenxing.collective.models import Distribution, DistributionLine
from zhenxing.collective.testing import confirmed, make_org, people
from zhenxing.jobs.models import Job

FORM = {"action": "draft", "year": "2025", "distributable_total": "1000.01", "reserve_rate": "0.3"}


@pytest.fixture
def org(w):
    return make_org(w.r.fendou, collective_shares=Decimal("1"))


def test_draft_is_a_job_and_its_plan_adds_up(w, org, login):
    members = [confirmed(org, n) for n in people(w.r.fendou, 3)]
    r = login(w.fendou).post(f"/collective/{org.pk}/", FORM)
    job = Job.objects.get(kind="collective.distribution")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert job.state == "done" and job.requested_by == w.fendou
    plan = Distribution.objects.get(organisation=org, year=2025)
    assert job.result["distribution"] == plan.pk and job.result["lines"] == len(members)
    assert plan.lines.aggregate(t=Sum("amount"))["t"] == plan.dividend_total
    assert plan.reserve_total + plan.collective_total + plan.dividend_total == Decimal("1000.01")
    logged = AuditEntry.objects.filter(model__iendswith="distributionline", action="create")
    assert logged.count() == DistributionLine.objects.filter(distribution=plan).count()
    page = login(w.fendou).get(f"/jobs/{job.pk}/").content.decode()
    assert f"/collective/distributions/{plan.pk}/" in page


def test_refused_draft_fails_the_job_with_the_reason(w, org, login):
    r = login(w.fendou).post(f"/collective/{org.pk}/", FORM)  # no members with shares
    job = Job.objects.get(kind="collective.distribution")
    assert r.status_code == 302 and job.state == "failed" and "没有持股的已确认成员" in job.error
    assert not Distribution.objects.exists()


def test_other_village_and_inspector_queue_nothing(w, org, login):
    confirmed(org, people(w.r.fendou, 1)[0])
    assert login(w.kaikukang).post(f"/collective/{org.pk}/", FORM).status_code == 404
    login(w.ducha).post(f"/collective/{org.pk}/", FORM)
    assert not Job.objects.filter(kind="collective.distribution").exists()
    assert not Distribution.objects.exists()
