"""In a real browser (a phone-sized window): the prefecture leader clicks from the prefecture down
to a village and on to the records behind a figure: the registry's household list filtered to
that village."""

from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leader_drills_down_to_a_village_and_opens_the_records_behind_a_figure(demo_data, live_server, browser_page):
    from zhenxing.registry.models import Household

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
    numbers = set(Household.objects.filter(village__code="232722200206").values_list("number", flat=True))
    assert len(numbers) > 1
    figure = page.locator('a.fig[data-code="registry.households"]')
    assert figure.inner_text() == str(len(numbers))  # the village's households in the demo
    figure.click()
    page.wait_for_url("**/registry/?region=232722200206")
    assert "农户档案" in page.locator("h1").inner_text()
    # the list is filtered to 奋斗村: the cascade's last chooser (县 → 乡 → 村) holds the village
    assert page.locator(".region-cascade select").last.input_value() == "232722200206"
    assert f"符合条件的农户共{len(numbers)}户" in page.locator("main").inner_text()
    rows = page.locator("table tbody tr")
    assert rows.count() == min(len(numbers), 50)  # the first page of the keyset-paginated list
    shown = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert set(shown) <= numbers  # only 奋斗村's households
    assert all("奋斗村" in rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count()))
