"""Production settings: PostgreSQL, secrets from the environment, HTTPS only.

Run `DJANGO_SETTINGS_MODULE=zhenxing.settings.production zhenxing check --deploy`.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403

DEBUG = False


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"环境变量 {name} 未设置")
    return value


SECRET_KEY = _required("SECRET_KEY")
ID_ENCRYPTION_KEYS = [k for k in _required("ID_ENCRYPTION_KEYS").split(",") if k]
ID_HASH_KEY = _required("ID_HASH_KEY")
ALLOWED_HOSTS = [h for h in _required("ALLOWED_HOSTS").split(",") if h]
# Production is PostgreSQL: without DATABASE_URL it would quietly run on a SQLite file.
_required("DATABASE_URL")

SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
# Background jobs (imports, screening runs, reports, snapshot refreshes) are carried out by
# `zhenxing worker` (systemd or cron), never by a thread of a web worker that a restart or
# gunicorn's recycling would cut off.
JOB_RUNNER = os.environ.get("JOB_RUNNER") or os.environ.get("SCREENING_RUNNER") or "worker"
SCREENING_RUNNER = os.environ.get("SCREENING_RUNNER") or JOB_RUNNER
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405
