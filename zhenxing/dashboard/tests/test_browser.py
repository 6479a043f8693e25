"""In a real browser (a phone-sized window): the prefecture leader clicks from the prefecture down
to a village and on to the records behind a figure.

The registry's household list (/registry/households/) is built on another branch; until it is
merged, the evidence links are pointed at the village's region page, which exists here. After the
merge: drop the monkeypatch and assert the household list shows 奋斗村's households."""
from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from zhenxing.core.tests.test_browser import browser_page  # noqa: F401  (fixture)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leader_drills_down_to_a_village_and_opens_the_records_behind_a_figure(live_server, browser_page,  # noqa: F811
                                                                                monkeypatch):
    from zhenxing.core.management.commands.demo import demo_load
    from zhenxing.dashboard import indicators as registry_figures

    monkeypatch.setattr(registry_figures, "household_list_url",
                        lambda region, **filters: reverse("regions:detail", args=[region.code]) + "?" +
                        urlencode({"village": region.code, **filters}))
    demo_load(out=io.StringIO())
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.fill("#id_username", "demo-diqu")
    page.fill("#id_password", "Zhenxing@2022")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    assert "大兴安岭地区" in page.locator("h1").inner_text()
    assert page.locator("#chart-0 svg").count() == 1  # ECharts drew the first chart
    for name, code in [("塔河县", "232722000000"), ("十八站鄂伦春族乡", "232722200000"), ("奋斗村", "232722200206")]:
        page.locator("table.children a.drill", has_text=name).first.click()
        page.wait_for_url(f"{live_server.url}/dashboard/{code}/")
        assert name in page.locator("h1").inner_text()
    assert page.locator("table.children").count() == 0  # a village has no level below
    figure = page.locator('a.fig[data-code="registry.households"]')
    assert figure.inner_text() == "12"  # the demo has 12 households per village
    figure.click()
    page.wait_for_url("**/regions/232722200206/?village=232722200206")
    assert "奋斗村" in page.locator("h1").inner_text()
