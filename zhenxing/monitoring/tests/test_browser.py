"""End to end in Chromium: a villager applies on the public page; 奋斗村 registers the home
verification and the appraisal, 十八站乡 reviews, 塔河县 approves; all three home pages show 监测中."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

PASSWORD = "Zhenxing@2022"


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _logout(page, base):
    page.click("text=退出")
    page.wait_for_url("**/accounts/login/")


def _submit(page, form_id):
    with page.expect_navigation():
        page.click(f"#{form_id} button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_self_application_to_monitoring_by_three_levels(demo_data, live_server, browser_page):
    from zhenxing.accounts.models import User
    from zhenxing.monitoring import services
    from zhenxing.monitoring.models import MonitoringCase
    from zhenxing.regions.models import Region
    from zhenxing.registry.testing import make_household, new_id

    fendou = Region.objects.get(code="232722200206")
    id_number = new_id()
    household = make_household(village=fendou, members=[{"name": "孙自申", "relation": "head", "id_number": id_number}])
    services.helper_create(
        actor=User.objects.get(username="demo-fendou"), village=fendou, name="周帮扶", unit="奋斗村驻村工作队"
    )
    page, base = browser_page, live_server.url

    # 1. the villager applies from a phone, choosing the village in cascading selects
    page.goto(f"{base}/public/apply")
    page.fill("#id_name", "孙自申")
    page.fill("#id_phone", "13900002222")
    page.fill("#id_id_number", id_number)
    page.select_option("#id_county", "232722000000")
    page.wait_for_selector("#id_township option[value='232722200000']", state="attached")
    page.select_option("#id_township", "232722200000")
    page.wait_for_selector("#id_village option[value='232722200206']", state="attached")
    page.select_option("#id_village", "232722200206")
    page.select_option("#id_risk_type", "01")
    page.fill("#id_description", "妻子患病住院，医疗费用负担重")
    with page.expect_navigation():
        page.click("button[type=submit]")
    reference = page.locator("#reference").inner_text()
    case = MonitoringCase.objects.get(household=household)
    assert case.source_ref == reference and case.channel == "self_application"
    # the application came in ten days ago (so that the five-day posting can have ended)
    start = timezone.localdate() - dt.timedelta(days=10)
    MonitoringCase.objects.filter(pk=case.pk).update(discovered_on=start, step_since=start)
    d = lambda n: (start + dt.timedelta(days=n)).isoformat()  # noqa: E731
    detail = f"{base}/monitoring/{case.pk}/"

    # 2. 奋斗村: home verification, helper and measure, appraisal and posting
    _login(page, base, "demo-fendou")
    page.goto(detail)
    page.select_option("#id_verify-kind", "100A03002")
    page.check("#id_verify-authorisation_signed")
    page.fill("#id_verify-income_12m", "12000")
    page.fill("#id_verify-spending_12m", "6000")
    page.select_option("#id_verify-coping", "partly")
    page.fill("#id_verify-date", d(1))
    _submit(page, "act-verify")
    assert page.locator("#case-state").inner_text() == "待民主评议"
    page.click("summary:has-text('明确帮扶责任人')")
    page.select_option("#helper-form select", label="周帮扶（奋斗村驻村工作队）")
    _submit(page, "helper-form")
    page.click("summary:has-text('登记帮扶措施')")
    page.select_option("#id_m-category", "100A43")
    page.fill("#id_m-content", "落实大病保险和医疗救助")
    page.fill("#id_m-unit", "塔河县医保局")
    page.fill("#id_m-person", "刘医保")
    _submit(page, "measure-form")
    page.fill("#id_appraise-posting_start", d(2))
    page.fill("#id_appraise-date", d(2))
    page.fill("#id_appraise-reason", "村民代表会议一致同意")
    _submit(page, "act-appraise")
    assert page.locator("#case-state").inner_text() == "公示中"
    page.fill("#id_finish_posting-objections", "公示期内无异议")
    page.fill("#id_finish_posting-date", d(7))
    _submit(page, "act-finish_posting")
    assert page.locator("#case-state").inner_text() == "待乡镇审核"
    _logout(page, base)

    # 3. 十八站乡 reviews
    _login(page, base, "demo-shibazhan")
    page.goto(detail)
    page.fill("#id_township_approve-date", d(8))
    _submit(page, "act-township_approve")
    assert page.locator("#case-state").inner_text() == "待县级审定"
    _logout(page, base)

    # 4. 塔河县 approves
    _login(page, base, "demo-tahe")
    page.goto(detail)
    page.fill("#id_county_approve-date", d(9))
    _submit(page, "act-county_approve")
    assert page.locator("#case-state").inner_text() == "监测中"
    assert "县级审定，纳入监测" in page.locator("#timeline").inner_text()

    # 5. all three home pages show it
    for username in ("demo-tahe", "demo-shibazhan", "demo-fendou"):
        if username != "demo-tahe":
            _logout(page, base)
            _login(page, base, username)
        page.goto(f"{base}/")
        assert "孙自申（奋斗村）监测中" in page.content(), username
