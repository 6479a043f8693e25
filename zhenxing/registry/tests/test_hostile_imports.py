"""Hostile household files are refused cheaply on every way in (issue 20): the page's preview runs
on the job queue and says why, the API answers 422 (never 500, even for a 200,000-character cell),
the command line exits 2 with a Chinese message (never a traceback or MemoryError), and a file
with thousands of bad rows stops at 1,000 errors and says so."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from zhenxing.accounts.services import api_token_issue
from zhenxing.jobs.models import Job, JobState
from zhenxing.lib.tests import hostile
from zhenxing.registry.imports import run_import
from zhenxing.registry.jobs import PREVIEW
from zhenxing.registry.models import Household

from .conftest import household_rows, to_csv

SIX_MILLION = "工作表声明有 6,000,000 行，超过上限 200,000 行"


def _api(client, user, **data):
    token = api_token_issue(user=user)[0]
    return client.post("/api/v1/imports/households", data=data, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_page_previews_a_six_million_row_file_on_the_job_queue_and_refuses_it(login, w, settings, tmp_path):
    settings.JOB_RUNNER = "inline"
    settings.MEDIA_ROOT = tmp_path
    client = login(w.fendou)
    upload = SimpleUploadedFile("big.xlsx", hostile.declared_rows_xlsx(6_000_000))
    job_url = client.post(reverse("registry:import"), {"file": upload})["Location"]
    job = Job.objects.get(kind=PREVIEW)
    assert job.state == JobState.DONE and SIX_MILLION in job.result["preview"]["unreadable"]
    page = client.get(job_url).content.decode()
    assert "文件无法读取" in page and SIX_MILLION in page and "确认导入" not in page


def test_the_api_refuses_the_six_million_row_file_and_a_zip_bomb_with_422(client, w):
    r = _api(client, w.fendou, file=SimpleUploadedFile("big.xlsx", hostile.declared_rows_xlsx(6_000_000)))
    assert r.status_code == 422 and SIX_MILLION in r.json()["errors"][0]["message"]
    r = _api(client, w.fendou, file=SimpleUploadedFile("bomb.xlsx", hostile.zip_bomb_xlsx(1024**3)))
    assert r.status_code == 422 and "解压后达 1,024 MB" in r.json()["errors"][0]["message"]
    assert not Household.objects.exists()


def test_the_api_answers_a_cell_over_128_kb_with_its_row_and_column_not_500(client, w):
    r = _api(client, w.fendou, file=SimpleUploadedFile("a.csv", hostile.long_cell_csv(130_000)))
    assert r.status_code == 422
    assert "第2行 C列：单元格内容有 130,000 个字符" in r.json()["errors"][0]["message"]


def test_the_api_refuses_a_file_over_the_size_limit_before_reading_it(client, w, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    r = _api(client, w.fendou, file=SimpleUploadedFile("a.csv", to_csv(household_rows("H1", members=30))))
    assert r.status_code == 422 and "超过上限" in r.json()["errors"][0]["message"]


def test_the_command_line_exits_2_on_a_long_cell_and_a_declared_six_million_rows(w, tmp_path, capsys):
    for name, data, message in [
        ("cell.csv", hostile.long_cell_csv(130_000), "第2行 C列：单元格内容有 130,000 个字符"),
        ("big.xlsx", hostile.declared_rows_xlsx(6_000_000), SIX_MILLION),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(SystemExit) as exc:
            call_command("import_households", str(path), "--json")
        assert exc.value.code == 2
        out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert out["committed"] is False and message in out["errors"][0]["message"]


def test_checking_stops_at_one_thousand_errors_and_says_so_and_nothing_is_imported(w):
    rows = []
    for i in range(1500):
        rows += household_rows(f"H{i:04d}", head={"工资性收入": "-3"})
    report = run_import(to_csv(rows), actor=w.fendou, only_valid=True)
    data = report.as_json()
    assert report.problems.count == 1000 and len(data["errors"]) == 1001
    assert any("错误已超过1,000条，已停止检查，未导入任何数据" in e["message"] for e in data["errors"])
    assert data["committed"] is False and not Household.objects.exists()
