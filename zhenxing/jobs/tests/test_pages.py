"""The job pages: a user sees their own jobs, an administrator every job of their region; another
region's or another user's job answers 404."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.jobs import services
from zhenxing.jobs.models import JobState

from .conftest import TEST_FAIL, TEST_OK, worker


def test_list_and_detail_show_state_progress_result_and_error(w, login):
    ok = services.job_enqueue(actor=w.fendou, kind=TEST_OK, label="导入农户：a.csv")
    bad = services.job_enqueue(actor=w.fendou, kind=TEST_FAIL)
    client = login(w.fendou)
    page = client.get(reverse("jobs:list")).content.decode()
    assert "导入农户：a.csv" in page and "排队中" in page and "未开始" in page
    queued = client.get(reverse("jobs:detail", args=[ok.pk])).content.decode()
    assert "等待后台任务进程处理" in queued and "zhenxing worker" not in queued and "查看结果" not in queued
    worker("--once")
    page = client.get(reverse("jobs:list")).content.decode()
    assert "已完成" in page and "第3行：金额不能为负数" in page and 'value="100"' in page
    detail = client.get(reverse("jobs:detail", args=[ok.pk])).content.decode()
    assert f'href="/result/{ok.pk}/"' in detail and "用时" in detail
    assert "金额不能为负数" in client.get(reverse("jobs:detail", args=[bad.pk])).content.decode()
    partial = client.get(reverse("jobs:detail", args=[ok.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="job-status"') and "hx-trigger" not in partial  # done: polling stops


def test_scope_own_jobs_and_the_administrators_region(w, login):
    mine = services.job_enqueue(actor=w.fendou, kind=TEST_OK, label="奋斗村的任务")
    neighbour = services.job_enqueue(actor=w.yongfeng, kind=TEST_OK, label="永丰村的任务")
    county = services.job_enqueue(actor=w.tahe, kind=TEST_OK, label="塔河县的任务")
    other_region = services.job_enqueue(actor=w.huma, kind=TEST_OK, label="呼玛县的任务")
    assert login(w.fendou).get(reverse("jobs:detail", args=[neighbour.pk])).status_code == 404
    assert login(w.fendou).get(reverse("jobs:detail", args=[mine.pk])).status_code == 200
    # county staff are not administrators: their own jobs only, not the villages' below them
    assert login(w.tahe).get(reverse("jobs:detail", args=[mine.pk])).status_code == 404
    assert login(w.tahe).get(reverse("jobs:detail", args=[other_region.pk])).status_code == 404
    page = login(w.tahe).get(reverse("jobs:list")).content.decode()
    assert "塔河县的任务" in page and "奋斗村的任务" not in page
    # the prefecture administrator sees every job of the prefecture
    page = login(w.diqu).get(reverse("jobs:list")).content.decode()
    assert all(label in page for label in ("奋斗村的任务", "永丰村的任务", "塔河县的任务", "呼玛县的任务"))
    assert login(w.diqu).get(reverse("jobs:detail", args=[county.pk])).status_code == 200
    assert county.state == JobState.QUEUED


def test_nav_entry_for_every_staff_account(w, login):
    assert f'href="{reverse("jobs:list")}"' in login(w.yibao).get("/").content.decode()
