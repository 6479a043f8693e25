"""Household imports from the upload page, carried out on the job queue (zhenxing/jobs).

The page stores the upload encrypted in the job storage (``jobs.storage.upload_save``) and queues
a ``registry.preview`` job (a dry run, never inside the request: a hostile file costs a worker,
not a web process, and is refused there by the tabular reader's limits); the page polls it and
shows the preview. Once the user confirms, it queues a ``registry.import`` job holding the same
upload; the worker (or, in the demo, a thread) commits it, and the page polls the job."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.jobs.kinds import job_kind

IMPORT = "registry.import"
PREVIEW = "registry.preview"


def failed_report(message: str) -> dict:
    """The import report of a file that was not imported, with one message for the whole file."""
    return {
        "committed": False,
        "households": {},
        "members": {},
        "errors": [{"row": None, "column": "", "message": message}],
    }


def _report_url(job) -> str:
    return reverse("registry:import_job", args=[job.upload]) if job.upload else ""


@job_kind(IMPORT, label="导入农户", result_url=_report_url)
def household_import(job, ctx) -> dict:
    from .imports import Unreadable, run_import

    try:
        report = run_import(
            ctx.upload_bytes(),
            filename=job.payload.get("filename", ""),
            actor=job.requested_by,
            only_valid=bool(job.payload.get("only_valid")),
            progress=ctx.progress,
        )
    except Unreadable as exc:  # nothing was written: the page shows why
        return {"report": failed_report(str(exc))}
    return {"report": report.as_json()}


@job_kind(PREVIEW, label="校验农户导入文件", result_url=_report_url, keeps_upload=True)
def household_preview(job, ctx) -> dict:
    """The dry run the page shows before the user confirms; the upload stays for the commit."""
    from .imports import Unreadable, run_import

    try:
        report = run_import(
            ctx.upload_bytes(),
            filename=job.payload.get("filename", ""),
            actor=job.requested_by,
            dry_run=True,
            progress=ctx.progress,
        )
    except Unreadable as exc:
        return {"preview": {"unreadable": str(exc), "errors": []}}
    return {"preview": report.as_json()}
