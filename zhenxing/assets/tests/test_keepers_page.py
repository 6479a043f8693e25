"""变更经营主体和管护主体 from the asset page: county staff only, in scope, maintainer never blank."""

from __future__ import annotations

import datetime as dt

from zhenxing.assets import services
from zhenxing.assets.models import Asset
from zhenxing.assets.testing import make_asset
from zhenxing.funds.testing import make_project


def asset_in(village, **kw) -> Asset:
    return make_asset(
        make_project(village, status="accepted"), asset_class="income_generating", maintainer="奋斗村村委会", **kw
    )


def test_county_staff_changes_operator_and_maintainer(w, login):
    a = asset_in(w.r.fendou)
    c = login(w.tahe)
    assert f"/assets/{a.pk}/keepers/" in c.get(f"/assets/{a.pk}/").content.decode()
    assert "奋斗村村委会" in c.get(f"/assets/{a.pk}/keepers/").content.decode()  # the current values
    response = c.post(
        f"/assets/{a.pk}/keepers/", {"operator": " 塔河县某合作社 ", "maintainer": "十八站乡农业服务中心"}
    )
    a.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/assets/{a.pk}/"
    assert (a.operator, a.maintainer) == ("塔河县某合作社", "十八站乡农业服务中心")


def test_blank_maintainer_is_refused_in_chinese(w, login):
    a = asset_in(w.r.fendou)
    for maintainer in ("", "   "):
        response = login(w.tahe).post(f"/assets/{a.pk}/keepers/", {"operator": "甲", "maintainer": maintainer})
        assert response.status_code == 200 and "须明确管护主体" in response.content.decode()
    a.refresh_from_db()
    assert a.maintainer == "奋斗村村委会"


def test_disposed_asset_keepers_cannot_change(w, login):
    a = asset_in(w.r.fendou)
    services.asset_dispose(
        actor=None,
        asset=a,
        date=dt.date(2023, 5, 1),
        method="拍卖",
        reason="报废",
        approved_by="塔河县人民政府",
        approval_document="塔政〔2023〕1号",
        proceeds=0,
    )
    c = login(w.tahe)
    assert f"/assets/{a.pk}/keepers/" not in c.get(f"/assets/{a.pk}/").content.decode()
    response = c.post(f"/assets/{a.pk}/keepers/", {"operator": "甲", "maintainer": "乙"})
    assert "资产已处置，不能变更经营主体和管护主体" in response.content.decode()
    a.refresh_from_db()
    assert a.maintainer == "奋斗村村委会"


def test_township_village_and_inspector_cannot_change_keepers(w, login):
    a = asset_in(w.r.fendou)
    for user in (w.shibazhan, w.fendou, w.ducha, w.diqu):
        c = login(user)
        assert f"/assets/{a.pk}/keepers/" not in c.get(f"/assets/{a.pk}/").content.decode()
        assert c.post(f"/assets/{a.pk}/keepers/", {"operator": "甲", "maintainer": "乙"}).status_code == 403
    a.refresh_from_db()
    assert a.maintainer == "奋斗村村委会"


def test_asset_of_another_county_is_404(w, login):
    a = asset_in(w.r.fendou)
    c = login(w.huma)
    assert c.get(f"/assets/{a.pk}/keepers/").status_code == 404
    assert c.post(f"/assets/{a.pk}/keepers/", {"operator": "甲", "maintainer": "乙"}).status_code == 404
    a.refresh_from_db()
    assert a.maintainer == "奋斗村村委会"
