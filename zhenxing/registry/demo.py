"""Demo households: a few per demo village, deterministic, through the real services."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from zhenxing.regions.models import Level, Region

from . import idnumber, services
from .models import Household

PER_VILLAGE = 12
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "振华建国秀英桂兰玉梅志强海燕春生淑珍丽娟永红国庆明德凤兰文彬雪梅晓东春梅立新玉兰宝山金凤长青"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


def load(*, out) -> None:
    villages = list(Region.objects.filter(level=Level.VILLAGE, path__startswith="230000000000/232700000000/")
                    .order_by("code"))
    created = 0
    for village in villages:
        rng = random.Random(village.code)
        for i in range(1, PER_VILLAGE + 1):
            number = f"{village.code}{i:04d}"
            if Household.objects.filter(number=number).exists():
                continue
            poor = rng.random() < 0.35
            h = services.household_create(actor=None, number=number, village=village,
                                          address=f"{village.name}{i}号", phone=f"139{rng.randrange(10**8):08d}",
                                          formerly_poor=poor, exit_year=rng.choice([2016, 2017, 2018, 2019, 2020]) if poor else None,
                                          housing_safe=rng.random() > 0.04, water_safe=rng.random() > 0.03)
            size = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
            born_head = dt.date(rng.randrange(1950, 1990), rng.randrange(1, 13), rng.randrange(1, 28))
            specs = [("head", born_head, True)]
            if size > 1:
                specs.append(("spouse", born_head + dt.timedelta(days=rng.randrange(-1500, 1500)), False))
            for _ in range(size - len(specs)):
                child_born = dt.date(born_head.year + rng.randrange(22, 35), rng.randrange(1, 13), rng.randrange(1, 28))
                male = rng.random() < 0.5
                specs.append(("son" if male else "daughter", min(child_born, dt.date(2021, 12, 1)), male))
            for j, (relation, born, male) in enumerate(specs):
                age = 2022 - born.year
                schooling = ("preschool" if age < 6 else "compulsory" if age <= 15 else
                             "high_school" if age <= 18 else "not_in_school")
                health = rng.choices(["healthy", "chronic", "serious", "disabled"], [80, 12, 4, 4])[0]
                labour = ("none" if age < 16 or age > 70 else
                          rng.choices(["normal", "weak", "lost"], [85, 10, 5])[0])
                services.member_add(
                    actor=None, household=h, name=_name(rng), relation=relation, labour=labour, health=health,
                    schooling=schooling, work_status=rng.choice(["none", "in_county", "in_province", "out_of_province"])
                    if labour == "normal" else "none",
                    id_number=idnumber.make(region=village.code[:6], born=born, seq=(i * 7 + j) % 500, male=male),
                    date=dt.date(2021, 1, 1))
            wage = Decimal(rng.choice([0, 6000, 12000, 18000, 30000, 45000]))
            business = Decimal(rng.randrange(0, 20000))
            services.income_set(actor=None, household=h, year=2021, wage_income=wage, business_income=business,
                                property_income=Decimal(rng.randrange(0, 1500)),
                                transfer_income=Decimal(rng.randrange(500, 6000)),
                                business_cost=(business * Decimal("0.3")).quantize(Decimal("1")),
                                eligible_spending=Decimal(rng.randrange(0, 8000)))
            created += 1
    out.write(f"农户：新增 {created} 户\n")
