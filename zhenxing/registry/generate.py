"""Synthetic registry for the prefecture, deterministic for a seed, streamed to CSV.

Realistic mixes: household sizes 1–7 (mean ≈ 3), an ageing rural population, labour and health by
age, schooling by age, migrant work, ~25 % formerly poor households (exit years 2016–2020), and
per-capita net income log-normal (median ≈ 15,000 yuan) with a Pareto right tail, so that a few
percent fall below a 7,000 yuan threshold. ID numbers are valid (GB 11643) and unique: the county
prefix, the birth date and a per-(prefix, date, sex) sequence.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path

from . import idnumber
from .imports import HEADERS

REGION_DATA = Path(__file__).resolve().parent.parent / "regions" / "data"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
    "关吴孟于"
)
GIVEN_M = "振华建国志强海军春生明德文彬晓东立新宝山长青国庆永福德胜玉林俊杰子轩浩然宇航金龙铁柱福生"
GIVEN_F = "秀英桂兰玉梅海燕淑珍丽娟永红凤兰雪梅春梅玉兰金凤桂芝淑华秀云丽华欣怡紫涵雨萱梦琪佳怡"
YEAR = 2021  # the default income year
TODAY = dt.date(2022, 6, 30)  # birth dates count back from here: fixed, so ID numbers never change


def villages() -> list[dict]:
    """The demo villages with their township and county names (from the built-in region data)."""
    names: dict[str, tuple[str, str]] = {}
    for fname in ("regions-2327.csv", "villages-2327.csv"):
        with open(REGION_DATA / fname, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                names[row["code"]] = (row["name"], row["parent_code"])
    out = []
    with open(REGION_DATA / "villages-2327.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["level"] != "village":
                continue
            town_name, county_code = names[row["parent_code"]]
            out.append(
                {
                    "code": row["code"],
                    "village": row["name"],
                    "township": town_name,
                    "county": names[county_code][0],
                    "prefix": row["code"][:6],
                }
            )
    return out


def _pick(rng: random.Random, table: list[tuple[object, float]]):
    x = rng.random() * sum(w for _, w in table)
    for value, weight in table:
        x -= weight
        if x < 0:
            return value
    return table[-1][0]


SIZES = [(1, 12), (2, 30), (3, 25), (4, 18), (5, 10), (6, 4), (7, 1)]


class _Ids:
    def __init__(self):
        self.used: dict[tuple[str, dt.date, bool], int] = {}

    def make(self, prefix: str, born: dt.date, male: bool) -> str:
        while True:
            key = (prefix, born, male)
            seq = self.used.get(key, 0)
            if seq < 500:
                self.used[key] = seq + 1
                # from the top down, so test factories (registry.testing.new_id: 0–399) never collide
                return idnumber.make(region=prefix, born=born, seq=499 - seq, male=male)
            born += dt.timedelta(days=1)


def _born(rng: random.Random, age: int) -> dt.date:
    return TODAY - dt.timedelta(days=int(age * 365.25) + rng.randrange(0, 365))


def _member(rng, ids, prefix, relation, age, male) -> list[str]:
    age = max(0, min(age, 98))
    born = _born(rng, age)
    if age < 16 or age > 75:
        labour = "无劳动力"
    elif age > 60:
        labour = _pick(rng, [("弱劳动力", 50), ("普通劳动力", 35), ("丧失劳动力", 15)])
    else:
        labour = _pick(rng, [("普通劳动力", 85), ("弱劳动力", 9), ("丧失劳动力", 6)])
    old = age > 55
    health = _pick(
        rng,
        [
            ("健康", 62 if old else 88),
            ("长期慢性病", 28 if old else 7),
            ("大病", 5 if old else 2),
            ("残疾", 5 if old else 3),
        ],
    )
    if health in ("大病", "残疾") and labour == "普通劳动力" and rng.random() < 0.6:
        labour = "丧失劳动力" if health == "残疾" else "弱劳动力"
    if age < 6:
        school = "学龄前儿童"
    elif age <= 15:
        school = "辍学" if rng.random() < 0.002 else "义务教育在校生"
    elif age <= 18:
        school = _pick(rng, [("高中或中职在校生", 85), ("非在校生", 15)])
    elif age <= 22:
        school = _pick(rng, [("高等教育在校生", 45), ("非在校生", 55)])
    else:
        school = "非在校生"
    work = "未务工"
    if labour == "普通劳动力" and school == "非在校生":
        work = _pick(rng, [("省外务工", 20), ("省内县外务工", 20), ("县内务工", 30), ("未务工", 30)])
    name = (
        rng.choice(SURNAMES)
        + rng.choice(GIVEN_M if male else GIVEN_F)
        + (rng.choice(GIVEN_M if male else GIVEN_F) if rng.random() < 0.7 else "")
    )
    return [
        name,
        ids.make(prefix, born, male),
        relation,
        labour,
        health,
        school,
        work,
        "是" if rng.random() < 0.985 else "否",
    ]


def _household_members(rng, ids, prefix) -> list[list[str]]:
    size = _pick(rng, SIZES)
    head_age = int(min(90, max(24, rng.gauss(56, 13))))
    head_male = rng.random() < 0.82
    members = [_member(rng, ids, prefix, "户主", head_age, head_male)]
    if size >= 2 and rng.random() < 0.88:
        members.append(_member(rng, ids, prefix, "配偶", head_age + rng.randrange(-5, 6), not head_male))
    while len(members) < size:
        k = len(members)
        if head_age < 55 and k >= 4 and rng.random() < 0.5:
            male = rng.random() < 0.5
            members.append(
                _member(rng, ids, prefix, "之父" if male else "之母", head_age + rng.randrange(22, 32), male)
            )
            continue
        child_age = head_age - rng.randrange(20, 36)
        if child_age >= 0:
            male = rng.random() < 0.5
            members.append(_member(rng, ids, prefix, "之子" if male else "之女", child_age, male))
        else:
            male = rng.random() < 0.5
            members.append(_member(rng, ids, prefix, "兄弟姐妹", head_age + rng.randrange(-6, 7), male))
        if child_age > 45 and len(members) < size:
            male = rng.random() < 0.5
            members.append(
                _member(rng, ids, prefix, "之孙子" if male else "之孙女", child_age - rng.randrange(20, 30), male)
            )
    return members


def _income(rng: random.Random, living: int, workers: int) -> list[str]:
    per_capita = math.exp(rng.gauss(math.log(15000), 0.45))
    if rng.random() < 0.03:
        per_capita *= rng.paretovariate(1.6)  # the long right tail: a few rich households
    net = per_capita * living
    wage_share = min(0.85, 0.25 * workers + rng.random() * 0.2) if workers else rng.random() * 0.1
    transfer = net * (0.1 + rng.random() * 0.2)
    prop = net * rng.random() * 0.05
    wage = net * wage_share
    business_net = max(net - transfer - prop - wage, 0.0)
    business = business_net / 0.7
    cost = business - business_net
    spending = rng.random() * 4000 if rng.random() < 0.3 else 0.0
    return [f"{v:.2f}" for v in (wage, business, prop, transfer, cost, spending)]


def generate(*, households: int, seed: int, out_dir: Path, min_per_village: int = 12, year: int = YEAR) -> Path:
    """Write ``out_dir/households.csv`` (UTF-8, the template headers) with incomes of ``year``.
    Returns its path. Only the income year depends on ``year``: the same seed gives the same
    households, members and figures whatever the year."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "households.csv"
    rng = random.Random(seed)
    vs = villages()
    weights = [rng.uniform(0.5, 1.5) for _ in vs]
    guaranteed = min(min_per_village, households // len(vs))
    plan = [i for i in range(len(vs)) for _ in range(guaranteed)]
    plan += rng.choices(range(len(vs)), weights=weights, k=households - len(plan))
    seq = [0] * len(vs)
    ids = _Ids()
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        batch = []
        for vi in plan:
            v = vs[vi]
            seq[vi] += 1
            number = f"{v['code']}{seq[vi]:04d}"
            members = _household_members(rng, ids, v["prefix"])
            poor = rng.random() < 0.25
            workers = sum(1 for m in members if m[3] == "普通劳动力")
            household = (
                [
                    "是" if poor else "否",
                    str(rng.randrange(2016, 2021)) if poor else "",
                    f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                    str(year),
                ]
                + _income(rng, len(members), workers)
                + ["是" if rng.random() < 0.985 else "否", "是" if rng.random() < 0.99 else "否"]
            )
            for j, m in enumerate(members):
                # 户编号 县 乡镇 村 | 姓名 身份证号 关系 劳动 健康 在校 务工 医保 | household columns (户主 row only)
                row = [number, v["county"], v["township"], v["village"], *m]
                row += household if j == 0 else [""] * 12
                batch.append(row)
            if len(batch) >= 20000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)
    return path
