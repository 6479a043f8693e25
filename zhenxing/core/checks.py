"""Deploy checks (`zhenxing check --deploy`): the public development keys, a short hash key, any host
and SQLite are refused, each with what to do, in Chinese."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

MIN_HASH_KEY = 32


def check_secrets(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    found = []
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        found.append(
            checks.Error(
                "SECRET_KEY 仍是公开的开发密钥", hint="在环境文件中设置随机生成的 SECRET_KEY", id="zhenxing.E101"
            )
        )
    if settings.DEV_ID_ENCRYPTION_KEY in settings.ID_ENCRYPTION_KEYS:
        found.append(
            checks.Error(
                "ID_ENCRYPTION_KEYS 含公开的开发密钥，身份证号等于未加密",
                hint="生成新密钥（见 docs/operations.md），用 zhenxing rotate-id-key 重新加密后移除开发密钥",
                id="zhenxing.E102",
            )
        )
    if settings.ID_HASH_KEY == settings.DEV_ID_HASH_KEY:
        found.append(
            checks.Error("ID_HASH_KEY 仍是公开的开发密钥", hint="设置随机生成的 ID_HASH_KEY", id="zhenxing.E103")
        )
    elif len(settings.ID_HASH_KEY) < MIN_HASH_KEY:
        found.append(
            checks.Error(
                f"ID_HASH_KEY 太短（{len(settings.ID_HASH_KEY)} 个字符，至少 {MIN_HASH_KEY} 个）",
                hint="设置至少 32 个字符的随机 ID_HASH_KEY",
                id="zhenxing.E104",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        found.append(
            checks.Error("ALLOWED_HOSTS 允许任何主机名", hint="只列出本系统的域名或内网地址", id="zhenxing.E105")
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        found.append(
            checks.Error(
                "生产环境使用的是 SQLite 文件数据库", hint="设置 DATABASE_URL 指向 PostgreSQL", id="zhenxing.E106"
            )
        )
    return found
