"""The whole procedure through the API by the three levels; refusals and conflicts as HTTP codes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhenxing.accounts import services as account_services
from zhenxing.monitoring import rules
from zhenxing.monitoring.models import Helper, Visit
from zhenxing.registry.testing import make_household


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {account_services.api_token_issue(user=user)[0]}"}


def _act(client, user, case_id, name, version, **data):
    return client.post(
        f"/api/v1/cases/{case_id}/transitions",
        {"name": name, "version": version, "data": data},
        content_type="application/json",
        **_auth(user),
    )


def test_discovery_to_elimination_through_the_api(client, w, std):
    today = timezone.localdate()
    household = make_household(village=w.r.fendou)
    start = today - dt.timedelta(days=300)
    r = client.post(
        "/api/v1/cases",
        {
            "household_id": household.pk,
            "channel": "cadre_visit",
            "risk_types": ["07"],
            "discovered_on": start.isoformat(),
        },
        content_type="application/json",
        **_auth(w.fendou),
    )
    assert r.status_code == 201, r.content
    case = r.json()
    cid = case["id"]

    def step(user, name, **data):
        nonlocal case
        response = _act(client, user, cid, name, case["version"], **data)
        assert response.status_code == 200, (name, response.content.decode())
        case = response.json()
        return case

    d = lambda n: (start + dt.timedelta(days=n)).isoformat()  # noqa: E731
    step(
        w.fendou,
        "verify",
        kind="100A03002",
        risk_types=["07"],
        authorisation_signed=True,
        income_12m="8000",
        spending_12m="0",
        coping="partly",
        date=d(1),
    )
    assert (case["coping"], case["hardship"], case["income_12m"]) == ("partly", "", "8000.00")
    step(w.fendou, "appraise", posting_start=d(2), date=d(2))
    step(w.fendou, "finish_posting", objections="无异议", date=d(7))
    # the county cannot act before the township
    assert _act(client, w.tahe, cid, "county_approve", case["version"]).status_code == 422
    step(w.shibazhan, "township_approve", date=d(8))
    helper = Helper.objects.create(name="王帮扶", unit="驻村工作队", village=w.r.fendou)
    assert (
        client.post(
            f"/api/v1/cases/{cid}/helper", {"helper_id": helper.pk}, content_type="application/json", **_auth(w.fendou)
        ).status_code
        == 200
    )
    r = client.post(
        f"/api/v1/cases/{cid}/measures",
        {"category": "employment", "content": "公益岗位转就业", "unit": "乡人社所", "person": "李", "start_on": d(8)},
        content_type="application/json",
        **_auth(w.fendou),
    )
    # the former English slug is still accepted as input; the answer carries the national code
    assert r.status_code == 201 and (r.json()["category"], r.json()["category_label"]) == ("100A40", "就业帮扶")
    case = step(w.tahe, "county_approve", date=d(9))
    assert case["state"] == "monitored"
    r = client.post(
        f"/api/v1/measures/{r.json()['id']}/status",
        {"status": "under_way"},
        content_type="application/json",
        **_auth(w.fendou),
    )
    assert r.status_code == 200 and r.json()["status"] == "under_way"
    measure_id = r.json()["id"]
    window = rules.add_months(today - dt.timedelta(days=8), -6)
    r = client.post(
        f"/api/v1/cases/{cid}/visits",
        {"date": (window - dt.timedelta(days=1)).isoformat(), "changes": "务工稳定", "per_capita_income": "12000"},
        content_type="application/json",
        **_auth(w.fendou),
    )
    assert r.status_code == 201
    assert len(client.get(f"/api/v1/cases/{cid}/visits", **_auth(w.tahe)).json()) == 1
    # 帮扶消除 asks for every measure 已落实: under way is refused, done is accepted
    response = _act(
        client,
        w.fendou,
        cid,
        "propose_elimination",
        case["version"],
        elimination_way="assisted",
        resolved_risks=["07"],
        date=(today - dt.timedelta(days=8)).isoformat(),
    )
    assert response.status_code == 422 and "尚未落实" in response.content.decode()
    assert (
        client.post(
            f"/api/v1/measures/{measure_id}/status",
            {"status": "done"},
            content_type="application/json",
            **_auth(w.fendou),
        ).status_code
        == 200
    )
    step(
        w.fendou,
        "propose_elimination",
        elimination_way="assisted",
        resolved_risks=["07"],
        date=(today - dt.timedelta(days=8)).isoformat(),
    )
    step(w.fendou, "elim_check", reason="核查属实", date=(today - dt.timedelta(days=8)).isoformat())
    step(
        w.fendou,
        "elim_appraise",
        posting_start=(today - dt.timedelta(days=7)).isoformat(),
        date=(today - dt.timedelta(days=7)).isoformat(),
    )
    step(w.fendou, "elim_finish_posting", objections="无异议", date=(today - dt.timedelta(days=2)).isoformat())
    step(w.shibazhan, "elim_township_approve", date=(today - dt.timedelta(days=1)).isoformat())
    case = step(w.tahe, "elim_county_approve")
    assert case["state"] == "eliminated" and case["elimination_way"] == "assisted"
    detail = client.get(f"/api/v1/cases/{cid}", **_auth(w.ducha)).json()
    assert [e["transition"] for e in detail["timeline"] if e["to_state"]][-1] == "elim_county_approve"
    assert Visit.objects.filter(case_id=cid).count() == 1


def test_wrong_level_forbidden_and_stale_version_conflicts(client, w, new_case, drive):
    case = drive(new_case(), "township_review")
    assert _act(client, w.fendou, case.pk, "township_approve", case.version).status_code == 403
    assert _act(client, w.ducha, case.pk, "township_approve", case.version).status_code == 403
    assert _act(client, w.shibazhan, case.pk, "township_approve", case.version).status_code == 200
    r = _act(client, w.shibazhan, case.pk, "township_approve", case.version)
    assert r.status_code == 409 and "已被他人办理" in r.json()["detail"]  # the same form sent twice
    case.refresh_from_db()
    r = client.post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": "county_return", "version": case.version - 1, "data": {"reason": "x"}},
        content_type="application/json",
        **_auth(w.tahe),
    )
    assert r.status_code == 409


def test_list_is_scoped_and_filtered(client, w, new_case, drive):
    drive(new_case(risk_types=("09",)), "monitored", risk_types=["09"])
    new_case(village=w.r.kaikukang)
    assert len(client.get("/api/v1/cases", **_auth(w.fendou)).json()) == 1
    assert len(client.get("/api/v1/cases", **_auth(w.tahe)).json()) == 2
    assert len(client.get("/api/v1/cases?risk_type=09", **_auth(w.tahe)).json()) == 1
    assert len(client.get("/api/v1/cases?state=monitored", **_auth(w.tahe)).json()) == 1
    assert client.get("/api/v1/cases?region=232722104000", **_auth(w.shibazhan)).status_code == 404


def test_available_transitions_follow_the_level(client, w, new_case, drive):
    case = drive(new_case(), "county_approval")
    names = {t["name"] for t in client.get(f"/api/v1/cases/{case.pk}/transitions", **_auth(w.tahe)).json()}
    assert names == {"county_approve", "county_return", "county_reject"}
    assert client.get(f"/api/v1/cases/{case.pk}/transitions", **_auth(w.shibazhan)).json() == []
