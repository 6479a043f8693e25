"""The job queue: enqueue, claim, carry out with progress and heartbeat, recover dead jobs.

Where a job runs is chosen by the setting its kind names (``JOB_RUNNER``, or ``SCREENING_RUNNER``
for screening runs): "worker" leaves it queued for ``zhenxing worker`` (production); "thread"
carries it out in a thread of the web process once the request commits (demo); "inline"
carries it out at once, inside the request (tests).

While a job runs, a reporter thread with its own database connection writes the progress the
handler reports (at most once a second) and a heartbeat every ``JOB_HEARTBEAT_SECONDS``, so the
page sees both although the handler's own transaction is still open. (Inside an enclosing
transaction, as in tests, another connection could not see the row: progress is then written
through the handler's connection.) A job 运行中 whose heartbeat is older than two intervals lost
its process and is marked failed ("处理进程中断") by the worker at start and on every pass, and
by the job pages when they are shown.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from zhenxing.accounts import scope
from zhenxing.audit.context import acting
from zhenxing.audit.services import event_log
from zhenxing.lib.scratch import scratch_folder, scratch_sweep
from zhenxing.regions.models import Region

from . import storage
from .kinds import JobFailed, housekeepers, kind_get
from .models import ACTIVE_STATES, Job, JobState

logger = logging.getLogger(__name__)

RUNNERS = {"worker", "thread", "inline"}
ABANDONED = "处理进程中断"
FLUSH_SECONDS = 1.0

# Every account sees its own jobs (administrators every job of their region), from the top bar.
PAGE_RULES = scope.page_rules({"jobs.list": None})


def heartbeat_seconds() -> float:
    return float(settings.JOB_HEARTBEAT_SECONDS)


def stale_after() -> dt.timedelta:
    """A running job whose heartbeat is older than this lost its process."""
    return dt.timedelta(seconds=2 * heartbeat_seconds())


def runner_for(kind: str) -> str:
    return getattr(settings, kind_get(kind).runner_setting, settings.JOB_RUNNER)


def worker_name(mode: str) -> str:
    return f"{mode} {socket.gethostname()}:{os.getpid()}"[:100]


def _top_region() -> Region:
    return Region.objects.order_by("depth", "code").first()


# ---------------------------------------------------------------- enqueue and start


def job_enqueue(
    *,
    actor,
    kind: str,
    payload: dict | None = None,
    label: str = "",
    region: Region | None = None,
    upload: str = "",
    start: bool = True,
) -> Job:
    """Queue a job of a registered kind for ``actor`` (None: the command line) and, with ``start``,
    hand it to its runner. ``upload`` is a token of ``storage.upload_save``: the job owns the file
    from now on and deletes it when it ends."""
    found = kind_get(kind)
    if region is None:
        region = actor.region if actor is not None and actor.region_id else _top_region()
    with transaction.atomic(), acting(actor):
        job = Job.objects.create(
            kind=kind,
            label=(label or found.label)[:200],
            payload=payload or {},
            requested_by=actor,
            region=region,
            upload=upload,
        )
    if start:
        job_start(job)
        job.refresh_from_db()
    return job


def job_enqueue_upload(*, actor, kind: str, file, payload: dict | None = None, label: str = "") -> Job:
    """Store an uploaded file (Django's ``UploadedFile``) encrypted (``storage.upload_save``) and
    queue a job of ``kind`` holding it: the request that received the file never parses it (the
    API's imports). The caller checks the upload's size first (``lib.tabular.check_size``)."""
    name = file.name or ""
    token = storage.upload_save(user=actor, filename=name, chunks=file.chunks())
    return job_enqueue(actor=actor, kind=kind, payload={"filename": name, **(payload or {})}, label=label, upload=token)


def job_wait(job: Job, *, seconds: float) -> Job:
    """The job once it ended, or as it is after ``seconds`` (the API's imports wait
    ``API_IMPORT_WAIT`` for their job and answer 202 if it is still queued or running). With the
    inline runner the job has already ended; otherwise its row is read again, at first every 0.1
    second, then at most every second."""
    deadline = time.monotonic() + max(float(seconds), 0.0)
    pause = 0.1
    while job.state in ACTIVE_STATES:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        time.sleep(min(pause, left))
        pause = min(pause * 2, 1.0)
        try:
            job.refresh_from_db()
        except DatabaseError as exc:  # SQLite busy while the job writes: read again after the next pause
            logger.warning("读取任务 #%s 状态失败：%s", job.pk, exc)
    return job


def job_start(job: Job) -> None:
    """Hand a queued job to its runner (see the module docstring)."""
    runner = runner_for(job.kind)
    if runner == "worker":
        return
    if runner == "inline":
        if job_claim(job.pk, worker=worker_name("inline")):
            job_execute(job.pk)
        return

    def work():
        try:
            name = worker_name("thread")
            if job_claim(job.pk, worker=name):
                job_execute(job.pk)
        finally:
            close_old_connections()

    transaction.on_commit(lambda: threading.Thread(target=work, daemon=True, name=f"job-{job.pk}").start())


# ---------------------------------------------------------------- claim


def job_claim(job_id: int, *, worker: str) -> bool:
    """Take one queued job (排队中 → 运行中) unless another process already has: one conditional
    UPDATE, so a worker and a web thread never carry out the same job twice."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.RUNNING, stage=gettext("开始"), started_at=now, heartbeat_at=now, worker=worker
        )
    )


def job_claim_next(*, worker: str) -> Job | None:
    """The oldest queued job, claimed for this worker. On PostgreSQL the row is locked with SKIP
    LOCKED, so workers side by side (cron overlapping systemd) each get a different job; on
    SQLite (one writer at a time) the conditional UPDATE in ``job_claim`` decides."""
    with transaction.atomic():
        qs = Job.objects.filter(state=JobState.QUEUED).order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        job = qs.first()
        if job is None or not job_claim(job.pk, worker=worker):
            return None
    job.refresh_from_db()
    return job


# ---------------------------------------------------------------- carry out


class JobContext:
    """What a handler gets besides its job: ``progress(stage, done, total)`` and the upload."""

    def __init__(self, job: Job, *, worker: str, threaded: bool):
        self.job = job
        self.worker = worker
        self.threaded = threaded
        self._lock = threading.Lock()
        self._pending: tuple[str, int, int] | None = None
        self._last_direct = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._beat, daemon=True, name=f"job-{job.pk}-heartbeat")
            self._thread.start()

    def progress(self, stage: str, done: int = 0, total: int = 0) -> None:
        with self._lock:
            self._pending = (str(stage)[:100], max(int(done), 0), max(int(total), 0))
        if not self.threaded:
            now = time.monotonic()
            if now - self._last_direct >= 0.3 or (total and done >= total):
                self._last_direct = now
                self._write()

    def upload_path(self, directory: Path, suffix: str = "") -> Path:
        """The job's upload decrypted into ``directory`` (a temporary folder of the handler)."""
        if not self.job.upload:
            raise JobFailed("该任务没有上传文件")
        return storage.upload_copy(self.job.upload, Path(directory) / f"upload{suffix}")

    def upload_bytes(self) -> bytes:
        if not self.job.upload:
            raise JobFailed("该任务没有上传文件")
        return storage.upload_bytes(self.job.upload)

    def _write(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
        fields = {"heartbeat_at": timezone.now()}
        if pending is not None:
            fields.update(stage=pending[0], done=pending[1], total=pending[2])
        Job.objects.filter(pk=self.job.pk, state=JobState.RUNNING, worker=self.worker).update(**fields)

    def _beat(self) -> None:
        """The reporter thread: progress within a second, a heartbeat every interval."""
        last = time.monotonic()
        try:
            while not self._stop.wait(min(FLUSH_SECONDS, heartbeat_seconds())):
                if self._pending is None and time.monotonic() - last < heartbeat_seconds():
                    continue
                try:
                    self._write()
                    last = time.monotonic()
                except DatabaseError as exc:  # the database is busy or away: the next beat tries again
                    logger.warning("任务 #%s 心跳写入失败：%s", self.job.pk, exc)
        finally:
            connection.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def _message(exc: BaseException, job: Job) -> str:
    if isinstance(exc, (JobFailed, storage.UploadMissing)):
        return str(exc)
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return str(exc) or "无权执行该任务"
    logger.error("任务 #%s（%s）出错", job.pk, job.kind, exc_info=exc)
    return f"处理失败：程序内部错误，详见工作进程日志（任务 #{job.pk}）"


def _keeps_upload(kind: str) -> bool:
    try:
        return kind_get(kind).keeps_upload
    except JobFailed:
        return False


def job_execute(job_id: int) -> Job:
    """Carry out a job already claimed (运行中) by this process; the job as it ended. A failing
    handler fails the job with a Chinese message and does not raise."""
    job = Job.objects.select_related("requested_by", "region").get(pk=job_id)
    ctx = JobContext(job, worker=job.worker, threaded=not connection.in_atomic_block)
    state, result, error = JobState.DONE, {}, ""
    try:
        handler = kind_get(job.kind).handler
        with acting(job.requested_by):
            result = handler(job, ctx) or {}
    except Exception as exc:  # noqa: BLE001 - the failure is the job's outcome, shown on its page
        state, error = JobState.FAILED, _message(exc, job)
    finally:
        ctx.close()
        if job.upload and not _keeps_upload(job.kind):
            storage.upload_delete(job.upload)
    now = timezone.now()
    fields = {
        "state": state,
        "finished_at": now,
        "heartbeat_at": now,
        "error": error[:4000],
        "result": result,
        "stage": gettext("完成") if state == JobState.DONE else gettext("失败"),
    }
    if state == JobState.DONE:
        fields["done"] = F("total")
    # by this process's name, not the state: a job wrongly taken for dead still records its outcome
    Job.objects.filter(pk=job.pk, worker=job.worker).update(**fields)
    job.refresh_from_db()
    event_log(
        action="transition",
        actor=job.requested_by,
        obj=job,
        extra={"from": JobState.RUNNING, "to": state, "kind": job.kind, **({"error": error} if error else {})},
    )
    return job


# ---------------------------------------------------------------- stale jobs


def jobs_mark_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Jobs 运行中 whose heartbeat is older than two heartbeat intervals lost their process (a
    restart, a killed worker): mark them failed ("处理进程中断"), tell their kind
    (``on_abandon``) and delete their upload. Called by the worker and by the job pages."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    if not Job.objects.filter(silent, state=JobState.RUNNING).exists():
        return []
    reason = gettext(ABANDONED)
    marked, uploads = [], []
    with transaction.atomic():
        for job in Job.objects.filter(silent, state=JobState.RUNNING).select_for_update():
            Job.objects.filter(pk=job.pk).update(
                state=JobState.FAILED, error=reason, stage=gettext("已中断"), finished_at=now
            )
            event_log(
                action="transition",
                actor=None,
                obj=job,
                extra={
                    "from": JobState.RUNNING,
                    "to": JobState.FAILED,
                    "reason": reason,
                    "kind": job.kind,
                    "heartbeat_at": job.heartbeat_at,
                    "worker": job.worker,
                },
            )
            try:
                found = kind_get(job.kind)
            except JobFailed:
                found = None
            if found is not None and found.on_abandon is not None:
                found.on_abandon(job)
            if job.upload:
                uploads.append(job.upload)
            marked.append(job.pk)
    # A dead job's upload is never read again, whatever becomes of the caller's transaction (a
    # rolled-back mark is made again by the next call): deleted now, not on a commit that an outer
    # transaction may hold back.
    for token in uploads:
        storage.upload_delete(token)
    return marked


def jobs_recover_for_page() -> list[int]:
    """``jobs_mark_stale`` for a page being shown: a busy database (SQLite while an import writes)
    must not turn the page into an error, the next view or the worker marks the job instead."""
    try:
        with transaction.atomic():
            return jobs_mark_stale()
    except DatabaseError as exc:
        logger.warning("标记中断任务失败：%s", exc)
        return []


# ---------------------------------------------------------------- what killed processes leave


def jobs_housekeeping(*, now: dt.datetime | None = None, tmp_root: Path | None = None, log=None) -> dict:
    """What a killed process (kill -9, the OOM killer, a power cut) leaves behind, cleaned when the
    worker starts: jobs whose heartbeat stopped for two intervals marked failed (their runs too),
    expired uploads deleted, the temporary folders of dead processes removed (lib/scratch.py), and
    each app's leftovers (``kinds.housekeeping``: the feed store's Parquet files no import
    committed). What a live process holds is left alone. Returns what was cleaned, by kind."""
    now = now or timezone.now()
    done = {
        "jobs": jobs_mark_stale(now=now),
        "uploads": storage.uploads_sweep(now=now.timestamp()),
        "folders": [str(p) for p in scratch_sweep(root=tmp_root)],
    }
    for fn in housekeepers():
        try:
            done[fn.__name__] = [str(x) for x in fn(now=now)]
        except (DatabaseError, OSError) as exc:  # the next start tries again
            logger.warning("清理残留文件失败（%s）：%s", fn.__name__, exc)
    if log:
        for pk in done["jobs"]:
            log(f"任务 #{pk} 的处理进程已中断，标记为失败")
        for name, items in done.items():
            if name != "jobs" and items:
                log(f"已清理中断进程留下的文件 {len(items)} 个（{name}）")
    return done


# ---------------------------------------------------------------- the worker


def jobs_work(*, once: bool = False, interval: float = 5.0, stop: threading.Event | None = None, log=None) -> int:
    """The worker's loop (``zhenxing worker``): at start ``jobs_housekeeping``; on every pass mark
    dead jobs failed and drop expired uploads,
    carry out every queued job oldest first, then wait ``interval`` seconds and look again; with
    ``once``, stop when the queue is empty. ``stop`` ends the loop between jobs (SIGTERM).
    Returns how many jobs it carried out."""
    worker = worker_name("worker")
    stop = stop or threading.Event()
    done = 0
    jobs_housekeeping(log=log)
    while not stop.is_set():
        for pk in jobs_mark_stale():
            if log:
                log(f"任务 #{pk} 的处理进程已中断，标记为失败")
        storage.uploads_sweep()
        job = job_claim_next(worker=worker)
        if job is None:
            if once:
                break
            close_old_connections()
            stop.wait(interval)
            continue
        if log:
            log(f"开始任务 #{job.pk}：{job.label}")
        job = job_execute(job.pk)
        if log:
            log(f"任务 #{job.pk} 完成" if job.state == JobState.DONE else f"任务 #{job.pk} 失败：{job.error}")
        done += 1
    return done


def job_run_now(job: Job) -> Job:
    """Carry out a queued job in this process now (the command line): it is on the job page with
    its progress and heartbeat like any other, and marked failed if this process dies."""
    if not job_claim(job.pk, worker=worker_name("command")):
        raise JobFailed(f"任务 #{job.pk} 已由其他进程处理")
    return job_execute(job.pk)


def temporary_folder():
    """A private temporary folder for a handler that needs its upload as a file (lib/scratch.py:
    removed by ``jobs_housekeeping`` if this process is killed)."""
    return scratch_folder("job")
