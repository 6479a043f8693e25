"""The job queue's API: ``GET /api/v1/jobs/{id}``, a job's state, progress, error and result, for the
one who asked for it (administrators: every job of their region, as on the page 后台任务).

The API's imports (``POST /api/v1/imports/households``, ``POST /api/v1/funds/imports/{kind}``)
store the upload and queue a job (``services.job_enqueue_upload``), wait up to
``API_IMPORT_WAIT`` seconds for it (``services.job_wait``) and answer as before when it ended in
time; otherwise 202 with the job (``JobOut``), to be followed here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from ninja import Router, Schema, Status

from zhenxing.accounts import scope

from . import services
from .kinds import JobFailed, kinds
from .models import Job, JobState

router = Router(tags=["后台任务"])


class JobProgressOut(Schema):
    stage: str  # the current step, in words
    done: int
    total: int
    percent: int


class JobOut(Schema):
    """A job of the queue. ``state``: queued 排队中, running 运行中, done 已完成, failed 失败;
    ``error``: why it failed (Chinese); ``result``: what it produced (an import: ``report``)."""

    id: int
    kind: str
    kind_label: str
    label: str
    state: str
    state_label: str
    progress: JobProgressOut
    error: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    result: dict
    status_url: str  # this job in the API (GET)
    page_url: str  # this job's page (后台任务)
    result_url: str  # the page of what it produced, once done ("" when none)


def job_out(job: Job) -> dict:
    found = kinds().get(job.kind)
    done = job.state == JobState.DONE
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": found.label if found else job.kind,
        "label": job.label,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "progress": {"stage": job.stage, "done": job.done, "total": job.total, "percent": job.percent},
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "result": job.result or {},
        "status_url": reverse("api:job_status", kwargs={"id": job.pk}),
        "page_url": reverse("jobs:detail", args=[job.pk]),
        "result_url": (found.result_url(job) or "") if done and found and found.result_url else "",
    }


def upload_job(request, *, kind: str, file, payload: dict, label: str) -> Job:
    """Queue ``kind`` on the uploaded ``file`` (stored encrypted, never parsed in the request) and
    wait for it up to ``API_IMPORT_WAIT`` seconds: the job as it then is."""
    job = services.job_enqueue_upload(actor=request.user, kind=kind, file=file, payload=payload, label=label)
    return services.job_wait(job, seconds=settings.API_IMPORT_WAIT)


def unfinished(job: Job) -> Status | None:
    """202 with the job while it is queued or running; None once it is done (the caller answers
    with its result); a failed job raises its Chinese error (``JobFailed``, answered in
    zhenxing/api.py)."""
    if job.state == JobState.FAILED:
        raise JobFailed(job.error or "任务失败")
    return Status(202, job_out(job)) if job.state != JobState.DONE else None


@router.get(
    "/jobs/{id}",
    response=JobOut,
    url_name="job_status",
    openapi_extra={"x-scope": "jobs.job"},
    summary="后台任务的状态、进度、错误和结果（导入接口答 202 时据此查询；本人的任务，管理员可看本辖区的任务）",
)
def job_status(request, id: int):
    job = scope.get_object_or_404(request.user, Job.objects.select_related("region"), pk=id)
    if job.state == JobState.RUNNING and services.jobs_recover_for_page():
        job.refresh_from_db()  # its process died: 失败 “处理进程中断”
    return job_out(job)
