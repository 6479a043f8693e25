"""On a phone: the 奋斗村 cadre proposes points and confirms them (Playwright + Debian's Chromium)."""

from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_village_cadre_keeps_points_on_a_phone(demo_data, live_server, browser_page):
    from zhenxing.people import models as m

    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "demo-fendou")
    page.fill("#id_password", "Zhenxing@2022")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "积分" in page.content()  # pending work on the home page
    page.goto(f"{live_server.url}/people/points/")
    assert "积分制：奋斗村" in page.locator("h1").inner_text()
    # The page fits the phone's width (wide tables scroll inside their own box).
    assert page.evaluate("getComputedStyle(document.querySelector('.table-wrap')).overflowX") == "auto"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click("summary:has-text('小组长提议积分')")
    # the household is found by typing (the searchable picker)
    page.locator("#id_household").press_sequentially("232722200206")
    page.wait_for_selector("#id_household + ul [role=option]:has-text('232722200206')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_household_value").isdigit()
    page.select_option("#id_rule", label="不要高价彩礼（+30分）")
    page.fill("#id_proposer_name", "三组组长")
    page.click("form:has(#id_proposer_name) button[type=submit]")
    page.wait_for_load_state()
    assert "已提交积分申报" in page.content()
    entry = m.PointEntry.objects.get(proposer_name="三组组长")
    assert entry.state == m.EntryState.PROPOSED
    page.locator(f"form[action='/people/points/entries/{entry.pk}/'] button:has-text('村委会确认')").click()
    page.wait_for_load_state()
    entry.refresh_from_db()
    assert entry.state == m.EntryState.CONFIRMED
