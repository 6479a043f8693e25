"""The API: scoped reads, writes through the services, errors in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhenxing.accounts import services as account_services
from zhenxing.funds.testing import advance, fund_project, make_project


@pytest.fixture
def api(client):
    def _as(user):
        token = account_services.api_token_issue(user=user)[0]
        return lambda method, url, **kw: getattr(client, method)(
            url, HTTP_AUTHORIZATION=f"Bearer {token}", content_type="application/json", **kw
        )

    return _as


def test_project_list_and_detail_are_scoped(w, api):
    mine = make_project(w.r.fendou)
    other = make_project(w.r.huma_village)
    got = api(w.tahe)("get", "/api/v1/funds/projects").json()
    assert [p["code"] for p in got] == [mine.code]
    assert api(w.tahe)("get", f"/api/v1/funds/projects/{other.pk}").status_code == 404
    assert api(w.huma)("get", f"/api/v1/funds/projects/{other.pk}").json()["village_code"] == w.r.huma_village.code


def test_transition_through_the_api_by_level(w, api):
    p = make_project(w.r.fendou)
    body = {"to": "township_reviewed", "date": dt.date.today().isoformat(), "evidence": "乡审〔2022〕1号"}
    r = api(w.tahe)("post", f"/api/v1/funds/projects/{p.pk}/transition", data=body)
    assert r.status_code == 403 and "乡镇工作人员" in r.json()["detail"]
    r = api(w.shibazhan)("post", f"/api/v1/funds/projects/{p.pk}/transition", data=body)
    assert r.status_code == 200 and r.json()["status"] == "township_reviewed"
    r = api(w.ducha)("post", f"/api/v1/funds/projects/{p.pk}/transition", data=body)
    assert r.status_code == 403


def test_payment_over_assigned_is_a_422(w, api):
    p = make_project(w.r.fendou, status="planned")
    fund_project(p, amount=Decimal("100"))
    p = advance(p, "started")
    body = {"date": "2022-06-01", "amount": "100.01", "payee_name": "甲", "voucher_number": "V1"}
    r = api(w.tahe)("post", f"/api/v1/funds/projects/{p.pk}/payments", data=body)
    assert r.status_code == 422 and "未支付" in r.json()["detail"]
    body["amount"] = "100"
    assert api(w.tahe)("post", f"/api/v1/funds/projects/{p.pk}/payments", data=body).status_code == 201
    assert len(api(w.tahe)("get", f"/api/v1/funds/projects/{p.pk}/payments").json()) == 1


def test_figures_endpoint_is_scoped(w, api):
    from zhenxing.funds.testing import make_allocation

    make_allocation(w.r.tahe, amount=Decimal("500"))
    r = api(w.tahe)("get", "/api/v1/funds/figures?region=232722000000&year=2022")
    assert r.status_code == 200 and Decimal(r.json()["allocated"]) == Decimal("500")
    assert api(w.tahe)("get", "/api/v1/funds/figures?region=232721000000&year=2022").status_code == 404
    assert api(w.diqu)("get", "/api/v1/funds/figures?region=232700000000&year=2022").status_code == 200


def test_assets_api_hides_household_owner_names(w, api):
    from zhenxing.assets.testing import make_asset
    from zhenxing.registry.testing import make_household

    p = make_project(w.r.fendou, status="accepted")
    h = make_household(village=w.r.fendou)
    a = make_asset(p, asset_class="household", owner_kind="household", owner_household=h, owner_name="赵铁柱")
    got = api(w.tahe)("get", f"/api/v1/assets/{a.pk}").json()
    assert got["owner_name"] == "受益农户" and got["asset_class"] == "household"
    assert api(w.huma)("get", f"/api/v1/assets/{a.pk}").status_code == 404
    assert api(w.tahe)("get", "/api/v1/assets/inventory").json()[0]["count"] == 1


def test_beneficiaries_and_disclosures(w, api):
    from zhenxing.funds import services
    from zhenxing.registry.testing import make_household

    p = make_project(w.r.fendou, status="approved")
    h = make_household(village=w.r.fendou, formerly_poor=True)
    services.beneficiary_add(actor=None, project=p, household=h, way="wages", year=2022, amount=100)
    got = api(w.tahe)("get", f"/api/v1/funds/projects/{p.pk}/beneficiaries").json()
    assert got == [
        {
            "household_number": h.number,
            "village_code": w.r.fendou.code,
            "way": "wages",
            "amount": "100.00",
            "year": 2022,
            "formerly_poor": True,
            "monitored": False,
        }
    ]
    services.disclosure_publish(actor=w.tahe, county=w.r.tahe, year=2022, kind="pool", period_start=dt.date(2022, 5, 1))
    got = api(w.tahe)("get", "/api/v1/funds/disclosures").json()
    assert got[0]["public_url"] == "/public/funds/232722000000/2022/pool/"
    assert api(w.huma)("get", "/api/v1/funds/disclosures").json() == []
