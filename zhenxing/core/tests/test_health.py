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
