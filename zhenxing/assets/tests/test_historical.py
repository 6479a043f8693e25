"""An asset formed before the system registered directly (its project named in text, with the year),
without walking the project through the lifecycle; it joins the 资产 inventory like any other."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from zhenxing.assets import selectors, services
from zhenxing.assets.models import Asset
from zhenxing.funds.models import Project


def historical(actor, village, **kw):
    values = {
        "code": kw.pop("code", "ZC-LS-1"),
        "name": "村级光伏电站",
        "asset_class": "income_generating",
        "value": Decimal("800000"),
        "owner_kind": "village_collective",
        "owner_name": "奋斗村股份经济合作社",
        "title_document": "塔资确〔2019〕12号",
        "title_date": dt.date(2019, 12, 1),
        "handed_over_on": dt.date(2019, 12, 1),
        "maintainer": "奋斗村村委会",
        "source_project": "2018年奋斗村光伏扶贫电站项目",
        "source_year": 2018,
    }
    values.update(kw)
    return services.asset_register_historical(actor=actor, village=village, **values)


def test_a_historical_asset_is_registered_without_a_project_and_counted_in_the_inventory(w):
    asset = historical(w.tahe, w.r.fendou)
    assert (asset.project, asset.source_project, asset.source_year) == (None, "2018年奋斗村光伏扶贫电站项目", 2018)
    assert (asset.county, asset.village, asset.is_historical) == (w.r.tahe, w.r.fendou, True)
    assert asset.project_label == "2018年奋斗村光伏扶贫电站项目（2018年，历史资产）"
    assert not Project.objects.exists()
    rows = selectors.inventory(selectors.assets(w.tahe))
    assert [(r["county__code"], r["asset_class"], r["n"], r["value"]) for r in rows] == [
        (w.r.tahe.code, "income_generating", 1, Decimal("800000"))
    ]


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("source_project", "  ", "项目名称"),
        ("source_year", 1999, "项目年度"),
        ("source_year", None, "项目年度"),
        ("title_document", "", "确权"),
        ("asset_class", "roads", "资产类别"),
    ],
)
def test_what_a_historical_asset_must_say(w, field, value, message):
    with pytest.raises(ValidationError, match=message):
        historical(w.tahe, w.r.fendou, **{field: value})


def test_the_project_year_cannot_be_in_the_future(w):
    this_year = timezone.localdate().year
    historical(w.tahe, w.r.fendou, source_year=this_year)
    with pytest.raises(ValidationError, match="项目年度"):
        historical(w.tahe, w.r.fendou, code="ZC-LS-2", source_year=this_year + 1)


def test_only_the_county_registers_and_only_in_its_villages(w):
    with pytest.raises(PermissionDenied):
        historical(w.fendou, w.r.fendou)
    with pytest.raises(PermissionDenied):
        historical(w.ducha, w.r.fendou)
    with pytest.raises(PermissionDenied, match="数据权限"):
        historical(w.huma, w.r.fendou)


def test_the_database_refuses_an_asset_with_neither_project_nor_source(w):
    asset = historical(w.tahe, w.r.fendou)
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.filter(pk=asset.pk).update(source_project="")


def test_the_page_registers_and_the_inventory_and_api_show_it(w, login):
    client = login(w.tahe)
    inventory = client.get(reverse("assets:inventory")).content.decode()
    assert "登记历史资产" in inventory
    response = client.post(
        reverse("assets:register_historical"),
        {
            "village": w.r.fendou.pk,
            "source_project": "2017年奋斗村村道硬化项目",
            "source_year": 2017,
            "code": "ZC-LS-9",
            "name": "奋斗村村道",
            "asset_class": "public_benefit",
            "value": "1200000",
            "owner_kind": "village_collective",
            "owner_name": "奋斗村村民委员会",
            "maintainer": "奋斗村村委会",
            "title_document": "塔资确〔2018〕3号",
            "title_date": "2018-06-01",
            "handed_over_on": "2018-06-01",
        },
    )
    asset = Asset.objects.get(code="ZC-LS-9")
    assert response.status_code == 302 and asset.source_year == 2017
    assert "2017年奋斗村村道硬化项目（2017年，历史资产）" in client.get(reverse("assets:inventory")).content.decode()
    assert "历史资产" in client.get(reverse("assets:detail", args=[asset.pk])).content.decode()
    assert "登记历史资产" not in login(w.fendou).get(reverse("assets:inventory")).content.decode()
    assert login(w.fendou).get(reverse("assets:register_historical")).status_code == 403


def test_the_api_answers_the_source_project_of_a_historical_asset(client, w):
    from zhenxing.accounts import services as account_services

    asset = historical(w.tahe, w.r.fendou)
    token = account_services.api_token_issue(user=w.tahe)[0]
    body = client.get(f"/api/v1/assets/{asset.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert (body["project_code"], body["source_project"], body["source_year"]) == (
        "",
        "2018年奋斗村光伏扶贫电站项目",
        2018,
    )
