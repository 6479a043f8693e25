"""On a phone, with the keyboard: the 奋斗村 cadre finds a household by typing a member's whole ID
number (sent by POST: no request address carries it) and by its 户编号, and registers a discovery;
塔河县 narrows the alert list 县 → 乡 → 村 without typing a code (Playwright + Debian's Chromium; the
live server serves the stylesheet and picker.js as the pages link them)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings

STATIC = Path(settings.PACKAGE_DIR) / "static/zhenxing"


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Zhenxing@2022")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pickers_on_a_phone_with_the_keyboard(demo_data, live_server, browser_page):
    from zhenxing.monitoring.models import MonitoringCase
    from zhenxing.registry import idnumber
    from zhenxing.registry.models import Household

    target = Household.objects.filter(village__code="232722200206").exclude(monitoring_cases__isnull=False).first()
    number = idnumber.decrypt(target.members.order_by("pk").first().id_cipher)
    page, base = browser_page, live_server.url

    _login(page, base, "demo-fendou")
    page.goto(f"{base}/monitoring/new/")
    box = page.locator("#id_household")
    assert box.get_attribute("role") == "combobox"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # fits the phone

    # Issue 20: a whole ID number typed into the box goes in a POST body, never into an address
    sent = []

    def record(request):
        sent.append(request)

    page.on("request", record)
    box.press_sequentially(number, delay=30)
    page.wait_for_selector(f"#id_household + ul [role=option]:has-text('{target.number}')")
    assert page.locator("#id_household + ul [role=option]").count() == 1  # the member's household alone
    page.remove_listener("request", record)
    picks = [r for r in sent if "/api/v1/pick/households" in r.url]
    assert picks and all(r.method == "POST" and "?" not in r.url for r in picks)  # not even its first digits
    assert any(number in (r.post_data or "") for r in picks)
    assert not [r.url for r in sent if number in r.url]
    box.fill("")

    box.press_sequentially(target.number)
    page.wait_for_selector(f"#id_household + ul [role=option]:has-text('{target.number}')")
    assert page.locator("#id_household + ul [role=option]").count() == 1  # a whole 户编号: that household
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_household_value") == str(target.pk)
    assert target.number in box.input_value()
    page.fill("#id_description", "入户走访发现因病支出大")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert MonitoringCase.objects.filter(household=target).exists()
    page.click("text=退出")

    _login(page, base, "demo-tahe")
    page.goto(f"{base}/screening/")
    page.select_option("#id_region", "232722200000")  # 十八站鄂伦春族乡
    page.wait_for_selector(".region-cascade select:nth-of-type(2) option[value='232722200206']", state="attached")
    page.locator(".region-cascade select").nth(1).select_option("232722200206")  # 奋斗村
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert parse_qs(urlparse(page.url).query)["region"] == ["232722200206"]  # only the deepest choice
    assert "奋斗村" in page.locator(".region-filter").inner_text()
