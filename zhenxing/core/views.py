from __future__ import annotations

import logging
import sys
from collections import OrderedDict

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from zhenxing.accounts.access import public_view, staff_view
from zhenxing.lib.modules import pending_items

from . import outage

logger = logging.getLogger(__name__)


@staff_view()
def home(request):
    groups: OrderedDict[str, list] = OrderedDict()
    for item in pending_items(request.user):
        groups.setdefault(item.category, []).append(item)
    return render(request, "core/home.html", {"groups": groups})


UNREACHABLE = {"status": "error", "database": "unreachable", "detail": "数据库无法连接"}


@public_view
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach the database is a 503, never a stack trace
        # One line per probe: a load balancer asks every few seconds during an outage.
        logger.warning("健康检查：数据库无法连接：%s", outage.short_reason(exc))
        return JsonResponse(UNREACHABLE, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request) -> HttpResponse:
    """The site's handler500: every exception a view or a middleware did not handle ends here.

    A middleware cannot catch what the session and login middleware raise (Django turns each
    middleware's exception into a response before the next one sees it), so this handler is the
    one place. A database that cannot be reached is a 503 with a Chinese page (JSON under /api/
    and for /healthz); anything else a Chinese 500. Django's request logger has already logged
    the exception with its traceback (``django.request``, ERROR); the user sees none of it.
    With DEBUG=1 Django shows its own debug page instead.
    """
    if outage.db_error(sys.exc_info()[1]) is not None:
        status, heading, message = 503, "系统暂停服务", outage.MESSAGE
    else:
        status, heading, message = 500, "系统内部错误", "处理请求时出现错误，已记录。请稍后再试，或联系系统管理员。"
    if request.path == "/healthz":
        response: HttpResponse = JsonResponse(UNREACHABLE if status == 503 else {"status": "error"}, status=status)
    elif request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        context = {"heading": heading, "message": message}
        body = ""
        if status == 500:  # the database answers: the page keeps the site's menu
            try:
                body = render_to_string("core/error.html", context, request=request)
            except Exception:  # noqa: BLE001 - the menu needs the database; without it, the plain page
                body = ""
        if not body:
            try:  # without the request: no context processor, session or user may touch the database
                body = render_to_string("core/error.html", context)
            except Exception:  # noqa: BLE001 - the error page itself must not fail
                logger.exception("错误页面无法显示")
                body = (
                    f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><h1>{heading}</h1><p>{message}</p></html>'
                )
        response = HttpResponse(body, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response


# The site's 400, 403 and 404 pages: Chinese, inside the site's frame (menu included), with the
# reason the view gave when it gave one in Chinese (``PermissionDenied("您的角色无权访问此页面")``,
# ``Http404("该农户不在您的数据权限范围内")``). Django's own reasons are English ("No Household
# matches the given query.", the resolver's dict of tried patterns) and give way to a Chinese one.
ERRORS = {
    400: ("请求无效", "请求的内容不完整或格式不正确，请返回上一页重新操作。"),
    403: ("无权访问", "您的账户无权进行此操作。如确需办理，请联系上级或系统管理员。"),
    404: ("页面不存在", "您要找的页面或记录不存在，或不在您的数据权限范围内。"),
}


def _reason(exception, default: str) -> str:
    arg = exception.args[0] if exception is not None and exception.args else None
    return arg if isinstance(arg, str) and _has_chinese(arg) else default


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _error_page(request, status: int, exception=None) -> HttpResponse:
    heading, default = ERRORS[status]
    message = _reason(exception, default)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "core/error.html", {"heading": heading, "message": message}, status=status)


def bad_request(request, exception=None) -> HttpResponse:
    return _error_page(request, 400, exception)


def permission_denied(request, exception=None) -> HttpResponse:
    return _error_page(request, 403, exception)


def page_not_found(request, exception=None) -> HttpResponse:
    return _error_page(request, 404, exception)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """Settings' CSRF_FAILURE_VIEW: a form sent from a page that has expired (Django's reason is English)."""
    return _error_page(request, 403, PermissionDenied("页面已过期或来源无法确认，请刷新页面后重新提交。"))
