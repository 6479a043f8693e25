from unittest import mock

from django.db.utils import OperationalError


def test_healthz_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_without_stack_trace_when_database_unreachable(client, db):
    with mock.patch("zhenxing.core.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.content.decode()
    assert "Traceback" not in body and "connection refused" not in body
    assert response.json()["database"] == "unreachable"


def test_vendored_assets_are_served_without_a_cdn(client, w):
    client.force_login(w.fendou)
    page = client.get("/").content.decode()
    assert "/static/zhenxing/zhenxing.css" in page and "/static/zhenxing/vendor/htmx-2.0.11.min.js" in page
    assert "http://" not in page.split("<body")[0] and "https://" not in page.split("<body")[0]
    from django.contrib.staticfiles import finders

    assert finders.find("zhenxing/zhenxing.css") and finders.find("zhenxing/vendor/htmx-2.0.11.min.js")
