"""The collective's job kind (zhenxing/jobs): an uploaded member, journal or contract file is
imported by the queue; all or nothing, so a file with any row error fails with the rows named."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.jobs.kinds import JobFailed, job_kind

IMPORT = "collective.import"
SHOWN = 20  # row errors named in the job's message


def _org_url(job) -> str:
    return reverse("collective:org", args=[job.payload["organisation"]])


@job_kind(IMPORT, label="集体经济导入", result_url=_org_url)
def import_file(job, ctx) -> dict:
    from zhenxing.lib.tabular import Unreadable

    from .imports import collective_import
    from .models import Organisation

    p = job.payload
    organisation = Organisation.objects.get(pk=p["organisation"])
    ctx.progress("读取并校验文件", 0, 1)
    try:
        result = collective_import(
            actor=job.requested_by,
            organisation=organisation,
            kind=p["kind"],
            data=ctx.upload_bytes(),
            filename=p["filename"],
        )
    except Unreadable as exc:
        raise JobFailed(str(exc)) from None
    errors = result["errors"]
    if errors:
        total = len(errors) + result["more"]
        named = "；".join(f"第{e['row']}行【{e['column']}】{e['message']}" for e in errors[:SHOWN])
        raise JobFailed(f"文件有{total}处错误，未导入任何一行：{named}" + ("……" if total > SHOWN else ""))
    ctx.progress("完成", 1, 1)
    return {"created": result["created"]}
