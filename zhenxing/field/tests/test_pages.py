"""The outside contract of /field/: an installable app (manifest, service worker), the user's
cases as links, a case page with the visit form; another village's case is not there (404)."""

from __future__ import annotations

import re

from zhenxing.monitoring.models import Helper


def test_home_links_a_manifest_and_lists_the_cadres_own_cases(login, w, fendou_case, kaikukang_case):
    r = login(w.fendou).get("/field/")
    assert r.status_code == 200
    html = r.content.decode()
    manifest = re.search(r'<link rel="manifest" href="([^"]+)"', html).group(1)
    assert f'href="/field/cases/{fendou_case.pk}/"' in html
    assert f"/field/cases/{kaikukang_case.pk}/" not in html
    assert 'data-sw="/field/sw.js"' in html and 'data-scope="/field/"' in html

    body = login(w.fendou).get(manifest).json()
    assert body["start_url"] == "/field/" and body["display"] == "standalone" and body["name"]
    for icon in body["icons"]:
        assert icon["src"].startswith("/static/") and icon["type"] == "image/png"


def test_manifest_and_service_worker_answer_without_login(client):
    # a browser fetches the manifest without cookies; neither carries personal data
    assert client.get("/field/manifest.webmanifest").status_code == 200
    r = client.get("/field/sw.js")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/field/"
    script = r.content.decode()
    assert "http://" not in script and "https://" not in script  # nothing from a CDN
    assert '"/field/"' in script


def test_home_asks_for_login(client):
    r = client.get("/field/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_case_page_has_the_visit_form(login, w, fendou_case):
    html = login(w.fendou).get(f"/field/cases/{fendou_case.pk}/").content.decode()
    form = re.search(r'<form id="visit-form".*?</form>', html, re.S).group(0)
    assert 'name="visited_on"' in form and 'name="content"' in form and 'type="submit"' in form
    assert f'data-version="{fendou_case.version}"' in html


def test_another_villages_case_is_404(login, w, kaikukang_case):
    assert login(w.fendou).get(f"/field/cases/{kaikukang_case.pk}/").status_code == 404


def test_only_village_cadres_and_helpers_use_it(login, w, fendou_case):
    assert login(w.shibazhan).get("/field/").status_code == 403
    assert login(w.ducha).get("/field/").status_code == 403
    # a township account named as a helper sees only the cases it helps with
    helper = Helper.objects.create(name="周帮扶", unit="乡政府", village=w.r.fendou, user=w.shibazhan)
    html = login(w.shibazhan).get("/field/").content.decode()
    assert f"/field/cases/{fendou_case.pk}/" not in html
    fendou_case.helper = helper
    fendou_case.save(update_fields=["helper"])
    html = login(w.shibazhan).get("/field/").content.decode()
    assert f"/field/cases/{fendou_case.pk}/" in html


def test_the_store_key_is_per_account(login, w):
    one = re.search(r'data-key="([^"]+)"', login(w.fendou).get("/field/").content.decode()).group(1)
    again = re.search(r'data-key="([^"]+)"', login(w.fendou).get("/field/").content.decode()).group(1)
    other = re.search(r'data-key="([^"]+)"', login(w.kaikukang).get("/field/").content.decode()).group(1)
    assert one == again != other
    assert len(__import__("base64").b64decode(one)) == 32


def test_the_home_check_form_only_where_the_step_is_open(login, w, fendou_case, make_case):
    discovered = make_case(w.r.fendou, to="discovered")
    html = login(w.fendou).get(f"/field/cases/{discovered.pk}/").content.decode()
    assert 'id="check-form"' in html and 'name="income_12m"' in html
    assert 'id="check-form"' not in login(w.fendou).get(f"/field/cases/{fendou_case.pk}/").content.decode()


def test_logout_from_any_page_asks_the_browser_to_wipe_the_site_storage(login, w):
    client = login(w.fendou)
    r = client.post("/accounts/logout/")
    assert r.status_code == 302
    assert r["Clear-Site-Data"] == '"cache", "storage"'
