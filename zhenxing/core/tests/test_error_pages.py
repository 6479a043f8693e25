"""400, 403 and 404 are pages of the site: Chinese, with the menu, and the reason the view gave."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.urls import path

from zhenxing import urls as root_urls
from zhenxing.accounts.access import staff_view


@staff_view()
def _refuses(request):
    raise PermissionDenied("只有县级工作人员可以审定")


@staff_view()
def _missing_chinese(request):
    raise Http404("该农户已迁出本村")


@staff_view()
def _missing_english(request):
    raise Http404("No Household matches the given query.")


@staff_view()
def _bad(request):
    raise SuspiciousOperation("Invalid characters in header")


@staff_view()
def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    *root_urls.urlpatterns,
    path("t/refuses/", _refuses),
    path("t/missing-zh/", _missing_chinese),
    path("t/missing-en/", _missing_english),
    path("t/bad/", _bad),
    path("t/broken/", _broken),
]
handler400 = root_urls.handler400
handler403 = root_urls.handler403
handler404 = root_urls.handler404
handler500 = root_urls.handler500


def _in_frame(response) -> str:
    body = response.content.decode()
    assert "工作台" in body and 'class="sidenav"' in body, "the error page keeps the site's menu"
    return body


def test_403_keeps_the_menu_and_says_the_views_reason(login, w):
    client = login(w.fendou)
    with override_settings(ROOT_URLCONF=__name__):
        response = client.get("/t/refuses/")
    assert response.status_code == 403
    body = _in_frame(response)
    assert "无权访问" in body and "只有县级工作人员可以审定" in body
    assert "Forbidden" not in body


def test_403_of_a_role_refused_by_staff_view_is_chinese(login, w):
    response = login(w.fendou).get("/audit/")
    assert response.status_code == 403
    # the page rule's own reason (core/audit_views.py), in the site's frame
    assert "审计日志仅地区管理员、督查人员和系统管理员查看" in _in_frame(response)


def test_404_says_the_views_chinese_reason(login, w):
    client = login(w.fendou)
    with override_settings(ROOT_URLCONF=__name__):
        response = client.get("/t/missing-zh/")
    assert response.status_code == 404
    assert "该农户已迁出本村" in _in_frame(response)


def test_404_with_djangos_english_reason_shows_a_chinese_one(login, w):
    client = login(w.fendou)
    with override_settings(ROOT_URLCONF=__name__):
        response = client.get("/t/missing-en/")
    body = _in_frame(response)
    assert response.status_code == 404
    assert "页面不存在" in body and "No Household" not in body


def test_unknown_address_is_a_chinese_404_with_the_menu(login, w):
    response = login(w.fendou).get("/no-such-page/")
    assert response.status_code == 404
    body = _in_frame(response)
    assert "页面不存在" in body and "Not Found" not in body and "tried" not in body


def test_400_is_chinese(login, w):
    client = login(w.fendou)
    with override_settings(ROOT_URLCONF=__name__):
        response = client.get("/t/bad/")
    assert response.status_code == 400
    assert "请求无效" in _in_frame(response)


def test_api_keeps_json_errors(login, w):
    response = login(w.fendou).get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_csrf_failure_is_chinese(w):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_error_handlers_answer_without_a_logged_in_user(db):
    from zhenxing.core.views import page_not_found

    request = RequestFactory().get("/x/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = page_not_found(request, Http404("记录不存在"))
    assert response.status_code == 404 and "记录不存在" in response.content.decode()


def test_500_is_chinese_and_keeps_the_menu_when_the_database_answers(login, w):
    client = login(w.fendou)
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=__name__):
        response = client.get("/t/broken/")
    assert response.status_code == 500
    body = _in_frame(response)
    assert "系统内部错误" in body and "boom" not in body and "Traceback" not in body
