from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from zhenxing.accounts.access import staff_view

from . import selectors, services, storage
from .kinds import kinds
from .models import Job, JobState


def _labels() -> dict[str, str]:
    return {code: k.label for code, k in kinds().items()}


@staff_view(page="jobs.list")
def job_list(request):
    services.jobs_recover_for_page()  # a job whose process died shows as 失败 here
    storage.uploads_sweep()
    page = Paginator(selectors.jobs_for(request.user), 50).get_page(request.GET.get("page"))
    labels = _labels()
    for job in page:
        job.kind_label = labels.get(job.kind, job.kind)
    active = any(j.state in (JobState.QUEUED, JobState.RUNNING) for j in page)
    template = "jobs/job_rows.html" if request.headers.get("HX-Request") else "jobs/job_list.html"
    return render(request, template, {"page": page, "active": active})


@staff_view(model=Job)
def job_detail(request, job):
    if job.state == JobState.RUNNING and services.jobs_recover_for_page():
        job.refresh_from_db()
    found = kinds().get(job.kind)
    result_url = found.result_url(job) if found and found.result_url and job.state == JobState.DONE else ""
    template = "jobs/job_status.html" if request.headers.get("HX-Request") else "jobs/job_detail.html"
    return render(
        request,
        template,
        {
            "job": job,
            "kind": found.label if found else job.kind,
            "result_url": result_url,
            "runner": services.runner_for(job.kind) if found else "worker",
        },
    )
