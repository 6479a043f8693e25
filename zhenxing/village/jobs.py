"""The village app's job kind (zhenxing/jobs): an uploaded census, profile or 两委 file is imported
by the queue; all or nothing, so a file with any row error fails with the rows named."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.jobs.kinds import JobFailed, job_kind

IMPORT = "village.import"
SHOWN = 20  # row errors named in the job's message


def _result_url(job) -> str:
    if job.payload.get("kind") == "toilets":
        return reverse("village:toilets") + f"?region={job.payload['region']}"
    return reverse("village:index") + f"?region={job.payload['region']}"


@job_kind(IMPORT, label="乡村建设导入", result_url=_result_url)
def import_file(job, ctx) -> dict:
    from zhenxing.lib.mapping import MappingError
    from zhenxing.lib.tabular import Unreadable
    from zhenxing.mappings.selectors import mapping_for_job
    from zhenxing.regions.models import Region

    from .imports import village_import

    p = job.payload
    region = Region.objects.get(code=p["region"])
    ctx.progress("读取并校验文件", 0, 1)
    data = ctx.upload_bytes()
    try:
        _, mapping = mapping_for_job(job, kind=f"village.{p['kind']}", data=data)
        result = village_import(
            actor=job.requested_by, region=region, kind=p["kind"], data=data, filename=p["filename"], mapping=mapping
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
