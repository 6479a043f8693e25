"""The public notice on a phone, without logging in: the table, the 12317 phone and the QR code."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pool_notice_on_a_phone(live_server, browser_page):
    from zhenxing.funds import services
    from zhenxing.funds.testing import make_project
    from zhenxing.testing import make_world

    w = make_world()
    p = make_project(w.r.fendou, status="approved", name="奋斗村中药材基地")
    services.disclosure_publish(
        actor=w.tahe,
        county=w.r.tahe,
        year=2022,
        kind="pool",
        period_start=dt.date(2022, 11, 1),
        period_end=dt.date(2022, 11, 10),
        board="village",
    )
    page = browser_page
    page.goto(f"{live_server.url}/public/funds/232722000000/2022/pool/")
    assert "/accounts/login/" not in page.url
    assert "塔河县2022年项目库" in page.locator("h1").inner_text()
    assert p.code in page.locator("table").inner_text()
    assert "12317" in page.content()
    qr = page.locator("figure.qr img")
    page.wait_for_function("() => document.querySelector('figure.qr img').naturalWidth > 0")
    assert qr.evaluate("img => img.naturalWidth") > 0
