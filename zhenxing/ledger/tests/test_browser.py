"""A village cadre on a phone reports an inspection finding fixed."""

from __future__ import annotations

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_village_cadre_reports_a_finding_fixed_on_a_phone(demo_data, live_server, browser_page):
    from zhenxing.ledger.models import ItemStatus, RectificationItem

    item = RectificationItem.objects.get(
        region__code="232722200206", source="inspection", problem__contains="帮扶责任人走访记录不全"
    )
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "demo-fendou")
    page.fill("#id_password", "Zhenxing@2022")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "帮扶责任人走访记录不全" in page.content()  # overdue on the home page
    page.goto(f"{live_server.url}/ledger/items/")
    page.click("text=帮扶责任人走访记录不全")
    page.click("summary:has-text('整改完成，报请核验')")
    page.fill("form:has(input[value=fix]) textarea[name=evidence]", "已补齐走访记录并经乡镇核对")
    page.click("form:has(input[value=fix]) button[type=submit]")
    page.wait_for_selector("text=已整改待核验")
    item.refresh_from_db()
    assert (item.status, item.evidence) == (ItemStatus.AWAITING_VERIFICATION, "已补齐走访记录并经乡镇核对")
