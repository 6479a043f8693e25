"""A visit queued on a phone: sent once or many times, it is recorded once; a stale case version
is a conflict (409, nothing written); a refused write answers with the Chinese reason."""

from __future__ import annotations

import base64
import datetime as dt

from django.utils import timezone

from zhenxing.monitoring.models import Visit


def _post(client, case, **body):
    payload = {"date": timezone.localdate().isoformat(), "changes": "家中老人住院，已申请医疗救助", **body}
    return client.post(f"/api/v1/cases/{case.pk}/visits", payload, content_type="application/json")


def test_a_resend_with_the_same_client_id_returns_the_first_visit(login, w, fendou_case):
    client = login(w.fendou)
    first = _post(client, fendou_case, client_id="c-1", version=fendou_case.version)
    assert first.status_code == 201, first.content
    again = _post(client, fendou_case, client_id="c-1", version=fendou_case.version)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Visit.objects.filter(case=fendou_case).count() == 1
    listed = client.get(f"/api/v1/cases/{fendou_case.pk}/visits").json()
    assert [v["id"] for v in listed] == [first.json()["id"]]


def test_another_client_id_is_another_visit(login, w, fendou_case):
    client = login(w.fendou)
    assert _post(client, fendou_case, client_id="c-1").status_code == 201
    assert _post(client, fendou_case, client_id="c-2").status_code == 201
    assert _post(client, fendou_case).status_code == 201  # the pages send none: never deduplicated
    assert _post(client, fendou_case).status_code == 201
    assert Visit.objects.filter(case=fendou_case).count() == 4


def test_a_stale_version_is_a_conflict_and_writes_nothing(login, w, fendou_case):
    r = _post(login(w.fendou), fendou_case, client_id="c-1", version=fendou_case.version - 1)
    assert r.status_code == 409
    assert "离线期间该案件已有变化" in r.json()["detail"]
    assert not Visit.objects.filter(case=fendou_case).exists()
    # keeping the change: sent again without the version
    assert _post(login(w.fendou), fendou_case, client_id="c-1").status_code == 201


def test_a_refused_visit_comes_back_in_chinese(login, w, make_case):
    case = make_case(w.r.fendou, to="discovered")
    r = _post(login(w.fendou), case, client_id="c-1", version=case.version)
    assert r.status_code == 422
    assert "纳入监测" in r.json()["detail"]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    monitored = make_case(w.r.fendou)
    r = _post(login(w.fendou), monitored, client_id="c-2", date=tomorrow)
    assert r.status_code == 422 and "走访日期不能晚于今天" in r.json()["detail"]


def test_another_villages_case_is_404_for_a_queued_visit(login, w, kaikukang_case):
    assert _post(login(w.fendou), kaikukang_case, client_id="c-1").status_code == 404
    assert not Visit.objects.filter(case=kaikukang_case).exists()


def test_session_auth_needs_the_csrf_header(w, fendou_case):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(w.fendou)
    assert _post(client, fendou_case, client_id="c-1").status_code == 403
    page = client.get("/field/")
    token = page.cookies["csrftoken"].value
    r = client.post(
        f"/api/v1/cases/{fendou_case.pk}/visits",
        {"date": timezone.localdate().isoformat(), "changes": "走访", "client_id": "c-1"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert r.status_code == 201, r.content


JPEG = (
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwS"
    "ExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k="
)


def test_photos_of_a_visit_are_stored_with_it(login, w, fendou_case):
    client = login(w.fendou)
    r = _post(client, fendou_case, client_id="p-1", photos=["data:image/jpeg;base64," + JPEG])
    assert r.status_code == 201, r.content
    visit = Visit.objects.get(case=fendou_case)
    [photo] = visit.evidence.all()
    assert photo.kind == "photo" and photo.content_type == "image/jpeg" and photo.case_id == fendou_case.pk


def test_bad_photo_data_is_refused_in_chinese_and_nothing_saved(login, w, fendou_case):
    r = _post(login(w.fendou), fendou_case, photos=["这不是照片"])
    assert r.status_code == 422 and "照片" in r.content.decode()
    r = _post(login(w.fendou), fendou_case, photos=[base64.b64encode(b"GIF89a....").decode()])
    assert r.status_code == 422 and "照片" in r.content.decode()
    assert not Visit.objects.filter(case=fendou_case).exists()


def test_a_measure_on_a_stale_case_version_is_a_conflict(login, w, fendou_case):
    client = login(w.fendou)
    body = {
        "category": "100A39",
        "content": "公益岗位",
        "unit": "村委会",
        "person": "张三",
        "start_on": timezone.localdate().isoformat(),
    }
    url = f"/api/v1/cases/{fendou_case.pk}/measures"
    before = fendou_case.measures.count()
    r = client.post(url, {**body, "version": fendou_case.version - 1}, content_type="application/json")
    assert r.status_code == 409 and "离线期间该案件已有变化" in r.json()["detail"]
    assert fendou_case.measures.count() == before
    r = client.post(url, {**body, "version": fendou_case.version}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert fendou_case.measures.count() == before + 1


def test_photos_of_a_home_check_are_stored_as_its_evidence(login, w, make_case):
    case = make_case(w.r.fendou, to="discovered")
    data = {
        "date": timezone.localdate().isoformat(),
        "kind": "100A03002",
        "risk_types": ["07"],
        "income_12m": "9000",
        "spending_12m": "3000",
        "coping": "partly",
        "authorisation_signed": True,
        "reason": "入户核实：情况属实",
    }
    r = login(w.fendou).post(
        f"/api/v1/cases/{case.pk}/transitions",
        {"name": "verify", "version": case.version, "data": data, "photos": [JPEG]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    [photo] = case.evidence.all()
    assert photo.kind == "photo" and photo.event.transition == "verify"
