"""The collective's job kinds (zhenxing/jobs): an uploaded member, shares, journal or contract file
is imported by the queue (all or nothing, so a file with any row error fails with the rows named);
a year's distribution is drafted by the queue, not inside the request."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.jobs.kinds import JobFailed, job_kind

IMPORT = "collective.import"
SHOWN = 20  # row errors named in the job's message


def _org_url(job) -> str:
    return reverse("collective:org", args=[job.payload["organisation"]])


@job_kind(IMPORT, label="集体经济导入", result_url=_org_url)
def import_file(job, ctx) -> dict:
    from zhenxing.lib.mapping import MappingError
    from zhenxing.lib.tabular import Unreadable
    from zhenxing.mappings.selectors import mapping_for_job

    from .imports import collective_import
    from .models import Organisation

    p = job.payload
    organisation = Organisation.objects.get(pk=p["organisation"])
    ctx.progress("读取并校验文件", 0, 1)
    data = ctx.upload_bytes()
    try:
        _, mapping = mapping_for_job(job, kind=f"collective.{p['kind']}", data=data)
        result = collective_import(
            actor=job.requested_by,
            organisation=organisation,
            kind=p["kind"],
            data=data,
            filename=p["filename"],
            mapping=mapping,
        )
    except (Unreadable, MappingError) as exc:
        raise JobFailed(str(exc)) from None
    errors = result["errors"]
    if errors:
        total = len(errors) + result["more"]
        named = "；".join(f"第{e['row']}行【{e['column']}】{e['message']}" for e in errors[:SHOWN])
        raise JobFailed(f"文件有{total}处错误，未导入任何一行：{named}" + ("……" if total > SHOWN else ""))
    ctx.progress("完成", 1, 1)
    return {"created": result["created"]}


DRAFT = "collective.distribution"


def _plan_url(job) -> str:
    plan = (job.result or {}).get("distribution")
    return reverse("collective:distribution", args=[plan]) if plan else _org_url(job)


@job_kind(DRAFT, label="编制收益分配方案", result_url=_plan_url)
def distribution_draft(job, ctx) -> dict:
    """A year's distribution drafted off the request: the members' lines (one per member; 100,000
    for a large organisation) are computed and written set-based by ``services.distribution_draft``
    inside one transaction; a refused draft fails the job with the service's Chinese reasons."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from . import services
    from .models import Organisation

    p = job.payload
    organisation = Organisation.objects.get(pk=p["organisation"])
    ctx.progress("计算各成员分红并写入分配明细", 0, 1)
    try:
        plan = services.distribution_draft(
            actor=job.requested_by,
            organisation=organisation,
            year=int(p["year"]),
            distributable_total=p["distributable_total"],
            reserve_rate=p["reserve_rate"],
        )
    except ValidationError as exc:
        raise JobFailed("；".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise JobFailed(str(exc)) from None
    ctx.progress("完成", 1, 1)
    return {"distribution": plan.pk, "lines": plan.lines.count(), "dividend_total": str(plan.dividend_total)}
