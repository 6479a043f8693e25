"""A household import killed with SIGKILL while it writes: no household or member half-written, the
job marked failed by the worker's start-up, the upload and the temporary folder gone; the same
file then imports in full."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhenxing.jobs import storage
from zhenxing.jobs.models import Job, JobState
from zhenxing.jobs.services import job_enqueue, jobs_housekeeping
from zhenxing.jobs.testing import killed_worker
from zhenxing.registry.jobs import IMPORT
from zhenxing.registry.models import Household, Member

from .conftest import household_rows, to_csv

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_killed_import_writes_nothing_and_fails_its_job(w, tmp_path, settings):
    settings.JOB_RUNNER = "worker"
    settings.MEDIA_ROOT = tmp_path / "media"
    data = to_csv(household_rows("H1", members=2) + household_rows("H2", members=1))
    token = storage.upload_save(user=w.fendou, filename="b.csv", chunks=[data])
    job = job_enqueue(actor=w.fendou, kind=IMPORT, payload={"filename": "b.csv"}, upload=token, start=False)
    # stopped once the households are inserted, before their members
    tmp = killed_worker(tmp_path / "kill", "zhenxing.jobs.services:JobContext.progress", "arg=写入成员")
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.stage and job.upload == token
    assert not Household.objects.exists() and not Member.objects.exists()
    assert (storage.folder() / f"{token}.data").exists()

    cleaned = jobs_housekeeping(now=timezone.now() + dt.timedelta(hours=1), tmp_root=tmp)
    job.refresh_from_db()
    assert cleaned["jobs"] == [job.pk] and job.state == JobState.FAILED and job.error == "处理进程中断"
    assert not (storage.folder() / f"{token}.data").exists() and list(tmp.iterdir()) == []
    assert not Household.objects.exists()

    again = storage.upload_save(user=w.fendou, filename="b.csv", chunks=[data])
    job_enqueue(actor=w.fendou, kind=IMPORT, payload={"filename": "b.csv"}, upload=again, start=False)
    call_command("worker", "--once", stdout=io.StringIO())
    assert Household.objects.count() == 2 and Member.objects.count() == 5
    assert Job.objects.filter(state=JobState.DONE).count() == 1
