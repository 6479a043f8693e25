"""Every demo role, in Chromium, on a desktop and on a phone: log in, open every menu entry.

What a new user would meet: each menu entry opens a page of the site (no error page, no English
error), the phone's first screen is the page itself (the menu folded behind one button), no page
is wider than the phone, and the Content-Security-Policy blocks nothing on any of them (the
console reports each blocked script). Screenshots go to ZHENXING_SCREENSHOTS when it is set, for a person to look.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

PASSWORD = "Zhenxing@2022"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ERROR_HEADINGS = re.compile(r"没有权限|页面不存在|服务暂不可用|Forbidden|Not Found|Server Error|Traceback")


def _accounts() -> list[str]:
    from zhenxing.accounts.demo import account_lines

    return [line.split("\t")[0] for line in account_lines()]


def _shot(page, name: str) -> None:
    folder = os.environ.get("ZHENXING_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_role_opens_every_menu_entry_on_desktop_and_phone(demo_data, live_server, browser_page):
    page = browser_page
    context = page.context
    base = live_server.url
    problems: list[str] = []
    usernames = _accounts()
    assert len(usernames) >= 7
    for username in usernames:
        context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        _log_in(page, base, username)
        _shot(page, f"{username}-desktop-home")
        if not page.evaluate("document.getElementById('sidenav').open"):  # zhenxing/page.js opens it
            problems.append(f"{username} 桌面: 菜单未展开")
        links = page.eval_on_selector_all("nav.sidenav a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert links, f"{username}: 菜单为空"
        for href in dict.fromkeys(links):
            response = page.goto(f"{base}{href}" if href.startswith("/") else href)
            heading = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
            if response is None or response.status != 200:
                problems.append(f"{username} 桌面 {href}: HTTP {response.status if response else '无应答'}")
            elif not heading or ERROR_HEADINGS.search(heading):
                problems.append(f"{username} 桌面 {href}: 标题「{heading}」")
            else:
                _shot(page, f"{username}-desktop-{href.strip('/').replace('/', '_') or 'home'}")

        page.set_viewport_size(PHONE)
        page.goto(f"{base}/")
        _shot(page, f"{username}-phone-home")
        if page.evaluate("document.getElementById('sidenav') && document.getElementById('sidenav').open"):
            problems.append(f"{username} 手机: 菜单未折叠")
        h1_top = page.evaluate("document.querySelector('main h1').getBoundingClientRect().top")
        if h1_top > PHONE["height"]:
            problems.append(f"{username} 手机: 首屏看不到页面标题（在 {h1_top:.0f} 像素处）")
        for href in dict.fromkeys(links):
            page.goto(f"{base}{href}" if href.startswith("/") else href)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"] + 1:
                problems.append(f"{username} 手机 {href}: 页面宽 {width} 像素，超出屏幕")
        page.goto(f"{base}/")
        _shot(page, f"{username}-phone-menu-before")
        page.click("#sidenav > summary")
        assert page.evaluate("document.getElementById('sidenav').open")
        _shot(page, f"{username}-phone-menu")
    problems.extend(f"内容安全策略拦截 {m}" for m in page.csp_blocked)
    assert not problems, "\n".join(problems)
