"""GET /api/v1/jobs/{id}: a job's state, progress, Chinese error and result, for its requester and
the administrators of its region (as the page 后台任务); the imports' 202 names it."""

from __future__ import annotations

from zhenxing.accounts.services import api_token_issue
from zhenxing.jobs import services

from .conftest import TEST_FAIL, TEST_OK, worker


def _get(client, user, pk):
    token = api_token_issue(user=user)[0]
    return client.get(f"/api/v1/jobs/{pk}", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_job_from_queued_to_done_and_a_failed_one_with_its_chinese_error(client, w):
    ok = services.job_enqueue(actor=w.fendou, kind=TEST_OK, payload={"numbers": [1, 2]})
    failing = services.job_enqueue(actor=w.fendou, kind=TEST_FAIL)
    got = _get(client, w.fendou, ok.pk).json()
    assert (got["state"], got["state_label"], got["kind"], got["kind_label"]) == (
        "queued",
        "排队中",
        TEST_OK,
        "测试任务",
    )
    assert got["progress"] == {"stage": "", "done": 0, "total": 0, "percent": 0}
    assert got["result"] == {} and got["result_url"] == "" and got["started_at"] is None
    assert got["status_url"] == f"/api/v1/jobs/{ok.pk}" and got["page_url"] == f"/jobs/{ok.pk}/"
    worker("--once")
    got = _get(client, w.fendou, ok.pk).json()
    assert got["state"] == "done" and got["result"] == {"sum": 3} and got["result_url"] == f"/result/{ok.pk}/"
    assert got["progress"] == {"stage": "完成", "done": 4, "total": 4, "percent": 100} and got["error"] == ""
    got = _get(client, w.fendou, failing.pk).json()
    assert (got["state"], got["state_label"], got["error"]) == ("failed", "失败", "第3行：金额不能为负数")
    assert got["result"] == {} and got["finished_at"] is not None


def test_only_the_requester_and_the_regions_administrators_see_a_job(client, w):
    job = services.job_enqueue(actor=w.fendou, kind=TEST_OK)
    assert _get(client, w.fendou, job.pk).status_code == 200
    assert _get(client, w.diqu, job.pk).status_code == 200
    for other in (w.yongfeng, w.shibazhan, w.tahe, w.kaikukang, w.yibao):
        r = _get(client, other, job.pk)
        assert r.status_code == 404 and r.json() == {"detail": "记录不存在或不在您的数据权限范围内"}
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 401
    assert _get(client, w.fendou, 2**31 - 1).status_code == 404
    assert _get(client, w.fendou, 2**40).status_code == 422  # past the integer bound: refused, never a 500


def test_the_openapi_document_declares_the_imports_202_with_the_job(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/imports/households", "/api/v1/funds/imports/{kind}"):
        responses = doc["paths"][path]["post"]["responses"]
        assert responses["202"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/JobOut"}
        assert "200" in responses
    op = doc["paths"]["/api/v1/jobs/{id}"]["get"]
    assert op["x-scope"] == "jobs.job"
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/JobOut"}
    assert set(doc["components"]["schemas"]["JobOut"]["required"]) >= {"id", "state", "status_url", "result"}
