"""End-to-end in a real browser: Playwright driving Debian's Chromium."""
from __future__ import annotations

import io

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_village_cadre_logs_in_sees_chinese_home_and_logs_out(live_server, browser_page):
    from zhenxing.core.management.commands.demo import demo_load

    demo_load(out=io.StringIO())
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "demo-fendou")
    page.fill("#id_password", "Zhenxing@2022")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "工作台"
    assert "奋斗村" in page.locator(".who-region").inner_text()
    assert "待办事项" in page.content()
    page.click("text=退出")
    page.wait_for_url("**/accounts/login/")
    assert "您已安全退出" in page.content()
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
