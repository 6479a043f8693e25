from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.test import RequestFactory

from zhenxing.accounts import services as account_services
from zhenxing.core.views import server_error
from zhenxing.testing import PASSWORD

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


def database_down():
    """Every query fails as it does when PostgreSQL is stopped: Django cannot get a connection."""
    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError(REFUSED))


def assert_no_internals(body: str) -> None:
    assert "Traceback" not in body and "OperationalError" not in body and "Connection refused" not in body


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
    assert response.json()["detail"] == "数据库无法连接"


def test_healthz_503_for_a_logged_in_browser_whose_session_cannot_be_read(client, w):
    client.force_login(w.fendou)  # the session middleware reads the database before the view
    client.raise_request_exception = False
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert_no_internals(response.content.decode())


@pytest.mark.parametrize("path", ["/", "/registry/", "/accounts/users/"])
def test_every_page_answers_a_chinese_503_and_the_log_keeps_the_cause(client, w, caplog, path):
    client.force_login(w.diqu)
    client.raise_request_exception = False
    with database_down(), caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "系统暂停服务" in body and "数据库暂时无法连接" in body
    assert_no_internals(body)
    causes = [r.exc_info[1] for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert causes and isinstance(causes[0], OperationalError) and REFUSED in str(causes[0])


def test_public_page_and_login_answer_503_when_database_unreachable(client, db):
    client.raise_request_exception = False
    with database_down():
        apply_page = client.get("/public/apply")  # the view's own query fails
        login = client.post("/accounts/login/", {"username": "t-fendou", "password": PASSWORD})
    for response in (apply_page, login):
        assert response.status_code == 503
        body = response.content.decode()
        assert "系统暂停服务" in body
        assert_no_internals(body)


def test_api_answers_json_503_in_chinese(client, w):
    key, _ = account_services.api_token_issue(user=w.fendou)
    client.raise_request_exception = False
    with database_down():
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert "数据库暂时无法连接" in response.json()["detail"]
    assert_no_internals(response.content.decode())


def test_other_errors_answer_a_chinese_500_without_details():
    request = RequestFactory().get("/registry/")
    try:
        raise RuntimeError("secret detail")
    except RuntimeError:
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and "系统内部错误" in body and "secret detail" not in body
    assert not response.has_header("Retry-After")


PROBE = """
import json
import django
django.setup()
from django.test import Client
c = Client(raise_request_exception=False)
out = {p: c.get(p, HTTP_AUTHORIZATION="Bearer zx_x") for p in ["/public/apply", "/healthz", "/api/v1/me"]}
print(json.dumps({p: [r.status_code, r.content.decode()] for p, r in out.items()}, ensure_ascii=False))
"""


def test_a_real_unreachable_postgresql_answers_503_everywhere():
    """psycopg's own connection error, as Django wraps it (nothing listens on port 1)."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/x",
        "DJANGO_SETTINGS_MODULE": "zhenxing.settings.test",
    }
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)
    assert {p: status for p, (status, _) in answers.items()} == {
        "/public/apply": 503,
        "/healthz": 503,
        "/api/v1/me": 503,
    }
    assert "系统暂停服务" in answers["/public/apply"][1]
    assert "数据库暂时无法连接" in json.loads(answers["/api/v1/me"][1])["detail"]
    for _, body in answers.values():
        assert_no_internals(body)
    assert "Connection refused" in result.stderr  # the log (stderr) keeps the cause


def test_vendored_assets_are_served_without_a_cdn(client, w):
    client.force_login(w.fendou)
    page = client.get("/").content.decode()
    assert "/static/zhenxing/zhenxing.css" in page and "/static/zhenxing/vendor/htmx-2.0.11.min.js" in page
    assert "http://" not in page.split("<body")[0] and "https://" not in page.split("<body")[0]
    from django.contrib.staticfiles import finders

    assert finders.find("zhenxing/zhenxing.css") and finders.find("zhenxing/vendor/htmx-2.0.11.min.js")
