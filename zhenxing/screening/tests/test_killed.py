"""A feed import and a screening run killed with SIGKILL in the middle: nothing half-written, the
job and the run marked failed by the worker's start-up, no orphan Parquet file, no temporary folder
(which held the department file's plain ID numbers) left behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhenxing.jobs import storage
from zhenxing.jobs.models import Job, JobState
from zhenxing.jobs.services import job_enqueue, jobs_housekeeping
from zhenxing.jobs.testing import killed_worker
from zhenxing.registry import testing
from zhenxing.screening import feeds, services
from zhenxing.screening.jobs import FEED_IMPORT, RUN, feed_orphans
from zhenxing.screening.models import Alert, FeedFile, RunKind, RunStatus

from .conftest import write_csv

pytestmark = pytest.mark.django_db(transaction=True)
LATER = dt.timedelta(hours=1)


def _medical(number: str, serial: str) -> dict:
    return {
        "结算流水号": serial,
        "身份证号": number,
        "姓名": "某",
        "结算日期": "2022-03-01",
        "医疗总费用": "100",
        "基本医保支付": "60",
        "大病保险支付": "10",
        "医疗救助支付": "10",
        "个人负担": "20",
    }


def _feed_job(tmp_path) -> Job:
    number = testing.new_id()
    path = write_csv(tmp_path / "medical.csv", "medical", [_medical(number, "S1"), _medical(number, "S2")])
    token = storage.upload_save(user=None, filename="medical.csv", chunks=[path.read_bytes()])
    return job_enqueue(
        actor=None,
        kind=FEED_IMPORT,
        payload={"source": "medical", "suffix": ".csv", "file_name": "medical.csv"},
        upload=token,
        start=False,
    )


def _left(tmp) -> list[str]:
    return sorted(p.name for p in tmp.iterdir())


@pytest.mark.parametrize(
    "target, when",
    [
        ("zhenxing.screening.feeds:to_utf8_csv", "after"),  # reading the file: its plain copy in /tmp
        ("zhenxing.screening.feeds:import_file", "after"),  # Parquet written, transaction not committed
    ],
)
def test_a_killed_feed_import_leaves_nothing_after_the_worker_starts(w, tmp_path, settings, target, when):
    settings.JOB_RUNNER = "worker"
    job = _feed_job(tmp_path)
    tmp = killed_worker(tmp_path / "kill", target, when)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and not FeedFile.objects.exists()  # the row never committed
    assert any(name.startswith("zx-job-") for name in _left(tmp))  # the decrypted upload
    written = sorted(feeds.store_dir().glob("*/*.parquet"))
    assert bool(written) == target.endswith("import_file")

    cleaned = jobs_housekeeping(now=timezone.now() + LATER, tmp_root=tmp)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "处理进程中断" and cleaned["jobs"] == [job.pk]
    assert _left(tmp) == [] and not list(feeds.store_dir().glob("*/*.parquet"))
    assert not FeedFile.objects.exists() and not (storage.folder() / f"{job.upload}.data").exists()
    # the file imports normally afterwards
    result, record = services.feed_import(actor=None, source="medical", path=tmp_path / "medical.csv")
    assert result.ok and record.rows == 2 and FeedFile.objects.count() == 1


def test_a_killed_screening_run_writes_no_alert_and_is_marked_failed(w, tmp_path, settings):
    settings.SCREENING_RUNNER = "worker"
    testing.make_household(village=w.r.fendou, income={"wage_income": 100})  # one income alert
    run = services.run_request(actor=w.diqu, kind=RunKind.SCREEN, as_of=dt.date(2022, 6, 30), start=False)
    tmp = killed_worker(tmp_path / "kill", "zhenxing.screening.runs:_upsert", "after")  # alerts written
    run.refresh_from_db()
    job = Job.objects.get(kind=RUN, payload__run=run.pk)
    assert run.status == RunStatus.RUNNING and job.state == JobState.RUNNING
    assert not Alert.objects.exists()  # the upsert's transaction died with the process
    assert any(name.startswith("zx-alerts-") for name in _left(tmp))

    jobs_housekeeping(now=timezone.now() + LATER, tmp_root=tmp)
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error == services.RUN_ABANDONED and job.state == JobState.FAILED
    assert _left(tmp) == [] and not Alert.objects.exists()


def test_orphans_are_left_while_an_import_may_still_commit_and_known_files_always(w, tmp_path, settings):
    folder = feeds.store_dir() / "medical"
    folder.mkdir(parents=True)
    kept = folder / "20220301-0123456789ab.parquet"
    orphan = folder / "20220301-ba9876543210.parquet"
    other = folder / "notes.parquet"  # not a name the import writes
    for path in (kept, orphan, other):
        path.write_bytes(b"PAR1")
    FeedFile.objects.create(
        source="medical",
        department="medical_insurance",
        region=w.diqu.region,
        file_name="a.csv",
        path=f"/elsewhere/medical/{kept.name}",
    )
    assert feed_orphans(now=timezone.now()) == []  # written just now: an import may be about to commit
    assert feed_orphans(now=timezone.now() + LATER) == [orphan]
    assert kept.exists() and other.exists() and not orphan.exists()
