"""Settings shared by every environment. Production overrides in production.py."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from zhenxing.lib.fonts import VENDORED_FONT

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Runtime files (SQLite database, uploads, reports) live under ZHENXING_HOME/var.
HOME_DIR = Path(os.environ.get("ZHENXING_HOME", Path.cwd())).resolve()
VAR_DIR = HOME_DIR / "var"

# The development defaults below are public (they are in this file): `zhenxing check --deploy`
# refuses them (zhenxing/core/checks.py).
DEV_SECRET_KEY = "zhenxing-development-key-not-for-production-use-0123456789"
DEV_ID_ENCRYPTION_KEY = "emhlbnhpbmctZGV2LWtleS1ub3QtZm9yLXByb2QhISE="
DEV_ID_HASH_KEY = "development-id-hash-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = os.environ.get("DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

# Order matters: demo loaders and home-page providers run in this order.
DOMAIN_APPS = [
    "zhenxing.core",
    "zhenxing.regions",
    "zhenxing.accounts",
    "zhenxing.audit",
    "zhenxing.calendar",
    "zhenxing.jobs",
    "zhenxing.mappings",
    "zhenxing.registry",
    "zhenxing.monitoring",
    "zhenxing.screening",
    "zhenxing.ledger",
    "zhenxing.funds",
    "zhenxing.assets",
    "zhenxing.people",
    "zhenxing.collective",
    "zhenxing.village",
    "zhenxing.field",
    "zhenxing.dashboard",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    "zhenxing.core.middleware.RealIPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "zhenxing.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhenxing.audit.middleware.AuditContextMiddleware",
    "zhenxing.accounts.middleware.IdleTimeoutMiddleware",
    "zhenxing.accounts.middleware.ForcePasswordChangeMiddleware",
    "zhenxing.accounts.middleware.ReadOnlyRoleMiddleware",
]

# Content-Security-Policy (ContentSecurityPolicyMiddleware; docs/security.md): scripts, styles,
# fonts, fetches and the field app's service worker from this site only; no inline script and no
# eval. Images may also be data: and blob: URLs (the field app's photo previews, the QR codes, the
# charts' saved pictures). Inline style attributes stay allowed (htmx's indicator style, ECharts).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Addresses of reverse proxies (nginx) whose X-Forwarded-For is believed; see RealIPMiddleware.
TRUSTED_PROXIES = [a for a in os.environ.get("TRUSTED_PROXIES", "").split(",") if a]

ROOT_URLCONF = "zhenxing.urls"
WSGI_APPLICATION = "zhenxing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhenxing.core.context_processors.shell",
            ],
            "builtins": ["zhenxing.core.templatetags.zx"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'zhenxing.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["zhenxing.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "zhenxing.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "zhenxing.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "zhenxing.accounts.validators.NotUsernameValidator"},
    {"NAME": "zhenxing.accounts.validators.StrengthValidator", "OPTIONS": {"min_score": 3}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# 等保2.0 level 3: lock an account after 5 failures for 15 minutes; sessions expire after 30 idle
# minutes. An address (a township office behind NAT) is throttled only after 50 failures in the
# same window, whichever accounts they named (accounts/lockout.py).
LOGIN_MAX_FAILURES = 5
LOGIN_LOCKOUT_SECONDS = 15 * 60
LOGIN_ADDRESS_MAX_FAILURES = 50
SESSION_IDLE_SECONDS = 30 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "zhenxing.core.views.csrf_failure"  # Chinese, in the site's frame
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "7"))  # revoked earlier on a password, role or region change

LANGUAGE_CODE = "zh-hans"
# Messages go through gettext (msgids are Chinese); add ("en", "English") here and
# django.middleware.locale.LocaleMiddleware once an English catalogue exists.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["zhenxing.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The vendored CJK font (the PDFs' font) is also the pages' last fallback, for a screen with no
# Chinese font installed; a browser fetches it only when no earlier font in the stack has the glyph.
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("zhenxing/fonts", VENDORED_FONT.parent)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# The Chinese font of PDFs and report charts (zhenxing/lib/fonts.py): the one shipped in the
# package unless ZHENXING_CJK_FONT names a system font file (.ttf, or the first face of a .ttc).
CJK_FONT_PATH = os.environ.get("ZHENXING_CJK_FONT") or str(VENDORED_FONT)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest file a page accepts (a county's household import); nginx's client_max_body_size in
# deploy/nginx-zhenxing.conf is the same.
UPLOAD_MAX_BYTES = 200 * 1024 * 1024
# Hostile files are refused before they are parsed (zhenxing/lib/tabular.py ``check_file``): rows
# of a sheet or CSV file (declared dimension and real count), an .xlsx's size once unzipped, and
# characters in one cell. Every import (page, API, command line) reads through that reader.
TABULAR_MAX_ROWS = int(os.environ.get("TABULAR_MAX_ROWS", "200000"))
TABULAR_MAX_UNZIPPED_BYTES = int(os.environ.get("TABULAR_MAX_UNZIPPED_BYTES", str(400 * 1024 * 1024)))
TABULAR_MAX_CELL = int(os.environ.get("TABULAR_MAX_CELL", "32767"))
# A department feed CSV (``zhenxing import-feed``) is streamed by DuckDB within
# SCREENING_DUCKDB_MEMORY, whatever its size: a month of a province's medical settlements is several
# GB. Its own byte cap (default 64 GB, about 700M rows) instead of UPLOAD_MAX_BYTES.
FEED_MAX_BYTES = int(os.environ.get("FEED_MAX_BYTES", str(64 * 1024**3)))

# Citizen ID numbers are encrypted at rest (see registry). Keys come from the environment in
# production: a comma-separated list, newest first, so that old ciphertexts stay readable
# while `zhenxing rotate-id-key` re-encrypts them.
ID_ENCRYPTION_KEYS = [k for k in os.environ.get("ID_ENCRYPTION_KEYS", DEV_ID_ENCRYPTION_KEY).split(",") if k]
ID_HASH_KEY = os.environ.get("ID_HASH_KEY", DEV_ID_HASH_KEY)

# Background jobs (zhenxing/jobs: imports, screening runs, reports, snapshot refreshes) started
# from a page: "worker" leaves them queued for `zhenxing worker` (production); "thread" runs them
# in a thread of the web process (demo and development: one process, nothing else to start; a
# restart interrupts the job); "inline" runs them inside the request (tests).
# SCREENING_RUNNER, the former setting, still chooses for screening runs (default: JOB_RUNNER).
JOB_RUNNER = os.environ.get("JOB_RUNNER") or os.environ.get("SCREENING_RUNNER") or "thread"
SCREENING_RUNNER = os.environ.get("SCREENING_RUNNER") or JOB_RUNNER
# A running job writes a heartbeat this often; one silent for two intervals lost its process
# (restart, kill) and is marked failed by the worker and the job pages.
JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_SECONDS", "10"))
# An uploaded file no job took (a preview never confirmed) is deleted after this many hours.
JOB_UPLOAD_HOURS = int(os.environ.get("JOB_UPLOAD_HOURS", "24"))
# The API's imports (POST /api/v1/imports/households, /api/v1/funds/imports/{kind}) run on the job
# queue like the pages' and wait this many seconds for their job: the report if it ended by then,
# else 202 with the job to follow at GET /api/v1/jobs/{id}.
API_IMPORT_WAIT = float(os.environ.get("API_IMPORT_WAIT", "20"))
# The 收入缺失 alert for income year Y is raised only after Y's income collection has closed: the
# yearly standard of Y says when (YearStandard.income_collection_closes); without it, this month
# and day of Y + 1.
SCREENING_INCOME_COLLECTION_CLOSES = os.environ.get("SCREENING_INCOME_COLLECTION_CLOSES", "03-31")
# The Spark path (`zhenxing screen --engine spark`, screening/spark.py): the master URL when --master
# is not given, and where the run's snapshot and hits are written (a path every executor can read).
SCREENING_SPARK_MASTER = os.environ.get("SCREENING_SPARK_MASTER", "local[2]")
SCREENING_SPARK_DIR = os.environ.get("SCREENING_SPARK_DIR", "")
# DuckDB's memory limit for feed imports and runs; beyond it DuckDB spills to SCREENING_DUCKDB_TEMP
# (default: its own temporary directory). Peak RSS stays within the limit plus a margin (docs/scaling.md).
SCREENING_DUCKDB_MEMORY = os.environ.get("SCREENING_DUCKDB_MEMORY", "4GB")
SCREENING_DUCKDB_TEMP = os.environ.get("SCREENING_DUCKDB_TEMP", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No full citizen ID in any log line (zhenxing/lib/logmask.py).
    "filters": {"mask_ids": {"()": "zhenxing.lib.logmask.IdMaskFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_ids"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
