"""POST /api/v1/funds/imports/{kind} runs on the job queue (kind ``funds.import``, issue 20): the
request refuses an unknown kind (404), an account that may not import it (403) and an oversized
file (422), stores the upload encrypted and queues the job; it answers the job's report when the
job ends within API_IMPORT_WAIT seconds (422 for an unreadable file, as before), else 202."""

from __future__ import annotations

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile

from zhenxing.accounts.services import api_token_issue
from zhenxing.funds.jobs import IMPORT
from zhenxing.funds.models import Project
from zhenxing.jobs import services as job_services
from zhenxing.jobs.models import Job, JobState

from .test_imports import PROJECT_HEADERS, project_row, xlsx


def _post(client, user, kind: str, data: bytes, *, name: str = "p.xlsx", query: str = ""):
    token = api_token_issue(user=user)[0]
    return client.post(
        f"/api/v1/funds/imports/{kind}{query}",
        data={"file": SimpleUploadedFile(name, data)},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _projects() -> bytes:
    return xlsx(PROJECT_HEADERS, [project_row("XM-A-1"), project_row("XM-A-2", 村="永丰村")])


def test_the_report_comes_from_a_funds_import_job(client, w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = _post(client, w.tahe, "projects", _projects(), query="?dry_run=true")
    assert r.status_code == 200 and r.json()["committed"] is False and not Project.objects.exists()
    r = _post(client, w.tahe, "projects", _projects())
    assert r.status_code == 200
    assert r.json() == {"committed": True, "created": 2, "updated": 0, "unchanged": 0, "errors": []}
    job = Job.objects.filter(kind=IMPORT).latest("pk")
    assert job.state == JobState.DONE and job.result["report"]["created"] == 2 and job.requested_by == w.tahe
    assert job.payload == {"filename": "p.xlsx", "kind": "projects", "dry_run": False, "mapping": ""}
    r = _post(client, w.tahe, "projects", xlsx(PROJECT_HEADERS, [project_row("XM-A-3", 概算投资="-1")]))
    assert r.status_code == 200 and r.json()["committed"] is False
    assert r.json()["errors"] == [{"row": 3, "column": "概算投资", "message": "金额不能为负数"}]


def test_refusals_before_and_after_the_job(client, w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert _post(client, w.tahe, "nothing", _projects()).status_code == 404
    r = _post(client, w.fendou, "payments", _projects())  # a village cadre registers no payments
    assert r.status_code == 403 and r.json()["detail"] == "您的角色无权登记资金"
    settings.UPLOAD_MAX_BYTES = 100
    r = _post(client, w.tahe, "projects", _projects())
    assert r.status_code == 422 and "超过上限" in r.json()["errors"][0]["msg"]
    assert not Job.objects.exists()  # none of these stored a file or queued a job
    settings.UPLOAD_MAX_BYTES = 10**6
    r = _post(client, w.tahe, "projects", b"\x00not a workbook")
    job = Job.objects.get(kind=IMPORT)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
    assert r.json()["errors"][0]["msg"] == job.result["unreadable"] and job.state == JobState.DONE


def test_with_the_worker_the_api_answers_202_and_the_job_imports_later(client, w, settings, tmp_path):
    settings.JOB_RUNNER = "worker"
    settings.API_IMPORT_WAIT = 0
    settings.MEDIA_ROOT = tmp_path
    with mock.patch("zhenxing.lib.tabular.check_file", side_effect=AssertionError("请求中读取了上传的文件")):
        r = _post(client, w.tahe, "projects", _projects())
    assert r.status_code == 202 and r.json()["state"] == "queued" and r.json()["kind"] == IMPORT
    assert not Project.objects.exists()
    assert job_services.jobs_work(once=True) == 1
    token = api_token_issue(user=w.tahe)[0]
    got = client.get(r.json()["status_url"], HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert got["state"] == "done" and got["result"]["report"]["created"] == 2
    assert got["kind_label"] == "导入资金项目数据" and got["label"] == "导入项目（接口）：p.xlsx"
    assert Project.objects.count() == 2
    other = api_token_issue(user=w.kaikukang)[0]  # another county's cadre
    assert client.get(r.json()["status_url"], HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
