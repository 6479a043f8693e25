"""End-to-end in a real browser: Playwright driving Debian's Chromium."""
from __future__ import annotations

import io
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    assert os.path.exists(CHROMIUM), "需要 Debian 的 chromium 软件包（.ci/run 会安装）"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")  # a phone
        yield page
        browser.close()


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
