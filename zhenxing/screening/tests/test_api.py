"""The screening API: alerts and runs under the data scope, transitions with optimistic locking, and
refusals as HTTP codes with Chinese messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhenxing.accounts import services as account_services
from zhenxing.jobs import services as job_services
from zhenxing.jobs.models import Job
from zhenxing.registry import idnumber, testing
from zhenxing.screening import alerts as alert_writes
from zhenxing.screening import runs, services
from zhenxing.screening.models import Alert, AlertState, Run, RunKind

AS_OF = dt.date(2022, 6, 30)


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {account_services.api_token_issue(user=user)[0]}"}


def med(serial, number, burden="50000"):
    return {
        "结算流水号": serial,
        "身份证号": number,
        "姓名": "某",
        "结算日期": "2022-05-01",
        "医疗总费用": burden,
        "基本医保支付": 0,
        "大病保险支付": 0,
        "医疗救助支付": 0,
        "个人负担": burden,
    }


@pytest.fixture
def raised(w, feed):
    """Medical alerts in 奋斗村 and 开库康村 (医保's data), and an income alert in 奋斗村 (the registry's)."""
    a = testing.make_household(village=w.r.fendou, number="F1")
    b = testing.make_household(village=w.r.kaikukang, number="K1")
    testing.make_household(village=w.r.fendou, number="F2", income={"wage_income": 100})
    feed(
        "medical",
        [
            med("A1", idnumber.decrypt(a.members.first().id_cipher)),
            med("B1", idnumber.decrypt(b.members.first().id_cipher)),
        ],
    )
    runs.screen(actor=None, as_of=AS_OF)
    return {
        "fendou": Alert.objects.get(rule="medical", household=a),
        "kaikukang": Alert.objects.get(rule="medical", household=b),
        "income": Alert.objects.get(rule="income", household__number="F2"),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content.decode()
    return {a["id"] for a in response.json()}


def act(client, user, alert, action, version=None, **body):
    return client.post(
        f"/api/v1/screening/alerts/{alert.pk}/transitions",
        {"action": action, "version": alert.version if version is None else version, **body},
        content_type="application/json",
        **auth(user),
    )


def test_list_is_scoped_to_region_and_department(client, w, raised):
    f, k, inc = raised["fendou"].pk, raised["kaikukang"].pk, raised["income"].pk
    url = "/api/v1/screening/alerts"
    assert ids(client.get(url, **auth(w.fendou))) == {f, inc}
    assert ids(client.get(url, **auth(w.kaikukang))) == {k}
    assert ids(client.get(url, **auth(w.tahe))) == {f, k, inc}
    assert ids(client.get(url, **auth(w.huma))) == set()
    assert ids(client.get(url, **auth(w.yibao))) == {f, k}  # 医保 raised those; not the registry's income alert
    assert ids(client.get(url, **auth(w.minzheng))) == set()


def test_list_filters_and_keyset_pages(client, w, raised):
    url = "/api/v1/screening/alerts"
    f, k, inc = raised["fendou"].pk, raised["kaikukang"].pk, raised["income"].pk
    assert ids(client.get(url, {"rule": "medical"}, **auth(w.tahe))) == {f, k}
    assert ids(client.get(url, {"region": w.r.shibazhan.code}, **auth(w.tahe))) == {f, inc}
    assert ids(client.get(url, {"state": "issued"}, **auth(w.tahe))) == set()
    assert ids(client.get(url, {"is_open": "false"}, **auth(w.tahe))) == set()
    first = client.get(url, {"limit": 2}, **auth(w.tahe)).json()
    assert [a["id"] for a in first] == sorted([f, k, inc], reverse=True)[:2]
    rest = client.get(url, {"limit": 2, "after": first[-1]["id"]}, **auth(w.tahe)).json()
    assert [a["id"] for a in rest] == [min(f, k, inc)]
    # another county's region code, an unknown rule or state: refused in Chinese
    r = client.get(url, {"region": w.r.huma.code}, **auth(w.tahe))
    assert r.status_code == 404 and "数据权限" in r.json()["detail"]
    r = client.get(url, {"rule": "nope"}, **auth(w.tahe))
    assert r.status_code == 422 and "未知规则" in r.json()["detail"]
    assert client.get(url, {"state": "gone"}, **auth(w.tahe)).status_code == 422


def test_detail_has_the_evidence_and_another_regions_alert_is_404(client, w, raised):
    alert = raised["fendou"]
    r = client.get(f"/api/v1/screening/alerts/{alert.pk}", **auth(w.fendou))
    assert r.status_code == 200
    data = r.json()
    assert data["rule"] == "medical" and data["risk_types"] == ["01"] and data["department"] == "medical_insurance"
    assert [rec["key"] for rec in data["evidence"]["records"]] == ["A1"]
    assert data["evidence"]["ruleset_version"] == 1 and data["available_actions"] == []  # a village does not issue
    other = client.get(f"/api/v1/screening/alerts/{alert.pk}", **auth(w.kaikukang))
    assert other.status_code == 404 and other.json()["detail"] == "记录不存在或不在您的数据权限范围内"
    assert client.get(f"/api/v1/screening/alerts/{raised['income'].pk}", **auth(w.yibao)).status_code == 404
    actions = client.get(f"/api/v1/screening/alerts/{alert.pk}", **auth(w.shibazhan)).json()["available_actions"]
    assert [a["action"] for a in actions] == ["issue"]
    assert client.get(f"/api/v1/screening/alerts/{alert.pk}", **auth(w.ducha)).json()["available_actions"] == []


def test_transitions_through_the_api_to_monitoring(client, w, raised):
    alert = raised["fendou"]
    r = act(client, w.shibazhan, alert, "issue")
    assert r.status_code == 200 and r.json()["state"] == "issued" and r.json()["verify_due"]
    alert.refresh_from_db()
    r = act(client, w.fendou, alert, "start")
    assert r.status_code == 200 and r.json()["available_actions"][0]["action"] == "include"
    alert.refresh_from_db()
    r = act(client, w.fendou, alert, "include")
    assert r.status_code == 422 and r.json()["detail"] == "请填写核实说明"
    r = act(client, w.fendou, alert, "include", reason="大病住院，自付过高")
    assert r.status_code == 200, r.content.decode()
    data = r.json()
    assert data["state"] == AlertState.MONITORED and not data["is_open"] and data["case_ref"]
    from zhenxing.monitoring.models import MonitoringCase

    case = MonitoringCase.objects.get(pk=data["case_ref"])
    assert case.household_id == alert.household_id and case.channel == "department_alert" and case.risk_types == ["01"]


def test_transition_refusals(client, w, raised):
    alert = raised["fendou"]
    r = act(client, w.fendou, alert, "issue")  # a village does not issue
    assert r.status_code == 403 and r.json()["detail"] == "您的角色不能执行此操作"
    r = act(client, w.yibao, alert, "issue")  # the department sees it but does not act on it
    assert r.status_code == 403
    r = act(client, w.ducha, alert, "issue")  # read-only inspector
    assert r.status_code == 403 and "只读" in r.json()["detail"]
    r = act(client, w.tahe, alert, "start")  # not yet issued
    assert r.status_code == 422 and "当前状态为“新预警”" in r.json()["detail"]
    r = act(client, w.tahe, alert, "fly")
    assert r.status_code == 422 and r.json()["detail"] == "未知操作"
    r = act(client, w.kaikukang_town, alert, "issue")  # another township: the alert does not exist for it
    assert r.status_code == 404
    stale = alert.version
    assert act(client, w.tahe, alert, "issue").status_code == 200
    r = act(client, w.shibazhan, alert, "issue", version=stale)  # read before the county acted
    assert r.status_code == 409 and r.json()["detail"] == "该预警已被他人处理，请刷新后重试"
    alert.refresh_from_db()
    assert alert.state == AlertState.ISSUED and alert.version == stale + 1


def test_concurrent_change_inside_the_service_is_409(client, w, raised, monkeypatch):
    alert = raised["fendou"]
    real = alert_writes.alert_transition

    def raced(**kw):  # another request commits between this request's read and its write
        Alert.objects.filter(pk=alert.pk).update(version=alert.version + 1)
        return real(**kw)

    monkeypatch.setattr(alert_writes, "alert_transition", raced)
    r = act(client, w.tahe, alert, "issue")
    assert r.status_code == 409 and "已被他人处理" in r.json()["detail"]
    alert.refresh_from_db()
    assert alert.state == AlertState.NEW


def test_runs_list_and_detail_are_scoped_and_show_interrupted_runs_failed(client, w, raised):
    done = Run.objects.get()  # the fixture's run, kept at the prefecture
    dead = services.run_request(actor=w.diqu, kind=RunKind.SCREEN, as_of=AS_OF, start=False)
    job = Job.objects.get(kind="screening.run", payload__run=dead.pk)
    job_services.job_claim(job.pk, worker="worker host:1")
    services.run_claim(dead.pk, worker="worker host:1")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))  # its process died
    r = client.get("/api/v1/screening/runs", **auth(w.diqu))
    assert r.status_code == 200
    by_id = {x["id"]: x for x in r.json()}
    assert by_id[done.pk]["status"] == "done" and by_id[done.pk]["ruleset_version"] == 1
    assert (
        by_id[dead.pk]["status"] == "failed" and by_id[dead.pk]["error"] == "运行中断（服务重启或进程退出），请重新发起"
    )
    detail = client.get(f"/api/v1/screening/runs/{done.pk}", **auth(w.diqu)).json()
    assert detail["summary"]["alerts"]["medical"] == 2
    assert client.get(f"/api/v1/screening/runs/{done.pk}", **auth(w.tahe)).status_code == 404
    assert client.get("/api/v1/screening/runs", **auth(w.tahe)).json() == []
    assert [x["id"] for x in client.get("/api/v1/screening/runs", {"status": "failed"}, **auth(w.diqu)).json()] == [
        dead.pk
    ]
    assert client.get("/api/v1/screening/runs", {"status": "x"}, **auth(w.diqu)).status_code == 422
