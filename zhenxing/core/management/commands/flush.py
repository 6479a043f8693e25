"""Django's flush, made possible for test databases only (the audit log is append-only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from zhenxing.audit.db import purge_allowed


class Command(DjangoFlush):
    def handle(self, **options):
        if not getattr(settings, "ALLOW_FLUSH", False):
            raise CommandError("审计日志只能追加：本系统不允许清空数据库（仅测试环境可用）。")
        with purge_allowed(connections[options["database"]]):
            return super().handle(**options)
