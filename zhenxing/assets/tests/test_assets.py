"""Assets: registration from an accepted project, ledgers, distribution limits, disposal, risk flags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from zhenxing.assets import selectors, services
from zhenxing.assets.models import AssetIncome, AssetStatus
from zhenxing.assets.testing import make_asset
from zhenxing.funds.models import ProjectStatus
from zhenxing.funds.testing import make_project
from zhenxing.registry.testing import make_household

AS_OF = dt.date(2024, 6, 30)


@pytest.fixture
def accepted(w):
    return make_project(w.r.fendou, status="accepted")


def register(project, actor=None, **kw):
    values = {
        "code": kw.pop("code", "ZC1"),
        "name": "光伏电站",
        "asset_class": "income_generating",
        "value": 500000,
        "owner_kind": "village_collective",
        "owner_name": "奋斗村股份经济合作社",
        "title_document": "塔资确〔2022〕3号",
        "title_date": dt.date(2022, 11, 1),
        "handed_over_on": dt.date(2022, 11, 1),
        "maintainer": "奋斗村村委会",
    }
    values.update(kw)
    return services.asset_register(actor=actor, project=project, **values)


def test_asset_registered_from_an_accepted_project(w, accepted):
    asset = register(accepted, actor=w.tahe)
    assert (asset.project, asset.county, asset.village, asset.status) == (accepted, w.r.tahe, w.r.fendou, "in_use")


@pytest.mark.parametrize("status", ["planned", "in_progress", "completed"])
def test_no_asset_before_acceptance(w, status):
    p = make_project(w.r.fendou, status=status)
    with pytest.raises(ValidationError, match="验收后"):
        register(p, actor=w.tahe)


def test_only_the_county_registers_and_only_its_own(w, accepted):
    for user in (w.fendou, w.shibazhan, w.huma, w.ducha):
        with pytest.raises(PermissionDenied):
            register(accepted, actor=user)


def test_household_asset_needs_the_household(w, accepted):
    with pytest.raises(ValidationError, match="选择农户"):
        register(accepted, asset_class="household", owner_kind="household")
    h = make_household(village=w.r.fendou)
    assert register(accepted, asset_class="household", owner_kind="household", owner_household=h).owner_household == h


def test_handover_completes_the_lifecycle(w, accepted):
    from zhenxing.funds.testing import advance

    make_asset(accepted)
    assert advance(accepted, "handed_over").status == ProjectStatus.HANDED_OVER


def test_income_distribution_never_exceeds_income(w, accepted):
    asset = register(accepted)
    income = services.income_record(
        actor=w.fendou, asset=asset, date=dt.date(2023, 12, 1), amount="1000", source="租金"
    )
    services.income_distribute(
        actor=w.fendou,
        income=income,
        recipient="脱贫户分红",
        amount="600",
        meeting="村民代表大会（2023年12月5日）",
        date=dt.date(2023, 12, 6),
    )
    with pytest.raises(ValidationError, match="尚未分配"):
        services.income_distribute(
            actor=w.fendou,
            income=income,
            recipient="集体",
            amount="400.01",
            meeting="村民代表大会",
            date=dt.date(2023, 12, 6),
        )
    with pytest.raises(ValidationError, match="会议"):
        services.income_distribute(
            actor=w.fendou, income=income, recipient="集体", amount="1", meeting=" ", date=dt.date(2023, 12, 6)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AssetIncome.objects.filter(pk=income.pk).update(distributed_total=F("amount") + 1)


def test_income_only_for_income_generating_assets(w, accepted):
    road = register(accepted, asset_class="public_benefit")
    with pytest.raises(ValidationError, match="经营性"):
        services.income_record(actor=None, asset=road, date=dt.date(2023, 1, 1), amount=10, source="x")


def test_disposal_needs_approval(w, accepted):
    asset = register(accepted)
    with pytest.raises(ValidationError, match="批准"):
        services.asset_dispose(
            actor=w.tahe,
            asset=asset,
            date=dt.date(2024, 1, 1),
            method="报废",
            reason="损毁",
            approval_document="",
            approved_by="",
        )
    services.asset_dispose(
        actor=w.tahe,
        asset=asset,
        date=dt.date(2024, 1, 1),
        method="报废",
        reason="损毁",
        approval_document="塔政复〔2024〕2号",
        approved_by="塔河县人民政府",
    )
    asset.refresh_from_db()
    assert asset.status == AssetStatus.DISPOSED and selectors.risk_flags(asset, AS_OF) == []


def test_risk_flags_at_the_twelve_month_boundary(w, accepted):
    asset = register(accepted)
    services.maintenance_record(
        actor=None, asset=asset, date=dt.date(2023, 6, 30), kind="inspection", description="巡查"
    )
    services.income_record(actor=None, asset=asset, date=dt.date(2023, 6, 30), amount=100, source="租金")
    asset.refresh_from_db()
    assert selectors.risk_flags(asset, AS_OF) == []  # exactly 12 months ago: not late
    assert selectors.risk_flags(asset, AS_OF + dt.timedelta(days=1)) == ["经营性资产12个月无收益", "一年内无巡查记录"]


def test_no_maintainer_is_flagged_and_filters_agree(w, accepted):
    register(accepted, code="A", maintainer="")
    ok = register(accepted, code="B", asset_class="public_benefit")
    services.maintenance_record(actor=None, asset=ok, date=AS_OF, kind="inspection", description="巡查")
    qs = selectors.assets(w.tahe)
    flagged = selectors.with_risks(qs, AS_OF)
    assert [a.code for a in flagged] == ["A"]
    counts = selectors.risk_counts(qs, AS_OF)
    assert counts["未明确管护主体"] == 1 and counts["经营性资产12个月无收益"] == 1


def test_inventory_by_county_and_class_and_export(w, accepted, login):
    register(accepted, code="A")
    register(accepted, code="B", asset_class="public_benefit", value=100)
    rows = selectors.inventory(selectors.assets(w.tahe))
    assert sorted((r["county__name"], r["class_label"], r["n"]) for r in rows) == [
        ("塔河县", "公益性", 1),
        ("塔河县", "经营性", 1),
    ]
    response = login(w.tahe).get("/assets/?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert "塔河县" in sheet[0][0] and sheet[1][0] == "资产编号" and {r[0] for r in sheet[2:]} == {"A", "B"}
    assert login(w.huma).get("/assets/").content.decode().count("光伏电站") == 0
