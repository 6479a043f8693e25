"""In Chromium at a phone's size: the 奋斗村 cadre opens /field/ (the service worker installs),
goes offline, records a visit on a case page, comes back online and the visit is on the server;
a conflict offers keep/drop; a refused write stays editable; logging out wipes the phone's store."""

from __future__ import annotations

import pytest

PASSWORD = "Zhenxing@2022"


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/?next=/field/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _ready(page):
    page.wait_for_function("() => document.documentElement.dataset.fieldReady === '1'")


def _idb_rows(page, store):
    return page.evaluate(
        """(store) => new Promise((resolve) => {
            const req = indexedDB.open("zhenxing-field", 1);
            req.onsuccess = () => {
              const db = req.result;
              if (!db.objectStoreNames.contains(store)) { db.close(); resolve(-1); return; }
              const r = db.transaction(store).objectStore(store).count();
              r.onsuccess = () => { db.close(); resolve(r.result); };
            };
            req.onupgradeneeded = () => {};
        })""",
        store,
    )


def _api_visits(page, base, case_id):
    return page.evaluate(f"fetch('{base}/api/v1/cases/{case_id}/visits').then(r => r.json())")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_offline_visit_reaches_the_server(live_server, browser_page, w, fendou_case):
    from zhenxing.monitoring.models import Visit

    page, base = browser_page, live_server.url
    _login(page, base, w.fendou.username)
    page.goto(f"{base}/field/")
    _ready(page)
    assert page.locator('link[rel="manifest"]').count() == 1
    # the service worker controls the page (reload once it is active) and kept the case page
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    _ready(page)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        f"() => caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.match('/field/cases/{fendou_case.pk}/'))))).then(hits => hits.some(Boolean))"
    )
    assert _idb_rows(page, "store") > 0  # the village's households and cases, encrypted

    page.context.set_offline(True)
    page.goto(f"{base}/field/")
    _ready(page)
    assert page.locator("#net-status").inner_text() == "离线"
    page.click(f'a[href="/field/cases/{fendou_case.pk}/"]')
    _ready(page)
    page.fill("#visit-form [name=content]", "离线走访：家中无信号，收入情况稳定")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(".queue-item.pending")
    assert "无网络" in page.locator("#field-message").inner_text()
    assert not Visit.objects.filter(case=fendou_case).exists()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.querySelectorAll('.queue-item').length === 0")
    visits = _api_visits(page, base, fendou_case.pk)
    assert [v["changes"] for v in visits] == ["离线走访：家中无信号，收入情况稳定"]
    assert Visit.objects.get(case=fendou_case).client_id

    # logging out wipes the store on the phone
    page.goto(f"{base}/field/")
    _ready(page)
    with page.expect_navigation():
        page.click("#logout-form button[type=submit]")
    assert _idb_rows(page, "store") == -1
    assert page.evaluate("caches.keys().then(ks => ks.length)") == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_conflict_and_refusal_are_shown_and_kept(live_server, browser_page, w, fendou_case, make_case):
    from zhenxing.monitoring.models import MonitoringCase, Visit

    discovered = make_case(w.r.fendou, to="discovered")
    page, base = browser_page, live_server.url
    _login(page, base, w.fendou.username)

    # a conflict: the case moved on the server after the page was read
    page.goto(f"{base}/field/cases/{fendou_case.pk}/")
    _ready(page)
    MonitoringCase.objects.filter(pk=fendou_case.pk).update(version=fendou_case.version + 1)
    page.fill("#visit-form [name=content]", "走访时发现新情况")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(".queue-item.conflict")
    assert "离线期间该案件已有变化" in page.locator(".queue-item.conflict .detail").inner_text()
    assert not Visit.objects.filter(case=fendou_case).exists()
    page.click(".queue-item.conflict button.keep")
    page.wait_for_function("() => document.querySelectorAll('.queue-item').length === 0")
    assert Visit.objects.filter(case=fendou_case).count() == 1

    # a refusal: not yet monitored; the reason in Chinese, the record editable
    page.goto(f"{base}/field/cases/{discovered.pk}/")
    _ready(page)
    page.fill("#visit-form [name=content]", "核实前的走访")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(".queue-item.refused")
    assert "纳入监测" in page.locator(".queue-item.refused .detail").inner_text()
    page.click(".queue-item.refused button.edit")
    assert page.input_value("#visit-form [name=content]") == "核实前的走访"
    assert not Visit.objects.filter(case=discovered).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_offline_home_check_reaches_the_server(live_server, browser_page, w, make_case):
    from zhenxing.monitoring.models import MonitoringCase

    case = make_case(w.r.fendou, to="discovered")
    page, base = browser_page, live_server.url
    _login(page, base, w.fendou.username)
    page.goto(f"{base}/field/")
    _ready(page)
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    page.goto(f"{base}/field/cases/{case.pk}/")  # opened once with a signal: kept for offline use
    _ready(page)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.reload()
    _ready(page)
    page.select_option("#check-form [name=kind]", "100A03002")
    page.fill("#check-form [name=income_12m]", "9000")
    page.fill("#check-form [name=spending_12m]", "3000")
    page.select_option("#check-form [name=coping]", "partly")
    page.check("#check-form [name=authorisation_signed]")
    page.fill("#check-form [name=reason]", "入户核实：家庭收入下降，情况属实")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector(".queue-item.pending")
    assert MonitoringCase.objects.get(pk=case.pk).state == "discovered"

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.querySelectorAll('.queue-item').length === 0")
    case.refresh_from_db()
    assert case.state == "verified" and case.coping == "partly"
    timeline = page.evaluate(f"fetch('{base}/api/v1/cases/{case.pk}').then(r => r.json())")["timeline"]
    assert [e["transition"] for e in timeline if e["transition"] == "verify"] == ["verify"]
