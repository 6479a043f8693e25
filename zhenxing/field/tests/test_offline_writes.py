"""In Chromium at a phone's size (390×844): the other writes the field app queues offline — a
visit with a photo resized on the phone, the home check of an alert, a new measure in conflict
(merged), a new discovery (accepted, then one refused and editable) — and a logout from an
ordinary page wiping the phone's store."""

from __future__ import annotations

import pytest

from .test_browser import _idb_rows, _login, _ready


@pytest.fixture(autouse=True)
def _patient(browser_page):
    # sending a photo and two steps on a loaded 2-core machine can take longer than the default 30 s
    browser_page.set_default_timeout(90_000)


def _installed(page, base, case_id=None):
    page.goto(f"{base}/field/")
    _ready(page)
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    _ready(page)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    if case_id:
        page.wait_for_function(
            "caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k)"
            f".then(c => c.match('/field/cases/{case_id}/'))))).then(hits => hits.some(Boolean))"
        )


def _sent(page):
    page.wait_for_function("document.getElementById('field-message').textContent.includes('已上传')")


def _back_online(page):
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.querySelectorAll('.queue-item').length === 0")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_offline_visit_with_a_photo_and_an_alert_check_arrive(
    live_server, browser_page, w, fendou_case, issued_alert, tmp_path
):
    from PIL import Image

    from zhenxing.monitoring.models import Visit

    big = tmp_path / "现场.jpg"
    Image.new("RGB", (4000, 3000), (180, 120, 60)).save(big, "JPEG")
    page, base = browser_page, live_server.url
    _login(page, base, w.fendou.username)
    _installed(page, base, fendou_case.pk)
    alert_li = f'#alert-list li[data-alert-id="{issued_alert.pk}"]'
    page.wait_for_selector(alert_li)

    page.context.set_offline(True)
    page.goto(f"{base}/field/")
    _ready(page)
    page.click(f"{alert_li} button.alert-open")
    page.select_option(f"{alert_li} form [name=action]", "dismiss")
    page.fill(f"{alert_li} form [name=reason]", "入户核实：医疗费用已由大病保险报销")
    page.fill(f"{alert_li} form [name=evidence]", "报销单据已核对")
    page.click(f"{alert_li} form button[type=submit]")
    page.wait_for_selector('#queue-problems .queue-item.pending[data-kind="alert"]')
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.click(f'a[href="/field/cases/{fendou_case.pk}/"]')
    _ready(page)
    page.fill("#visit-form [name=content]", "离线走访：拍了住房照片")
    page.set_input_files("#visit-form [name=photos]", str(big))
    assert "1 张照片" in page.locator("#visit-form .photo-note").inner_text()
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(".queue-item.pending")
    assert "照片 1 张" in page.locator(".queue-item.pending").inner_text()
    assert not Visit.objects.filter(case=fendou_case).exists()

    _back_online(page)
    visit = Visit.objects.get(case=fendou_case)
    [photo] = visit.evidence.all()
    with Image.open(photo.file.path) as img:
        assert img.format == "JPEG" and max(img.size) == 1600
    issued_alert.refresh_from_db()
    assert issued_alert.state == "no_risk" and issued_alert.outcome_reason == "入户核实：医疗费用已由大病保险报销"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_measure_in_conflict_is_merged_not_overwritten(live_server, browser_page, w, fendou_case):
    from zhenxing.monitoring.models import MonitoringCase

    before = fendou_case.measures.count()
    page, base = browser_page, live_server.url
    _login(page, base, w.fendou.username)
    page.goto(f"{base}/field/cases/{fendou_case.pk}/")
    _ready(page)
    MonitoringCase.objects.filter(pk=fendou_case.pk).update(version=fendou_case.version + 1)
    page.click("#measure-box summary")
    page.select_option("#measure-form [name=category]", "100A39")
    page.fill("#measure-form [name=content]", "安排公益岗位")
    page.fill("#measure-form [name=unit]", "奋斗村委会")
    page.fill("#measure-form [name=person]", "王书记")
    page.click("#measure-form button[type=submit]")
    page.wait_for_selector(".queue-item.conflict")
    assert "离线期间该案件已有变化" in page.locator(".queue-item.conflict .detail").inner_text()
    assert fendou_case.measures.count() == before
    page.click(".queue-item.conflict button.merge")
    page.wait_for_selector("#measure-form .merge-note")
    assert "服务器上的最新情况" in page.locator("#measure-form .merge-note").inner_text()
    assert page.input_value("#measure-form [name=content]") == "安排公益岗位"
    assert page.input_value("#measure-form [name=version]") == str(fendou_case.version + 1)
    page.fill("#measure-form [name=content]", "安排公益岗位（护林员）")
    page.click("#measure-form button[type=submit]")
    _sent(page)
    assert fendou_case.measures.count() == before + 1
    assert fendou_case.measures.filter(content="安排公益岗位（护林员）").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_discovery_is_sent_and_a_refused_one_stays_editable(live_server, browser_page, w, fendou_case, tmp_path):
    from zhenxing.monitoring.models import MonitoringCase
    from zhenxing.registry.testing import make_household

    fresh = make_household(village=w.r.fendou)
    page, base = browser_page, live_server.url
    _login(page, base, w.fendou.username)
    page.goto(f"{base}/field/")
    _ready(page)

    def discover(household, text):
        page.evaluate("document.getElementById('discovery-box').open = true")
        page.fill("#discovery-form [name=household_search]", household.head_name)
        page.click(f'#discovery-form .choose-household:has-text("{household.number}")')
        page.select_option("#discovery-form [name=risk_types]", ["07"])
        page.fill("#discovery-form [name=description]", text)
        page.click("#discovery-form button[type=submit]")

    discover(fresh, "入户发现：户主因病丧失劳动能力")
    _sent(page)
    assert MonitoringCase.objects.filter(household=fresh, channel="cadre_visit").count() == 1

    discover(fendou_case.household, "重复登记")
    page.wait_for_selector(".queue-item.refused")
    assert "已有未办结的监测案件" in page.locator(".queue-item.refused .detail").inner_text()
    page.screenshot(path=str(tmp_path / "refused.png"), full_page=True)
    page.click(".queue-item.refused button.edit")
    assert page.input_value("#discovery-form [name=description]") == "重复登记"
    assert MonitoringCase.objects.filter(household=fendou_case.household).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_logout_from_an_ordinary_page_wipes_the_phone(live_server, browser_page, w, fendou_case):
    page, base = browser_page, live_server.url
    _login(page, base, w.fendou.username)
    _installed(page, base)
    assert _idb_rows(page, "store") > 0
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.click("form[action='/accounts/logout/'] button[type=submit]")
    assert "/accounts/login/" in page.url
    assert _idb_rows(page, "store") == -1
    assert page.evaluate("caches.keys().then(ks => ks.length)") == 0
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(rs => rs.length)") == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_logout_asks_first_while_records_wait(live_server, browser_page, w, fendou_case):
    page, base = browser_page, live_server.url
    _login(page, base, w.fendou.username)
    page.goto(f"{base}/field/cases/{fendou_case.pk}/")
    _ready(page)
    page.context.set_offline(True)
    page.fill("#visit-form [name=content]", "未上传的走访")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(".queue-item.pending")
    page.on("dialog", lambda dialog: dialog.dismiss())  # the user answers 取消
    with page.expect_event("dialog") as asked:
        page.click("#logout-form button[type=submit]")
    assert "1 条记录未上传" in asked.value.message
    assert _idb_rows(page, "queue") == 1  # kept: the user said no
