"""The pages that used to offer long ``<select>``s, rendered over the demo data (2,000 households,
about 6,000 people): no select has more than 200 options, the household, person and 户编号 fields
are searchable pickers, region filters are cascades, and a posted id outside the scope is refused
as before. The household page offers 登记发现 and 登记走访 only to whom may take them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from zhenxing.accounts.models import User
from zhenxing.monitoring.models import Application, MonitoringCase
from zhenxing.registry.models import Household, Member

MAX_OPTIONS = 200


def _selects(html: str) -> list[int]:
    return [len(re.findall(r"<option\b", s)) for s in re.findall(r"<select\b.*?</select>", html, re.S)]


def _pickers(html: str) -> set[str]:
    return set(re.findall(r'<input[^>]*name="(\w+)"[^>]*data-picker-url=', html))


@pytest.fixture
def demo(demo_world):
    return {u.username: u for u in User.objects.filter(username__startswith="demo-")}


def test_forms_over_demo_data_have_no_long_select(client, demo):
    fendou_home = Household.objects.filter(village__code="232722200206").exclude(monitoring_cases__isnull=False).first()
    member = Member.objects.filter(household__village__code="232722200206", status="active").first()
    application = Application.objects.filter(village__code="232722200206").first()
    pages = {
        "demo-fendou": [
            (reverse("monitoring:new"), {"household"}),
            (reverse("people:labour"), {"member"}),
            (reverse("registry:member_change", args=[member.pk]), {"to_number"}),
            (reverse("ledger:item_new"), {"household"}),
            (reverse("funds:loan_new"), {"household_number"}),
            (reverse("people:posts"), set()),
            (reverse("people:points"), set()),
            (reverse("registry:list"), set()),
            (reverse("monitoring:list"), set()),
            (reverse("screening:alerts"), set()),
        ],
        "demo-tahe": [(reverse("people:labour"), {"member"}), (reverse("registry:list"), set())],
        "demo-diqu": [
            (reverse("people:labour"), {"member"}),
            (reverse("ledger:item_new"), {"household", "region"}),  # 73 regions: searched, not listed
            (reverse("screening:alerts"), set()),
            (reverse("monitoring:list"), set()),
            (reverse("registry:list"), set()),
        ],
    }
    if application is not None:
        pages["demo-fendou"].append((reverse("monitoring:application", args=[application.pk]), set()))
    for username, urls in pages.items():
        client.force_login(demo[username])
        for url, pickers in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            html = response.content.decode()
            assert max(_selects(html) or [0]) <= MAX_OPTIONS, (username, url, _selects(html))
            assert pickers <= _pickers(html), (username, url, _pickers(html))
    # the region filters are cascades, never a typed code
    client.force_login(demo["demo-tahe"])
    html = client.get(reverse("screening:alerts"), {"region": "232722200000"}).content.decode()
    assert 'class="region-cascade"' in html and "区划代码" not in html
    assert re.search(r'<select name="region"[^>]*>.*?value="232722200206"', html, re.S)  # 十八站乡's villages offered
    # the 登记发现 link arrives prefilled with the household, named in the box
    client.force_login(demo["demo-fendou"])
    html = client.get(reverse("registry:household", args=[fendou_home.pk])).content.decode()
    link = f"{reverse('monitoring:new')}?household={fendou_home.pk}"
    assert link in html
    html = client.get(link).content.decode()
    assert f'value="{fendou_home.pk}"' in html and fendou_home.number in html


def test_a_posted_household_outside_the_scope_is_refused(w, login):
    from zhenxing.registry.testing import make_household

    other = make_household(village=w.r.kaikukang)
    response = login(w.fendou).post(
        reverse("monitoring:new"),
        {"household": other.pk, "channel": "cadre_visit", "discovered_on": "2026-01-05", "description": "走访发现"},
    )
    assert response.status_code == 200 and not MonitoringCase.objects.exists()
    assert "请从查找结果中选择" in response.content.decode()


def test_a_cascade_without_javascript_sends_every_level_and_the_deepest_counts(w, login):
    from zhenxing.registry.testing import make_household

    inside, beside = make_household(village=w.r.fendou), make_household(village=w.r.yongfeng)
    url = f"{reverse('registry:list')}?region={w.r.shibazhan.code}&region={w.r.fendou.code}"
    html = login(w.tahe).get(url).content.decode()
    assert inside.number in html and beside.number not in html
    # the chain stays chosen: 十八站乡 among 塔河县's townships, 奋斗村 among its villages
    assert f'<option value="{w.r.shibazhan.code}" selected>' in html
    assert f'<option value="{w.r.fendou.code}" selected>' in html
    # a village cadre has nothing below to choose
    assert "无下级区划" in login(w.fendou).get(reverse("registry:list")).content.decode()
