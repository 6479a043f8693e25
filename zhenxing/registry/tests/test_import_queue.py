"""The import page's preview and commit go through the job queue (never inside the request): left to
``zhenxing worker`` in production, the page polls the jobs; the upload is stored encrypted, stays
for the commit after the preview and is gone once the commit ends."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from zhenxing.jobs import storage
from zhenxing.jobs.models import Job, JobState
from zhenxing.registry.jobs import IMPORT, PREVIEW
from zhenxing.registry.models import Household

from .conftest import household_rows, to_csv


def test_import_page_commit_queued_for_the_worker(login, w, settings, tmp_path):
    settings.JOB_RUNNER = "worker"
    settings.MEDIA_ROOT = tmp_path
    client = login(w.fendou)
    rows = household_rows("H1", members=2)
    job_url = client.post(reverse("registry:import"), {"file": SimpleUploadedFile("b.csv", to_csv(rows))})["Location"]
    token = job_url.rstrip("/").rsplit("/", 1)[1]
    stored = (storage.folder() / f"{token}.data").read_bytes()
    assert rows[0]["身份证号"].encode() not in stored  # encrypted at rest
    preview = Job.objects.get(kind=PREVIEW)
    assert preview.state == JobState.QUEUED and preview.upload == token  # not parsed in the request
    page = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
    assert "排队中" in page and "hx-trigger" in page
    client.post(job_url)  # nothing to confirm before the preview is shown
    assert not Job.objects.filter(kind=IMPORT).exists()
    call_command("worker", "--once", stdout=io.StringIO())
    assert client.get(job_url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    assert "新增 1，修改 0，未变 0" in client.get(job_url).content.decode()
    assert (storage.folder() / f"{token}.data").exists()  # kept for the commit
    client.post(job_url)
    client.post(job_url)  # a second click queues nothing more
    job = Job.objects.get(kind=IMPORT)
    assert job.state == JobState.QUEUED and job.upload == token and job.requested_by == w.fendou
    page = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
    assert "排队中" in page and "hx-trigger" in page and not Household.objects.exists()
    call_command("worker", "--once", stdout=io.StringIO())
    page = client.get(job_url).content.decode()
    assert "导入完成" in page and f"/jobs/{job.pk}/" in page
    assert Household.objects.get().living_members == 3
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result["report"]["committed"] is True and job.total > 0
    assert not (storage.folder() / f"{token}.data").exists()  # the upload is gone with the job
    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'href="{job_url}"' in detail  # the job page links to the import report
    assert login(w.yongfeng).get(job_url).status_code == 404  # another village's cadre


def test_an_expired_upload_answers_404_and_a_failed_job_shows_its_error(login, w, settings, tmp_path):
    settings.JOB_RUNNER = "worker"
    settings.MEDIA_ROOT = tmp_path
    client = login(w.fendou)
    job_url = client.post(
        reverse("registry:import"), {"file": SimpleUploadedFile("b.csv", to_csv(household_rows("H1")))}
    )["Location"]
    call_command("worker", "--once", stdout=io.StringIO())  # the preview
    client.post(job_url)
    token = job_url.rstrip("/").rsplit("/", 1)[1]
    storage.upload_delete(token)  # lost before the worker came
    call_command("worker", "--once", stdout=io.StringIO())
    job = Job.objects.get(kind=IMPORT)
    assert job.state == JobState.FAILED and job.error == "上传的文件已过期或不存在，请重新上传"
    page = client.get(job_url).content.decode()
    assert "未导入" in page and "上传的文件已过期" in page
    assert client.get(reverse("registry:import_job", args=["0" * 32])).status_code == 404
