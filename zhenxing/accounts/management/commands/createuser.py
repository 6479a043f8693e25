from __future__ import annotations

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhenxing.accounts import services
from zhenxing.accounts.models import Department, Role
from zhenxing.regions.models import Region


class Command(BaseCommand):
    help = "创建工作人员账户（首次登录须修改密码，除非指定 --no-force-change）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", required=True, help="所属区划代码（12位）")
        parser.add_argument("--department", default="", choices=["", *Department.values])
        parser.add_argument("--full-name", default="")
        parser.add_argument("--unit", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--password", help="不提供则交互输入")
        parser.add_argument("--no-force-change", action="store_true", help="不要求首次登录修改密码")

    def handle(self, *args, **opts):
        region = Region.objects.filter(code=opts["region"]).first()
        if region is None:
            raise CommandError(f"区划代码 {opts['region']} 不存在")
        password = opts["password"]
        if not password:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致")
        try:
            user = services.user_create(
                actor=None,
                username=opts["username"],
                password=password,
                region=region,
                role=opts["role"],
                full_name=opts["full_name"],
                department=opts["department"],
                unit=opts["unit"],
                phone=opts["phone"],
                must_change_password=not opts["no_force_change"],
            )
        except ValidationError as exc:
            raise CommandError("；".join(f"{k}：{'，'.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(f"已创建账户 {user.username}（{user.get_role_display()}，{region.full_name()}）")
