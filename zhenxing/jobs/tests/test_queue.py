"""The one job queue: enqueue → the worker carries it out → done with its result or failed with a
Chinese message; dead jobs are marked failed by the worker and by the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection  # also read by the skipif conditions
from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.jobs import services, storage
from zhenxing.jobs.kinds import JobFailed, kind_get
from zhenxing.jobs.models import Job, JobState

from .conftest import TEST_CRASH, TEST_FAIL, TEST_OK, abandoned, worker


def test_enqueued_job_waits_for_the_worker_which_carries_it_out(w):
    job = services.job_enqueue(actor=w.fendou, kind=TEST_OK, payload={"numbers": [1, 2, 3]})
    assert job.state == JobState.QUEUED and job.region == w.r.fendou and job.requested_by == w.fendou
    out = worker("--once")
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result == {"sum": 6}
    assert job.done == job.total == 4 and job.percent == 100 and job.stage == "完成"
    assert job.worker.startswith("worker ") and job.started_at <= job.heartbeat_at <= job.finished_at
    assert f"开始任务 #{job.pk}：测试任务" in out and f"任务 #{job.pk} 完成" in out and "本次执行 1 个任务" in out
    entry = AuditEntry.objects.get(model="jobs.job", object_id=str(job.pk), action="transition")
    assert entry.extra["to"] == "done"
    assert "本次执行 0 个任务" in worker("--once")


def test_failing_handler_fails_the_job_in_chinese_and_the_worker_goes_on(w):
    failing = services.job_enqueue(actor=w.fendou, kind=TEST_FAIL)
    crashing = services.job_enqueue(actor=w.fendou, kind=TEST_CRASH)
    after = services.job_enqueue(actor=w.fendou, kind=TEST_OK)
    out = worker("--once")
    jobs = {j.pk: j for j in Job.objects.all()}
    assert jobs[failing.pk].state == JobState.FAILED and jobs[failing.pk].error == "第3行：金额不能为负数"
    assert jobs[failing.pk].done == 1 and jobs[failing.pk].total == 2  # where it stopped
    assert jobs[crashing.pk].state == JobState.FAILED
    assert jobs[crashing.pk].error == f"处理失败：程序内部错误，详见工作进程日志（任务 #{crashing.pk}）"
    assert "boom" not in jobs[crashing.pk].error
    assert jobs[after.pk].state == JobState.DONE
    assert f"任务 #{failing.pk} 失败：第3行" in out and "本次执行 3 个任务" in out


def test_unknown_kind_is_refused_when_queued():
    with pytest.raises(JobFailed, match="未知的任务类型"):
        kind_get("nobody.knows")


def test_a_job_is_claimed_once(w):
    job = services.job_enqueue(actor=w.fendou, kind=TEST_OK)
    assert services.job_claim(job.pk, worker="a") is True
    assert services.job_claim(job.pk, worker="b") is False
    assert services.job_claim_next(worker="c") is None
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and job.worker == "a"


def running(w, *, heartbeat) -> Job:
    job = services.job_enqueue(actor=w.fendou, kind=TEST_OK)
    services.job_claim(job.pk, worker="worker host:1")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=heartbeat, stage="第二步", done=3, total=4)
    return job


def test_stale_after_two_heartbeat_intervals_exactly(w, settings):
    settings.JOB_HEARTBEAT_SECONDS = 10
    beat = timezone.now() - dt.timedelta(hours=1)
    job = running(w, heartbeat=beat)
    limit = dt.timedelta(seconds=20)
    assert services.jobs_mark_stale(now=beat + dt.timedelta(seconds=10)) == []  # one interval: alive
    assert services.jobs_mark_stale(now=beat + limit) == []  # exactly two intervals: not yet "older than"
    job.refresh_from_db()
    assert job.state == JobState.RUNNING
    assert services.jobs_mark_stale(now=beat + limit + dt.timedelta(microseconds=1)) == [job.pk]
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "处理进程中断" and job.finished_at is not None
    assert abandoned == [job.pk]  # the kind was told, so its own record follows
    entry = AuditEntry.objects.get(model="jobs.job", object_id=str(job.pk), action="transition")
    assert entry.extra["to"] == "failed" and entry.extra["reason"] == "处理进程中断"


def test_a_dead_jobs_upload_is_deleted_inside_the_callers_transaction(w, settings, tmp_path):
    """The test's own transaction is still open (no commit comes): the dead job's upload goes now,
    a live job's stays."""
    settings.MEDIA_ROOT = tmp_path
    beat = timezone.now() - dt.timedelta(minutes=1)
    dead_token = storage.upload_save(user=w.fendou, filename="a.csv", chunks=[b"x"])
    live_token = storage.upload_save(user=w.fendou, filename="b.csv", chunks=[b"y"])
    dead = services.job_enqueue(actor=w.fendou, kind=TEST_OK, upload=dead_token)
    live = services.job_enqueue(actor=w.fendou, kind=TEST_OK, upload=live_token)
    for job, at in ((dead, beat), (live, timezone.now())):
        services.job_claim(job.pk, worker="worker host:1")
        Job.objects.filter(pk=job.pk).update(heartbeat_at=at)
    assert connection.in_atomic_block
    assert services.jobs_mark_stale() == [dead.pk]
    assert storage.upload_meta(dead_token) is None and not (storage.folder() / f"{dead_token}.data").exists()
    assert storage.upload_meta(live_token)["filename"] == "b.csv"


def test_worker_marks_a_dead_job_failed_and_leaves_a_live_one(w):
    dead = running(w, heartbeat=timezone.now() - dt.timedelta(minutes=1))
    alive = running(w, heartbeat=timezone.now())
    out = worker("--once")
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == JobState.FAILED and f"任务 #{dead.pk} 的处理进程已中断" in out
    assert alive.state == JobState.RUNNING and alive.done == 3


def test_job_page_marks_a_dead_job_failed(w, login):
    dead = running(w, heartbeat=timezone.now() - dt.timedelta(minutes=1))
    page = login(w.fendou).get(f"/jobs/{dead.pk}/").content.decode()
    dead.refresh_from_db()
    assert dead.state == JobState.FAILED and "处理进程中断" in page
    other = running(w, heartbeat=timezone.now() - dt.timedelta(minutes=1))
    assert "处理进程中断" in login(w.fendou).get("/jobs/").content.decode()
    other.refresh_from_db()
    assert other.state == JobState.FAILED


def test_inline_runner_carries_the_job_out_in_the_request(w, settings):
    settings.JOB_RUNNER = "inline"
    job = services.job_enqueue(actor=w.fendou, kind=TEST_OK, payload={"numbers": [5]})
    assert job.state == JobState.DONE and job.result == {"sum": 5} and job.worker.startswith("inline ")


def test_thread_runner_starts_after_the_request_commits(w, settings, django_capture_on_commit_callbacks):
    settings.JOB_RUNNER = "thread"
    with django_capture_on_commit_callbacks() as callbacks:
        job = services.job_enqueue(actor=w.fendou, kind=TEST_OK)
    assert len(callbacks) == 1 and job.state == JobState.QUEUED


def test_the_upload_is_encrypted_private_and_deleted_when_the_job_ends(w):
    secret = "230722199001011234,王振华".encode()
    token = storage.upload_save(user=w.fendou, filename="a.csv", chunks=[secret[:5], secret[5:]])
    data, meta = storage.folder() / f"{token}.data", storage.folder() / f"{token}.meta"
    assert data.stat().st_mode & 0o777 == 0o600 and meta.stat().st_mode & 0o777 == 0o600
    assert storage.folder().stat().st_mode & 0o777 == 0o700
    assert b"230722199001011234" not in data.read_bytes() and b"a.csv" not in meta.read_bytes()
    assert storage.upload_bytes(token) == secret
    assert storage.upload_meta(token, user=w.yongfeng) is None  # another account's upload
    job = services.job_enqueue(actor=w.fendou, kind=TEST_OK, upload=token)
    worker("--once")
    job.refresh_from_db()
    assert job.state == JobState.DONE and not data.exists() and not meta.exists()


def test_a_cut_short_upload_is_refused(w):
    token = storage.upload_save(user=w.fendou, filename="a.csv", chunks=[b"x" * (storage.CHUNK + 10)])
    path = storage.folder() / f"{token}.data"
    path.write_bytes(path.read_bytes()[: storage.CHUNK // 2])
    with pytest.raises(storage.UploadMissing):
        storage.upload_bytes(token)


def test_unconfirmed_uploads_expire_but_a_queued_jobs_does_not(w, settings):
    settings.JOB_UPLOAD_HOURS = 24
    kept = storage.upload_save(user=w.fendou, filename="a.csv", chunks=[b"a"])
    held = storage.upload_save(user=w.fendou, filename="b.csv", chunks=[b"b"])
    services.job_enqueue(actor=w.fendou, kind=TEST_OK, upload=held)
    later = timezone.now().timestamp() + 24 * 3600 + 1
    assert storage.uploads_sweep(now=timezone.now().timestamp() + 24 * 3600 - 60) == []  # just inside
    assert storage.uploads_sweep(now=later) == [kept]
    assert storage.upload_meta(kept) is None and storage.upload_meta(held) is not None


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks between connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_take_the_same_job(w):
    import threading

    from django.db import transaction

    first = services.job_enqueue(actor=w.fendou, kind=TEST_OK)
    second = services.job_enqueue(actor=w.fendou, kind=TEST_OK)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                list(Job.objects.select_for_update().filter(pk=first.pk))  # mid-claim of the oldest job
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    t = threading.Thread(target=other_worker)
    t.start()
    try:
        assert locked.wait(timeout=10)
        taken = services.job_claim_next(worker="me")  # skips the locked row instead of waiting for it
        assert taken is not None and taken.pk == second.pk
    finally:
        release.set()
        t.join()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the reporter's own connection needs committed rows")
@pytest.mark.django_db(transaction=True)
def test_progress_reaches_the_page_while_the_handlers_transaction_is_open(w, settings):
    """Outside a transaction (the real worker) the reporter thread writes progress and heartbeats on
    its own connection: the page sees them though the handler has not committed."""
    import threading

    from django.db import transaction

    from zhenxing.jobs.kinds import job_kind

    seen = threading.Event()
    observed = {}

    @job_kind("tests.slow", label="慢任务")
    def slow(job, ctx):
        with transaction.atomic():
            ctx.progress("写入", 5, 10)
            seen.wait(timeout=10)
        return {}

    def watch(pk):
        try:
            for _ in range(100):
                row = Job.objects.get(pk=pk)
                if row.done == 5:
                    observed.update(stage=row.stage, total=row.total)
                    break
                threading.Event().wait(0.1)
        finally:
            seen.set()
            connection.close()

    job = services.job_enqueue(actor=w.fendou, kind="tests.slow")
    services.job_claim(job.pk, worker="me")
    watcher = threading.Thread(target=watch, args=(job.pk,))
    watcher.start()
    services.job_execute(job.pk)
    watcher.join()
    assert observed == {"stage": "写入", "total": 10}
    job.refresh_from_db()
    assert job.state == JobState.DONE
