"""When the database cannot be reached.

Django raises ``django.db.utils.OperationalError`` or ``InterfaceError`` (the driver's errors,
psycopg's or sqlite3's, wrapped) when it cannot connect or loses the connection. Pages, the API
and ``/healthz`` answer 503 (``core.views.server_error``, the site's handler500); the ``zhenxing``
command prints one line and exits with ``EXIT_CODE`` (``zhenxing.cli``), so cron's next tick or
systemd's ``Restart=on-failure`` is the retry.
"""

from __future__ import annotations

from django.db.utils import InterfaceError, OperationalError

DB_UNREACHABLE = (OperationalError, InterfaceError)
EXIT_CODE = 3
MESSAGE = "数据库暂时无法连接，系统暂停服务，请稍后再试。如长时间无法使用，请联系系统管理员。"


def db_error(exc: BaseException | None) -> BaseException | None:
    """The database error behind ``exc``: itself, or one it was raised from or while handling."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DB_UNREACHABLE):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def short_reason(exc: BaseException) -> str:
    """The driver's first line (psycopg adds hints on further lines), at most 200 characters."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]
