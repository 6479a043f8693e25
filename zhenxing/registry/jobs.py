"""Household imports from the upload page, carried out on the job queue (zhenxing/jobs).

The page stores the upload encrypted in the job storage (``jobs.storage.upload_save``) and queues
a ``registry.preview`` job (a dry run, never inside the request: a hostile file costs a worker,
not a web process, and is refused there by the tabular reader's limits); the page polls it and
shows the preview. Once the user confirms, it queues a ``registry.import`` job holding the same
upload; the worker (or, in the demo, a thread) commits it, and the page polls the job.

``POST /api/v1/imports/households`` queues a ``registry.import`` job too (with ``dry_run`` when
asked) and waits for it a bounded time (``zhenxing.jobs.api``)."""

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
    """The commit the page's user confirmed, or the API's import (``dry_run`` in the payload: a
    check that writes nothing and, unlike the page's preview, keeps no upload)."""
    from zhenxing.lib.mapping import MappingError
    from zhenxing.mappings.selectors import mapping_for_job

    from .imports import Unreadable, run_import

    data = ctx.upload_bytes()
    try:
        _, mapping = mapping_for_job(job, kind="households", data=data)
        report = run_import(
            data,
            filename=job.payload.get("filename", ""),
            actor=job.requested_by,
            dry_run=bool(job.payload.get("dry_run")),
            only_valid=bool(job.payload.get("only_valid")),
            progress=ctx.progress,
            mapping=mapping,
        )
    except (Unreadable, MappingError) as exc:  # nothing was written: the page shows why, the API a 422
        return {"report": failed_report(str(exc)), "unreadable": str(exc)}
    return {"report": report.as_json()}


@job_kind(PREVIEW, label="校验农户导入文件", result_url=_report_url, keeps_upload=True)
def household_preview(job, ctx) -> dict:
    """The dry run the page shows before the user confirms; the upload stays for the commit."""
    from zhenxing.lib.mapping import MappingError
    from zhenxing.mappings.selectors import mapping_for_job

    from .imports import Unreadable, run_import

    data = ctx.upload_bytes()
    try:
        name, mapping = mapping_for_job(job, kind="households", data=data)
        report = run_import(
            data,
            filename=job.payload.get("filename", ""),
            actor=job.requested_by,
            dry_run=True,
            progress=ctx.progress,
            mapping=mapping,
        )
    except (Unreadable, MappingError) as exc:
        return {"preview": {"unreadable": str(exc), "errors": []}}
    # the commit reads the file through the same mapping; the page names it
    return {"preview": {**report.as_json(), "mapping": name}, "mapping": name}
