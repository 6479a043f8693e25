"""Runs requested from the page: queued for ``zhenxing screening-worker`` (production) or run in a
thread (demo); a run whose process died stops showing 运行中 after the heartbeat limit."""
from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from zhenxing.audit.models import AuditEntry
from zhenxing.registry import testing
from zhenxing.screening import services
from zhenxing.screening.models import Run, RunKind, RunStatus

AS_OF = dt.date(2022, 6, 30)
REASON = "运行中断（服务重启或进程退出），请重新发起"


def queued(w, kind=RunKind.SCREEN, **kw) -> Run:
    return services.run_request(actor=w.diqu, kind=kind, as_of=AS_OF, **kw)


def worker(*args) -> str:
    out = io.StringIO()
    call_command("screening_worker", *args, stdout=out)
    return out.getvalue()


def running(*, heartbeat, created=None) -> Run:
    """A run another process claimed, last heard of at ``heartbeat``."""
    run = Run.objects.create(region=services.top_region(), kind=RunKind.SCREEN, as_of=AS_OF,
                             status=RunStatus.RUNNING, stage="规则：医疗负担过重", progress=40, heartbeat_at=heartbeat,
                             worker="worker host:1")
    if created is not None:
        Run.objects.filter(pk=run.pk).update(created_at=created)
    return run


def test_page_leaves_the_run_queued_for_the_worker_which_carries_it_out(w, login, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.SCREENING_RUNNER = "worker"
    testing.make_household(village=w.r.fendou, income={"wage_income": 100})
    client = login(w.diqu)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("screening:runs"), {"kind": "screen", "as_of": "2022-06-30", "confirm": "1"})
    run = Run.objects.get()
    assert response.status_code == 302 and callbacks == [] and run.status == RunStatus.QUEUED
    assert "screening-worker" in client.get(reverse("screening:run", args=[run.pk])).content.decode()
    out = worker("--once")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100 and run.summary["alerts"]["income"] == 1
    assert run.worker.startswith("worker ") and run.started_at is not None
    assert run.heartbeat_at is not None and run.heartbeat_at >= run.started_at
    assert f"开始运行 #{run.pk}" in out and "本次执行 1 个运行" in out


def test_thread_fallback_starts_after_the_request_commits(w, login, settings, django_capture_on_commit_callbacks):
    settings.SCREENING_RUNNER = "thread"
    with django_capture_on_commit_callbacks() as callbacks:
        login(w.diqu).post(reverse("screening:runs"), {"kind": "simulate", "as_of": "2022-06-30", "threshold": "6000"})
    assert len(callbacks) == 1 and Run.objects.get().status == RunStatus.QUEUED


def test_once_empties_the_queue_oldest_first_and_a_failure_does_not_stop_it(w):
    testing.make_household(village=w.r.fendou, income={"wage_income": 100})
    broken = queued(w, RunKind.SIMULATE)  # no threshold: the simulation cannot run
    first = queued(w, RunKind.SIMULATE, threshold=6000)
    second = queued(w)
    out = worker("--once")
    runs = {r.pk: r for r in Run.objects.all()}
    assert runs[broken.pk].status == RunStatus.FAILED and runs[broken.pk].error
    assert runs[first.pk].status == RunStatus.DONE and runs[first.pk].summary["simulated"]["total"]["below"] == 1
    assert runs[second.pk].status == RunStatus.DONE
    assert runs[broken.pk].started_at <= runs[first.pk].started_at <= runs[second.pk].started_at
    assert f"运行 #{broken.pk} 失败" in out and "本次执行 3 个运行" in out
    assert "本次执行 0 个运行" in worker("--once")  # nothing left: exits at once


def test_worker_leaves_a_run_another_process_is_carrying_out(w):
    busy = running(heartbeat=timezone.now())
    assert "本次执行 0 个运行" in worker("--once")
    busy.refresh_from_db()
    assert busy.status == RunStatus.RUNNING and busy.progress == 40


def test_a_run_is_claimed_once(w):
    run = queued(w)
    assert services.run_claim(run.pk, worker="a") is True
    assert services.run_claim(run.pk, worker="b") is False
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.worker == "a"
    assert services.run_claim_next(worker="c") is None


def test_stale_at_and_just_inside_the_limit(w, settings):
    settings.SCREENING_RUN_STALE_MINUTES = 30
    beat = timezone.now() - dt.timedelta(hours=1)
    run = running(heartbeat=beat)
    limit = dt.timedelta(minutes=30)
    assert services.runs_mark_stale(now=beat + limit - dt.timedelta(seconds=1)) == []  # just inside
    assert services.runs_mark_stale(now=beat + limit) == []  # exactly at the limit: not yet "longer than"
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert services.runs_mark_stale(now=beat + limit + dt.timedelta(microseconds=1)) == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error == REASON and run.finished_at is not None
    entry = AuditEntry.objects.get(model="screening.run", object_id=str(run.pk), action="transition")
    assert entry.extra["to"] == "failed" and entry.extra["reason"] == REASON


def test_the_limit_is_a_setting_and_a_run_never_heard_of_counts_from_its_creation(w, settings):
    settings.SCREENING_RUN_STALE_MINUTES = 5
    now = timezone.now()
    fresh = running(heartbeat=now - dt.timedelta(minutes=4))
    silent = running(heartbeat=None, created=now - dt.timedelta(minutes=6))
    young = running(heartbeat=None, created=now - dt.timedelta(minutes=1))
    assert services.runs_mark_stale(now=now) == [silent.pk]
    assert {r.pk for r in Run.objects.filter(status=RunStatus.RUNNING)} == {fresh.pk, young.pk}


def test_runs_page_and_worker_mark_a_dead_run_failed_so_it_can_be_started_again(w, login, settings):
    settings.SCREENING_RUNNER = "inline"
    dead = running(heartbeat=timezone.now() - dt.timedelta(minutes=31))
    page = login(w.diqu).get(reverse("screening:runs")).content.decode()
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "运行中断" in page
    assert REASON in login(w.diqu).get(reverse("screening:run", args=[dead.pk])).content.decode()
    # the same as-of date can be run again at once
    login(w.diqu).post(reverse("screening:runs"), {"kind": "screen", "as_of": "2022-06-30", "confirm": "1"})
    assert Run.objects.exclude(pk=dead.pk).get().status == RunStatus.DONE
    other = running(heartbeat=timezone.now() - dt.timedelta(minutes=31))
    assert f"运行 #{other.pk} 已中断" in worker("--once")
    other.refresh_from_db()
    assert other.status == RunStatus.FAILED


def test_every_progress_step_is_a_heartbeat(w, monkeypatch):
    run = queued(w)
    services.run_claim(run.pk, worker="t")
    old = timezone.now() - dt.timedelta(hours=2)
    beats = []
    original = services.engines.evaluate

    def spy(engine, **kw):
        # silence the run just before the rules: their progress steps alone must bring it back
        Run.objects.filter(pk=run.pk).update(heartbeat_at=old)
        result = original(engine, **kw)
        beats.append(Run.objects.get(pk=run.pk).heartbeat_at)
        return result

    monkeypatch.setattr(services.engines, "evaluate", spy)
    services.run_execute(run.pk)
    assert Run.objects.get(pk=run.pk).status == RunStatus.DONE
    assert beats and beats[0] > old


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks between connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_take_the_same_run(w):
    first, second = queued(w), queued(w)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        from django.db import transaction

        try:
            with transaction.atomic():
                list(Run.objects.select_for_update().filter(pk=first.pk))  # mid-claim of the oldest run
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    t = threading.Thread(target=other_worker)
    t.start()
    try:
        assert locked.wait(timeout=10)
        taken = services.run_claim_next(worker="me")  # skips the locked row instead of waiting for it
        assert taken is not None and taken.pk == second.pk
    finally:
        release.set()
        t.join()
