"""Shared test world (after healthchecks' hc/test.py): named people at every level, so each
test reads as a sentence about who may do what.

- ``w.diqu``        prefecture admin (大兴安岭地区)
- ``w.tahe``        county staff (塔河县)
- ``w.huma``        county staff of a sibling county (呼玛县)
- ``w.shibazhan``   township staff (十八站鄂伦春族乡)
- ``w.kaikukang_town`` township staff of the sibling township (开库康镇)
- ``w.fendou``      village cadre (奋斗村)
- ``w.yongfeng``    village cadre of a sibling village in the same township (永丰村)
- ``w.kaikukang``   village cadre (开库康村)
- ``w.yibao``       line-department staff, 医保, prefecture level
- ``w.minzheng``    line-department staff, 民政, prefecture level
- ``w.ducha``       inspector (read-only), prefecture level
- ``w.r``           regions by short name: w.r.fendou, w.r.tahe, ...
"""

from __future__ import annotations

from types import SimpleNamespace

from zhenxing.accounts.models import Department, Role, User
from zhenxing.regions.models import Region
from zhenxing.regions.services import regions_load_builtin

PASSWORD = "Zhenxing@2022"

REGION_CODES = {
    "province": "230000000000",
    "diqu": "232700000000",
    "tahe": "232722000000",
    "huma": "232721000000",
    "mohe": "232701000000",
    "jiagedaqi": "232761000000",
    "shibazhan": "232722200000",
    "kaikukang_town": "232722104000",
    "fendou": "232722200206",
    "yongfeng": "232722200208",
    "kaikukang": "232722104201",
    "huma_village": "232721100201",
}

PEOPLE = [
    ("diqu", Role.PREFECTURE_ADMIN, "diqu", ""),
    ("tahe", Role.COUNTY_STAFF, "tahe", ""),
    ("huma", Role.COUNTY_STAFF, "huma", ""),
    ("shibazhan", Role.TOWNSHIP_STAFF, "shibazhan", ""),
    ("kaikukang_town", Role.TOWNSHIP_STAFF, "kaikukang_town", ""),
    ("fendou", Role.VILLAGE_CADRE, "fendou", ""),
    ("yongfeng", Role.VILLAGE_CADRE, "yongfeng", ""),
    ("kaikukang", Role.VILLAGE_CADRE, "kaikukang", ""),
    ("yibao", Role.DEPARTMENT_STAFF, "diqu", Department.MEDICAL_INSURANCE),
    ("minzheng", Role.DEPARTMENT_STAFF, "diqu", Department.CIVIL_AFFAIRS),
    ("ducha", Role.INSPECTOR, "diqu", ""),
]


def make_world() -> SimpleNamespace:
    regions_load_builtin()
    by_code = {r.code: r for r in Region.objects.filter(code__in=REGION_CODES.values())}
    w = SimpleNamespace(r=SimpleNamespace(**{k: by_code[c] for k, c in REGION_CODES.items()}))
    for name, role, region, dept in PEOPLE:
        user = User(
            username=f"t-{name}",
            role=role,
            region=by_code[REGION_CODES[region]],
            department=dept,
            full_name=name,
            must_change_password=False,
        )
        user.set_password(PASSWORD)
        user.save()
        setattr(w, name, user)
    return w
