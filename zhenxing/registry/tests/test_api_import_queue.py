"""POST /api/v1/imports/households runs on the job queue like the page (issue 20): the request checks
the size, stores the upload encrypted and queues a ``registry.import`` job, never parsing the file
itself; it waits for the job up to API_IMPORT_WAIT seconds and answers the report as before, or
202 with the job, which GET /api/v1/jobs/{id} then shows to its requester (and administrators)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhenxing.jobs import services as job_services
from zhenxing.jobs import storage
from zhenxing.jobs.models import Job, JobState
from zhenxing.lib.tests import hostile
from zhenxing.registry.jobs import IMPORT
from zhenxing.registry.models import Household

from .conftest import household_rows, to_csv

SIX_MILLION = "工作表声明有 6,000,000 行，超过上限 200,000 行"


def _post(api, user, data: bytes, name: str = "a.csv", **form):
    return api(user, "post", "/api/v1/imports/households", data={"file": SimpleUploadedFile(name, data), **form})


@pytest.fixture
def worker_runner(settings, tmp_path):
    """Production's runner: jobs wait for ``zhenxing worker``; the API does not wait for them."""
    settings.JOB_RUNNER = "worker"
    settings.API_IMPORT_WAIT = 0
    settings.MEDIA_ROOT = tmp_path


def parsing_refused():
    """Any read of a table's contents in this block fails the test: the request must not parse."""
    return mock.patch("zhenxing.lib.tabular.check_file", side_effect=AssertionError("请求中读取了上传的文件"))


def test_with_the_inline_runner_the_report_comes_from_a_job_and_the_upload_is_gone(api, w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = _post(api, w.fendou, to_csv(household_rows("H1")), dry_run="true")
    assert r.status_code == 200 and r.json()["committed"] is False and not Household.objects.exists()
    r = _post(api, w.fendou, to_csv(household_rows("H1")))
    assert r.status_code == 200 and r.json()["committed"] is True and Household.objects.filter(number="H1").exists()
    check, commit = Job.objects.filter(kind=IMPORT).order_by("pk")
    assert check.payload["dry_run"] is True and commit.payload["dry_run"] is False
    assert commit.state == JobState.DONE and commit.result["report"] == r.json()
    assert commit.requested_by == w.fendou and commit.label == "导入农户（接口）：a.csv"
    assert list(storage.folder().iterdir()) == []  # each job deleted its upload when it ended


def test_with_the_worker_the_api_answers_202_and_the_job_imports_later(api, w, worker_runner):
    rows = household_rows("H1", members=2)
    with parsing_refused():
        r = _post(api, w.fendou, to_csv(rows))
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["state"] == "queued" and body["state_label"] == "排队中" and body["kind"] == IMPORT
    assert body["status_url"] == f"/api/v1/jobs/{body['id']}" and body["result"] == {}
    job = Job.objects.get(pk=body["id"])
    stored = (storage.folder() / f"{job.upload}.data").read_bytes()
    assert rows[0]["身份证号"].encode() not in stored  # the job holds the upload, encrypted
    assert not Household.objects.exists()  # nothing imported yet
    assert api(w.fendou, "get", body["status_url"]).json()["state"] == "queued"

    assert job_services.jobs_work(once=True) == 1
    status = api(w.fendou, "get", body["status_url"])
    assert status.status_code == 200
    got = status.json()
    assert got["state"] == "done" and got["error"] == "" and got["finished_at"] is not None
    assert got["progress"]["percent"] == 100 and got["page_url"] == f"/jobs/{job.pk}/"
    report = got["result"]["report"]
    assert report["committed"] is True and report["households"]["created"] == 1 and report["errors"] == []
    assert Household.objects.get(number="H1").living_members == 3
    assert not (storage.folder() / f"{job.upload}.data").exists()


def test_a_job_is_seen_by_its_requester_and_the_administrators_only(api, w, worker_runner):
    job_id = _post(api, w.fendou, to_csv(household_rows("H1"))).json()["id"]
    url = f"/api/v1/jobs/{job_id}"
    assert api(w.fendou, "get", url).status_code == 200
    assert api(w.diqu, "get", url).status_code == 200  # the prefecture's administrator
    for other in (w.yongfeng, w.kaikukang, w.tahe):  # another village, another county, not the requester
        r = api(other, "get", url)
        assert r.status_code == 404 and r.json() == {"detail": "记录不存在或不在您的数据权限范围内"}
    assert api(w.fendou, "get", "/api/v1/jobs/999999999").status_code == 404


def test_a_hostile_file_is_refused_by_the_job_never_parsed_in_the_request(api, w, worker_runner):
    with parsing_refused():
        r = _post(api, w.fendou, hostile.declared_rows_xlsx(6_000_000), name="big.xlsx")
    assert r.status_code == 202
    job_services.jobs_work(once=True)
    got = api(w.fendou, "get", r.json()["status_url"]).json()
    assert got["state"] == "done" and SIX_MILLION in got["result"]["unreadable"]
    assert got["result"]["report"]["committed"] is False
    assert SIX_MILLION in got["result"]["report"]["errors"][0]["message"]
    assert not Household.objects.exists()


def test_the_request_answers_the_report_when_the_worker_ends_the_job_while_it_waits(api, w, worker_runner, settings):
    """While it waits, the request reads the job again: here the worker carries it out during the
    first pause, and the answer is the report (200), not 202."""
    settings.API_IMPORT_WAIT = 60
    real_sleep = job_services.time.sleep
    ran = []

    def pause(seconds):
        if not ran:
            ran.append(job_services.jobs_work(once=True))
        real_sleep(0)

    with mock.patch.object(job_services.time, "sleep", side_effect=pause):
        r = _post(api, w.fendou, to_csv(household_rows("H1")))
    assert ran == [1]
    assert r.status_code == 200 and r.json()["committed"] is True


def test_a_job_failing_on_the_servers_side_is_a_500_with_its_chinese_error(api, w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with mock.patch("zhenxing.registry.imports.run_import", side_effect=KeyError("boom")):
        r = _post(api, w.fendou, to_csv(household_rows("H1")))
    job = Job.objects.get(kind=IMPORT)
    assert job.state == JobState.FAILED
    assert r.status_code == 500 and r.json() == {
        "detail": f"处理失败：程序内部错误，详见工作进程日志（任务 #{job.pk}）"
    }
