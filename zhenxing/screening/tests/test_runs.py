"""Runs requested from the page go on the job queue (zhenxing/jobs): queued for ``zhenxing worker``
(``screening-worker`` is its former name) in production or run in a thread (demo); a run whose
process died is marked failed once its job's heartbeat stopped for two intervals."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.jobs import services as job_services
from zhenxing.jobs.models import Job, JobState
from zhenxing.registry import testing
from zhenxing.screening import runs, services
from zhenxing.screening.jobs import RUN
from zhenxing.screening.models import Run, RunKind, RunStatus

AS_OF = dt.date(2022, 6, 30)
REASON = "运行中断（服务重启或进程退出），请重新发起"


def queued(w, kind=RunKind.SCREEN, **kw) -> Run:
    return services.run_request(actor=w.diqu, kind=kind, as_of=AS_OF, start=False, **kw)


def job_of(run: Run) -> Job:
    return Job.objects.get(kind=RUN, payload__run=run.pk)


def worker(*args, command="screening_worker") -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def running(w, *, heartbeat) -> Run:
    """A run another process claimed, its job last heard of at ``heartbeat``."""
    run = queued(w)
    job = job_of(run)
    job_services.job_claim(job.pk, worker="worker host:1")
    services.run_claim(run.pk, worker="worker host:1")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=heartbeat)
    Run.objects.filter(pk=run.pk).update(stage="规则：医疗负担过重", progress=40, heartbeat_at=heartbeat)
    return run


def test_page_leaves_the_run_queued_for_the_worker_which_carries_it_out(
    w, login, settings, django_capture_on_commit_callbacks
):
    settings.SCREENING_RUNNER = "worker"
    testing.make_household(village=w.r.fendou, income={"wage_income": 100})
    client = login(w.diqu)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("screening:runs"), {"kind": "screen", "as_of": "2022-06-30", "confirm": "1"})
    run = Run.objects.get()
    assert response.status_code == 302 and callbacks == [] and run.status == RunStatus.QUEUED
    assert job_of(run).state == JobState.QUEUED
    assert "等待后台任务进程处理" in client.get(reverse("screening:run", args=[run.pk])).content.decode()
    out = worker("--once")  # the former name: the same worker
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100 and run.summary["alerts"]["income"] == 1
    assert run.worker.startswith("worker ") and run.started_at is not None
    assert run.heartbeat_at is not None and run.heartbeat_at >= run.started_at
    job = job_of(run)
    assert job.state == JobState.DONE and job.result == {"run": run.pk, "status": "done"}
    assert f"开始任务 #{job.pk}：筛查（基准日 2022-06-30）" in out and "本次执行 1 个任务" in out


def test_thread_fallback_starts_after_the_request_commits(w, login, settings, django_capture_on_commit_callbacks):
    settings.SCREENING_RUNNER = "thread"
    with django_capture_on_commit_callbacks() as callbacks:
        login(w.diqu).post(reverse("screening:runs"), {"kind": "simulate", "as_of": "2022-06-30", "threshold": "6000"})
    assert len(callbacks) == 1 and Run.objects.get().status == RunStatus.QUEUED
    assert job_of(Run.objects.get()).state == JobState.QUEUED


def test_once_empties_the_queue_oldest_first_and_a_failure_does_not_stop_it(w):
    testing.make_household(village=w.r.fendou, income={"wage_income": 100})
    broken = queued(w, RunKind.SIMULATE)  # no threshold: the simulation cannot run
    first = queued(w, RunKind.SIMULATE, threshold=6000)
    second = queued(w)
    out = worker("--once", command="worker")
    runs = {r.pk: r for r in Run.objects.all()}
    assert runs[broken.pk].status == RunStatus.FAILED and runs[broken.pk].error
    assert runs[first.pk].status == RunStatus.DONE and runs[first.pk].summary["simulated"]["total"]["below"] == 1
    assert runs[second.pk].status == RunStatus.DONE
    assert runs[broken.pk].started_at <= runs[first.pk].started_at <= runs[second.pk].started_at
    assert job_of(broken).state == JobState.FAILED and job_of(broken).error.startswith("处理失败")
    assert f"任务 #{job_of(broken).pk} 失败" in out and "本次执行 3 个任务" in out
    assert "本次执行 0 个任务" in worker("--once")  # nothing left: exits at once


def test_worker_leaves_a_run_another_process_is_carrying_out(w):
    busy = running(w, heartbeat=timezone.now())
    assert "本次执行 0 个任务" in worker("--once")
    busy.refresh_from_db()
    assert busy.status == RunStatus.RUNNING and busy.progress == 40


def test_a_run_whose_job_stopped_beating_for_two_intervals_fails_with_it(w, settings):
    settings.JOB_HEARTBEAT_SECONDS = 10
    beat = timezone.now() - dt.timedelta(hours=1)
    run = running(w, heartbeat=beat)
    assert job_services.jobs_mark_stale(now=beat + dt.timedelta(seconds=20)) == []  # exactly two intervals
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert job_services.jobs_mark_stale(now=beat + dt.timedelta(seconds=20, microseconds=1)) == [job_of(run).pk]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error == REASON and run.finished_at is not None
    assert job_of(run).error == "处理进程中断"
    entry = AuditEntry.objects.get(model="screening.run", object_id=str(run.pk), action="transition")
    assert entry.extra["to"] == "failed" and entry.extra["reason"] == REASON


def test_runs_page_and_worker_mark_a_dead_run_failed_so_it_can_be_started_again(w, login, settings):
    settings.SCREENING_RUNNER = "inline"
    dead = running(w, heartbeat=timezone.now() - dt.timedelta(minutes=1))
    page = login(w.diqu).get(reverse("screening:runs")).content.decode()
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "运行中断" in page
    assert REASON in login(w.diqu).get(reverse("screening:run", args=[dead.pk])).content.decode()
    # the same as-of date can be run again at once
    login(w.diqu).post(reverse("screening:runs"), {"kind": "screen", "as_of": "2022-06-30", "confirm": "1"})
    assert Run.objects.exclude(pk=dead.pk).get().status == RunStatus.DONE
    other = running(w, heartbeat=timezone.now() - dt.timedelta(minutes=1))
    assert f"任务 #{job_of(other).pk} 的处理进程已中断" in worker("--once")
    other.refresh_from_db()
    assert other.status == RunStatus.FAILED


def test_every_progress_step_is_a_heartbeat_of_the_run_and_progress_of_its_job(w, monkeypatch):
    run = queued(w)
    job = job_of(run)
    job_services.job_claim(job.pk, worker="t")
    old = timezone.now() - dt.timedelta(hours=2)
    beats = []
    original = runs.engines.evaluate

    def spy(engine, **kw):
        # silence the run just before the rules: their progress steps alone must bring it back
        Run.objects.filter(pk=run.pk).update(heartbeat_at=old)
        result = original(engine, **kw)
        beats.append(Run.objects.get(pk=run.pk).heartbeat_at)
        return result

    monkeypatch.setattr(runs.engines, "evaluate", spy)
    job = job_services.job_execute(job.pk)
    assert Run.objects.get(pk=run.pk).status == RunStatus.DONE and job.state == JobState.DONE
    assert beats and beats[0] > old
    assert job.total > 0 and job.done == job.total
