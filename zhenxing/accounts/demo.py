"""Demo accounts. The password is printed in the README; never use these in production."""

from __future__ import annotations

from django.db import transaction

from zhenxing.regions.models import Region

from .models import Department, Role, User

DEMO_PASSWORD = "Zhenxing@2022"

# username, role, region code, department, full name
DEMO_ACCOUNTS = [
    ("demo-diqu", Role.PREFECTURE_ADMIN, "232700000000", "", "地区乡村振兴局管理员"),
    ("demo-tahe", Role.COUNTY_STAFF, "232722000000", "", "塔河县乡村振兴局工作人员"),
    ("demo-shibazhan", Role.TOWNSHIP_STAFF, "232722200000", "", "十八站乡工作人员"),
    ("demo-fendou", Role.VILLAGE_CADRE, "232722200206", "", "奋斗村村干部"),
    ("demo-kaikukang", Role.VILLAGE_CADRE, "232722104201", "", "开库康村村干部"),
    ("demo-yibao", Role.DEPARTMENT_STAFF, "232700000000", Department.MEDICAL_INSURANCE, "地区医保局工作人员"),
    ("demo-nongye", Role.DEPARTMENT_STAFF, "232722000000", Department.AGRICULTURE, "塔河县农业农村局工作人员"),
    ("demo-ducha", Role.INSPECTOR, "232700000000", "", "地区督查人员"),
]


def account_lines() -> list[str]:
    names = {r.code: r.full_name(below=None) for r in Region.objects.filter(code__in=[a[2] for a in DEMO_ACCOUNTS])}
    lines = []
    for username, role, code, dept, _ in DEMO_ACCOUNTS:
        role_label = str(Role(role).label) + (f"·{Department(dept).label}" if dept else "")
        lines.append("\t".join([username, DEMO_PASSWORD, role_label, names.get(code, code)]))
    return lines


def load(*, out) -> None:
    regions = {r.code: r for r in Region.objects.filter(code__in=[a[2] for a in DEMO_ACCOUNTS])}
    created = 0
    with transaction.atomic():
        for username, role, code, dept, full_name in DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    role=role,
                    region=regions[code],
                    department=dept,
                    full_name=full_name,
                    must_change_password=False,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                created += 1
    out.write(f"演示账户：新增 {created} 个，共 {len(DEMO_ACCOUNTS)} 个\n")
