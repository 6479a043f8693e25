"""End-to-end in a real browser: Playwright driving Debian's Chromium."""

from __future__ import annotations

import io

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_village_cadre_logs_in_sees_chinese_home_and_logs_out(demo_data, live_server, browser_page):
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_portal_on_a_phone(live_server, browser_page):
    """No login, fits a 390-pixel screen, the hotline dials, a link opens and leads back."""
    from zhenxing.regions import demo as regions_demo
    from zhenxing.testing import make_world

    make_world()
    regions_demo.load(out=io.StringIO())
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=公众服务：自主申报、公示公开")
    page.wait_for_url(f"{live_server.url}/public/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("a.hotline").get_attribute("href") == "tel:12317"
    assert page.locator(".office-phones li").count() == 4
    page.click("text=防返贫监测帮扶自主申报")
    page.wait_for_url(f"{live_server.url}/public/apply")
    assert "/accounts/login/" not in page.url
    page.click("text=返回公共服务首页")
    page.wait_for_url(f"{live_server.url}/public/")
