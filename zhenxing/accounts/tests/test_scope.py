from __future__ import annotations

from zhenxing.accounts import scope
from zhenxing.accounts.models import User
from zhenxing.regions.models import Region


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_village_cadre_sees_only_the_village(w):
    assert codes(scope.regions(w.fendou)) == {"232722200206"}


def test_township_sees_its_villages_not_the_sibling_township(w):
    visible = codes(scope.regions(w.shibazhan))
    assert "232722200206" in visible and "232722200208" in visible
    assert "232722104201" not in visible and "232722104000" not in visible


def test_county_sees_its_townships_not_another_county(w):
    visible = codes(scope.regions(w.tahe))
    assert "232722104201" in visible
    assert not any(c.startswith("232721") for c in visible)


def test_prefecture_sees_the_whole_prefecture_not_the_province_node(w):
    visible = codes(scope.regions(w.diqu))
    assert "232700000000" in visible and "230000000000" not in visible


def test_department_sees_regions_but_no_accounts(w):
    assert scope.regions(w.yibao).count() == Region.objects.filter(path__startswith=w.r.diqu.path).count()
    assert not scope.scoped(w.yibao, User).exists()


def test_inactive_user_sees_nothing(w):
    w.fendou.is_active = False
    assert not scope.regions(w.fendou).exists()


def test_other_village_region_page_is_404(login, w):
    client = login(w.fendou)
    assert client.get("/regions/232722200206/").status_code == 200
    assert client.get("/regions/232722200208/").status_code == 404
    assert client.get("/regions/232722104201/").status_code == 404


def test_the_plans_pilot_villages_exist_with_their_plan_names(w):
    from zhenxing.regions.selectors import region_by_path

    assert region_by_path("塔河县/十八站乡/奋斗村").code == "232722200206"
    assert region_by_path("塔河县/鄂伦春族乡/鄂族村").code == "232722200202"
    assert region_by_path("塔河县/开库康乡/开库康村").code == "232722104201"
